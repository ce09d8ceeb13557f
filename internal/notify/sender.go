package notify

import (
	"context"
	"errors"
)

// Sender delivers a message through one channel. An error means "not delivered" (or not
// known to be): the worker retries it.
type Sender interface {
	Deliver(ctx context.Context, m Stored) error
}

// Senders are the channels' senders; a nil one is a channel with no provider configured.
type Senders struct {
	SMS, Push, Email Sender
}

func (s Senders) of(c Channel) Sender {
	switch c {
	case SMS:
		return s.SMS
	case Push:
		return s.Push
	case Email:
		return s.Email
	}
	return nil
}

// ErrNoProvider is the failure of a message on a channel with no provider configured: it is
// recorded as a failed attempt, never as a delivery.
var ErrNoProvider = errors.New("no provider configured")

// SMSGateway is what the SMS sender needs from the gateway client (sms.Client has it).
type SMSGateway interface {
	SendWithKey(ctx context.Context, phone, text, key string) error
}

// SMSSender returns the Sender of SMS through gw. Both languages go in one message, Kazakh
// first as the state language.
func SMSSender(gw SMSGateway) Sender { return smsSender{gw} }

type smsSender struct{ gw SMSGateway }

func (s smsSender) Deliver(ctx context.Context, m Stored) error {
	text := m.TextKK
	switch {
	case text == "":
		text = m.TextRU
	case m.TextRU != "":
		text += "\n" + m.TextRU
	}
	return s.gw.SendWithKey(ctx, m.Recipient, text, m.IdempotencyKey)
}
