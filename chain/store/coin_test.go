package store

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/wire"
)

func TestCoinKeyOrder(t *testing.T) {
	// Big-endian vout: keys sort by (txid, vout) as numbers.
	op := testOp(1, 2)
	k2, k256 := coinKey(op), coinKey(wire.OutPoint{Hash: op.Hash, Index: 256})
	if bytes.Compare(k2[:], k256[:]) >= 0 {
		t.Fatal("vout 2 does not sort before vout 256")
	}
	back, ok := outPointFromKey(k256[:])
	if !ok || back != (wire.OutPoint{Hash: op.Hash, Index: 256}) {
		t.Fatalf("outPointFromKey = %v, %v", back, ok)
	}
	if _, ok := outPointFromKey(k256[:20]); ok {
		t.Fatal("short key accepted")
	}
}

func TestCoinEncoding(t *testing.T) {
	tests := []struct {
		name string
		coin Coin
		hex  string // expected encoding, when pinned
	}{
		{"zero", Coin{}, "000000"},
		{"coinbase 50 BTC at 1", Coin{Value: 50e8, Height: 1, CoinBase: true, PkScript: []byte{0xac}}, "033201ac"},
		{"1 sat", Coin{Value: 1, Height: 100, PkScript: []byte{0x51}}, "c801010151"},
		{"max money", Coin{Value: consensus.MaxMoney, Height: maxCoinHeight, PkScript: []byte{}}, ""},
		{"odd amount", Coin{Value: 123456789, Height: 700000, PkScript: bytes.Repeat([]byte{0x76}, 25)}, ""},
		{"big script", Coin{Value: 5, Height: 3, PkScript: bytes.Repeat([]byte{1}, 10000)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := appendCoin(nil, &tt.coin)
			if len(b) != coinEncodedSize(&tt.coin) {
				t.Errorf("size %d, coinEncodedSize %d", len(b), coinEncodedSize(&tt.coin))
			}
			if tt.hex != "" && hex.EncodeToString(b) != tt.hex {
				t.Errorf("encoding %x, want %s", b, tt.hex)
			}
			got, err := decodeCoin(b)
			if err != nil {
				t.Fatal(err)
			}
			if !coinsEqual(got, &tt.coin) {
				t.Fatalf("round trip: %+v, want %+v", got, tt.coin)
			}
		})
	}
}

func TestCompressAmount(t *testing.T) {
	// Bitcoin Core's compress_tests.cpp pairs.
	const coin, cent = 100_000_000, 1_000_000
	pairs := []struct{ amount, compressed uint64 }{
		{0, 0x0}, {1, 0x1}, {cent, 0x7}, {coin, 0x9}, {50 * coin, 0x32}, {21_000_000 * coin, 0x1406f40},
	}
	for _, p := range pairs {
		if got := compressAmount(p.amount); got != p.compressed {
			t.Errorf("compressAmount(%d) = %#x, want %#x", p.amount, got, p.compressed)
		}
		if got, ok := decompressAmount(p.compressed); !ok || uint64(got) != p.amount {
			t.Errorf("decompressAmount(%#x) = %d, %v", p.compressed, got, ok)
		}
	}
	for x := uint64(0); x < 200_000; x++ {
		if v, ok := decompressAmount(x); ok && compressAmount(uint64(v)) != x {
			t.Fatalf("compress(decompress(%d)) = %d", x, compressAmount(uint64(v)))
		}
	}
	for _, v := range []int64{consensus.MaxMoney, consensus.MaxMoney - 1, 999_999_999, 1e9 + 7} {
		if got, ok := decompressAmount(compressAmount(uint64(v))); !ok || got != v {
			t.Errorf("round trip %d: %d %v", v, got, ok)
		}
	}
	if _, ok := decompressAmount(compressAmount(uint64(consensus.MaxMoney) + 1)); ok {
		t.Error("MaxMoney+1 accepted")
	}
	if _, ok := decompressAmount(^uint64(0)); ok {
		t.Error("2^64-1 accepted")
	}
}

func TestDecodeCoinRejects(t *testing.T) {
	tests := []struct {
		name, hex, want string
	}{
		{"empty", "", "height code: truncated"},
		{"non-canonical code", "8000" + "0000", "non-canonical"},
		{"varint overflow", "ffffffffffffffffffff01", "overflows"},
		{"height too big", "8080808010" + "0000", "height"},
		{"amount too big", "00" + "ffffffffffffffff7f" + "00", "amount"},
		{"amount truncated", "00", "amount: truncated"},
		{"script length missing", "0000", "script length: truncated"},
		{"script too long", "000005aabb", "script length 5 exceeds the 2 bytes left"},
		{"trailing", "000001aabb", "trailing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := hex.DecodeString(tt.hex)
			if err != nil {
				t.Fatal(err)
			}
			_, err = decodeCoin(b)
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("err = %v, want ErrCorrupt", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %q, want it to mention %q", err, tt.want)
			}
		})
	}
}

func FuzzDecodeCoin(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0})
	f.Add(appendCoin(nil, &Coin{Value: 50e8, Height: 1, CoinBase: true, PkScript: []byte{0xac}}))
	f.Add(appendCoin(nil, &Coin{Value: consensus.MaxMoney, Height: maxCoinHeight, PkScript: make([]byte, 300)}))
	f.Add([]byte{0x80, 0x00, 0x00, 0x00})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := decodeCoin(b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error of another kind: %v", err)
			}
			return
		}
		// The encoding is canonical: what decodes re-encodes to itself.
		if re := appendCoin(nil, c); !bytes.Equal(re, b) {
			t.Fatalf("re-encoding %x differs from input %x", re, b)
		}
		if !consensus.MoneyRange(c.Value) || c.Height < 0 {
			t.Fatalf("decoded out-of-range coin %+v", c)
		}
	})
}
