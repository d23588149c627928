package address

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/bitnode/bitnode/chain/params"
)

func TestErrorsSayWhere(t *testing.T) {
	tests := []struct {
		in   string
		kind ErrorKind
		msg  string
	}{
		{"x1b4n0q5v", ErrInvalidCharacter, "invalid character 'b' at position 2"},
		{"de1lg7wt\xff", ErrInvalidCharacter, "invalid character 0xff at position 8"},
		{" 1nwldj5", ErrInvalidCharacter, "invalid character 0x20 at position 0"},
		{"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7", ErrMixedCase, "uppercase 'L' at position 58"},
		{"li1dgmt3", ErrInvalidLength, "separator at position 2 has 5 characters"},
		{"1pzry9x0s0muk", ErrInvalidHRP, "empty human-readable part"},
		{"pzry9x0s0muk", ErrMissingSeparator, "no '1' separator"},
		{"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", ErrInvalidChecksum, "likely typo at position 41"},
		{strings.Repeat("a", 91), ErrInvalidLength, "91 characters, maximum is 90"},
	}
	for _, tt := range tests {
		_, _, _, err := Bech32Decode(tt.in)
		if !errors.Is(err, tt.kind) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%q: got %v, want %s containing %q", tt.in, err, tt.kind, tt.msg)
		}
	}
	if _, err := Base58Decode("1230abc"); !errors.Is(err, ErrInvalidCharacter) ||
		!strings.Contains(err.Error(), "'0' at position 3") {
		t.Errorf("base58 error: %v", err)
	}
}

func TestBech32EncodeErrors(t *testing.T) {
	tests := []struct {
		enc  Encoding
		hrp  string
		data []byte
		kind ErrorKind
	}{
		{Bech32, "", nil, ErrInvalidHRP},
		{Bech32, "a b", nil, ErrInvalidCharacter},
		{Bech32m, "a", []byte{32}, ErrInvalidArgument},
		{Encoding(7), "a", nil, ErrInvalidArgument},
		{Bech32, strings.Repeat("a", 84), nil, ErrInvalidLength},
		{Bech32, "a", make([]byte, 83), ErrInvalidLength},
	}
	for _, tt := range tests {
		if _, err := Bech32Encode(tt.enc, tt.hrp, tt.data); !errors.Is(err, tt.kind) {
			t.Errorf("Bech32Encode(%v, %q, %d values): %v, want %s", tt.enc, tt.hrp, len(tt.data), err, tt.kind)
		}
	}
	s, err := Bech32Encode(Bech32m, "A", make([]byte, 82))
	if err != nil || len(s) != MaxBech32Length || s != strings.ToLower(s) {
		t.Errorf("90-char encode: %q, %v", s, err)
	}
	if Bech32.String() != "bech32" || Bech32m.String() != "bech32m" || Encoding(0).String() != "invalid" {
		t.Error("Encoding.String")
	}
}

func TestConvertBits(t *testing.T) {
	tests := []struct {
		in       []byte
		from, to uint8
		pad      bool
		want     []byte
		kind     ErrorKind
	}{
		{[]byte{0xff}, 8, 5, true, []byte{31, 28}, ""},
		{[]byte{31, 28}, 5, 8, false, []byte{0xff}, ""},
		{[]byte{31, 29}, 5, 8, false, nil, ErrInvalidPadding},    // non-zero padding
		{[]byte{31, 28, 0}, 5, 8, false, nil, ErrInvalidPadding}, // 7 bits of padding
		{[]byte{32}, 5, 8, false, nil, ErrInvalidArgument},
		{nil, 0, 8, false, nil, ErrInvalidArgument},
		{nil, 5, 8, false, []byte{}, ""},
	}
	for _, tt := range tests {
		got, err := ConvertBits(tt.in, tt.from, tt.to, tt.pad)
		if tt.kind != "" {
			if !errors.Is(err, tt.kind) {
				t.Errorf("ConvertBits(%v, %d, %d): %v, want %s", tt.in, tt.from, tt.to, err, tt.kind)
			}
			continue
		}
		if err != nil || !bytes.Equal(got, tt.want) {
			t.Errorf("ConvertBits(%v, %d, %d) = %v, %v; want %v", tt.in, tt.from, tt.to, got, err, tt.want)
		}
	}
}

func TestSegWitRoundTripAllVersions(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 0
	for v := byte(0); v <= MaxWitnessVersion; v++ {
		for size := MinWitnessProgramLen; size <= MaxWitnessProgramLen; size++ {
			if v == 0 && size != 20 && size != 32 {
				continue
			}
			prog := make([]byte, size)
			for i := range prog {
				prog[i] = byte(rng.Uint32())
			}
			for _, p := range allNets {
				a, err := NewWitnessAddress(v, prog, p)
				if err != nil {
					t.Fatalf("v%d/%d on %s: %v", v, size, p.Name, err)
				}
				b, err := Decode(strings.ToUpper(a.String()), p)
				if err != nil || !bytes.Equal(b.ScriptPubKey(), a.ScriptPubKey()) {
					t.Fatalf("v%d/%d on %s: %s decodes to %v, %v", v, size, p.Name, a, b, err)
				}
				n++
			}
		}
	}
	logCount(t, "segwit round trips", n)
}

