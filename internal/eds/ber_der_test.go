package eds

import (
	"bytes"
	"testing"
)

// The fast path of normalizeBER takes a DER signature as it is (a copy of it), and leaves
// BER to the re-encoding; the two agree on both.
func TestNormalizeBERFastPathOnlyForDER(t *testing.T) {
	key, cert := ncaSigner(t, ncaSignStore)
	der, err := SignCMS(contract, cert, key, signedAt2019, false)
	if err != nil {
		t.Fatal(err)
	}
	ber := toBER(t, der)
	if !isDER(der) || isDER(ber) {
		t.Fatalf("isDER: DER %v, BER %v", isDER(der), isDER(ber))
	}
	for name, in := range map[string][]byte{"DER": der, "BER": ber} {
		fast, err1 := normalizeBER(in)
		slow, err2 := normalizeBERTree(in)
		if err1 != nil || err2 != nil || !bytes.Equal(fast, der) || !bytes.Equal(slow, der) {
			t.Errorf("%s: %v %v", name, err1, err2)
		}
	}
	out, _ := normalizeBER(der)
	out[0] ^= 0xff
	if der[0] == out[0] {
		t.Error("normalizeBER returned the caller's buffer, not a copy")
	}
	for name, in := range map[string][]byte{
		"non-minimal length": {0x04, 0x81, 0x01, 0x41},
		"non-minimal tag":    {0x9f, 0x80, 0x21, 0x00},
		"low tag, long form": {0x9f, 0x05, 0x00},
		"indefinite":         {0x30, 0x80, 0x00, 0x00},
		"chunked string":     {0x24, 0x03, 0x04, 0x01, 0x41},
		"trailing":           {0x05, 0x00, 0x00},
	} {
		if isDER(in) {
			t.Errorf("%s taken for DER", name)
		}
	}
}
