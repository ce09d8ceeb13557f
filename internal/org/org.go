// Package org holds the MFO that runs this installation: the details the client cabinet must
// show (R7.2: legal and actual address, phones, fax, e-mail, the head's full name) and that
// contracts and reports carry.
package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/store"
)

// Organization is the MFO's public details.
type Organization struct {
	Name          string
	BIN           kz.BIN
	LegalAddress  string
	ActualAddress string
	Phones        string
	Fax           string
	Email         string
	HeadName      string
}

// ErrNotFound says the installation has no organisation yet.
var ErrNotFound = errors.New("organization not set up")

// FieldError names the field that is wrong.
type FieldError struct{ Field, Reason string }

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// Validate checks that every detail R7.2 requires is present.
func (o Organization) Validate() error {
	if o.BIN.IsZero() {
		return &FieldError{"bin", "required"}
	}
	for _, f := range []struct{ name, v string }{
		{"name", o.Name}, {"legal_address", o.LegalAddress}, {"actual_address", o.ActualAddress},
		{"phones", o.Phones}, {"email", o.Email}, {"head_name", o.HeadName},
	} {
		if strings.TrimSpace(f.v) == "" {
			return &FieldError{f.name, "required"}
		}
	}
	if !strings.Contains(o.Email, "@") {
		return &FieldError{"email", "not an e-mail address"}
	}
	return nil
}

// organizationID is the one row: an installation serves one MFO.
const organizationID = 1

// Create records the organisation, audited in the same transaction.
func Create(ctx context.Context, tx *store.Tx, trail *audit.Trail, o Organization) error {
	if err := o.Validate(); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO organization
		(id, name, bin, legal_address, actual_address, phones, fax, email, head_name, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		organizationID, o.Name, o.BIN.String(), o.LegalAddress, o.ActualAddress, o.Phones, o.Fax, o.Email, o.HeadName, tx.Now().UnixMicro())
	if err != nil {
		return fmt.Errorf("create organization: %w", err)
	}
	return trail.Record(ctx, tx, audit.Event{
		Action: "organization.created", ObjectType: "organization", ObjectID: o.BIN.String(),
		Change: map[string]string{"name": o.Name, "bin": o.BIN.String(), "head_name": o.HeadName},
	})
}

// Find returns the organisation.
func Find(ctx context.Context, tx *store.Tx) (Organization, error) {
	return scan(tx.QueryRowContext(ctx, selectOrganization, organizationID))
}

// Lookup is Find as one read of a batch (store.Tx.QueryBatch): into is filled when the batch
// runs.
func Lookup(into *Organization) store.Query {
	return store.Query{SQL: selectOrganization, Args: []any{organizationID}, Row: func(one store.Row) (err error) {
		*into, err = scan(one)
		return err
	}}
}

const selectOrganization = `SELECT name, bin, legal_address, actual_address, phones, fax, email, head_name
	FROM organization WHERE id = $1`

func scan(one store.Row) (Organization, error) {
	var o Organization
	var bin string
	err := one.Scan(&o.Name, &bin, &o.LegalAddress, &o.ActualAddress, &o.Phones, &o.Fax, &o.Email, &o.HeadName)
	if errors.Is(err, sql.ErrNoRows) {
		return Organization{}, ErrNotFound
	}
	if err != nil {
		return Organization{}, fmt.Errorf("find organization: %w", err)
	}
	if o.BIN, err = kz.ParseBIN(bin); err != nil {
		return Organization{}, fmt.Errorf("find organization: stored BIN: %w", err)
	}
	return o, nil
}

// EnsureDemo creates the demo MFO unless an organisation exists, and reports whether it did.
func EnsureDemo(ctx context.Context, db *store.DB, trail *audit.Trail) (bool, error) {
	created := false
	err := db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		created = false
		if _, err := Find(ctx, tx); !errors.Is(err, ErrNotFound) {
			return err
		}
		created = true
		return Create(ctx, tx, trail, Demo())
	})
	return created, err
}

// Demo returns the made-up MFO the demo runs as. Its BIN is invented, with a valid check
// digit.
func Demo() Organization {
	bin, err := kz.ParseBIN("150340012340")
	if err != nil {
		panic("demo BIN: " + err.Error())
	}
	return Organization{
		Name:          "ТОО «Микрофинансовая организация Несие-Демо»",
		BIN:           bin,
		LegalAddress:  "Республика Казахстан, 050000, г. Алматы, пр. Демонстрационный, 1",
		ActualAddress: "Республика Казахстан, 050000, г. Алматы, пр. Демонстрационный, 1, офис 10",
		Phones:        "+7 727 000 00 00",
		Fax:           "+7 727 000 00 01",
		Email:         "info@nesie.example",
		HeadName:      "Демонстрационный Руководитель Тестович",
	}
}
