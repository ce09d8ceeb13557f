package server

import (
	"crypto/tls"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestR23_HealthzOverTLS12AndTLS13(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{}, nil, nil)
	for _, version := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		resp, err := ts.client(&tls.Config{MinVersion: version, MaxVersion: version}).Get(ts.url + "/healthz")
		if err != nil {
			t.Fatalf("%s: %v", tls.VersionName(version), err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: status %d", tls.VersionName(version), resp.StatusCode)
		}
		if resp.TLS == nil || resp.TLS.Version != version {
			t.Fatalf("%s requested, connection state %+v", tls.VersionName(version), resp.TLS)
		}
		if version == tls.VersionTLS12 && !slices.Contains(TLSConfig().CipherSuites, resp.TLS.CipherSuite) {
			t.Errorf("negotiated %s, not one of ours", tls.CipherSuiteName(resp.TLS.CipherSuite))
		}
	}
}

// handshake dials the server with cfg and reports the handshake's error.
func handshake(t *testing.T, ts *testServer, cfg *tls.Config) error {
	t.Helper()
	cfg.RootCAs = ts.pool
	cfg.ServerName = "127.0.0.1"
	conn, err := tls.Dial("tcp", ts.srv.Addr().String(), cfg)
	if err == nil {
		conn.Close()
	}
	return err
}

func TestR23_RefusesTLS11AndOlder(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{}, nil, nil)
	for _, version := range []uint16{tls.VersionTLS10, tls.VersionTLS11} {
		err := handshake(t, ts, &tls.Config{MinVersion: version, MaxVersion: version})
		if err == nil {
			t.Fatalf("%s handshake succeeded", tls.VersionName(version))
		}
		if !strings.Contains(err.Error(), "protocol version") {
			t.Errorf("%s refused for another reason: %v", tls.VersionName(version), err)
		}
	}
	// The same client allowed TLS 1.2 gets through: the refusal above is the version's.
	if err := handshake(t, ts, &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS12}); err != nil {
		t.Errorf("TLS 1.0–1.2 client refused: %v", err)
	}
}

func TestR23_RefusesCBCCipherSuites(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{}, nil, nil)
	cbc := []uint16{
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
		tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
		tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
	}
	if err := handshake(t, ts, &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: cbc}); err == nil {
		t.Error("TLS 1.2 handshake offering only CBC suites succeeded")
	}
	gcm := []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}
	if err := handshake(t, ts, &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: gcm}); err != nil {
		t.Errorf("TLS 1.2 handshake offering AES-GCM refused: %v", err)
	}
}

// The suite list is checked against Go's own description of each suite, not against itself.
func TestR23_TLSConfigAllowsOnlyForwardSecretAEADSuites(t *testing.T) {
	t.Parallel()
	cfg := TLSConfig()
	if cfg.MinVersion != tls.VersionTLS12 {
		t.Errorf("MinVersion = %s", tls.VersionName(cfg.MinVersion))
	}
	known := map[uint16]*tls.CipherSuite{}
	for _, s := range tls.CipherSuites() {
		known[s.ID] = s
	}
	for _, id := range cfg.CipherSuites {
		s, ok := known[id]
		if !ok {
			t.Errorf("suite %#04x is insecure or unknown to Go", id)
			continue
		}
		aead := strings.Contains(s.Name, "_GCM_") || strings.Contains(s.Name, "_CHACHA20_POLY1305")
		if !strings.HasPrefix(s.Name, "TLS_ECDHE_") || !aead {
			t.Errorf("suite %s is not ECDHE with an AEAD cipher", s.Name)
		}
	}
	if len(cfg.CipherSuites) == 0 {
		t.Error("no TLS 1.2 suites listed: Go's defaults would include CBC")
	}
}

func TestR23_PlainHTTPGetsNoAnswer(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{}, nil, nil)
	conn, err := net.Dial("tcp", ts.srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 512)
	n, _ := conn.Read(buf)
	// net/http answers a plain request on a TLS port with a 400 that says to use HTTPS, and
	// never serves the route.
	if strings.Contains(string(buf[:n]), `"status":"ok"`) {
		t.Errorf("plain HTTP served /healthz: %q", buf[:n])
	}
}

// Browsers speak HTTP/2; the restricted suite list must still allow it.
func TestHTTP2Negotiated(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{}, nil, nil)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ts.pool}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get(ts.url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ProtoMajor != 2 || resp.Header.Get("Strict-Transport-Security") == "" {
		t.Errorf("proto %s, headers %v", resp.Proto, resp.Header)
	}
}
