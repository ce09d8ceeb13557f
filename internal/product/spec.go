package product

import (
	"slices"
	"strings"
	"unicode/utf8"

	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/schedule"
)

// maxNameLen bounds a product name in characters: it is shown on a phone screen.
const maxNameLen = 120

// Validate checks the spec on its own, without the legal caps (see Version.Check). The error
// is a fault.Field naming the first bad field in the terms of the staff form: code, name_ru,
// name_kk, kind, borrowers, min_amount, max_amount, unit, min_term, max_term, annual_rate,
// upfront_fee, period_fee, methods, day_count, penalty_daily.
func (s Spec) Validate() error {
	if !validCode(s.Code) {
		return fault.Field("code", "must be 2 to 40 characters of a-z, 0-9 and '-'")
	}
	if err := validName("name_ru", s.NameRu); err != nil {
		return err
	}
	if err := validName("name_kk", s.NameKk); err != nil {
		return err
	}
	if !s.Kind.Valid() {
		return fault.Field("kind", "want consumer or business")
	}
	if err := s.validBorrowers(); err != nil {
		return err
	}
	switch {
	case s.MinAmount <= 0:
		return fault.Field("min_amount", "must be positive")
	case s.MaxAmount < s.MinAmount:
		return fault.Field("max_amount", "must not be below min_amount")
	case s.MaxAmount > schedule.MaxAmount:
		return fault.Field("max_amount", "at most %s", schedule.MaxAmount)
	}
	maxTerm := schedule.MaxTermMonths
	switch s.Unit {
	case schedule.Months:
	case schedule.Days:
		maxTerm = schedule.MaxTermDays
	default:
		return fault.Field("unit", "want month or day")
	}
	switch {
	case s.MinTerm < 1:
		return fault.Field("min_term", "must be at least 1")
	case s.MaxTerm < s.MinTerm:
		return fault.Field("max_term", "must not be below min_term")
	case s.MaxTerm > maxTerm:
		return fault.Field("max_term", "at most %d %ss", maxTerm, s.Unit)
	}
	switch {
	case s.AnnualRate.Micro() < 0 || s.AnnualRate.Micro() > schedule.MaxRateMicro:
		return fault.Field("annual_rate", "must be 0 to 1000 %%")
	case s.UpfrontFee < 0 || s.UpfrontFee > schedule.MaxAmount:
		return fault.Field("upfront_fee", "must be 0 to %s", schedule.MaxAmount)
	case s.PeriodFee < 0 || s.PeriodFee > schedule.MaxAmount:
		return fault.Field("period_fee", "must be 0 to %s", schedule.MaxAmount)
	}
	if err := s.validMethods(); err != nil {
		return err
	}
	switch s.DayCount {
	case schedule.Thirty360, schedule.Actual365, schedule.ActualActual:
	default:
		return fault.Field("day_count", "want 30/360, actual/365 or actual/actual")
	}
	if m := s.PenaltyDaily.Micro(); m < 0 || m > schedule.MaxRateMicro {
		return fault.Field("penalty_daily", "must be 0 to 1000 %%")
	}
	return nil
}

// validCode checks [a-z0-9-]{2,40}.
func validCode(c string) bool {
	if len(c) < 2 || len(c) > 40 {
		return false
	}
	for i := 0; i < len(c); i++ {
		b := c[i]
		if (b < 'a' || b > 'z') && (b < '0' || b > '9') && b != '-' {
			return false
		}
	}
	return true
}

func validName(field, name string) error {
	switch {
	case !utf8.ValidString(name):
		return fault.Field(field, "is not valid UTF-8")
	case strings.TrimSpace(name) == "":
		return fault.Field(field, "is required")
	case name != strings.TrimSpace(name):
		return fault.Field(field, "must not start or end with blanks")
	case utf8.RuneCountInString(name) > maxNameLen:
		return fault.Field(field, "at most %d characters", maxNameLen)
	case strings.ContainsFunc(name, func(r rune) bool { return r < ' ' || r == 0x7f }):
		return fault.Field(field, "must not contain control characters")
	}
	return nil
}

func (s Spec) validBorrowers() error {
	if len(s.Borrowers) == 0 {
		return fault.Field("borrowers", "name at least one client kind")
	}
	for i, k := range s.Borrowers {
		switch {
		case !k.Valid():
			return fault.Field("borrowers", "want individual, entrepreneur or legal_entity")
		case slices.Contains(s.Borrowers[:i], k):
			return fault.Field("borrowers", "%s is named twice", k)
		case s.Kind == Business && k == client.Individual:
			return fault.Field("borrowers", "a business loan is not for individuals")
		case s.Kind == Consumer && k == client.LegalEntity:
			return fault.Field("borrowers", "a consumer loan is not for legal entities")
		}
	}
	return nil
}

func (s Spec) validMethods() error {
	if len(s.Methods) == 0 {
		return fault.Field("methods", "name at least one schedule method")
	}
	for i, m := range s.Methods {
		switch {
		case m < schedule.Annuity || m > schedule.Single:
			return fault.Field("methods", "want annuity, differentiated, bullet or single")
		case slices.Contains(s.Methods[:i], m):
			return fault.Field("methods", "%s is named twice", m)
		}
	}
	return nil
}

// normalised returns a copy of s with borrowers and methods in their canonical order (the
// order the database's flag columns give back), so that what Propose returns equals what
// Version later reads.
func (s Spec) normalised() Spec {
	s.Borrowers = slices.Clone(s.Borrowers)
	slices.SortFunc(s.Borrowers, func(a, b client.Kind) int { return kindOrder(a) - kindOrder(b) })
	s.Methods = slices.Clone(s.Methods)
	slices.Sort(s.Methods)
	return s
}

func kindOrder(k client.Kind) int {
	switch k {
	case client.Individual:
		return 0
	case client.Entrepreneur:
		return 1
	}
	return 2
}
