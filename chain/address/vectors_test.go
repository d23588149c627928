package address

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bitnode/bitnode/chain/params"
)

// Vector files, relative to this package.
var (
	keyIOValidFile   = filepath.Join("..", "..", "testdata", "bitcoin-core", "key_io_valid.json")
	keyIOInvalidFile = filepath.Join("..", "..", "testdata", "bitcoin-core", "key_io_invalid.json")
	base58File       = filepath.Join("..", "..", "testdata", "bitcoin-core", "base58_encode_decode.json")
	bip173File       = filepath.Join("..", "..", "testdata", "bips", "bip-0173", "bip173_test_vectors.json")
	bip350File       = filepath.Join("..", "..", "testdata", "bips", "bip-0350", "bip350_test_vectors.json")
)

// chainByName maps key_io vector chain names to networks.
var chainByName = map[string]*params.Params{
	"main":     params.MainNet,
	"test":     params.TestNet3,
	"testnet4": params.TestNet4,
	"signet":   params.SigNet,
	"regtest":  params.RegTest,
}

// allNets lists every network vectors are checked against.
var allNets = []*params.Params{params.MainNet, params.TestNet3, params.TestNet4, params.SigNet, params.RegTest}

func readJSON(tb testing.TB, path string, v any) {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("reading vectors: %v", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		tb.Fatalf("parsing %s: %v", path, err)
	}
}

type keyIOValid struct {
	str, hex     string
	chain        string
	isPrivkey    bool
	tryCaseFlip  bool
	isCompressed bool
}

func loadKeyIOValid(tb testing.TB) []keyIOValid {
	var raw [][]json.RawMessage
	readJSON(tb, keyIOValidFile, &raw)
	out := make([]keyIOValid, 0, len(raw))
	for i, e := range raw {
		if len(e) != 3 {
			tb.Fatalf("key_io_valid entry %d has %d fields", i, len(e))
		}
		var v keyIOValid
		var meta struct {
			Chain        string `json:"chain"`
			IsPrivkey    bool   `json:"isPrivkey"`
			TryCaseFlip  bool   `json:"tryCaseFlip"`
			IsCompressed bool   `json:"isCompressed"`
		}
		if json.Unmarshal(e[0], &v.str) != nil || json.Unmarshal(e[1], &v.hex) != nil || json.Unmarshal(e[2], &meta) != nil {
			tb.Fatalf("key_io_valid entry %d is malformed", i)
		}
		v.chain, v.isPrivkey, v.tryCaseFlip, v.isCompressed = meta.Chain, meta.IsPrivkey, meta.TryCaseFlip, meta.IsCompressed
		out = append(out, v)
	}
	return out
}

func loadKeyIOInvalid(tb testing.TB) []string {
	var raw [][]string
	readJSON(tb, keyIOInvalidFile, &raw)
	out := make([]string, 0, len(raw))
	for i, e := range raw {
		if len(e) < 1 {
			tb.Fatalf("key_io_invalid entry %d is empty", i)
		}
		out = append(out, e[0])
	}
	return out
}

func loadBase58(tb testing.TB) [][2]string {
	var raw [][2]string
	readJSON(tb, base58File, &raw)
	return raw
}

type bipVectors struct {
	Encoding       string   `json:"encoding"`
	ValidStrings   []string `json:"valid_strings"`
	InvalidStrings []struct {
		String string `json:"string"`
		Reason string `json:"reason"`
	} `json:"invalid_strings"`
	ValidAddresses []struct {
		Address        string `json:"address"`
		ScriptPubKey   string `json:"scriptPubKey"`
		HRP            string `json:"hrp"`
		WitnessVersion int    `json:"witness_version"`
		Superseded     bool   `json:"superseded_by_bip350"`
	} `json:"valid_addresses"`
	InvalidAddresses []struct {
		Address string `json:"address"`
		Reason  string `json:"reason"`
	} `json:"invalid_addresses"`
}

func loadBIP(tb testing.TB, path string) bipVectors {
	var v bipVectors
	readJSON(tb, path, &v)
	return v
}

// reasonKind maps a BIP vector's "reason" to the error kind it implies.
func reasonKind(reason string) (ErrorKind, bool) {
	r := strings.ToLower(reason)
	switch {
	case r == "hrp character out of range", r == "invalid data character",
		r == "invalid character in checksum":
		return ErrInvalidCharacter, true
	case r == "overall max length exceeded", r == "too short checksum":
		return ErrInvalidLength, true
	case r == "no separator character":
		return ErrMissingSeparator, true
	case r == "empty hrp":
		return ErrInvalidHRP, true
	case r == "checksum calculated with uppercase form of hrp", strings.HasPrefix(r, "invalid checksum"):
		return ErrInvalidChecksum, true
	case r == "invalid human-readable part":
		return ErrWrongNetwork, true
	case r == "invalid witness version":
		return ErrInvalidWitnessVersion, true
	case strings.HasPrefix(r, "invalid program length"):
		return ErrInvalidProgramLength, true
	case r == "mixed case":
		return ErrMixedCase, true
	case r == "zero padding of more than 4 bits", r == "non-zero padding in 8-to-5 conversion":
		return ErrInvalidPadding, true
	case r == "empty data section":
		return ErrEmptyData, true
	}
	return "", false
}

