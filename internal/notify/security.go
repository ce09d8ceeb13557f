package notify

import (
	"context"
	"fmt"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/store"
)

// Contacts finds where to reach a client. The client package implements it.
type Contacts interface {
	// Phone returns the client's registered mobile number in E.164 form, read in tx.
	Phone(ctx context.Context, tx *store.Tx, clientID string) (string, error)
}

// Security sends the security notifications of R25.9.
type Security struct {
	contacts Contacts
	wake     func()
}

// NewSecurity returns a Security that finds the recipients through contacts. wake, when not
// nil (Worker.Wake), is called after each commit that enqueued a notice, so it goes out at
// once rather than at the worker's next poll.
func NewSecurity(contacts Contacts, wake func()) *Security {
	return &Security{contacts: contacts, wake: wake}
}

// The security event kinds SecurityEvent knows.
const (
	KindLogin             = "login"
	KindPasswordChanged   = "password_changed"
	KindPasswordRecovered = "password_recovered"
	KindPhoneChanged      = "phone_changed"
	KindDeviceRegistered  = "device_registered"
	KindDeviceRevoked     = "device_revoked"
	// KindSecondFactorAdded is an authenticator app enrolled for login: an intruder who had
	// the password would want one too.
	KindSecondFactorAdded = "second_factor_added"
)

// securityTexts are the notices in Russian and Kazakh; %s is the time in Almaty. Each ends
// with what to do if the client did not act, because the notice exists so that an intruder's
// action is noticed.
var securityTexts = map[string][2]string{
	KindLogin: {"Nesie: вход в личный кабинет %s.",
		"Nesie: жеке кабинетке кіру %s."},
	KindPasswordChanged: {"Nesie: пароль изменён %s.",
		"Nesie: құпиясөз өзгертілді %s."},
	KindPasswordRecovered: {"Nesie: пароль восстановлен %s.",
		"Nesie: құпиясөз қалпына келтірілді %s."},
	KindPhoneChanged: {"Nesie: номер телефона изменён %s.",
		"Nesie: телефон нөмірі өзгертілді %s."},
	KindDeviceRegistered: {"Nesie: подключено новое устройство %s.",
		"Nesie: жаңа құрылғы қосылды %s."},
	KindDeviceRevoked: {"Nesie: устройство отключено %s.",
		"Nesie: құрылғы ажыратылды %s."},
	KindSecondFactorAdded: {"Nesie: подключено приложение-аутентификатор для входа %s.",
		"Nesie: кіруге арналған аутентификатор қосымшасы қосылды %s."},
}

const (
	notMeRU = " Если это были не вы, срочно свяжитесь с нами."
	notMeKK = " Бұл сіз болмасаңыз, бізге дереу хабарласыңыз."
)

// SecurityEvent enqueues, inside tx, the SMS telling the client of a security event of kind
// (KindLogin, KindPasswordChanged…). The notice rolls back with tx: no notice of an event
// that did not happen. For KindPhoneChanged call it before the new number is written, so the
// notice goes to the old number — the one an intruder who changed it does not hold.
func (s *Security) SecurityEvent(ctx context.Context, tx *store.Tx, clientID, kind string) error {
	texts, ok := securityTexts[kind]
	if !ok {
		return fault.Field("kind", "is not a known security event: %q", kind)
	}
	if clientID == "" {
		return fault.Field("client_id", "is empty")
	}
	phone, err := s.contacts.Phone(ctx, tx, clientID)
	if err != nil {
		return fmt.Errorf("notify: security event %s: phone of client: %w", kind, err)
	}
	p, err := kz.ParsePhone(phone)
	if err != nil {
		return fmt.Errorf("notify: security event %s: registered phone: %w", kind, err)
	}
	at := tx.Now().In(date.Almaty).Format("02.01.2006 15:04")
	if _, err := Enqueue(ctx, tx, Message{
		Channel: SMS, ClientID: clientID, Recipient: p.String(), Kind: "security." + kind,
		TextRU: fmt.Sprintf(texts[0], at) + notMeRU,
		TextKK: fmt.Sprintf(texts[1], at) + notMeKK,
	}); err != nil {
		return err
	}
	if s.wake != nil {
		tx.AfterCommit(s.wake)
	}
	return nil
}
