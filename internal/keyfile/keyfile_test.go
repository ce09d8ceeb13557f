package keyfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A key created once is the key loaded after; the file is the owner's alone.
func TestLoadOrCreateThenLoadGiveTheSameKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "signing.key")
	made, err := LoadOrCreate("test key", path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v", st.Mode().Perm(), err)
	}
	again, err := LoadOrCreate("test key", path)
	if err != nil || !again.Equal(made) {
		t.Fatalf("a second LoadOrCreate made another key (%v)", err)
	}
	loaded, err := Load("test key", path)
	if err != nil || !loaded.Equal(made) {
		t.Fatalf("Load gave another key (%v)", err)
	}
}

// A key others can read, a missing file and a file that is not a key are refused, each
// naming the key.
func TestLoadRefusesWhatIsNotAPrivateKey(t *testing.T) {
	dir := t.TempDir()
	open := filepath.Join(dir, "open.key")
	if _, err := LoadOrCreate("test key", open); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o644); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(dir, "garbage.key")
	if err := os.WriteFile(garbage, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, path := range map[string]string{"readable by others": open, "missing": filepath.Join(dir, "none"), "not PEM": garbage} {
		if _, err := Load("test key", path); err == nil || !strings.Contains(err.Error(), "test key") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
