package biometricsim

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"

	"nesie.kz/nesie/internal/kz"
)

// maxBody bounds a request body: a frame of a few hundred kilobytes, base64-encoded.
const maxBody = 4 << 20

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "body: %v", err)
		return false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		writeError(w, http.StatusBadRequest, "bad_request", "body: trailing data after the JSON object")
		return false
	}
	return true
}

type createRequest struct {
	IIN       string `json:"iin"`
	ClientRef string `json:"client_ref"`
}

type createResponse struct {
	SessionID string   `json:"session_id"`
	Nonce     string   `json:"nonce"`
	Movements []string `json:"movements"`
	ExpiresAt string   `json:"expires_at"`
}

func (s *Simulator) createSession(w http.ResponseWriter, r *http.Request) {
	var req createRequest
	if !decode(w, r, &req) {
		return
	}
	if _, err := kz.ParseIIN(req.IIN); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_iin", "iin: %v", err)
		return
	}
	if len(req.ClientRef) > 128 {
		writeError(w, http.StatusBadRequest, "invalid_client_ref", "client_ref: longer than 128 characters")
		return
	}
	nonce := make([]byte, 24)
	rand.Read(nonce)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.identities[req.IIN]; !ok {
		writeError(w, http.StatusNotFound, "no_reference_photo", "iin: no reference photo in the state database")
		return
	}
	used := s.issued[req.IIN]
	if used == nil {
		used = map[string]bool{}
		s.issued[req.IIN] = used
	}
	seq, forced := s.forced[req.IIN]
	if forced {
		delete(s.forced, req.IIN)
	} else if seq = s.drawSequence(used); seq == nil {
		writeError(w, http.StatusServiceUnavailable, "sequences_exhausted", "no unused movement sequence is left for this iin")
		return
	}
	used[sequenceKey(seq)] = true
	sess := &session{
		id: randomHex(16), iin: req.IIN, clientRef: req.ClientRef,
		nonce:     base64.RawURLEncoding.EncodeToString(nonce),
		movements: seq, expiresAt: s.now().Add(SessionTTL),
	}
	s.sessions[sess.id] = sess
	writeJSON(w, http.StatusCreated, createResponse{
		SessionID: sess.id, Nonce: sess.nonce, Movements: seq, ExpiresAt: sess.expiresAt.Format(TimeLayout),
	})
}

type performRequest struct {
	Movements []string `json:"movements"`
	Frame     []byte   `json:"frame"` // base64 in JSON
}

func (s *Simulator) perform(w http.ResponseWriter, r *http.Request) {
	var req performRequest
	if !decode(w, r, &req) {
		return
	}
	if len(req.Frame) == 0 {
		writeError(w, http.StatusBadRequest, "invalid_frame", "frame: empty")
		return
	}
	if len(req.Movements) > 10 {
		writeError(w, http.StatusBadRequest, "invalid_movements", "movements: more than 10")
		return
	}
	for i, m := range req.Movements {
		if !knownMovement(m) {
			writeError(w, http.StatusBadRequest, "invalid_movements", "movements[%d]: unknown movement %q", i, m)
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.sessions[r.PathValue("id")]
	if sess == nil {
		writeError(w, http.StatusNotFound, "no_session", "no such session")
		return
	}
	now := s.now()
	if now.After(sess.expiresAt) {
		writeError(w, http.StatusGone, "session_expired", "the session expired at %s", sess.expiresAt.Format(TimeLayout))
		return
	}
	res := Result{
		SessionID: sess.id, IIN: sess.iin, Nonce: sess.nonce,
		LivenessPassed:     live(sess.movements, req.Movements),
		MovementsSeen:      req.Movements,
		SimilarityPermille: similarity(s.identities[sess.iin], req.Frame),
		CheckedAt:          now,
	}
	body, err := json.Marshal(signed(res, s.key))
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal", "encode result: %v", err)
		return
	}
	sess.result = body
	writeJSON(w, http.StatusOK, map[string]string{"status": "performed"})
}

// live is the simulator's liveness verdict: at least three movements, every issued one
// among them. The order is deliberately not judged here (see the package doc).
func live(issued, performed []string) bool {
	if len(performed) < 3 {
		return false
	}
	for _, m := range issued {
		if !slices.Contains(performed, m) {
			return false
		}
	}
	return true
}

func (s *Simulator) result(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.sessions[r.PathValue("id")]
	if sess == nil {
		writeError(w, http.StatusNotFound, "no_session", "no such session")
		return
	}
	body := sess.result
	if sess.replay != nil {
		body = sess.replay
	}
	if body == nil {
		writeError(w, http.StatusConflict, "not_performed", "the client has not performed the movements yet")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
}

type keyJSON struct {
	KeyID     string `json:"key_id"`
	Alg       string `json:"alg"`
	PublicKey []byte `json:"public_key"`
}

func (s *Simulator) keys(w http.ResponseWriter, r *http.Request) {
	pub := s.PublicKey()
	writeJSON(w, http.StatusOK, map[string][]keyJSON{"keys": {{KeyID: keyID(pub), Alg: "Ed25519", PublicKey: pub}}})
}