func TestBase58(t *testing.T) {
	if _, err := Base58Decode(strings.Repeat("z", MaxBase58Length)); err != nil {
		t.Errorf("max-length input rejected: %v", err)
	}
	if _, err := Base58Decode(strings.Repeat("z", MaxBase58Length+1)); !errors.Is(err, ErrInvalidLength) {
		t.Errorf("over-long input: %v", err)
	}
	if _, err := Base58CheckDecode("3QJmnh"); err != nil { // checksum of empty data
		t.Errorf("empty-payload base58check: %v", err)
	}
	if _, err := Base58CheckDecode("11"); !errors.Is(err, ErrInvalidLength) {
		t.Errorf("short base58check: %v", err)
	}
	if _, err := Base58CheckDecode("3QJmni"); !errors.Is(err, ErrInvalidChecksum) {
		t.Errorf("bad base58check: %v", err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 500; i++ {
		b := make([]byte, rng.IntN(80))
		for j := range b {
			if rng.IntN(4) > 0 {
				b[j] = byte(rng.Uint32())
			}
		}
		s := Base58CheckEncode(b)
		got, err := Base58CheckDecode(s)
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("round trip of %x via %s: %x, %v", b, s, got, err)
		}
	}
}

func TestWIF(t *testing.T) {
	key := bytes.Repeat([]byte{0x11}, 32)
	w, err := NewWIF(key, true, params.MainNet)
	if err != nil {
		t.Fatal(err)
	}
	s := w.String()
	if s[0] != 'K' && s[0] != 'L' {
		t.Errorf("compressed mainnet WIF %s", s)
	}
	if _, err := DecodeWIF(s, params.TestNet3); !errors.Is(err, ErrWrongNetwork) {
		t.Errorf("mainnet key on testnet: %v", err)
	}
	if got := CoreErrorMessage(func() error { _, err := DecodeWIF(s, params.RegTest); return err }()); got != "Invalid private key encoding" {
		t.Errorf("Core message %q", got)
	}
	order := secp256k1Order[:]
	orderMinus1 := append([]byte(nil), order...)
	orderMinus1[31]--
	tests := []struct {
		name    string
		payload []byte
		kind    ErrorKind
	}{
		{"zero key", append([]byte{0x80}, make([]byte, 32)...), ErrInvalidPrivateKey},
		{"key = n", append([]byte{0x80}, order...), ErrInvalidPrivateKey},
		{"key = n-1", append([]byte{0x80}, orderMinus1...), ""},
		{"flag 0x02", append(append([]byte{0x80}, key...), 0x02), ErrInvalidPrivateKey},
		{"31-byte key", append([]byte{0x80}, key[:31]...), ErrInvalidLength},
		{"35 bytes", append(append([]byte{0x80}, key...), 1, 1), ErrInvalidLength},
		{"P2PKH payload", append([]byte{0x00}, key[:20]...), ErrInvalidLength},
	}
	for _, tt := range tests {
		_, err := DecodeWIF(Base58CheckEncode(tt.payload), params.MainNet)
		if tt.kind == "" && err != nil || tt.kind != "" && !errors.Is(err, tt.kind) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.kind)
		}
	}
	if _, err := NewWIF(order, false, params.MainNet); !errors.Is(err, ErrInvalidPrivateKey) {
		t.Errorf("NewWIF(n): %v", err)
	}
	if _, err := NewWIF(key, false, nil); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("NewWIF(nil params): %v", err)
	}
	w.Zero()
	if w.PrivKey != [32]byte{} {
		t.Error("Zero left key bytes")
	}
}

// TestLocateTypos substitutes one or two data characters of valid
// addresses and checks the reported error locations are exactly those.
func TestLocateTypos(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	n := 0
	for i := 0; i < 300; i++ {
		prog := make([]byte, 32)
		for j := range prog {
			prog[j] = byte(rng.Uint32())
		}
		a, err := NewWitnessAddress(byte(i%2), prog, params.RegTest)
		if err != nil {
			t.Fatal(err)
		}
		s := []byte(a.String())
		sep := strings.LastIndexByte(string(s), '1')
		var want []int
		for len(want) < 1+i%2 {
			pos := sep + 1 + rng.IntN(len(s)-sep-1)
			if slices.Contains(want, pos) {
				continue
			}
			c := bech32Charset[(bech32Values[s[pos]]+int8(1+rng.IntN(31)))%32]
			s[pos] = c
			want = append(want, pos)
		}
		slices.Sort(want)
		_, err = Decode(string(s), params.RegTest)
		if !errors.Is(err, ErrInvalidChecksum) {
			t.Fatalf("%s: %v", s, err)
		}
		if got := ErrorLocations(err); !slices.Equal(got, want) {
			t.Errorf("%s: locations %v, want %v (%v)", s, got, want, err)
		}
		n++
	}
	logCount(t, "typo locations", n)
}
