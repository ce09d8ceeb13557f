package ncasim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"nesie.kz/nesie/internal/eds"
)

func TestDemoSignerSignsForTheIdentity(t *testing.T) {
	s, srv, clk := startSim(t, false)
	doc := []byte("договор")
	body, _ := json.Marshal(DemoSignRequest{IIN: clientIIN, Surname: "СЫНАҚОВ", Name: "АЙДАР",
		Data: base64.StdEncoding.EncodeToString(doc), Detached: true})
	resp, out := post(t, srv.URL+"/demo/sign", "application/json", body)
	if resp.StatusCode != 200 || resp.Header.Get("X-Nesie-Demo-Signer") != "true" {
		t.Fatalf("HTTP %d %s", resp.StatusCode, out)
	}
	var ans DemoSignResponse
	if err := json.Unmarshal(out, &ans); err != nil || !ans.Demo || !strings.Contains(ans.Warning, "DEMO") {
		t.Fatalf("answer %s (%v)", out, err)
	}
	cms, _ := base64.StdEncoding.DecodeString(ans.CMS)
	trust, _ := s.Trust()
	res, err := eds.VerifyCMS(cms, doc, eds.VerifyOptions{RequireSigningTime: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eds.VerifyChain(res.Signer, nil, trust, clk.Now()); err != nil {
		t.Fatal(err)
	}
	if sub, _ := eds.ParseSubject(res.Signer.X509); sub.IIN != clientIIN || sub.Purpose != eds.PurposeSign {
		t.Errorf("signed as %+v", sub)
	}
	// A second signature reuses the identity's key.
	again, err := s.DemoSign(DemoSignRequest{IIN: clientIIN, Data: base64.StdEncoding.EncodeToString(doc)})
	if err != nil || again.Certificate != ans.Certificate {
		t.Errorf("second demo signature used another certificate (%v)", err)
	}
}

func TestDemoSignerRefusedInProduction(t *testing.T) {
	s, srv, _ := startSim(t, true)
	body, _ := json.Marshal(DemoSignRequest{IIN: clientIIN, Data: base64.StdEncoding.EncodeToString([]byte("x"))})
	resp, out := post(t, srv.URL+"/demo/sign", "application/json", body)
	if resp.StatusCode != http.StatusNotFound || bytes.Contains(out, []byte(`"cms"`)) {
		t.Fatalf("production demo signer answered HTTP %d %s", resp.StatusCode, out)
	}
	if _, err := s.DemoSign(DemoSignRequest{IIN: clientIIN, Data: base64.StdEncoding.EncodeToString([]byte("x"))}); err == nil {
		t.Fatal("DemoSign signed in production")
	}
}
