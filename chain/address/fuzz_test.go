package address

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// seedStrings returns every string from the test vectors, valid and
// invalid, plus their case-flipped forms.
func seedStrings(tb testing.TB) []string {
	var out []string
	for _, v := range loadKeyIOValid(tb) {
		out = append(out, v.str, flipCase(v.str))
	}
	out = append(out, loadKeyIOInvalid(tb)...)
	for _, v := range loadBase58(tb) {
		out = append(out, v[1])
	}
	for _, file := range []string{bip173File, bip350File} {
		v := loadBIP(tb, file)
		out = append(out, v.ValidStrings...)
		for _, e := range v.InvalidStrings {
			out = append(out, e.String)
		}
		for _, e := range v.ValidAddresses {
			out = append(out, e.Address, flipCase(e.Address))
		}
		for _, e := range v.InvalidAddresses {
			out = append(out, e.Address)
		}
	}
	out = append(out, coreMessageSeeds()...)
	return out
}

func addSeeds(f *testing.F) {
	for _, s := range seedStrings(f) {
		f.Add(s)
	}
}

// checkPackageError asserts err is one of this package's errors with a
// known kind and a Core message.
func checkPackageError(t *testing.T, input string, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("%q: error %v (%T) is not an *Error", input, err, err)
	}
	if e.Err == "" || e.Description == "" || CoreErrorMessage(err) == "" {
		t.Fatalf("%q: incomplete error %#v", input, e)
	}
	for _, l := range ErrorLocations(err) {
		if l < 0 || l >= len(input) {
			t.Fatalf("%q: error location %d out of range", input, l)
		}
	}
}

func FuzzDecodeAddress(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range allNets {
			a, err := Decode(s, p)
			if err != nil {
				checkPackageError(t, s, err)
				continue
			}
			want := s
			if _, ok := a.(WitnessAddress); ok {
				want = strings.ToLower(s)
			}
			if a.String() != want {
				t.Fatalf("%q on %s re-encodes as %q", s, p.Name, a.String())
			}
			if !a.IsForNet(p) {
				t.Fatalf("%q: decoded on %s but not IsForNet", s, p.Name)
			}
			b, err := FromScriptPubKey(a.ScriptPubKey(), p)
			if err != nil || b.String() != want {
				t.Fatalf("%q: script %x maps back to %v, %v", s, a.ScriptPubKey(), b, err)
			}
		}
	})
}

func FuzzBech32Decode(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		enc, hrp, data, err := Bech32Decode(s)
		if err != nil {
			checkPackageError(t, s, err)
		} else {
			got, err := Bech32Encode(enc, hrp, data)
			if err != nil || got != strings.ToLower(s) {
				t.Fatalf("%q re-encodes as %q, %v", s, got, err)
			}
		}
		hrp, version, program, err := DecodeSegWit(s)
		if err != nil {
			checkPackageError(t, s, err)
			return
		}
		got, err := EncodeSegWit(hrp, version, program)
		if err != nil || got != strings.ToLower(s) {
			t.Fatalf("segwit %q re-encodes as %q, %v", s, got, err)
		}
	})
}

func FuzzBase58CheckDecode(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		if raw, err := Base58Decode(s); err == nil {
			if got := Base58Encode(raw); got != s {
				t.Fatalf("base58 %q re-encodes as %q", s, got)
			}
		} else {
			checkPackageError(t, s, err)
		}
		data, err := Base58CheckDecode(s)
		if err != nil {
			checkPackageError(t, s, err)
			return
		}
		if got := Base58CheckEncode(data); got != s {
			t.Fatalf("base58check %q re-encodes as %q", s, got)
		}
		if back, err := Base58CheckDecode(Base58CheckEncode(data)); err != nil || !bytes.Equal(back, data) {
			t.Fatalf("base58check %q does not round-trip: %x, %v", s, back, err)
		}
	})
}

func FuzzWIFDecode(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range allNets {
			w, err := DecodeWIF(s, p)
			if err != nil {
				checkPackageError(t, s, err)
				continue
			}
			if got := w.String(); got != s {
				t.Fatalf("WIF %q on %s re-encodes as %q", s, p.Name, got)
			}
			if !w.IsForNet(p) {
				t.Fatalf("WIF %q decoded on %s but not IsForNet", s, p.Name)
			}
			if _, err := NewWIF(w.PrivKey[:], w.Compressed, p); err != nil {
				t.Fatalf("WIF %q: NewWIF rejects the decoded key: %v", s, err)
			}
		}
	})
}
