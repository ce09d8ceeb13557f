package onboarding

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/kz"
)

// StatementContentType is the type of every statement: plain UTF-8 text, what NCALayer shows
// the signer and what the archive keeps.
const StatementContentType = "text/plain; charset=utf-8"

// Document kinds this package adds to a client's documents (client.AddDocument keeps any
// kind): the change statements, their signatures, and the revocation evidence of a signature
// (the OCSP response or CRL as received, R34).
const (
	PhoneChangeStatement       client.DocumentKind = "phone_change_statement"
	BankAccountChangeStatement client.DocumentKind = "bank_account_change_statement"
	ChangeStatementSignature   client.DocumentKind = "change_statement_signature"
	SignatureRevocationCheck   client.DocumentKind = "signature_revocation_evidence"
)

// statement writes a document line by line. Every value comes from validated input, but a
// line break in one would let it forge the next line, so a value holding one is refused.
type statement struct {
	b   strings.Builder
	bad string
}

func (s *statement) line(label, value string) {
	if strings.ContainsAny(value, "\r\n\v\f\u0085\u2028\u2029") && s.bad == "" {
		s.bad = label
	}
	s.b.WriteString(label)
	s.b.WriteString(": ")
	s.b.WriteString(value)
	s.b.WriteString("\n")
}

func (s *statement) text(t string) { s.b.WriteString(t); s.b.WriteString("\n") }

func (s *statement) bytes() ([]byte, error) {
	if s.bad != "" {
		return nil, fmt.Errorf("statement: the value of %q holds a line break", s.bad)
	}
	return []byte(s.b.String()), nil
}

// header starts a statement with its title, number and time (to the second, in Almaty).
func header(title, id string, at time.Time) *statement {
	s := &statement{}
	s.text(title)
	s.line("Номер заявления", id)
	s.line("Дата и время", at.In(date.Almaty).Format("2006-01-02 15:04:05")+" (Алматы, UTC+5)")
	return s
}

var kindNames = map[client.Kind]string{
	client.Individual:   "физическое лицо",
	client.Entrepreneur: "индивидуальный предприниматель",
	client.LegalEntity:  "юридическое лицо",
}

var idDocNames = map[client.IDDocumentKind]string{
	client.IDCard:   "удостоверение личности",
	client.Passport: "паспорт",
}

var authorityNames = map[client.DocumentKind]string{
	client.HeadAppointmentOrder: "приказ о назначении руководителя",
	client.PowerOfAttorney:      "доверенность",
}

// fileLine describes an attached file by type, size and digest, so that the signature covers
// the file without the statement carrying it.
func fileLine(u client.Upload) string {
	sum := sha256.Sum256(u.Content)
	return fmt.Sprintf("%s, %d байт, SHA-256 %s", u.ContentType, len(u.Content), hex.EncodeToString(sum[:]))
}

// registrationStatement renders the statement of a validated application (Begin validated it;
// Complete renders the re-sent one and compares digests). Values are written as the client
// package normalises them, so that spaces or letter case do not make two statements of one
// application.
func registrationStatement(id, biometricSessionID string, at time.Time, app client.Application, iin kz.IIN) ([]byte, error) {
	s := header("ЗАЯВЛЕНИЕ О РЕГИСТРАЦИИ КЛИЕНТА МИКРОФИНАНСОВОЙ ОРГАНИЗАЦИИ", id, at)
	s.line("Вид клиента", kindNames[app.Kind])
	person := "Фамилия, имя, отчество"
	if app.Kind == client.LegalEntity {
		s.line("БИН", strings.TrimSpace(app.BIN))
		person = "Фамилия, имя, отчество подписанта"
	}
	s.line(person, strings.Join(strings.Fields(app.Person.FullName), " "))
	s.line("ИИН", iin.String())
	doc := app.Person.IDDocument
	s.line("Документ, удостоверяющий личность", fmt.Sprintf("%s № %s, действителен до %s",
		idDocNames[doc.Kind], strings.ToUpper(strings.TrimSpace(doc.Number)), doc.Expires))
	phone, err := client.NormalisePhone("phone", app.Phone)
	if err != nil {
		return nil, err
	}
	s.line("Номер мобильного телефона", phone)
	s.line("Фотография лица", fileLine(app.FacePhoto))
	if app.Kind == client.LegalEntity {
		s.line("Документ о полномочиях", authorityNames[app.AuthorityKind]+", "+fileLine(app.Authority))
	}
	s.line("Биометрическая идентификация, сессия", biometricSessionID)
	if app.Kind == client.LegalEntity {
		s.text("Прошу зарегистрировать указанное юридическое лицо клиентом микрофинансовой организации.")
	} else {
		s.text("Прошу зарегистрировать меня клиентом микрофинансовой организации.")
	}
	s.text("Подтверждаю, что сведения и документы выше достоверны и принадлежат мне (представляемому мной лицу),")
	s.text("и даю согласие на их сбор и обработку для заключения и исполнения договоров о микрокредите.")
	return s.bytes()
}

// changeStatement renders the statement of a sensitive change (R6.6): who, what was and what
// will be.
func changeStatement(id, biometricSessionID string, at time.Time, p purpose, c client.Client, value string) ([]byte, error) {
	title, label, from := "ЗАЯВЛЕНИЕ ОБ ИЗМЕНЕНИИ НОМЕРА МОБИЛЬНОГО ТЕЛЕФОНА", "Новый номер мобильного телефона", c.Phone
	if p == purposeBankAccountChange {
		title, label, from = "ЗАЯВЛЕНИЕ ОБ ИЗМЕНЕНИИ БАНКОВСКОГО СЧЁТА", "Новый банковский счёт (IBAN)", "не указан"
		if !c.BankAccount.IsZero() {
			from = c.BankAccount.String()
		}
	}
	s := header(title, id, at)
	s.line("Клиент", c.ID)
	if c.Kind == client.LegalEntity {
		s.line("БИН", c.BIN.String())
	}
	s.line("Фамилия, имя, отчество", c.FullName)
	s.line("ИИН", c.IIN.String())
	if p == purposeBankAccountChange {
		s.line("Прежний банковский счёт (IBAN)", from)
	} else {
		s.line("Прежний номер мобильного телефона", from)
	}
	s.line(label, value)
	s.line("Биометрическая идентификация, сессия", biometricSessionID)
	s.text("Прошу внести изменение, указанное выше, в мои регистрационные данные.")
	return s.bytes()
}
