package fault

import (
	"errors"
	"fmt"
	"testing"
)

func TestKindsAreFoundThroughWrapping(t *testing.T) {
	err := fmt.Errorf("register: %w", Field("iin", "check digit is %d", 3))
	var fe *FieldError
	if !errors.Is(err, ErrInvalid) || !errors.As(err, &fe) || fe.Field != "iin" || fe.Reason != "check digit is 3" {
		t.Fatalf("field error lost: %v", err)
	}
	cause := errors.New("dial tcp: refused")
	err = fmt.Errorf("ocsp: %w", Wrap(ErrUnavailable, "ocsp_unreachable", "The revocation service is unavailable.", cause))
	if !errors.Is(err, ErrUnavailable) || !errors.Is(err, cause) || errors.Is(err, ErrInvalid) {
		t.Fatalf("kinded error: %v", err)
	}
}
