package client

import (
	"bytes"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
)

// Application is what a registering client hands in: exactly the data of R6.1 (individual,
// and an individual entrepreneur, R6.4) or R6.2 (legal entity).
type Application struct {
	Kind Kind
	// Person is the client (individual, entrepreneur) or the legal entity's signatory.
	Person Person
	// BIN is the legal entity's; empty for the other kinds.
	BIN string
	// Phone is the client's mobile number (for a legal entity, the entity's).
	Phone string
	// FacePhoto is the frontal face photo of Person (JPEG or PNG), kept as received.
	FacePhoto Upload
	// Authority is, for a legal entity, the scan of the order appointing the head or of the
	// power of attorney of the signatory (R6.2); AuthorityKind says which.
	Authority     Upload
	AuthorityKind DocumentKind
}

// Person is a natural person as their identity document names them.
type Person struct {
	// FullName exactly as in the identity document.
	FullName   string
	IIN        string
	IDDocument IDDocument
}

// IDDocumentKind is the sort of identity document. A birth certificate is not one (R6.1).
type IDDocumentKind string

// The identity documents accepted.
const (
	IDCard   IDDocumentKind = "id_card"
	Passport IDDocumentKind = "passport"
)

// IDDocument is an identity document: its kind, number and expiry date.
type IDDocument struct {
	Kind    IDDocumentKind
	Number  string
	Expires date.Date
}

// Upload is a file as the client sent it.
type Upload struct {
	ContentType string
	Content     []byte
}

// MaxDocumentSize bounds one document: a scan or photo at a readable resolution fits.
const MaxDocumentSize = 10 << 20

// valid is an application that passed validation, in parsed form.
type valid struct {
	kind     Kind
	name     string
	iin      kz.IIN
	bin      kz.BIN
	idDoc    IDDocument
	phone    string
	docs     []Upload
	docKinds []DocumentKind
}

// validate checks app field by field and returns the first problem as a fault.Field naming
// it. now decides whether the identity document has expired (Almaty's civil date).
func validate(app Application, now time.Time) (valid, error) {
	v := valid{kind: app.Kind}
	if !app.Kind.Valid() {
		return valid{}, fault.Field("kind", "must be individual, entrepreneur or legal_entity")
	}
	var err error
	if v.name, err = fullName("person.full_name", app.Person.FullName); err != nil {
		return valid{}, err
	}
	if v.iin, err = kz.ParseIIN(app.Person.IIN); err != nil {
		return valid{}, fault.Field("person.iin", "%v", err)
	}
	if v.idDoc, err = idDocument(app.Person.IDDocument, date.In(now)); err != nil {
		return valid{}, err
	}
	if app.Kind == LegalEntity {
		if v.bin, err = kz.ParseBIN(app.BIN); err != nil {
			return valid{}, fault.Field("bin", "%v", err)
		}
	} else if strings.TrimSpace(app.BIN) != "" {
		return valid{}, fault.Field("bin", "only a legal entity has a BIN")
	}
	phone, why := normalisePhone(app.Phone)
	if why != "" {
		return valid{}, fault.Field("phone", "%s", why)
	}
	v.phone = phone
	if err := upload("face_photo", app.FacePhoto, imageTypes); err != nil {
		return valid{}, err
	}
	v.docs, v.docKinds = []Upload{app.FacePhoto}, []DocumentKind{FacePhoto}
	if app.Kind == LegalEntity {
		if app.AuthorityKind != HeadAppointmentOrder && app.AuthorityKind != PowerOfAttorney {
			return valid{}, fault.Field("authority_kind", "must be head_appointment_order or power_of_attorney")
		}
		if err := upload("authority", app.Authority, scanTypes); err != nil {
			return valid{}, err
		}
		v.docs, v.docKinds = append(v.docs, app.Authority), append(v.docKinds, app.AuthorityKind)
	} else if app.AuthorityKind != "" || len(app.Authority.Content) > 0 {
		return valid{}, fault.Field("authority", "only a legal entity hands in an appointment order or power of attorney")
	}
	return v, nil
}

// fullName trims and collapses spaces, and refuses what no identity document prints: an empty
// name, digits, control characters, a name without letters, one over 200 characters.
func fullName(field, s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", fault.Field(field, "is not valid UTF-8")
	}
	name := strings.Join(strings.Fields(s), " ")
	if name == "" {
		return "", fault.Field(field, "is required")
	}
	if utf8.RuneCountInString(name) > 200 {
		return "", fault.Field(field, "is longer than 200 characters")
	}
	letters := 0
	for _, r := range name {
		switch {
		case unicode.IsLetter(r):
			letters++
		case r == ' ' || r == '-' || r == '\'' || r == '’' || r == '.':
		default:
			return "", fault.Field(field, "may hold only letters, spaces, hyphens, apostrophes and dots")
		}
	}
	if letters == 0 {
		return "", fault.Field(field, "has no letters")
	}
	return name, nil
}

// idDocument checks the identity document: a kind other than a birth certificate, a number,
// an expiry after today.
func idDocument(d IDDocument, today date.Date) (IDDocument, error) {
	switch d.Kind {
	case IDCard, Passport:
	case "birth_certificate":
		return IDDocument{}, fault.Field("person.id_document.kind", "a birth certificate is not accepted; use an identity card or passport")
	default:
		return IDDocument{}, fault.Field("person.id_document.kind", "must be id_card or passport")
	}
	num := strings.ToUpper(strings.TrimSpace(d.Number))
	if num == "" {
		return IDDocument{}, fault.Field("person.id_document.number", "is required")
	}
	if len(num) > 20 {
		return IDDocument{}, fault.Field("person.id_document.number", "is longer than 20 characters")
	}
	for _, r := range num {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z') {
			return IDDocument{}, fault.Field("person.id_document.number", "may hold only Latin letters and digits")
		}
	}
	if !d.Expires.After(today) {
		return IDDocument{}, fault.Field("person.id_document.expires", "the document has expired")
	}
	return IDDocument{Kind: d.Kind, Number: num, Expires: d.Expires}, nil
}

// The content types accepted, each with the bytes its files start with: the declared type
// must match what the file is.
var (
	imageTypes = map[string][]byte{"image/jpeg": {0xFF, 0xD8, 0xFF}, "image/png": []byte("\x89PNG\r\n\x1a\n")}
	scanTypes  = map[string][]byte{"image/jpeg": {0xFF, 0xD8, 0xFF}, "image/png": []byte("\x89PNG\r\n\x1a\n"), "application/pdf": []byte("%PDF-")}
)

// upload checks one file: present, not too large, of an accepted type that its bytes confirm.
func upload(field string, u Upload, types map[string][]byte) error {
	if len(u.Content) == 0 {
		return fault.Field(field, "is required")
	}
	if len(u.Content) > MaxDocumentSize {
		return fault.Field(field, "is larger than %d MB", MaxDocumentSize>>20)
	}
	magic, ok := types[u.ContentType]
	if !ok {
		return fault.Field(field+".content_type", "%q is not accepted here", u.ContentType)
	}
	if !bytes.HasPrefix(u.Content, magic) {
		return fault.Field(field, "the file is not a %s", u.ContentType)
	}
	return nil
}
