package auth

import (
	"testing"

	"nesie.kz/nesie/internal/store/storetest"
)

// The constraints of migration 0004 refuse rows that would weaken login whatever code writes
// them: an SMS challenge without a code hash (any code would pass), a password stored in
// anything but argon2id, a token hash of the wrong size, an ended session without a reason,
// a biometric check spent twice.
func TestAuthSchemaGuards(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		hash32 := make([]byte, 32)
		good := []string{
			`INSERT INTO auth_account (client_id, password_hash, password_set_at) VALUES ('c1', '$argon2id$v=19$m=1,t=1,p=1$x$y', 1)`,
			`INSERT INTO auth_biometric_proof (check_id, client_id, used_at) VALUES ('b1', 'c1', 1)`,
		}
		for _, q := range good {
			if _, err := env.Admin.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		for _, c := range []struct {
			q    string
			args []any
		}{
			{`INSERT INTO auth_account (client_id, password_hash, password_set_at) VALUES ('c2', 'plain text', 1)`, nil},
			{`INSERT INTO auth_account (client_id, password_hash, password_set_at) VALUES (NULL, '$argon2id$v=19$m=1,t=1,p=1$x$y', 1)`, nil},
			{`INSERT INTO auth_challenge (id, client_id, purpose, factor, code_hash, created_at, expires_at, tries_left, ip, user_agent)
				VALUES ('ch1', 'c1', 'login', 'sms', NULL, 1, 2, 3, '', '')`, nil},
			{`INSERT INTO auth_challenge (id, client_id, purpose, factor, code_hash, created_at, expires_at, tries_left, ip, user_agent)
				VALUES ('ch2', 'c1', 'login', 'sms', $1, 2, 2, 3, '', '')`, []any{hash32}},
			{`INSERT INTO auth_session (id, token_hash, client_id, factor, ip, user_agent, created_at, last_seen_at, expires_at)
				VALUES ('s1', $1, 'c1', 'sms', '', '', 1, 1, 2)`, []any{hash32[:16]}},
			{`INSERT INTO auth_session (id, token_hash, client_id, factor, ip, user_agent, created_at, last_seen_at, expires_at, ended_at)
				VALUES ('s2', $1, 'c1', 'sms', '', '', 1, 1, 2, 2)`, []any{hash32}},
			{`INSERT INTO auth_biometric_proof (check_id, client_id, used_at) VALUES ('b1', 'c1', 2)`, nil},
		} {
			if _, err := env.Admin.Exec(c.q, c.args...); err == nil {
				t.Errorf("accepted: %s", c.q)
			}
		}
	})
}
