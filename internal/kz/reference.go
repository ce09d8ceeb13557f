package kz

import (
	"fmt"
	"io"
	"os"
)

// Reference is the reference data that changes by year or by decree — МРП, the bank directory,
// the government's working-day transfers — built in, and extended or overridden by the
// operator's files.
type Reference struct {
	MRP      MRPTable
	Banks    BankDirectory
	Calendar Calendar
}

// ReferenceFiles name the operator's files; an empty name keeps the built-in data.
type ReferenceFiles struct {
	MRP, Banks, Calendar string
}

// LoadReference reads the files and returns the data, or an error naming the file and line
// that is wrong: a typo in next year's МРП must stop the start-up, not a loan.
func LoadReference(files ReferenceFiles) (Reference, error) {
	ref := Reference{MRP: DefaultMRP(), Banks: DefaultBanks(), Calendar: DefaultCalendar()}
	load := func(path string, read func(io.Reader) error) error {
		if path == "" {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := read(f); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		return nil
	}
	err := load(files.MRP, func(r io.Reader) (err error) {
		ref.MRP, err = LoadMRP(r)
		return err
	})
	if err == nil {
		err = load(files.Banks, func(r io.Reader) (err error) {
			ref.Banks, err = LoadBanks(r)
			return err
		})
	}
	if err == nil {
		err = load(files.Calendar, func(r io.Reader) error {
			ts, err := LoadCalendarTransfers(r)
			if err != nil {
				return err
			}
			ref.Calendar, err = ref.Calendar.WithTransfers(ts...)
			return err
		})
	}
	if err != nil {
		return Reference{}, fmt.Errorf("reference data: %w", err)
	}
	return ref, nil
}
