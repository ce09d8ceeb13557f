package ncasim

import (
	"encoding/base64"
	"encoding/json"
	"testing"

	"nesie.kz/nesie/internal/eds"
)

func TestNCANodeVerifyAnswersInNCANodeShape(t *testing.T) {
	s, srv, clk := startSim(t, false)
	cert, key, _ := s.Issue(individual(), Options{})
	doc := []byte("Заявление о регистрации")
	cms, err := eds.SignCMS(doc, cert, key, clk.Now(), true)
	if err != nil {
		t.Fatal(err)
	}
	ask := func(checks []string) map[string]any {
		body, _ := json.Marshal(map[string]any{"cms": base64.StdEncoding.EncodeToString(cms),
			"data": base64.StdEncoding.EncodeToString(doc), "revocationCheck": checks})
		resp, out := post(t, srv.URL+"/cms/verify", "application/json", body)
		if resp.StatusCode != 200 {
			t.Fatalf("HTTP %d: %s", resp.StatusCode, out)
		}
		var m map[string]any
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	m := ask([]string{"OCSP", "CRL"})
	c := m["signers"].([]any)[0].(map[string]any)["certificates"].([]any)[0].(map[string]any)
	subject := c["subject"].(map[string]any)
	if m["valid"] != true || c["valid"] != true || c["keyUsage"] != "SIGN" || subject["iin"] != clientIIN ||
		subject["lastName"] != "БОЛАТҰЛЫ" || c["serialNumber"] != cert.SerialNumber.Text(16) {
		t.Fatalf("answer %v", m)
	}
	if users := c["keyUser"].([]any); len(users) != 1 || users[0] != "INDIVIDUAL" {
		t.Errorf("keyUser %v", users)
	}
	if revs := c["revocations"].([]any); len(revs) != 2 {
		t.Errorf("revocations %v", revs)
	}

	s.Revoke(cert.SerialNumber, 1)
	if m := ask([]string{"OCSP", "CRL"}); m["valid"] != false {
		t.Errorf("revoked certificate reported valid with checks: %v", m)
	}
	// As in NCANode, revocation checking is opt-in: without it a revoked certificate passes.
	// This is why Nesie's client always asks for both checks and refuses an answer without them.
	m = ask(nil)
	c = m["signers"].([]any)[0].(map[string]any)["certificates"].([]any)[0].(map[string]any)
	if m["valid"] != true || len(c["revocations"].([]any)) != 0 {
		t.Errorf("without revocationCheck: %v", m)
	}

	resp, _ := post(t, srv.URL+"/cms/verify", "application/json", []byte(`{"cms":"!!"}`))
	if resp.StatusCode != 400 {
		t.Errorf("bad base64 answered %d", resp.StatusCode)
	}
}
