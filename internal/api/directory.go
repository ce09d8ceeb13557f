package api

import (
	"context"
	"errors"
	"fmt"
	"time"

	"nesie.kz/nesie/internal/auth"
	"nesie.kz/nesie/internal/biometric"
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store"
)

// Directory is the client register as auth sees it (auth.Directory: who may sign in with a
// login), over client.Service.
type Directory struct {
	clients *client.Service
}

// NewDirectory returns the Directory over clients.
func NewDirectory(clients *client.Service) *Directory { return &Directory{clients: clients} }

// errNoAccount is every login that names no client allowed to sign in. Auth turns it into
// invalid_credentials, so an unknown and a pending client look alike.
var errNoAccount = fault.New(fault.ErrNotFound, "client_not_found", "No such client.")

// FindAccount implements auth.Directory: login is a client id (32 hex digits) or a phone
// number in any usual notation, and only an active client is found.
func (d *Directory) FindAccount(ctx context.Context, tx *store.Tx, login string) (auth.Account, error) {
	c, err := d.find(ctx, tx, login)
	if err != nil {
		return auth.Account{}, err
	}
	if c.Status != client.Active {
		return auth.Account{}, errNoAccount
	}
	return auth.Account{ClientID: c.ID, IIN: c.IIN.String(), Phone: c.Phone}, nil
}

func (d *Directory) find(ctx context.Context, tx *store.Tx, login string) (client.Client, error) {
	var c client.Client
	var err error
	if isClientID(login) {
		c, err = d.clients.Find(ctx, tx, login)
	} else {
		c, err = d.clients.FindByPhone(ctx, tx, login)
	}
	// A login that is neither a known id nor a phone number names nobody.
	if errors.Is(err, fault.ErrNotFound) || errors.Is(err, fault.ErrInvalid) {
		return client.Client{}, errNoAccount
	}
	return c, err
}

// isClientID reports whether s has the form of a client id: 32 lower-case hex digits.
func isClientID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}

// DeviceBiometricsMaxAge is how long ago a biometric check may have passed for the client to
// register a device with it: long enough to finish the form, short enough that the check
// belongs to this sitting.
const DeviceBiometricsMaxAge = 10 * time.Minute

// BiometricGate implements device.BiometricGate: a device may be registered with a biometric
// check that passed, for the client's own IIN, within DeviceBiometricsMaxAge.
type BiometricGate struct {
	clients    *client.Service
	biometrics *biometric.Service
}

// NewBiometricGate returns the gate over clients and their biometric checks.
func NewBiometricGate(clients *client.Service, biometrics *biometric.Service) *BiometricGate {
	return &BiometricGate{clients: clients, biometrics: biometrics}
}

// FreshBiometrics implements device.BiometricGate. It reads the kept check in the caller's
// transaction, so the device is registered on the check as it stands then.
func (g *BiometricGate) FreshBiometrics(ctx context.Context, tx *store.Tx, clientID, checkID string) error {
	c, err := g.clients.Find(ctx, tx, clientID)
	if err != nil {
		return fmt.Errorf("client of device: %w", err)
	}
	return g.biometrics.Fresh(ctx, tx, checkID, c.IIN, DeviceBiometricsMaxAge)
}
