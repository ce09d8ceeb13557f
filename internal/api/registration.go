package api

import (
	"net/http"
	"time"

	"nesie.kz/nesie/internal/auth"
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/onboarding"
)

// upload is a file in a JSON body; Data is base64 (encoding/json's []byte).
type upload struct {
	ContentType string `json:"content_type"`
	Data        []byte `json:"data"`
}

func (u *upload) toClient() client.Upload {
	if u == nil {
		return client.Upload{}
	}
	return client.Upload{ContentType: u.ContentType, Content: u.Data}
}

// applicationBody is the data of R6.1 (individual, entrepreneur) or R6.2 (legal entity).
type applicationBody struct {
	Kind   string `json:"kind"`
	Person struct {
		FullName   string `json:"full_name"`
		IIN        string `json:"iin"`
		IDDocument struct {
			Kind    string `json:"kind"`
			Number  string `json:"number"`
			Expires string `json:"expires"`
		} `json:"id_document"`
	} `json:"person"`
	BIN           string  `json:"bin,omitempty"`
	Phone         string  `json:"phone"`
	FacePhoto     *upload `json:"face_photo"`
	Authority     *upload `json:"authority,omitempty"`
	AuthorityKind string  `json:"authority_kind,omitempty"`
}

// toApplication converts the body; the client package validates the content and names the
// field at fault.
func (b applicationBody) toApplication() (client.Application, error) {
	var expires date.Date
	if s := b.Person.IDDocument.Expires; s != "" {
		d, err := date.Parse(s)
		if err != nil {
			return client.Application{}, fault.Field("person.id_document.expires", "want an existing day as YYYY-MM-DD")
		}
		expires = d
	}
	return client.Application{
		Kind: client.Kind(b.Kind),
		Person: client.Person{FullName: b.Person.FullName, IIN: b.Person.IIN, IDDocument: client.IDDocument{
			Kind: client.IDDocumentKind(b.Person.IDDocument.Kind), Number: b.Person.IDDocument.Number, Expires: expires,
		}},
		BIN: b.BIN, Phone: b.Phone, FacePhoto: b.FacePhoto.toClient(), Authority: b.Authority.toClient(),
		AuthorityKind: client.DocumentKind(b.AuthorityKind),
	}, nil
}

// flowSteps tell the client what to do next in a registration or a change: perform the
// movements for the biometric provider and, where there is a statement, sign its exact bytes
// with their EDS. Each kind of flow names its id in its own answer.
type flowSteps struct {
	BiometricSessionID   string    `json:"biometric_session_id"`
	ProviderSessionID    string    `json:"provider_session_id"`
	Movements            []string  `json:"movements"`
	BiometricExpiresAt   time.Time `json:"biometric_expires_at"`
	Statement            []byte    `json:"statement,omitempty"`
	StatementContentType string    `json:"statement_content_type,omitempty"`
	ExpiresAt            time.Time `json:"expires_at"`
}

func stepsOf(s onboarding.Started) flowSteps {
	moves := make([]string, len(s.Movements))
	for i, m := range s.Movements {
		moves[i] = string(m)
	}
	return flowSteps{
		BiometricSessionID: s.BiometricSessionID, ProviderSessionID: s.ProviderSessionID,
		Movements: moves, BiometricExpiresAt: s.BiometricExpiresAt, Statement: s.Statement,
		StatementContentType: s.StatementContentType, ExpiresAt: s.ExpiresAt,
	}
}

// startedAnswer is a registration begun.
type startedAnswer struct {
	RegistrationID string `json:"registration_id"`
	flowSteps
}

// beginRegistration validates an application and starts its biometric identification.
// Nothing is registered yet.
func (h *handlers) beginRegistration(w http.ResponseWriter, r *http.Request) error {
	var body applicationBody
	if err := decode(r, &body); err != nil {
		return err
	}
	app, err := body.toApplication()
	if err != nil {
		return err
	}
	started, err := h.Onboarding.Begin(r.Context(), app)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, startedAnswer{RegistrationID: started.ID, flowSteps: stepsOf(started)})
}

// completeRegistrationBody repeats the application (bound to the statement by its hash), and
// brings the passed biometric session, the EDS signature over the statement (none for an
// individual entrepreneur, R6.4) and the password the client will log in with (R6.5).
type completeRegistrationBody struct {
	Application        applicationBody `json:"application"`
	BiometricSessionID string          `json:"biometric_session_id"`
	Signature          []byte          `json:"signature,omitempty"`
	Password           auth.Password   `json:"password"`
}

type registeredAnswer struct {
	ClientID string `json:"client_id"`
	Kind     string `json:"kind"`
	Status   string `json:"status"`
}

// completeRegistration checks the biometrics and the EDS and registers the client in one
// transaction, then sets the password. The password is checked against the policy first, so
// a weak one is refused before anything is registered.
func (h *handlers) completeRegistration(w http.ResponseWriter, r *http.Request) error {
	var body completeRegistrationBody
	if err := decode(r, &body); err != nil {
		return err
	}
	app, err := body.Application.toApplication()
	if err != nil {
		return err
	}
	if err := h.Auth.CheckPassword(body.Password, auth.Account{IIN: app.Person.IIN, Phone: app.Phone}); err != nil {
		return err
	}
	c, err := h.Onboarding.Complete(r.Context(), onboarding.CompleteRequest{
		RegistrationID: r.PathValue("id"), BiometricSessionID: body.BiometricSessionID,
		Application: app, Signature: body.Signature,
	})
	if err != nil {
		return err
	}
	// The client exists from here on. Should this step fail, the client recovers access
	// with biometrics and a one-time code, as after a forgotten password.
	if err := h.Auth.SetPassword(r.Context(), c.ID, body.Password); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, registeredAnswer{ClientID: c.ID, Kind: string(c.Kind), Status: string(c.Status)})
}
