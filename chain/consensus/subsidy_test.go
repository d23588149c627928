package consensus

import (
	"bytes"
	"testing"

	"github.com/bitnode/bitnode/wire"
)

func TestBlockSubsidy(t *testing.T) {
	tests := []struct {
		height, interval int32
		want             int64
	}{
		{0, 210000, 50 * SatoshiPerBitcoin},
		{209999, 210000, 50 * SatoshiPerBitcoin},
		{210000, 210000, 25 * SatoshiPerBitcoin},
		{840000, 210000, 3_1250_0000},
		{6929999, 210000, 1},
		{6930000, 210000, 0},
		{150 * 64, 150, 0}, // regtest: the 64th halving
		{150*63 + 1, 150, 0},
		{300, 150, 12_5000_0000},
	}
	for _, tc := range tests {
		if got := BlockSubsidy(tc.height, tc.interval); got != tc.want {
			t.Errorf("height %d interval %d: %d, want %d", tc.height, tc.interval, got, tc.want)
		}
	}
}

func TestExpectedCoinbaseHeightPrefix(t *testing.T) {
	tests := []struct {
		height int32
		want   []byte
	}{
		{0, []byte{0x00}}, {1, []byte{0x51}}, {16, []byte{0x60}}, {17, []byte{0x01, 0x11}},
		{127, []byte{0x01, 0x7f}}, {128, []byte{0x02, 0x80, 0x00}}, {227931, []byte{0x03, 0x5b, 0x7a, 0x03}},
		{413567, []byte{0x03, 0x7f, 0x4f, 0x06}},
	}
	for _, tc := range tests {
		if got := ExpectedCoinbaseHeightPrefix(tc.height); !bytes.Equal(got, tc.want) {
			t.Errorf("height %d: %x, want %x", tc.height, got, tc.want)
		}
	}
}

func TestIsFinalTx(t *testing.T) {
	final := &wire.TxIn{Sequence: wire.MaxTxInSequenceNum}
	open := &wire.TxIn{Sequence: 0}
	tests := []struct {
		name     string
		lockTime uint32
		in       *wire.TxIn
		height   int32
		time     int64
		want     bool
	}{
		{"no lock", 0, open, 1, 0, true},
		{"height passed", 99, open, 100, 0, true},
		{"height equal", 100, open, 100, 0, false},
		{"height future but final input", 200, final, 100, 0, true},
		{"time passed", 500_000_001, open, 100, 500_000_002, true},
		{"time equal", 500_000_002, open, 100, 500_000_002, false},
	}
	for _, tc := range tests {
		tx := &wire.Tx{LockTime: tc.lockTime, TxIn: []*wire.TxIn{tc.in}}
		if got := IsFinalTx(tx, tc.height, tc.time); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
