package store

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func undosEqual(a, b BlockUndo) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if !coinsEqual(&a[i][j], &b[i][j]) {
				return false
			}
		}
	}
	return true
}

func sampleUndo() BlockUndo {
	return BlockUndo{
		{*testCoin(50e8, 1, true, 35)},
		{*testCoin(1, 2, false, 25), *testCoin(12345, 300000, false, 0), *testCoin(7, 5, false, 500)},
		{},
	}
}

func TestBlockUndoRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		undo BlockUndo
	}{
		{"empty", BlockUndo{}},
		{"one tx no coins", BlockUndo{{}}},
		{"sample", sampleUndo()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.undo.Serialize()
			got, err := DecodeBlockUndo(b)
			if err != nil {
				t.Fatal(err)
			}
			if !undosEqual(got, tt.undo) {
				t.Fatalf("round trip: %+v, want %+v", got, tt.undo)
			}
			if re := got.Serialize(); !bytes.Equal(re, b) {
				t.Fatal("re-serialization differs")
			}
			// The decoded scripts do not alias the caller's buffer.
			for i := range b {
				b[i] ^= 0xff
			}
			if !undosEqual(got, tt.undo) {
				t.Fatal("decoded undo aliases its input")
			}
		})
	}
}

func TestDecodeBlockUndoHostile(t *testing.T) {
	good := sampleUndo().Serialize()
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "transaction count: truncated"},
		{"huge tx count", []byte{0xff, 0xff, 0xff, 0xff, 0x0f}, "transactions in 0 bytes"},
		{"huge coin count", mustHex("01ffffffff0f000000"), "tx 0: 4294967295 coins in 3 bytes"},
		{"coin count truncated", mustHex("02" + "00" + "80"), "tx 1: coin count: truncated"},
		{"bad coin", mustHex("0102" + "000000" + "000005aa"), "tx 0 coin 1 (at byte 5): script length 5 exceeds the 1 bytes left"},
		{"truncated", good[:len(good)-1], "coin"},
		{"trailing", append(append([]byte(nil), good...), 0), "1 trailing bytes"},
		{"non-canonical count", mustHex("8100"), "non-canonical"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeBlockUndo(tt.data)
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("err = %v, want ErrCorrupt", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %q, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestDecodeBlockUndoAllocations(t *testing.T) {
	// A count promising more than the bytes can hold is refused before any
	// allocation proportional to it.
	data := mustHex("01ffffff7f")
	allocs := testing.AllocsPerRun(10, func() { DecodeBlockUndo(data) })
	if allocs > 10 {
		t.Fatalf("%v allocations for a 5-byte hostile input", allocs)
	}
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func FuzzDecodeBlockUndo(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0})
	f.Add(sampleUndo().Serialize())
	f.Add(mustHex("01ffffffff0f000000"))
	f.Add(mustHex("0102000000000000"))
	f.Fuzz(func(t *testing.T, b []byte) {
		u, err := DecodeBlockUndo(b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error of another kind: %v", err)
			}
			return
		}
		if re := u.Serialize(); !bytes.Equal(re, b) {
			t.Fatalf("re-serialization %x differs from input %x", re, b)
		}
	})
}
