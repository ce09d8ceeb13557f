package ncasim

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"sync"
	"time"

	"nesie.kz/nesie/internal/clock"
	"nesie.kz/nesie/internal/eds"
)

// Config configures a Simulator.
type Config struct {
	// Clock dates certificates, OCSP answers and CRLs. Required.
	Clock clock.Clock
	// Production switches the demo signer off: the route is not served at all, so a
	// configuration mistake cannot turn a demo key into a way to sign for a client.
	Production bool
	// BaseURL, when set, is written into issued certificates as the OCSP responder
	// (BaseURL+"/ocsp") and CRL distribution point (BaseURL+"/crl"), as НУЦ does. Verifiers in
	// Nesie use their configured addresses, not these.
	BaseURL string
}

// caValidity is how far the simulated CAs reach into the past and the future, wide enough for
// expired and not-yet-valid subject certificates to still sit inside the CA's own validity.
const caValidity = 10 * 365 * 24 * time.Hour

// authority is one CA: its certificate and key.
type authority struct {
	cert *x509.Certificate
	key  crypto.Signer
}

// revocation is a revoked serial.
type revocation struct {
	at     time.Time
	reason int
}

// Simulator is the test НУЦ. It is safe for concurrent use.
type Simulator struct {
	cfg       Config
	root      authority // trusted root
	nca       authority // issuing CA, issued by root
	responder authority // OCSP responder, certified by nca
	foreign   authority // a root nobody trusts
	ocsp      ocspFixed // the parts of every OCSP response that never change

	mu        sync.Mutex
	baseURL   string
	issued    map[string]*issued // by serial (hex)
	revoked   map[string]revocation
	crlNumber int64
}

// issued is what the simulator remembers of a certificate it issued.
type issued struct {
	cert        *x509.Certificate
	key         crypto.Signer
	identity    Identity
	purpose     eds.KeyPurpose
	ocspUnknown bool
}

// New makes the CA hierarchy: root → issuing CA → OCSP responder, and the untrusted root.
func New(cfg Config) (*Simulator, error) {
	if cfg.Clock == nil {
		return nil, errors.New("ncasim: no clock")
	}
	now := cfg.Clock.Now()
	s := &Simulator{cfg: cfg, baseURL: cfg.BaseURL, issued: map[string]*issued{}, revoked: map[string]revocation{}}
	var err error
	if s.root, err = selfSigned("НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ SIM", now); err != nil {
		return nil, err
	}
	if s.foreign, err = selfSigned("ЖАЛҒАН КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (UNTRUSTED)", now); err != nil {
		return nil, err
	}
	ncaKey, err := newECKey()
	if err != nil {
		return nil, err
	}
	ncaCert, err := s.root.sign(&x509.Certificate{
		Subject:   pkix.Name{CommonName: "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ SIM", Country: []string{"KZ"}},
		NotBefore: now.Add(-caValidity), NotAfter: now.Add(caValidity),
		IsCA: true, BasicConstraintsValid: true, MaxPathLenZero: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}, ncaKey.Public())
	if err != nil {
		return nil, err
	}
	s.nca = authority{cert: ncaCert, key: ncaKey}
	respKey, err := newECKey()
	if err != nil {
		return nil, err
	}
	respCert, err := s.nca.sign(&x509.Certificate{
		Subject:   pkix.Name{CommonName: "OCSP RESPONDER SIM", Country: []string{"KZ"}},
		NotBefore: now.Add(-caValidity), NotAfter: now.Add(caValidity),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning},
	}, respKey.Public())
	if err != nil {
		return nil, err
	}
	s.responder = authority{cert: respCert, key: respKey}
	if s.ocsp, err = newOCSPFixed(s.nca, s.responder); err != nil {
		return nil, err
	}
	return s, nil
}

// Roots returns the trusted root certificate: what a verifier's trust store is configured with.
func (s *Simulator) Roots() []*x509.Certificate { return []*x509.Certificate{s.root.cert} }

