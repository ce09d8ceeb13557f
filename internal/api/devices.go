package api

import (
	"net/http"

	"nesie.kz/nesie/internal/device"
	"nesie.kz/nesie/internal/fault"
)

// deviceRequest is the body of POST /api/v1/devices. PublicKey is base64 (standard alphabet):
// SubjectPublicKeyInfo DER, or the raw key of the algorithm.
type deviceRequest struct {
	Name             string `json:"name"`
	Platform         string `json:"platform"`
	Algorithm        string `json:"algorithm"`
	PublicKey        []byte `json:"public_key"`
	BiometricCheckID string `json:"biometric_check_id"`
}

// deviceAnswer is a registered device.
type deviceAnswer struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Platform   string `json:"platform"`
	Algorithm  string `json:"algorithm"`
	CreatedAt  string `json:"created_at"`
	LastUsedAt string `json:"last_used_at,omitempty"`
	RevokedAt  string `json:"revoked_at,omitempty"`
	// Current marks the device that signed this request.
	Current bool `json:"current"`
}

func deviceOf(d device.Device, current string) deviceAnswer {
	return deviceAnswer{ID: d.ID, Name: d.Name, Platform: string(d.Platform), Algorithm: string(d.Algorithm),
		CreatedAt: stamp(d.CreatedAt), LastUsedAt: stamp(d.LastUsedAt), RevokedAt: stamp(d.RevokedAt),
		Current: current != "" && d.ID == current}
}

// registerDevice registers the signed-in client's device key, on a fresh biometric check
// (R26.2).
func (h *handlers) registerDevice(w http.ResponseWriter, r *http.Request) error {
	var req deviceRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := required("name", req.Name, "platform", req.Platform, "algorithm", req.Algorithm,
		"biometric_check_id", req.BiometricCheckID); err != nil {
		return err
	}
	if len(req.PublicKey) == 0 {
		return fault.Field("public_key", "is required")
	}
	d, err := h.Devices.Register(r.Context(), device.Registration{
		ClientID: callerOf(r.Context()).session.ClientID, Name: req.Name,
		Platform: device.Platform(req.Platform), Algorithm: device.Algorithm(req.Algorithm),
		PublicKey: req.PublicKey, BiometricCheck: req.BiometricCheckID,
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, deviceOf(d, ""))
}

// devicesAnswer lists the client's devices, revoked ones included, oldest first.
type devicesAnswer struct {
	Devices []deviceAnswer `json:"devices"`
}

// devices lists the signed-in client's devices.
func (h *handlers) devices(w http.ResponseWriter, r *http.Request) error {
	c := callerOf(r.Context())
	list, err := h.Devices.List(r.Context(), c.session.ClientID)
	if err != nil {
		return err
	}
	out := devicesAnswer{Devices: make([]deviceAnswer, 0, len(list))}
	for _, d := range list {
		out.Devices = append(out.Devices, deviceOf(d, c.device.ID))
	}
	return writeJSON(w, http.StatusOK, out)
}

// revokeDevice revokes one of the client's devices; another client's is not found.
func (h *handlers) revokeDevice(w http.ResponseWriter, r *http.Request) error {
	if err := h.Devices.Revoke(r.Context(), r.PathValue("id"), ""); err != nil {
		return err
	}
	return noContent(w)
}
