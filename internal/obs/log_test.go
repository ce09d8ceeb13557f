package obs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"nesie.kz/nesie/internal/reqctx"
)

// made-up IIN with a valid checksum: 1·9+2·0+3·0+4·1+5·0+6·1+7·3+8·0+9·0+10·1+11·2 = 72 ≡ 6 (mod 11)
const testIIN = "900101300126"

// logLine logs with fn into a fresh logger and returns the single JSON line decoded.
func logLine(t *testing.T, fn func(*slog.Logger)) map[string]any {
	t.Helper()
	var buf bytes.Buffer
	fn(NewLogger(&buf, slog.LevelDebug))
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("log output %q is not one JSON object: %v", buf.String(), err)
	}
	return line
}

// selfMasking stands for a domain type such as kz.IIN that masks itself through LogValue.
type selfMasking string

func (s selfMasking) LogValue() slog.Value { return slog.StringValue(string(s[:6]) + "******") }

func TestPersonalDataMaskedInJSONLogs(t *testing.T) {
	t.Parallel()
	line := logLine(t, func(l *slog.Logger) {
		l.Info("client registered",
			"iin", testIIN,
			"clientIIN", testIIN,
			slog.Group("client", "iin", testIIN, "phone", "+7 701 123 45 67"),
			"self", selfMasking(testIIN),
			"password", "Secr3t!pass",
			"otp_code", "123456",
			"Authorization", "Bearer abc.def.ghi",
			"card_number", "4400 4300 1234 5678",
			"iban", "KZ86125KZT5004100100",
			"email", "aigerim@mail.kz",
			"last_name", "Example",
			"amount_tiyn", 1500000,
		)
	})
	client, _ := line["client"].(map[string]any)
	want := map[string]any{
		"iin":           "900101******",
		"clientIIN":     "900101******",
		"password":      "***",
		"otp_code":      "***",
		"Authorization": "***",
		"card_number":   "440043******5678",
		"iban":          "KZ86************0100",
		"email":         "a***@mail.kz",
		"last_name":     "***",
		"amount_tiyn":   1500000.0, // not personal: left alone
	}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("%s logged as %#v, want %#v", k, line[k], v)
		}
	}
	if client["iin"] != "900101******" || client["phone"] != "+7********67" {
		t.Errorf("grouped attrs logged as %v, want iin 900101****** and phone +7********67", client)
	}
	// A self-masking value is masked once more by its key, and that changes nothing.
	if line["self"] != "900101******" {
		t.Errorf("LogValuer logged as %v", line["self"])
	}
}

func TestIINQuotedInErrorOrMessageIsScrubbed(t *testing.T) {
	t.Parallel()
	err := errors.New("find client " + testIIN + ": no rows")
	line := logLine(t, func(l *slog.Logger) {
		l.Error("lookup of "+testIIN+" failed", "err", err, "cause", err)
	})
	for _, k := range []string{"msg", "err", "cause"} {
		s, _ := line[k].(string)
		if strings.Contains(s, "300126") || !strings.Contains(s, "900101******") {
			t.Errorf("%s = %q: the IIN is not scrubbed", k, s)
		}
	}
}

func TestContextAddsRequestIDAndActor(t *testing.T) {
	t.Parallel()
	ctx := reqctx.With(context.Background(), reqctx.Info{
		RequestID: "req-0001-abcd",
		IP:        "192.0.2.10",
		Actor:     reqctx.Actor{Kind: reqctx.Staff, ID: "17"},
	})
	line := logLine(t, func(l *slog.Logger) { l.InfoContext(ctx, "loan approved") })
	if line["request_id"] != "req-0001-abcd" || line["actor"] != "staff:17" {
		t.Errorf("line = %v, want request_id req-0001-abcd and actor staff:17", line)
	}

	// Without a request, the system is the actor and there is no request id.
	line = logLine(t, func(l *slog.Logger) { l.Info("started") })
	if _, ok := line["request_id"]; ok || line["actor"] != "system:nesie" {
		t.Errorf("line without request = %v", line)
	}
}

func TestLevelFiltersLines(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	l := NewLogger(&buf, slog.LevelWarn)
	l.Info("quiet")
	l.Warn("loud")
	if strings.Contains(buf.String(), "quiet") || !strings.Contains(buf.String(), "loud") {
		t.Errorf("output %q: want only the warning", buf.String())
	}
}
