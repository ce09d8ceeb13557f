package audit

import (
	"bufio"
	"crypto/ed25519"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
)

// Checkpoint is a signed statement that the chain had hash Hash at event Seq.
type Checkpoint struct {
	Seq       int64  `json:"seq"`
	Hash      []byte `json:"hash"`
	SignedAt  int64  `json:"signed_at"` // µs since the epoch
	KeyID     string `json:"key_id"`
	Signature []byte `json:"sig"`
}

const checkpointDomain = "nesie/audit/checkpoint/v1\x00"

func (c *Checkpoint) message() []byte {
	b := make([]byte, 0, 96)
	b = append(b, checkpointDomain...)
	b = binary.BigEndian.AppendUint64(b, uint64(c.Seq))
	b = append(b, c.Hash...)
	b = binary.BigEndian.AppendUint64(b, uint64(c.SignedAt))
	b = append(b, c.KeyID...)
	return b
}

func (k *Key) sign(seq int64, hash []byte, at int64) Checkpoint {
	c := Checkpoint{Seq: seq, Hash: append([]byte(nil), hash...), SignedAt: at, KeyID: k.ID}
	c.Signature = ed25519.Sign(k.priv, c.message())
	return c
}

// Verify checks c's signature against the keyring.
func (c *Checkpoint) Verify(ring Keyring) error {
	pub, ok := ring[c.KeyID]
	if !ok {
		return fmt.Errorf("checkpoint at event %d is signed with unknown key %s", c.Seq, c.KeyID)
	}
	if !ed25519.Verify(pub, c.message(), c.Signature) {
		return fmt.Errorf("checkpoint at event %d: signature does not verify", c.Seq)
	}
	return nil
}

// CheckpointFile is the append-only copy of the checkpoints outside the database, one JSON
// object a line. Operators may make it append-only at the file-system level too
// (chattr +a) or ship it to write-once storage.
type CheckpointFile struct {
	path string
	mu   sync.Mutex
}

// NewCheckpointFile returns the file at path (created on first append).
func NewCheckpointFile(path string) *CheckpointFile { return &CheckpointFile{path: path} }

// Path returns where the file is.
func (f *CheckpointFile) Path() string { return f.path }

// Append writes c as a line and syncs it to disk before returning.
func (f *CheckpointFile) Append(c Checkpoint) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	line, err := json.Marshal(c)
	if err != nil {
		return err
	}
	fh, err := os.OpenFile(f.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("checkpoint file: %w", err)
	}
	if _, err := fh.Write(append(line, '\n')); err != nil {
		fh.Close()
		return fmt.Errorf("checkpoint file: %w", err)
	}
	if err := fh.Sync(); err != nil {
		fh.Close()
		return fmt.Errorf("checkpoint file: %w", err)
	}
	return fh.Close()
}

// ErrNoCheckpointFile says the file does not exist.
var ErrNoCheckpointFile = errors.New("checkpoint file does not exist")

// ReadAll returns every checkpoint in the file, in file order. A line that does not parse is
// an error naming its number: the file is evidence and is not silently skipped over.
func (f *CheckpointFile) ReadAll() ([]Checkpoint, error) {
	fh, err := os.Open(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNoCheckpointFile, f.path)
	}
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	var out []Checkpoint
	sc := bufio.NewScanner(fh)
	for n := 1; sc.Scan(); n++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var c Checkpoint
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			return nil, fmt.Errorf("checkpoint file %s line %d: %w", f.path, n, err)
		}
		out = append(out, c)
	}
	return out, sc.Err()
}
