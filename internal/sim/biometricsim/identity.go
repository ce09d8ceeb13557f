package biometricsim

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"image"
	"image/color"
	"image/png"
)

// Identity is a person the simulated state database knows: an IIN and a reference photo.
type Identity struct {
	IIN string
	// Name is the full name as the state database holds it (made up for the demo).
	Name string
	// Reference is the reference photo's bytes (a PNG for the demo identities).
	Reference []byte
}

// DemoSelfie returns the frame the demo page sends for iin when there is no camera: the
// tester vouches that the person in front of the screen is the identity.
func DemoSelfie(iin string) []byte { return []byte(demoSelfiePrefix + iin) }

const demoSelfiePrefix = "nesie-demo-selfie:"

// DemoIdentities returns the made-up identities a new Simulator is seeded with. The IINs
// carry valid check digits and belong to nobody.
func DemoIdentities() []Identity {
	people := []struct{ iin, name string }{
		{"850305400120", "Демонова Асель Ерлановна"},
		{"780721300566", "Тестов Ерлан Маратович"},
		{"010204600783", "Примерова Дана Айдаровна"},
	}
	out := make([]Identity, len(people))
	for i, p := range people {
		out[i] = Identity{IIN: p.iin, Name: p.name, Reference: referencePhoto(p.iin)}
	}
	return out
}

// referencePhoto draws a small PNG whose colours come from the IIN, so each identity has a
// distinct, stable "photo".
func referencePhoto(iin string) []byte {
	sum := sha256.Sum256([]byte(iin))
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for y := range 16 {
		for x := range 16 {
			k := (x/4 + 4*(y/4)) % 10
			img.Set(x, y, color.RGBA{sum[3*k], sum[3*k+1], sum[3*k+2], 0xff})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(fmt.Sprintf("biometricsim: encode reference photo: %v", err)) // in-memory PNG cannot fail
	}
	return b.Bytes()
}

// similarity scores frame against id's reference photo in per-mille (see the package doc).
func similarity(id Identity, frame []byte) int {
	switch {
	case bytes.Equal(frame, id.Reference):
		return 987
	case bytes.Equal(frame, DemoSelfie(id.IIN)):
		return 962
	}
	sum := sha256.Sum256(frame)
	return 100 + int(sum[0])%200
}
