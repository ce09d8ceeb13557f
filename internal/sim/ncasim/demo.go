package ncasim

import (
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"

	"nesie.kz/nesie/internal/eds"
)

// The demo signer stands in for NCALayer in a browser that has none: it signs the given bytes
// with the SIGN key of a demo identity, issuing that identity a certificate the first time.
// It exists only for the demo and tests. A real client's key never leaves NCALayer; a server
// that signs for clients would make their signatures worthless, which is why Handler does not
// serve the route at all when Config.Production is set.
//
//	POST /demo/sign
//	{"iin": "900101300019", "surname": "…", "name": "…", "patronymic": "…",
//	 "bin": "…", "organization": "…", "role": "head" | "may_sign",
//	 "data": "<base64 bytes to sign>", "detached": true}
//
//	200 {"demo": true, "warning": "DEMO SIGNER …", "cms": "<base64>", "certificate": "<base64 DER>"}
//	400 {"error": "…"}
//
// The response also carries the header X-Nesie-Demo-Signer: true.

// DemoWarning marks every demo signature's answer.
const DemoWarning = "DEMO SIGNER: a test key held by the simulator signed this; it is not a client's EDS and is refused in production"

// DemoSignRequest is the body of POST /demo/sign.
type DemoSignRequest struct {
	IIN          string `json:"iin"`
	Surname      string `json:"surname,omitempty"`
	Name         string `json:"name,omitempty"`
	Patronymic   string `json:"patronymic,omitempty"`
	BIN          string `json:"bin,omitempty"`
	Organization string `json:"organization,omitempty"`
	Role         string `json:"role,omitempty"`
	Data         string `json:"data"`
	Detached     bool   `json:"detached"`
}

// DemoSignResponse is the answer of POST /demo/sign.
type DemoSignResponse struct {
	Demo        bool   `json:"demo"`
	Warning     string `json:"warning"`
	CMS         string `json:"cms"`
	Certificate string `json:"certificate"`
}

// maxDemoBody bounds the demo signer's request.
const maxDemoBody = 16 << 20

func (s *Simulator) serveDemoSign(w http.ResponseWriter, r *http.Request) {
	var req DemoSignRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, maxDemoBody)).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "body: not JSON"})
		return
	}
	resp, err := s.DemoSign(req)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	w.Header().Set("X-Nesie-Demo-Signer", "true")
	writeJSON(w, http.StatusOK, resp)
}

// DemoSign signs req.Data with the demo identity's SIGN key. It refuses in production.
func (s *Simulator) DemoSign(req DemoSignRequest) (DemoSignResponse, error) {
	if s.cfg.Production {
		return DemoSignResponse{}, errors.New("ncasim: the demo signer does not exist in production")
	}
	data, err := base64.StdEncoding.DecodeString(req.Data)
	if err != nil || len(data) == 0 {
		return DemoSignResponse{}, errors.New("data: base64 of the bytes to sign is required")
	}
	id := Identity{IIN: req.IIN, Surname: orDefault(req.Surname, "ДЕМО"), Name: orDefault(req.Name, "КЛИЕНТ"),
		Patronymic: req.Patronymic, BIN: req.BIN, Organization: req.Organization}
	if req.BIN != "" {
		id.Organization = orDefault(req.Organization, "ТОО «ДЕМО»")
		id.Roles = []eds.Role{eds.Role(orDefault(req.Role, string(eds.RoleMaySign)))}
		if !slices.Contains([]eds.Role{eds.RoleHead, eds.RoleMaySign, eds.RoleMaySignFinancial}, id.Roles[0]) {
			return DemoSignResponse{}, errors.New("role: head, may_sign or may_sign_financial")
		}
	}
	cert, key, err := s.demoKey(id)
	if err != nil {
		return DemoSignResponse{}, err
	}
	cms, err := eds.SignCMS(data, cert, key, s.cfg.Clock.Now(), req.Detached)
	if err != nil {
		return DemoSignResponse{}, err
	}
	return DemoSignResponse{Demo: true, Warning: DemoWarning,
		CMS: base64.StdEncoding.EncodeToString(cms), Certificate: base64.StdEncoding.EncodeToString(cert.Raw)}, nil
}

// demoKey finds a valid, unrevoked SIGN certificate issued here for the identity's IIN and BIN,
// or issues one.
func (s *Simulator) demoKey(id Identity) (*x509.Certificate, crypto.Signer, error) {
	now := s.cfg.Clock.Now()
	s.mu.Lock()
	for serial, rec := range s.issued {
		_, revoked := s.revoked[serial]
		if rec.identity.IIN == id.IIN && rec.identity.BIN == id.BIN && rec.purpose == eds.PurposeSign && !revoked &&
			rec.cert.KeyUsage&x509.KeyUsageContentCommitment != 0 &&
			!rec.ocspUnknown && now.After(rec.cert.NotBefore) && now.Before(rec.cert.NotAfter) &&
			slices.Equal(rolesOf(rec.identity), rolesOf(id)) {
			s.mu.Unlock()
			return rec.cert, rec.key, nil
		}
	}
	s.mu.Unlock()
	return s.Issue(id, Options{})
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
