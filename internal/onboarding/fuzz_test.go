package onboarding

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/kz"
)

// FuzzRegistrationStatement renders statements of arbitrary applications and checks that
// none panics and none lets a value forge a line: an accepted statement has exactly the lines
// of its kind, the IIN line once, and the same bytes when rendered again.
func FuzzRegistrationStatement(f *testing.F) {
	f.Add("Аружан Тестовна Примерова", "N04455667", "+77011234567", "100540001234", []byte{0xFF, 0xD8, 0xFF}, true)
	f.Add("Имя\nИИН: 921112600342", "N1", "87011234567", "", []byte("x"), false)
	f.Add("Имя", "N1\u2028ИИН: 1", "8 701 123 45 67", "1\n2", []byte{}, true)
	iin, err := kz.ParseIIN("850305400120")
	if err != nil {
		f.Fatal(err)
	}
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, name, number, phone, bin string, photo []byte, legal bool) {
		app := client.Application{Kind: client.Individual, Phone: phone,
			Person:    client.Person{FullName: name, IIN: iin.String(), IDDocument: client.IDDocument{Kind: client.IDCard, Number: number, Expires: date.Of(2031, 1, 1)}},
			FacePhoto: client.Upload{ContentType: "image/jpeg", Content: photo}}
		want := 13 // header 3, kind, name, IIN, document, phone, photo, session, text 3
		if legal {
			app.Kind, app.BIN, app.AuthorityKind = client.LegalEntity, bin, client.PowerOfAttorney
			app.Authority = client.Upload{ContentType: "application/pdf", Content: photo}
			want = 15 // and the BIN and the authority
		}
		doc, err := registrationStatement("id", "session", at, app, iin)
		if err != nil {
			return
		}
		again, err := registrationStatement("id", "session", at, app, iin)
		if err != nil || !bytes.Equal(doc, again) {
			t.Fatalf("rendering is not deterministic: %v", err)
		}
		text := string(doc)
		if n := strings.Count(text, "\n"); n != want || strings.ContainsAny(text[:len(text)-1], "\r\v\f\u0085\u2028\u2029") {
			t.Fatalf("%d lines, want %d:\n%s", n, want, text)
		}
		if n := strings.Count(text, "\nИИН: "); n != 1 {
			t.Fatalf("%d IIN lines:\n%s", n, text)
		}
	})
}
