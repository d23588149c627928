package txjson

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
)

func TestAmountJSON(t *testing.T) {
	tests := []struct {
		sat  int64
		want string
	}{
		{0, "0.00000000"},
		{1, "0.00000001"},
		{100000, "0.00100000"},
		{5000000000, "50.00000000"},
		{2100000000000000, "21000000.00000000"},
		{-1, "-0.00000001"},
		{-150000000, "-1.50000000"},
		{math.MaxInt64, "92233720368.54775807"},
		{math.MinInt64, "-92233720368.54775808"},
	}
	for _, tc := range tests {
		b, err := json.Marshal(Amount(tc.sat))
		if err != nil || string(b) != tc.want {
			t.Errorf("Amount(%d) = %s, %v; want %s", tc.sat, b, err, tc.want)
		}
		if tc.sat == math.MinInt64 || tc.sat == math.MaxInt64 {
			continue
		}
		var back Amount
		if err := json.Unmarshal(b, &back); err != nil || int64(back) != tc.sat {
			t.Errorf("round trip of %s: %d, %v", b, back, err)
		}
	}
}

func TestAmountUnmarshal(t *testing.T) {
	good := map[string]int64{`0.1`: 10000000, `1`: 100000000, `"0.00000001"`: 1, `-2.5`: -250000000, `21000000`: 2100000000000000}
	for in, want := range good {
		var a Amount
		if err := json.Unmarshal([]byte(in), &a); err != nil || int64(a) != want {
			t.Errorf("Unmarshal(%s) = %d, %v; want %d", in, a, err, want)
		}
	}
	for _, in := range []string{`0.000000001`, `1e8`, `21000000.00000001`, `"abc"`, `.5`, `1.-5`, `--1`} {
		var a Amount
		if err := a.UnmarshalJSON([]byte(in)); !errors.Is(err, ErrAmount) {
			t.Errorf("Unmarshal(%s) = %d, %v; want ErrAmount", in, a, err)
		}
	}
}

// Expected strings are C's printf("%.16g") of Core's GetDifficulty
// arithmetic, which is what UniValue prints; several also appear in
// published bitcoin-cli output (1, 4.656542373906925e-10 for regtest,
// 53911173001054.59 for block 800000).
func TestDifficulty(t *testing.T) {
	tests := []struct {
		bits uint32
		want string
	}{
		{0x1d00ffff, "1"},
		{0x207fffff, "4.656542373906925e-10"},
		{0x17053894, "53911173001054.59"},
		{0x1b0404cb, "16307.42093852398"},
		{0x1a05db8b, "2864140.507810974"},
		{0x1c00800e, "511.7735342566043"},
		{0x1e0fffff, "0.0002441371325370145"},
		{0x03000001, "2.695953529101131e+67"},
		{0x2100ffff, "2.328306436538696e-10"},
		{0x1d7fffff, "0.007812381722018924"},
		{0x1e03f341, "0.0009888562457268011"},
		{0x1d000000, "null"}, // zero mantissa: +Inf, which JSON cannot hold
	}
	for _, tc := range tests {
		b, err := json.Marshal(Float(Difficulty(tc.bits)))
		if err != nil || string(b) != tc.want {
			t.Errorf("difficulty(%08x) = %s, %v; want %s", tc.bits, b, err, tc.want)
		}
	}
	var f Float
	if err := json.Unmarshal([]byte("4.656542373906925e-10"), &f); err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(f); string(b) != "4.656542373906925e-10" {
		t.Errorf("Float round trip: %s", b)
	}
}

func TestTargetHex(t *testing.T) {
	tests := []struct {
		bits uint32
		want string
	}{
		{0x1d00ffff, "00000000ffff0000000000000000000000000000000000000000000000000000"},
		{0x207fffff, "7fffff0000000000000000000000000000000000000000000000000000000000"},
		{0x17053894, "0000000000000000000538940000000000000000000000000000000000000000"},
		{0x03000001, "0000000000000000000000000000000000000000000000000000000000000001"},
		{0x01003456, "0000000000000000000000000000000000000000000000000000000000000000"},
		{0x04923456, ""}, // negative
		{0x23000001, ""}, // overflows 256 bits
	}
	for _, tc := range tests {
		if got := TargetHex(tc.bits); got != tc.want {
			t.Errorf("TargetHex(%08x) = %q, want %q", tc.bits, got, tc.want)
		}
	}
}
