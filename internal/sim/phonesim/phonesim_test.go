package phonesim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestRegistryAnswersAboutTheQuestion(t *testing.T) {
	r := New()
	r.Register("+7 701 123 45 67", "900101300017")
	for _, tc := range []struct {
		query  string
		status int
		owner  bool
	}{
		{"phone=87011234567&iin=900101300017", http.StatusOK, true},
		{"phone=%2B77011234567&iin=850505400028", http.StatusOK, false},
		{"phone=&iin=900101300017", http.StatusBadRequest, false},
	} {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest("GET", "/v1/owner?"+tc.query, nil))
		var ans OwnerAnswer
		json.Unmarshal(w.Body.Bytes(), &ans)
		if w.Code != tc.status || ans.Owner != tc.owner {
			t.Errorf("GET /v1/owner?%s = %d %+v, want %d owner=%v", tc.query, w.Code, ans, tc.status, tc.owner)
		}
	}
}
