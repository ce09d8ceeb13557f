package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"nesie.kz/nesie/internal/biometric"
)

// answer is an HTTP answer: its status and body.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// errorBody is the shape of every error answer.
type errorBody struct {
	Error struct {
		Code          string `json:"code"`
		Message       string `json:"message"`
		Field         string `json:"field"`
		CorrelationID string `json:"correlation_id"`
	} `json:"error"`
}

// code returns the error code of an answer, "" when it is not an error answer.
func (a answer) code() string {
	var e errorBody
	_ = json.Unmarshal(a.body, &e)
	return e.Error.Code
}

func (a answer) field() string {
	var e errorBody
	_ = json.Unmarshal(a.body, &e)
	return e.Error.Field
}

// decode reads the answer's body into v, failing the test unless status is want.
func (a answer) decode(t *testing.T, want int, v any) {
	t.Helper()
	if a.status != want {
		t.Fatalf("status %d, want %d: %s", a.status, want, a.body)
	}
	if v != nil {
		if err := json.Unmarshal(a.body, v); err != nil {
			t.Fatalf("answer %s: %v", a.body, err)
		}
	}
}

// want fails unless the answer is an error with status and code.
func (a answer) want(t *testing.T, status int, code string) {
	t.Helper()
	if a.status != status || a.code() != code {
		t.Fatalf("got %d %q (%s), want %d %q", a.status, a.code(), a.body, status, code)
	}
}

// call sends a request; body is a string sent as is, or a value sent as JSON, or nil; header
// holds name, value pairs added to the request (a name given twice is sent twice).
func (w *world) call(t *testing.T, method, path, token string, body any, header ...string) answer {
	t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			t.Fatal(err)
		}
	}
	req, err := http.NewRequest(method, w.base+path, bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if raw != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	resp, err := w.http.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: out}
}

// smsMessage is one message in the simulator's inbox.
type smsMessage struct {
	To   string `json:"to"`
	Text string `json:"text"`
}

// inbox reads the phone's messages from the SMS simulator over HTTP, as the person reads
// their phone.
func (w *world) inbox(t *testing.T, phone string) []smsMessage {
	t.Helper()
	resp, err := http.Get(w.smsURL + "/v1/messages?to=" + url.QueryEscape(phone))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct {
		Messages []smsMessage `json:"messages"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	return list.Messages
}

var sixDigits = regexp.MustCompile(`\b[0-9]{6}\b`)

// lastCode returns the code in the newest message to phone that carries one.
func (w *world) lastCode(t *testing.T, phone string) string {
	t.Helper()
	msgs := w.inbox(t, phone)
	for i := len(msgs) - 1; i >= 0; i-- {
		if c := sixDigits.FindString(msgs[i].Text); c != "" {
			return c
		}
	}
	t.Fatalf("no code reached %s", phone)
	return ""
}

// challenge is the answer of a first step.
type challenge struct {
	ChallengeID string `json:"challenge_id"`
	Factor      string `json:"factor"`
	ExpiresAt   string `json:"expires_at"`
	SentTo      string `json:"sent_to"`
}

// session is the answer of a completed login.
type session struct {
	Token   string `json:"token"`
	Session struct {
		ID      string `json:"id"`
		Factor  string `json:"factor"`
		Current bool   `json:"current"`
	} `json:"session"`
}

// begin starts a login with the password and the factor and returns the challenge.
func (w *world) begin(t *testing.T, login, pw, factor string) challenge {
	t.Helper()
	var ch challenge
	w.call(t, "POST", "/api/v1/login", "", map[string]string{"login": login, "password": pw, "factor": factor}).decode(t, http.StatusCreated, &ch)
	return ch
}

// login signs the client in with the SMS code it reads from its phone and returns the token.
func (w *world) login(t *testing.T) session {
	t.Helper()
	return w.loginAs(t, clientPhone)
}

// loginAs signs in the client with phone (and the common test password).
func (w *world) loginAs(t *testing.T, phone string) session {
	t.Helper()
	return w.loginAsWith(t, phone, password)
}

// loginAsWith signs in with phone and pw and the SMS code the phone receives.
func (w *world) loginAsWith(t *testing.T, phone, pw string) session {
	t.Helper()
	ch := w.begin(t, phone, pw, "sms")
	var s session
	w.call(t, "POST", "/api/v1/login/"+ch.ChallengeID+"/complete", "", map[string]string{"code": w.lastCode(t, phone)}).decode(t, http.StatusCreated, &s)
	return s
}

// perform acts the person's part of a biometric identification at the provider: the movements
// asked for, in order, in front of a camera showing their face.
func (w *world) perform(t *testing.T, providerSessionID string, moves []string, frame []byte) {
	t.Helper()
	seq := make(biometric.Sequence, len(moves))
	for i, m := range moves {
		seq[i] = biometric.Movement(m)
	}
	if err := w.bioHTTP.Perform(context.Background(), providerSessionID, seq, frame); err != nil {
		t.Fatalf("perform: %v", err)
	}
}

// face returns the reference photo of the seeded identity iin: the person themselves.
func (w *world) face(t *testing.T, iin string) []byte {
	t.Helper()
	id, ok := w.bio.Identity(iin)
	if !ok {
		t.Fatalf("%s is not a seeded identity", iin)
	}
	return id.Reference
}

// bioSession is an identification to perform.
type bioSession struct {
	BiometricSessionID string   `json:"biometric_session_id"`
	ProviderSessionID  string   `json:"provider_session_id"`
	Movements          []string `json:"movements"`
}
