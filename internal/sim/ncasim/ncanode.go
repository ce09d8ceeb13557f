package ncasim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"time"

	"nesie.kz/nesie/internal/eds"
)

// The NCANode v3 API as this simulator speaks it, modelled on NCANode's sources
// (kz.ncanode.dto: CmsVerifyRequest, CmsVerificationResponse, CmsSignerInfo, CertificateInfo,
// CertificateSubject, CertificateRevocationStatus):
//
//	POST /cms/verify
//	{"cms": "<base64 CMS>", "data": "<base64 document, for a detached CMS>",
//	 "revocationCheck": ["OCSP", "CRL"]}
//
//	200 {"status": 200, "message": "OK", "valid": true,
//	     "signers": [{"certificates": [{
//	         "valid": true,
//	         "revocations": [{"revoked": false, "by": "OCSP"}, {"revoked": false, "by": "CRL"}],
//	         "notBefore": "2026-01-01T00:00:00.000+00:00", "notAfter": "…",
//	         "keyUsage": "SIGN" | "AUTH" | "UNKNOWN", "serialNumber": "<hex>",
//	         "signAlg": "SHA256withECDSA", "keyUser": ["INDIVIDUAL"] | ["ORGANIZATION", "CEO"] …,
//	         "publicKey": "<base64 SPKI>", "signature": "<base64>",
//	         "subject": {"commonName", "surName", "lastName" (the patronymic, G), "email",
//	                     "organization", "iin", "bin", "country", "locality", "state", "dn"},
//	         "issuer": {…}}],
//	       "tsp": null}]}
//	400 {"status": 400, "message": "<why>"}  — a CMS that cannot be read
//
// As in NCANode, revocation checking is opt-in: without revocationCheck a revoked certificate
// is reported valid with an empty "revocations"; an attached CMS is checked against its own
// content and "data" is ignored; a certificate is valid when the signature verifies, it is
// within its dates now, it chains to the root, and every requested revocation check says it is
// not revoked. The simulator checks revocation against its own records, where NCANode asks
// НУЦ's OCSP responder and CRLs. It cannot verify GOST signatures: those come back invalid.

// NCANodeVerifyRequest is the body of POST /cms/verify.
type NCANodeVerifyRequest struct {
	CMS             string   `json:"cms"`
	Data            string   `json:"data,omitempty"`
	RevocationCheck []string `json:"revocationCheck,omitempty"`
}

// NCANodeVerifyResponse is the answer of POST /cms/verify.
type NCANodeVerifyResponse struct {
	Status  int             `json:"status"`
	Message string          `json:"message"`
	Valid   bool            `json:"valid"`
	Signers []NCANodeSigner `json:"signers,omitempty"`
}

// NCANodeSigner is one signer of the CMS.
type NCANodeSigner struct {
	Certificates []NCANodeCertificate `json:"certificates"`
	TSP          *struct{}            `json:"tsp"`
}

// NCANodeCertificate is NCANode's CertificateInfo.
type NCANodeCertificate struct {
	Valid        bool                `json:"valid"`
	Revocations  []NCANodeRevocation `json:"revocations"`
	NotBefore    string              `json:"notBefore"`
	NotAfter     string              `json:"notAfter"`
	KeyUsage     string              `json:"keyUsage"`
	SerialNumber string              `json:"serialNumber"`
	SignAlg      string              `json:"signAlg"`
	KeyUser      []string            `json:"keyUser"`
	PublicKey    string              `json:"publicKey"`
	Signature    string              `json:"signature"`
	Subject      NCANodeSubject      `json:"subject"`
	Issuer       NCANodeSubject      `json:"issuer"`
}

// NCANodeRevocation is NCANode's CertificateRevocationStatus.
type NCANodeRevocation struct {
	Revoked        bool   `json:"revoked"`
	By             string `json:"by"`
	RevocationTime string `json:"revocationTime,omitempty"`
	Reason         string `json:"reason,omitempty"`
}