// netForHRP picks the network a BIP vector address is meant for.
func netForHRP(s string) *params.Params {
	if strings.HasPrefix(strings.ToLower(s), "tb1") {
		return params.TestNet3
	}
	return params.MainNet
}

// flipCase swaps ASCII letter case.
func flipCase(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z':
			b[i] = c - 'a' + 'A'
		case c >= 'A' && c <= 'Z':
			b[i] = c - 'A' + 'a'
		}
	}
	return string(b)
}

func mustHex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		tb.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func logCount(t *testing.T, name string, n int) {
	t.Helper()
	t.Logf("%s: %d vectors", name, n)
	if n == 0 {
		t.Fatalf("%s: no vectors ran", name)
	}
}

func TestKeyIOValid(t *testing.T) {
	vectors := loadKeyIOValid(t)
	n := 0
	for _, v := range vectors {
		p, ok := chainByName[v.chain]
		if !ok {
			t.Fatalf("%s: unknown chain %q", v.str, v.chain)
		}
		if v.isPrivkey {
			checkValidPrivkey(t, v, p)
		} else {
			checkValidAddress(t, v, p)
		}
		n++
	}
	if n != len(vectors) {
		t.Fatalf("used %d of %d vectors", n, len(vectors))
	}
	logCount(t, "key_io_valid", n)
}

func checkValidPrivkey(t *testing.T, v keyIOValid, p *params.Params) {
	t.Helper()
	w, err := DecodeWIF(v.str, p)
	if err != nil {
		t.Errorf("%s on %s: DecodeWIF: %v", v.str, p.Name, err)
		return
	}
	if got := hex.EncodeToString(w.PrivKey[:]); got != v.hex {
		t.Errorf("%s: key %s, want %s", v.str, got, v.hex)
	}
	if w.Compressed != v.isCompressed {
		t.Errorf("%s: compressed %v, want %v", v.str, w.Compressed, v.isCompressed)
	}
	if got := w.String(); got != v.str {
		t.Errorf("%s: re-encoded as %s", v.str, got)
	}
	w2, err := NewWIF(mustHex(t, v.hex), v.isCompressed, p)
	if err != nil || w2.String() != v.str {
		t.Errorf("%s: NewWIF gives %v, %v", v.str, w2, err)
	}
	if _, err := Decode(v.str, p); err == nil {
		t.Errorf("%s: private key decoded as an address", v.str)
	}
}

func checkValidAddress(t *testing.T, v keyIOValid, p *params.Params) {
	t.Helper()
	a, err := Decode(v.str, p)
	if err != nil {
		t.Errorf("%s on %s: Decode: %v", v.str, p.Name, err)
		return
	}
	if got := hex.EncodeToString(a.ScriptPubKey()); got != v.hex {
		t.Errorf("%s: script %s, want %s", v.str, got, v.hex)
	}
	want := v.str
	if _, ok := a.(WitnessAddress); ok {
		want = strings.ToLower(v.str)
	}
	b, err := FromScriptPubKey(mustHex(t, v.hex), p)
	if err != nil {
		t.Errorf("%s: FromScriptPubKey: %v", v.str, err)
	} else if b.String() != want {
		t.Errorf("%s: FromScriptPubKey encodes %s", v.str, b.String())
	}
	if !a.IsForNet(p) || a.Params() != p {
		t.Errorf("%s: not bound to %s", v.str, p.Name)
	}
	if _, err := DecodeWIF(v.str, p); err == nil {
		t.Errorf("%s: address decoded as a private key", v.str)
	}
	flipped := flipCase(v.str)
	fa, err := Decode(flipped, p)
	switch {
	case v.tryCaseFlip && err != nil:
		t.Errorf("%s: case-flipped %s rejected: %v", v.str, flipped, err)
	case v.tryCaseFlip && !bytes.Equal(fa.ScriptPubKey(), a.ScriptPubKey()):
		t.Errorf("%s: case-flipped decodes to another script", v.str)
	case !v.tryCaseFlip && err == nil:
		t.Errorf("%s: case-flipped %s accepted", v.str, flipped)
	}
}

func TestKeyIOInvalid(t *testing.T) {
	vectors := loadKeyIOInvalid(t)
	for _, s := range vectors {
		for _, p := range allNets {
			if a, err := Decode(s, p); err == nil {
				t.Errorf("%q accepted as address on %s: %s", s, p.Name, a)
			} else if CoreErrorMessage(err) == "" {
				t.Errorf("%q on %s: no Core message for %v", s, p.Name, err)
			}
			if _, err := DecodeWIF(s, p); err == nil {
				t.Errorf("%q accepted as private key on %s", s, p.Name)
			}
		}
	}
	logCount(t, "key_io_invalid", len(vectors))
}

