// Package device registers a client's mobile devices and authenticates their requests
// (R26.2). After login plus biometric identification, the app creates a key pair in the
// phone's secure hardware and registers the public key; from then on every request it makes
// is signed (see CanonicalString and SignatureHeader), and Verify checks the signature, that
// the request is fresh, and that it was never seen before. The client and staff can list and
// revoke devices; a revoked device's signatures are refused.
package device

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/reqctx"
	"nesie.kz/nesie/internal/store"
)

// Platform is the device's operating system.
type Platform string

// The platforms the app runs on.
const (
	IOS     Platform = "ios"
	Android Platform = "android"
)

// Device is a registered device.
type Device struct {
	ID         string
	ClientID   string
	Name       string
	Platform   Platform
	Algorithm  Algorithm
	PublicKey  []byte // SubjectPublicKeyInfo DER
	CreatedAt  time.Time
	LastUsedAt time.Time // zero if never used
	RevokedAt  time.Time // zero while active
	RevokedBy  string    // "client:<id>" or "staff:<id>" once revoked
}

// Revoked reports whether d was revoked.
func (d Device) Revoked() bool { return !d.RevokedAt.IsZero() }

// BiometricGate tells whether a client may register a device now: the client must have
// passed biometric identification in this login (the client package implements it).
type BiometricGate interface {
	// FreshBiometrics returns nil when check names a successful biometric identification of
	// clientID recent enough to register a device, and an error saying why not otherwise.
	FreshBiometrics(ctx context.Context, tx *store.Tx, clientID, check string) error
}

// Notifier enqueues the client's security notifications (notify.Security has it).
type Notifier interface {
	SecurityEvent(ctx context.Context, tx *store.Tx, clientID, kind string) error
}

// Config tunes the service.
type Config struct {
	// Window is how far a request's timestamp may be from the server's clock, either way
	// (5 minutes when zero): wide enough for phones whose clocks drift, narrow enough that
	// the nonces to remember stay few.
	Window time.Duration
}

// Service manages devices.
type Service struct {
	db       *store.DB
	trail    *audit.Trail
	gate     BiometricGate
	notifier Notifier
	window   time.Duration
}

// New returns the device service. notifier may be nil (no notices sent).
func New(db *store.DB, trail *audit.Trail, gate BiometricGate, notifier Notifier, cfg Config) *Service {
	if cfg.Window <= 0 {
		cfg.Window = 5 * time.Minute
	}
	return &Service{db: db, trail: trail, gate: gate, notifier: notifier, window: cfg.Window}
}

// Registration is a device asking to be registered.
type Registration struct {
	ClientID  string
	Name      string // the client's name for it, "my iPhone"
	Platform  Platform
	Algorithm Algorithm
	PublicKey []byte // SubjectPublicKeyInfo DER, or the raw key (see Algorithm)
	// BiometricCheck names the biometric identification passed in this login.
	BiometricCheck string
}

