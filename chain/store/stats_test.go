package store

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/bitnode/bitnode/wire"
)

func TestUTXOStatsEmpty(t *testing.T) {
	db, _ := openTestDB(t, 0)
	st, err := db.UTXOStats()
	if err != nil {
		t.Fatal(err)
	}
	// SHA256d of nothing, in internal byte order.
	if got := hex.EncodeToString(st.HashSerialized[:]); got != "5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456" {
		t.Fatalf("empty set hash %s", got)
	}
	if st.TxOuts != 0 || st.Transactions != 0 || st.BestBlock != (wire.Hash{}) {
		t.Fatalf("stats %+v", st)
	}
}

// TestUTXOStatsKnownSet checks hash_serialized_3 against bytes written out
// by hand from the definition (Core's TxOutSer): txid, LE vout, LE uint32
// height*2+coinbase, LE int64 value, CompactSize script length, script;
// coins in (txid, vout) numeric order; SHA256d of the whole.
func TestUTXOStatsKnownSet(t *testing.T) {
	db, _ := openTestDB(t, 0)
	var txA, txB wire.Hash
	txA[0], txB[0] = 0x01, 0x02
	p2pkh := mustHex("76a914" + strings.Repeat("11", 20) + "88ac")
	// Added out of order, and spread over a flush and the cache.
	mustCommit(t, db, blockHash(1), func(v *View) {
		v.Add(wire.OutPoint{Hash: txB, Index: 0}, &Coin{Value: 123456789, Height: 500000})
		v.Add(wire.OutPoint{Hash: txA, Index: 256}, &Coin{Value: 50e8, Height: 1, CoinBase: true, PkScript: []byte{0x51}})
	})
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	mustCommit(t, db, blockHash(2), func(v *View) {
		v.Add(wire.OutPoint{Hash: txA, Index: 2}, &Coin{Value: 1, Height: 100, PkScript: p2pkh})
		v.Add(wire.OutPoint{Hash: txA, Index: 7}, &Coin{Value: 1, Height: 100, PkScript: p2pkh})
	})
	mustCommit(t, db, blockHash(3), func(v *View) { mustSpend(t, v, wire.OutPoint{Hash: txA, Index: 7}) })

	zeros31 := strings.Repeat("00", 31)
	ser := "01" + zeros31 + "02000000" + "c8000000" + "0100000000000000" + "19" + hex.EncodeToString(p2pkh) +
		"01" + zeros31 + "00010000" + "03000000" + "00f2052a01000000" + "01" + "51" +
		"02" + zeros31 + "00000000" + "40420f00" + "15cd5b0700000000" + "00"
	first := sha256.Sum256(mustHex(ser))
	want := sha256.Sum256(first[:])

	st, err := db.UTXOStats()
	if err != nil {
		t.Fatal(err)
	}
	if st.HashSerialized != wire.Hash(want) {
		t.Errorf("hash_serialized_3 %x, want %x", st.HashSerialized, want)
	}
	wantStats := UTXOStats{
		BestBlock: blockHash(3), Transactions: 2, TxOuts: 3, TotalAmount: 50e8 + 1 + 123456789,
		HashSerialized: want, BogoSize: 3*50 + 25 + 1, DiskSize: st.DiskSize,
	}
	if st != wantStats {
		t.Errorf("stats %+v\nwant  %+v", st, wantStats)
	}
	if db.FlushedBestBlock() != blockHash(3) {
		t.Error("UTXOStats did not flush")
	}
}