func TestBase58Vectors(t *testing.T) {
	vectors := loadBase58(t)
	for _, v := range vectors {
		raw := mustHex(t, v[0])
		if got := Base58Encode(raw); got != v[1] {
			t.Errorf("Base58Encode(%s) = %s, want %s", v[0], got, v[1])
		}
		got, err := Base58Decode(v[1])
		if err != nil || !bytes.Equal(got, raw) {
			t.Errorf("Base58Decode(%s) = %x, %v; want %s", v[1], got, err, v[0])
		}
	}
	logCount(t, "base58_encode_decode", len(vectors))
}

func TestBIPStringVectors(t *testing.T) {
	for _, file := range []string{bip173File, bip350File} {
		v := loadBIP(t, file)
		want := Bech32
		if v.Encoding == "bech32m" {
			want = Bech32m
		}
		name := filepath.Base(file)
		for _, s := range v.ValidStrings {
			enc, hrp, data, err := Bech32Decode(s)
			if err != nil || enc != want {
				t.Errorf("%s: %q: got %v, %v; want %v", name, s, enc, err, want)
				continue
			}
			if got, err := Bech32Encode(enc, hrp, data); err != nil || got != strings.ToLower(s) {
				t.Errorf("%s: %q re-encodes as %q, %v", name, s, got, err)
			}
		}
		logCount(t, name+" valid_strings", len(v.ValidStrings))
		for _, iv := range v.InvalidStrings {
			kind, ok := reasonKind(iv.Reason)
			if !ok {
				t.Fatalf("%s: unmapped reason %q", name, iv.Reason)
			}
			_, _, _, err := Bech32Decode(iv.String)
			if !errors.Is(err, kind) {
				t.Errorf("%s: %q (%s): got %v, want %s", name, iv.String, iv.Reason, err, kind)
			}
		}
		logCount(t, name+" invalid_strings", len(v.InvalidStrings))
	}
}

func TestBIPAddressVectors(t *testing.T) {
	for _, file := range []string{bip173File, bip350File} {
		v := loadBIP(t, file)
		name := filepath.Base(file)
		for _, va := range v.ValidAddresses {
			checkBIPValidAddress(t, name, va.Address, va.ScriptPubKey, va.WitnessVersion, va.Superseded)
		}
		logCount(t, name+" valid_addresses", len(v.ValidAddresses))
		for _, ia := range v.InvalidAddresses {
			kind, ok := reasonKind(ia.Reason)
			if !ok {
				t.Fatalf("%s: unmapped reason %q", name, ia.Reason)
			}
			for _, p := range allNets {
				if _, err := Decode(ia.Address, p); err == nil {
					t.Errorf("%s: %q accepted on %s", name, ia.Address, p.Name)
				}
			}
			p := netForHRP(ia.Address)
			if _, err := Decode(ia.Address, p); !errors.Is(err, kind) {
				t.Errorf("%s: %q (%s) on %s: got %v, want %s", name, ia.Address, ia.Reason, p.Name, err, kind)
			}
			if _, _, _, err := DecodeSegWit(ia.Address); err == nil && kind != ErrWrongNetwork {
				t.Errorf("%s: DecodeSegWit accepted %q", name, ia.Address)
			}
		}
		logCount(t, name+" invalid_addresses", len(v.InvalidAddresses))
	}
}

func checkBIPValidAddress(t *testing.T, name, addr, script string, version int, superseded bool) {
	t.Helper()
	p := netForHRP(addr)
	a, err := Decode(addr, p)
	if superseded {
		// BIP350: v1+ with a bech32 checksum is no longer valid.
		if !errors.Is(err, ErrInvalidChecksum) {
			t.Errorf("%s: superseded %q: got %v, want %s", name, addr, err, ErrInvalidChecksum)
		}
		return
	}
	if err != nil {
		t.Errorf("%s: %q: %v", name, addr, err)
		return
	}
	if got := hex.EncodeToString(a.ScriptPubKey()); got != script {
		t.Errorf("%s: %q: script %s, want %s", name, addr, got, script)
	}
	w, ok := a.(WitnessAddress)
	if !ok || int(w.WitnessVersion()) != version {
		t.Errorf("%s: %q: not a version %d witness address: %T", name, addr, version, a)
	}
	if a.String() != strings.ToLower(addr) {
		t.Errorf("%s: %q: String() = %q", name, addr, a.String())
	}
	b, err := FromScriptPubKey(mustHex(t, script), p)
	if err != nil || b.String() != strings.ToLower(addr) {
		t.Errorf("%s: %q: FromScriptPubKey gives %v, %v", name, addr, b, err)
	}
}
