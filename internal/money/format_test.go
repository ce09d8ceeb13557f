package money

import (
	"math"
	"testing"
)

func TestFormatPerLanguage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a    Amount
		lang string
		want string
	}{
		{0, "ru", "0,00 ₸"},
		{5, "ru", "0,05 ₸"},
		{99999, "ru", "999,99 ₸"},
		{100000, "ru", "1 000,00 ₸"},
		{123456789, "ru", "1 234 567,89 ₸"},
		{123456789, "kk", "1 234 567,89 ₸"},
		{123456789, "en", "₸1,234,567.89"},
		{-123400, "ru", "-1 234,00 ₸"},
		{-123400, "en", "-₸1,234.00"},
		{123456789, "de", "1 234 567,89 ₸"},
		{123456789, "", "1 234 567,89 ₸"},
		{123456789, "ru-KZ", "1 234 567,89 ₸"},
		{123456789, "EN_us", "₸1,234,567.89"},
		{math.MaxInt64, "ru", "92 233 720 368 547 758,07 ₸"},
		{math.MinInt64, "ru", "-92 233 720 368 547 758,08 ₸"},
		{math.MinInt64, "en", "-₸92,233,720,368,547,758.08"},
	}
	for _, c := range cases {
		if got := c.a.Format(c.lang); got != c.want {
			t.Errorf("Amount(%d).Format(%q) = %q, want %q", c.a, c.lang, got, c.want)
		}
	}
	if got := Amount(123456).String(); got != "1 234,56 ₸" {
		t.Errorf("String() = %q", got)
	}
}