// NCANodeSubject is NCANode's CertificateSubject.
type NCANodeSubject struct {
	CommonName   string `json:"commonName,omitempty"`
	LastName     string `json:"lastName,omitempty"`
	SurName      string `json:"surName,omitempty"`
	Email        string `json:"email,omitempty"`
	Organization string `json:"organization,omitempty"`
	IIN          string `json:"iin,omitempty"`
	BIN          string `json:"bin,omitempty"`
	Country      string `json:"country,omitempty"`
	Locality     string `json:"locality,omitempty"`
	State        string `json:"state,omitempty"`
	DN           string `json:"dn,omitempty"`
}

// javaDate is how NCANode's Jackson writes a java.util.Date.
const javaDate = "2006-01-02T15:04:05.000-07:00"

// maxVerifyBody bounds the JSON read: a CMS with a document of several megabytes, in base64.
const maxVerifyBody = 32 << 20

func (s *Simulator) serveCMSVerify(w http.ResponseWriter, r *http.Request) {
	var req NCANodeVerifyRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, maxVerifyBody))
	if err := dec.Decode(&req); err != nil || req.CMS == "" {
		writeNCANodeError(w, "cms: must not be empty")
		return
	}
	cms, err := base64.StdEncoding.DecodeString(req.CMS)
	if err != nil {
		writeNCANodeError(w, "cms: not base64")
		return
	}
	var data []byte
	if req.Data != "" {
		if data, err = base64.StdEncoding.DecodeString(req.Data); err != nil {
			writeNCANodeError(w, "data: not base64")
			return
		}
	}
	resp, err := s.VerifyCMS(cms, data, slices.Contains(req.RevocationCheck, "OCSP"), slices.Contains(req.RevocationCheck, "CRL"))
	if err != nil {
		writeNCANodeError(w, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// VerifyCMS is what POST /cms/verify answers; an error means a CMS that cannot be read.
func (s *Simulator) VerifyCMS(cms, data []byte, checkOCSP, checkCRL bool) (NCANodeVerifyResponse, error) {
	sd, err := eds.ParseCMS(cms)
	if err != nil {
		return NCANodeVerifyResponse{}, err
	}
	if !sd.Detached {
		data = nil // NCANode checks an attached CMS against its own content
	} else if len(data) == 0 {
		return NCANodeVerifyResponse{}, errors.New("data: a detached CMS needs the data")
	}
	now := s.cfg.Clock.Now()
	trust, err := s.Trust()
	if err != nil {
		return NCANodeVerifyResponse{}, err
	}
	_, sigErr := eds.VerifyCMS(cms, data, eds.VerifyOptions{})
	resp := NCANodeVerifyResponse{Status: http.StatusOK, Message: "OK", Valid: sigErr == nil && len(sd.SignerInfos) > 0}
	for _, si := range sd.SignerInfos {
		var signer NCANodeSigner
		for _, c := range sd.Certificates {
			if !namesSigner(c, si) {
				continue
			}
			info := s.certificateInfo(c, sd.Certificates, trust, now, checkOCSP, checkCRL)
			info.Valid = info.Valid && sigErr == nil
			resp.Valid = resp.Valid && info.Valid
			signer.Certificates = append(signer.Certificates, info)
		}
		if len(signer.Certificates) == 0 {
			resp.Valid = false
		}
		resp.Signers = append(resp.Signers, signer)
	}
	return resp, nil
}

// namesSigner reports whether c is the certificate the signer info names.
func namesSigner(c *eds.Certificate, si eds.SignerInfo) bool {
	x := c.X509
	if si.SerialNumber != nil && x.SerialNumber != nil {
		return x.SerialNumber.Cmp(si.SerialNumber) == 0 && bytes.Equal(x.RawIssuer, si.Issuer)
	}
	return si.SubjectKeyID != nil && bytes.Equal(x.SubjectKeyId, si.SubjectKeyID)
}

// certificateInfo describes c the way NCANode does, with its validity now.
func (s *Simulator) certificateInfo(c *eds.Certificate, bag []*eds.Certificate, trust *eds.Trust, now time.Time, checkOCSP, checkCRL bool) NCANodeCertificate {
	x := c.X509
	subject, _ := eds.ParseSubject(x)
	_, chainErr := eds.VerifyChain(c, bag, trust, now)
	info := NCANodeCertificate{
		Valid:     chainErr == nil,
		NotBefore: x.NotBefore.UTC().Format(javaDate), NotAfter: x.NotAfter.UTC().Format(javaDate),
		KeyUsage:     keyUsageName(subject.Purpose),
		SerialNumber: x.SerialNumber.Text(16),
		SignAlg:      javaSignAlg(x.SignatureAlgorithm.String()),
		PublicKey:    base64.StdEncoding.EncodeToString(x.RawSubjectPublicKeyInfo),
		Signature:    base64.StdEncoding.EncodeToString(x.Signature),
		Subject: NCANodeSubject{
			CommonName: subject.CommonName, SurName: subject.Surname, LastName: subject.GivenName,
			Email: subject.Email, Organization: subject.Organization, IIN: subject.IIN, BIN: subject.BIN,
			Country: subject.Country, Locality: subject.Locality, State: subject.Province, DN: x.Subject.String(),
		},
		Issuer:      NCANodeSubject{CommonName: x.Issuer.CommonName, Country: first(x.Issuer.Country), DN: x.Issuer.String()},
		Revocations: []NCANodeRevocation{},
	}
	for _, r := range subject.Roles {
		info.KeyUser = append(info.KeyUser, keyUserName(r))
	}
	s.mu.Lock()
	key := x.SerialNumber.Text(16)
	rec, known := s.issued[key]
	known = known && bytes.Equal(rec.cert.Raw, x.Raw)
	rev, revoked := s.revoked[key]
	s.mu.Unlock()
	add := func(by string, ok bool) {
		entry := NCANodeRevocation{Revoked: revoked, By: by}
		if revoked {
			entry.RevocationTime, entry.Reason = rev.at.Format(javaDate), reasonName(rev.reason)
		}
		info.Revocations = append(info.Revocations, entry)
		info.Valid = info.Valid && ok && !revoked
	}
	if checkOCSP {
		add("OCSP", known && !rec.ocspUnknown)
	}
	if checkCRL {
		add("CRL", known)
	}
	return info
}

func keyUsageName(p eds.KeyPurpose) string {
	switch p {
	case eds.PurposeSign:
		return "SIGN"
	case eds.PurposeAuth:
		return "AUTH"
	}
	return "UNKNOWN"
}

// keyUserName is NCANode's CertificateKeyUser name of a role.
func keyUserName(r eds.Role) string {
	return map[eds.Role]string{
		eds.RoleIndividual: "INDIVIDUAL", eds.RoleLegalEntity: "ORGANIZATION", eds.RoleHead: "CEO",
		eds.RoleMaySign: "CAN_SIGN", eds.RoleMaySignFinancial: "CAN_SIGN_FINANCIAL", eds.RoleHR: "HR",
		eds.RoleEmployee: "EMPLOYEE",
	}[r]
}

// javaSignAlg writes Go's algorithm names the way Java's getSigAlgName does.
func javaSignAlg(goName string) string {
	if name, ok := map[string]string{
		"ECDSA-SHA256": "SHA256withECDSA", "ECDSA-SHA384": "SHA384withECDSA", "SHA256-RSA": "SHA256withRSA",
	}[goName]; ok {
		return name
	}
	return goName
}

func reasonName(code int) string {
	names := []string{"unspecified", "keyCompromise", "cACompromise", "affiliationChanged", "superseded",
		"cessationOfOperation", "certificateHold"}
	if code >= 0 && code < len(names) {
		return names[code]
	}
	return "unspecified"
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func writeNCANodeError(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusBadRequest, map[string]any{"status": http.StatusBadRequest, "message": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
