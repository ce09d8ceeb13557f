package device

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"strconv"
	"sync"
	"testing"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/reqctx"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// gate passes the checks it was told about, as the client package will for a biometric
// identification passed in this login.
type gate map[string]string // check id → client id

func (g gate) FreshBiometrics(_ context.Context, _ *store.Tx, clientID, check string) error {
	if g[check] != clientID || check == "" {
		return errors.New("no such fresh biometric check")
	}
	return nil
}

// notices records the security events asked for.
type notices struct {
	mu   sync.Mutex
	list []string
}

func (n *notices) SecurityEvent(_ context.Context, _ *store.Tx, clientID, kind string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.list = append(n.list, clientID+":"+kind)
	return nil
}

// phone is the app's side: a key pair in the phone's secure hardware.
type phone struct {
	alg    Algorithm
	signer crypto.Signer
	pub    []byte // as the platform exports it
	id     string // once registered
}

func newPhone(t *testing.T, alg Algorithm) *phone {
	t.Helper()
	switch alg {
	case Ed25519:
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return &phone{alg: alg, signer: priv, pub: pub}
	default:
		priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		der, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		return &phone{alg: alg, signer: priv, pub: der}
	}
}

// sign signs a request the way the app does, written here from the protocol's description
// rather than with CanonicalString, so that the test checks the function against the spec.
func (p *phone) sign(t *testing.T, method, uri string, body []byte, ts int64, nonce string) string {
	t.Helper()
	sum := sha256.Sum256(body)
	msg := "nesie-device-v1\n" + method + "\n" + uri + "\n" + hexString(sum[:]) + "\n" + strconv.FormatInt(ts, 10) + "\n" + nonce + "\n" + p.id
	var sig []byte
	var err error
	if p.alg == Ed25519 {
		sig, err = p.signer.Sign(rand.Reader, []byte(msg), crypto.Hash(0))
	} else {
		d := sha256.Sum256([]byte(msg))
		sig, err = p.signer.Sign(rand.Reader, d[:], crypto.SHA256)
	}
	if err != nil {
		t.Fatal(err)
	}
	return "v=1,device=" + p.id + ",ts=" + strconv.FormatInt(ts, 10) + ",nonce=" + nonce + ",sig=" + base64.RawURLEncoding.EncodeToString(sig)
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

type fixture struct {
	env     *storetest.Env
	svc     *Service
	notices *notices
}

func setup(t *testing.T, env *storetest.Env) *fixture {
	n := &notices{}
	svc := New(env.DB, audit.NewTrail(env.DB, nil), gate{"bio-1": "c1", "bio-2": "c2"}, n, Config{})
	return &fixture{env: env, svc: svc, notices: n}
}

func (f *fixture) register(t *testing.T, client, check string, p *phone) Device {
	t.Helper()
	d, err := f.svc.Register(context.Background(), Registration{
		ClientID: client, Name: "Test phone", Platform: Android, Algorithm: p.alg, PublicKey: p.pub, BiometricCheck: check,
	})
	if err != nil {
		t.Fatal(err)
	}
	p.id = d.ID
	return d
}

func (f *fixture) now() int64 { return f.env.Clock.Now().Unix() }

func asClient(id string) context.Context {
	return reqctx.WithActor(context.Background(), reqctx.Actor{Kind: reqctx.Client, ID: id})
}

func asStaff(id string) context.Context {
	return reqctx.WithActor(context.Background(), reqctx.Actor{Kind: reqctx.Staff, ID: id})
}

// nonce returns a fresh random nonce of 22 base64url characters.
func nonce() string {
	var b [16]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