// Register records a new device of r.ClientID, audited and notified (R25.9) in the same
// transaction. It is refused unless the gate confirms fresh biometrics.
func (s *Service) Register(ctx context.Context, r Registration) (Device, error) {
	name := strings.TrimSpace(r.Name)
	switch {
	case r.ClientID == "":
		return Device{}, fault.Field("client_id", "is empty")
	case name == "" || utf8.RuneCountInString(name) > 64 || !utf8.ValidString(name) || strings.IndexFunc(name, unicode.IsControl) >= 0:
		return Device{}, fault.Field("name", "must be 1 to 64 printable characters")
	case r.Platform != IOS && r.Platform != Android:
		return Device{}, fault.Field("platform", "must be ios or android, not %q", r.Platform)
	}
	_, der, err := parseKey(r.Algorithm, r.PublicKey)
	if err != nil {
		return Device{}, err
	}
	d := Device{ID: newID(), ClientID: r.ClientID, Name: name, Platform: r.Platform, Algorithm: r.Algorithm, PublicKey: der}
	err = s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		if err := s.gate.FreshBiometrics(ctx, tx, r.ClientID, r.BiometricCheck); err != nil {
			return fault.Wrap(fault.ErrForbidden, "biometrics_required", "Confirm your identity with biometrics to add a device.", err)
		}
		d.CreatedAt = tx.Now()
		_, err := tx.ExecContext(ctx, `INSERT INTO device (id, client_id, name, platform, algorithm, public_key, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, d.ID, d.ClientID, d.Name, string(d.Platform), string(d.Algorithm), d.PublicKey, d.CreatedAt.UnixMicro())
		if err != nil {
			if store.IsUniqueViolation(err) {
				return fault.New(fault.ErrConflict, "device_key_registered", "This device key is already registered.")
			}
			return err
		}
		if err := s.trail.Record(ctx, tx, audit.Event{
			Action: "device.registered", ObjectType: "device", ObjectID: d.ID,
			Change: map[string]any{"client_id": d.ClientID, "platform": d.Platform, "algorithm": d.Algorithm, "name": d.Name},
		}); err != nil {
			return err
		}
		if s.notifier != nil {
			return s.notifier.SecurityEvent(ctx, tx, d.ClientID, "device_registered")
		}
		return nil
	})
	if err != nil {
		return Device{}, fmt.Errorf("device: register: %w", err)
	}
	return d, nil
}

// List returns clientID's devices, revoked ones included, oldest first.
func (s *Service) List(ctx context.Context, clientID string) ([]Device, error) {
	var out []Device
	err := s.db.Read(ctx, func(ctx context.Context, tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, selectDevice+` WHERE client_id = $1 ORDER BY created_at, id`, clientID)
		if err != nil {
			return err
		}
		out, err = scanDevices(rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("device: list: %w", err)
	}
	return out, nil
}

// Revoke revokes device id on behalf of the context's actor: the client who owns it, or a
// staff member, who must give a reason. It is audited with the actor, and the client is
// notified. Anyone else — another client included — is told the device does not exist.
func (s *Service) Revoke(ctx context.Context, id, reason string) error {
	actor := reqctx.From(ctx).Actor
	if actor.Kind == reqctx.Staff && strings.TrimSpace(reason) == "" {
		return fault.Field("reason", "is required when staff revoke a device")
	}
	if actor.Kind != reqctx.Client && actor.Kind != reqctx.Staff || actor.ID == "" {
		return fault.New(fault.ErrForbidden, "device_revoke_forbidden", "Only the client or staff may revoke a device.")
	}
	err := s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		d, err := find(ctx, tx, id)
		if err != nil {
			return err
		}
		if actor.Kind == reqctx.Client && d.ClientID != actor.ID {
			return errNoDevice
		}
		if d.Revoked() {
			return fault.New(fault.ErrConflict, "device_already_revoked", "The device is already revoked.")
		}
		by := string(actor.Kind) + ":" + actor.ID
		if _, err := tx.ExecContext(ctx, `UPDATE device SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND revoked_at IS NULL`,
			tx.Now().UnixMicro(), by, id); err != nil {
			return err
		}
		if err := s.trail.Record(ctx, tx, audit.Event{
			Action: "device.revoked", ObjectType: "device", ObjectID: id, Reason: reason,
			Change: map[string]any{"client_id": d.ClientID, "revoked_by": by},
		}); err != nil {
			return err
		}
		if s.notifier != nil {
			return s.notifier.SecurityEvent(ctx, tx, d.ClientID, "device_revoked")
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("device: revoke %s: %w", id, err)
	}
	return nil
}

var errNoDevice = fault.New(fault.ErrNotFound, "device_not_found", "No such device.")

const selectDevice = `SELECT id, client_id, name, platform, algorithm, public_key, created_at, last_used_at,
	revoked_at, revoked_by FROM device`

func find(ctx context.Context, tx *store.Tx, id string) (Device, error) {
	rows, err := tx.QueryContext(ctx, selectDevice+` WHERE id = $1`, id)
	if err != nil {
		return Device{}, err
	}
	ds, err := scanDevices(rows)
	if err != nil {
		return Device{}, err
	}
	if len(ds) == 0 {
		return Device{}, errNoDevice
	}
	return ds[0], nil
}

type rowScanner interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

func scanDevices(rows rowScanner) ([]Device, error) {
	defer rows.Close()
	var out []Device
	for rows.Next() {
		var d Device
		var platform, alg string
		var created int64
		var used, revoked *int64
		if err := rows.Scan(&d.ID, &d.ClientID, &d.Name, &platform, &alg, &d.PublicKey, &created, &used, &revoked, &d.RevokedBy); err != nil {
			return nil, err
		}
		d.Platform, d.Algorithm = Platform(platform), Algorithm(alg)
		d.CreatedAt = time.UnixMicro(created).UTC()
		if used != nil {
			d.LastUsedAt = time.UnixMicro(*used).UTC()
		}
		if revoked != nil {
			d.RevokedAt = time.UnixMicro(*revoked).UTC()
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func newID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
