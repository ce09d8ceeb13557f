package server

import (
	"net/netip"
	"strings"
	"testing"
)

func TestClientIP(t *testing.T) {
	t.Parallel()
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	cases := []struct {
		name   string
		remote string
		xff    []string
		want   string
	}{
		{"direct client", "198.51.100.7:5100", nil, "198.51.100.7"},
		{"direct client lying", "198.51.100.7:5100", []string{"1.2.3.4"}, "198.51.100.7"},
		{"through proxy", "10.0.0.2:443", []string{"198.51.100.7"}, "198.51.100.7"},
		{"client prepends a lie", "10.0.0.2:443", []string{"1.2.3.4, 198.51.100.7"}, "198.51.100.7"},
		{"two proxies", "10.0.0.2:443", []string{"198.51.100.7, 10.0.0.9"}, "198.51.100.7"},
		{"split header lines", "10.0.0.2:443", []string{"1.2.3.4", "198.51.100.7"}, "198.51.100.7"},
		{"garbage after client", "10.0.0.2:443", []string{"198.51.100.7, not-an-ip"}, "10.0.0.2"},
		{"only proxies", "10.0.0.2:443", []string{"10.0.0.3"}, "10.0.0.3"},
		{"proxy without header", "10.0.0.2:443", nil, "10.0.0.2"},
		{"ipv6 proxy", "[::1]:443", []string{"2001:db8::5"}, "2001:db8::5"},
		{"ipv4-mapped peer", "[::ffff:198.51.100.7]:5100", nil, "198.51.100.7"},
		{"unparseable peer", "pipe", nil, "pipe"},
	}
	for _, c := range cases {
		if got := clientIP(c.remote, c.xff, proxies); got != c.want {
			t.Errorf("%s: clientIP(%q, %q) = %q, want %q", c.name, c.remote, c.xff, got, c.want)
		}
	}
}

// FuzzClientIP checks that the client IP is always the peer or one of the forwarded entries,
// and never taken from the header when the peer is not a trusted proxy.
func FuzzClientIP(f *testing.F) {
	f.Add("10.0.0.2:443", "1.2.3.4, 198.51.100.7")
	f.Add("198.51.100.7:5100", "10.0.0.1")
	f.Add("[::1]:1", "::1,,::2")
	f.Add("x", "")
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	f.Fuzz(func(t *testing.T, remote, xff string) {
		got := clientIP(remote, []string{xff}, proxies)
		peer, peerOK := parseHost(remote)
		if !peerOK {
			if got != remote {
				t.Fatalf("unparseable peer %q gave %q", remote, got)
			}
			return
		}
		if !inAny(peer, proxies) {
			if got != peer.String() {
				t.Fatalf("untrusted peer %q: got %q from the header", remote, got)
			}
			return
		}
		if got == peer.String() {
			return
		}
		for _, hop := range strings.Split(xff, ",") {
			if a, ok := parseHost(strings.TrimSpace(hop)); ok && a.String() == got {
				return
			}
		}
		t.Fatalf("clientIP(%q, %q) = %q: neither the peer nor a forwarded entry", remote, xff, got)
	})
}

// FuzzRequestID checks that whatever a client sends, the request id that reaches logs and
// headers is 8–64 characters of a safe alphabet, and that a safe incoming id is kept.
func FuzzRequestID(f *testing.F) {
	for _, s := range []string{"", "mobile-7f3a-0001", "a b c d e f g h", `"><script>`, strings.Repeat("x", 65), "\r\nSet-Cookie: a=b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, incoming string) {
		id := requestID(incoming)
		if len(id) < 8 || len(id) > 64 || strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-") != "" {
			t.Fatalf("requestID(%q) = %q", incoming, id)
		}
		if validRequestID(incoming) && id != incoming {
			t.Fatalf("safe id %q replaced by %q", incoming, id)
		}
	})
}