// Intermediates returns the issuing CA certificate.
func (s *Simulator) Intermediates() []*x509.Certificate { return []*x509.Certificate{s.nca.cert} }

// IssuingCA returns the issuing CA certificate: the issuer of every trusted subject certificate.
func (s *Simulator) IssuingCA() *x509.Certificate { return s.nca.cert }

// Trust builds an eds.Trust of the simulator's root and issuing CA.
func (s *Simulator) Trust() (*eds.Trust, error) {
	root, err := eds.ParseCertificateDER(s.root.cert.Raw)
	if err != nil {
		return nil, err
	}
	nca, err := eds.ParseCertificateDER(s.nca.cert.Raw)
	if err != nil {
		return nil, err
	}
	return eds.NewTrust([]*eds.Certificate{root}, []*eds.Certificate{nca})
}

// SetBaseURL sets the address written into certificates issued from now on (see
// Config.BaseURL); sim.Start only tells the address once the handler exists.
func (s *Simulator) SetBaseURL(url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.baseURL = url
}

// Revoke marks the certificate with serial revoked now, with an RFC 5280 reason code
// (0 unspecified, 1 keyCompromise, …). Only certificates this simulator issued can be revoked.
func (s *Simulator) Revoke(serial *big.Int, reason int) error {
	if serial == nil {
		return errors.New("ncasim: revoke: no serial")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := serial.Text(16)
	if _, ok := s.issued[key]; !ok {
		return fmt.Errorf("ncasim: revoke: serial %s was not issued here", key)
	}
	if _, done := s.revoked[key]; !done {
		// Seconds only: OCSP and CRL times carry no fraction, and both must tell the same time.
		s.revoked[key] = revocation{at: s.cfg.Clock.Now().UTC().Truncate(time.Second), reason: reason}
	}
	return nil
}

// Handler serves the simulator's endpoints (see the package comment).
func (s *Simulator) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /ocsp", s.serveOCSP)
	mux.HandleFunc("POST /ocsp/", s.serveOCSP)
	mux.HandleFunc("GET /crl", s.serveCRL)
	mux.HandleFunc("GET /ca/root.crt", s.serveCert(s.root.cert))
	mux.HandleFunc("GET /ca/nca.crt", s.serveCert(s.nca.cert))
	mux.HandleFunc("POST /cms/verify", s.serveCMSVerify)
	if !s.cfg.Production {
		mux.HandleFunc("POST /demo/sign", s.serveDemoSign)
	}
	return mux
}

func (s *Simulator) serveCert(c *x509.Certificate) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/pkix-cert")
		w.Write(c.Raw)
	}
}

// sign issues tmpl for pub under the authority; the serial is random when not set.
func (a authority) sign(tmpl *x509.Certificate, pub crypto.PublicKey) (*x509.Certificate, error) {
	if tmpl.SerialNumber == nil {
		serial, err := newSerial()
		if err != nil {
			return nil, err
		}
		tmpl.SerialNumber = serial
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, pub, a.key)
	if err != nil {
		return nil, fmt.Errorf("ncasim: issue %q: %w", tmpl.Subject.CommonName, err)
	}
	return x509.ParseCertificate(der)
}

func selfSigned(cn string, now time.Time) (authority, error) {
	key, err := newECKey()
	if err != nil {
		return authority{}, err
	}
	serial, err := newSerial()
	if err != nil {
		return authority{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: cn, Country: []string{"KZ"}},
		NotBefore: now.Add(-caValidity), NotAfter: now.Add(caValidity),
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return authority{}, fmt.Errorf("ncasim: root %q: %w", cn, err)
	}
	cert, err := x509.ParseCertificate(der)
	return authority{cert: cert, key: key}, err
}

func newECKey() (*ecdsa.PrivateKey, error) {
	return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
}

// newSerial is a random positive 20-byte-or-less serial, as RFC 5280 allows and НУЦ uses.
func newSerial() (*big.Int, error) {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 150))
	if err != nil {
		return nil, err
	}
	return n.Add(n, big.NewInt(1)), nil
}
