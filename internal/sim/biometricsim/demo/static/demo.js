// The demo page of the ЦОИД simulator. The tester acts the control movements out, pressing
// each movement's button as it is performed (the order of the presses is what is sent), and
// sends a frame: a camera snapshot when there is a camera, otherwise the identity's demo
// selfie or a stranger's photo. No inline script: the page's Content-Security-Policy forbids it.
"use strict";

(function () {
  const root = document.getElementById("demo");
  const seenOut = document.getElementById("seen");
  const status = document.getElementById("status");
  const cameraStatus = document.getElementById("camera-status");
  const buttons = Array.from(document.querySelectorAll("button.movement"));
  let seen = [];
  let cameraFrame = "";

  function showSeen() {
    seenOut.textContent = seen.length ? seen.join(" → ") : "—";
  }

  buttons.forEach(function (b) {
    b.addEventListener("click", function () {
      seen.push(b.dataset.movement);
      b.disabled = true;
      b.classList.add("done");
      showSeen();
    });
  });

  document.getElementById("restart").addEventListener("click", function () {
    seen = [];
    buttons.forEach(function (b) {
      b.disabled = false;
      b.classList.remove("done");
    });
    showSeen();
    status.textContent = "";
  });

  // The camera is offered only when the browser has one; without it the tester acts out.
  const media = navigator.mediaDevices;
  if (media && media.enumerateDevices && media.getUserMedia) {
    media.enumerateDevices().then(function (devices) {
      if (devices.some(function (d) { return d.kind === "videoinput"; })) {
        document.getElementById("camera").hidden = false;
      } else {
        cameraStatus.textContent = "Камера не найдена: выберите источник кадра ниже. / Камера табылмады: төменнен кадр көзін таңдаңыз.";
      }
    }, function () {
      cameraStatus.textContent = "Камера недоступна. / Камера қолжетімсіз.";
    });
  } else {
    cameraStatus.textContent = "Браузер не даёт доступ к камере. / Браузер камераға рұқсат бермейді.";
  }

  const video = document.getElementById("video");
  const capture = document.getElementById("capture");
  document.getElementById("camera-on").addEventListener("click", function () {
    media.getUserMedia({ video: true, audio: false }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      capture.disabled = false;
    }, function (err) {
      cameraStatus.textContent = "Камера недоступна (" + err.name + "). / Камера қолжетімсіз.";
    });
  });

  capture.addEventListener("click", function () {
    const canvas = document.getElementById("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d").drawImage(video, 0, 0);
    cameraFrame = canvas.toDataURL("image/jpeg", 0.85).split(",")[1] || "";
    canvas.hidden = false;
    const choice = document.querySelector('input[name="frame"][value="camera"]');
    document.getElementById("camera-choice").hidden = false;
    choice.disabled = false;
    choice.checked = true;
  });

  function frame() {
    const choice = document.querySelector('input[name="frame"]:checked').value;
    if (choice === "camera") {
      return cameraFrame;
    }
    return choice === "stranger" ? root.dataset.stranger : root.dataset.selfie;
  }

  function say(text, ok) {
    status.textContent = text;
    status.className = ok ? "ok" : "bad";
  }

  const base = "/v1/sessions/" + encodeURIComponent(root.dataset.session);
  document.getElementById("send").addEventListener("click", function () {
    say("Отправка… / Жіберілуде…", true);
    fetch(base + "/performance", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ movements: seen, frame: frame() })
    }).then(function (resp) {
      return resp.json().then(function (body) {
        if (!resp.ok) {
          throw new Error(resp.status + " " + (body.error || "") + ": " + (body.message || ""));
        }
        return fetch(base + "/result").then(function (r) { return r.json(); }).then(function (result) {
          return { sent: body.status, result: result };
        });
      });
    }).then(function (answer) {
      const result = answer.result;
      say("Отправлено / Жіберілді: " + answer.sent + ". Живость / Тірілік: " +
        (result.liveness_passed ? "да / иә" : "нет / жоқ") +
        "; сходство / ұқсастық: " + result.similarity_permille + "‰", true);
      root.dataset.sent = "true";
    }).catch(function (err) {
      say("Ошибка / Қате: " + err.message, false);
      root.dataset.sent = "error";
    });
  });

  showSeen();
}());
