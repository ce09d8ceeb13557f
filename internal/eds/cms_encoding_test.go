package eds

import (
	"bytes"
	"crypto"
	"errors"
	"testing"
)

// A CMS in the BER a Java encoder writes (indefinite lengths, the content in chunks) verifies,
// and ParseCMS keeps the bytes as received.
func TestVerifyCMSAcceptsBER(t *testing.T) {
	key, cert := ncaSigner(t, ncaSignStore)
	der, err := SignCMS(contract, cert, key, signedAt2019, false)
	if err != nil {
		t.Fatal(err)
	}
	ber := toBER(t, der)
	if bytes.Equal(ber, der) || !isBERIndefinite(ber) {
		t.Fatal("toBER did not produce BER")
	}
	res, err := VerifyCMS(ber, contract, VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(res.SignedData.Raw, ber) {
		t.Error("ParseCMS did not keep the received bytes")
	}
	if back, err := normalizeBER(ber); err != nil || !bytes.Equal(back, der) {
		t.Errorf("BER does not normalise back to the DER: %v", err)
	}
}

// The НУЦ time-stamp token is a real CMS SignedData made with GOST 34.310-2004: it parses, and
// its verification is handed to the external verifier. Values from `openssl asn1parse`.
func TestParseNCATimeStampToken(t *testing.T) {
	token := ncaFile(t, "current/tsp/tsp_token.bin")
	sd, err := ParseCMS(token)
	if err != nil {
		t.Fatal(err)
	}
	if sd.Version != 3 || !sd.ContentType.Equal(oidContentTypeTSTInfo) || sd.Detached || len(sd.Content) != 97 ||
		len(sd.Certificates) != 1 || len(sd.SignerInfos) != 1 {
		t.Fatalf("signed data: %+v", sd)
	}
	tsa, err := ParseSubject(sd.Certificates[0].X509)
	if err != nil || tsa.CommonName != "СЕРВИС МЕТКИ ВРЕМЕНИ" || tsa.BIN != testBIN || sd.Certificates[0].Algorithm != AlgorithmGOST2004 {
		t.Errorf("TSA certificate: %+v %v", tsa, err)
	}
	si := sd.SignerInfos[0]
	if !si.DigestAlgorithm.Equal(oidGOST2004Hash) || !si.SignatureAlgorithm.Equal(oidGOST2004Sig) ||
		!si.SigningTime.Equal(utc(t, "2022-09-18T13:20:14Z")) || !si.ContentType.Equal(oidContentTypeTSTInfo) ||
		!bytes.Equal(si.MessageDigest, mustHex(t, "8D7CD75AFC6E309D94D61EDBD76F697ED35B61E17E38AC7E0C73CD48AB9CB237")) ||
		si.SerialNumber.Cmp(mustSerial(t, "622DDD64FC75397C61D228530BEEFE9E1CF87094")) != 0 || len(si.Signature) != 64 {
		t.Errorf("signer info: %+v", si)
	}
	_, err = VerifyCMS(token, nil, VerifyOptions{})
	var ext *NeedsExternalVerifierError
	if !errors.As(err, &ext) || !errors.Is(err, ErrNeedsExternalVerifier) || ext.Algorithm != AlgorithmGOST2004 {
		t.Errorf("GOST token: %v", err)
	}
	// The time-stamp response around the token is not a CMS ContentInfo: a clean refusal.
	if _, err := ParseCMS(ncaFile(t, "current/tsp/tsp_response.bin")); !errors.Is(err, ErrMalformed) {
		t.Errorf("TimeStampResp: %v", err)
	}
}

// CAdES-T: the signature time-stamp token is an unsigned attribute, kept as raw bytes and not
// covered by the signature.
func TestParseCMSKeepsTimeStampToken(t *testing.T) {
	key, cert := ncaSigner(t, ncaSignStore)
	token := ncaFile(t, "current/tsp/tsp_token.bin")
	sig, err := signCMS(contract, cert, key, signedAt2019, true, signParams{hash: crypto.SHA256, timeStampToken: token})
	if err != nil {
		t.Fatal(err)
	}
	res, err := VerifyCMS(sig, contract, VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	si := res.SignerInfo
	if !bytes.Equal(si.TimeStampToken, token) || len(si.UnsignedAttributes) != 1 {
		t.Errorf("time-stamp token not kept: %d bytes, %d unsigned attributes", len(si.TimeStampToken), len(si.UnsignedAttributes))
	}
}

// toBER re-encodes DER the way Java encoders do: every constructed element with an indefinite
// length, and OCTET STRINGs longer than 16 bytes cut into 16-byte chunks.
func toBER(t testing.TB, der []byte) []byte {
	t.Helper()
	el, rest, err := parseBER(der, 0)
	if err != nil || len(rest) != 0 {
		t.Fatalf("toBER: %v", err)
	}
	return appendBER(nil, el)
}

func appendBER(out []byte, el *berElement) []byte {
	header := func(constructed bool) {
		first := el.class << 6
		if constructed {
			first |= 0x20
		}
		out = append(out, first|byte(el.tag)) // tags below 31 only, enough for CMS
	}
	switch {
	case el.constructed:
		header(true)
		out = append(out, 0x80)
		for _, c := range el.children {
			out = appendBER(out, c)
		}
		return append(out, 0, 0)
	case el.class == 0 && el.tag == 4 && len(el.content) > 16:
		header(true)
		out = append(out, 0x80)
		for rest := el.content; len(rest) > 0; {
			n := min(16, len(rest))
			out = append(out, 0x04, byte(n))
			out = append(out, rest[:n]...)
			rest = rest[n:]
		}
		return append(out, 0, 0)
	}
	return (&berElement{class: el.class, tag: el.tag, content: el.content}).encode(out)
}
