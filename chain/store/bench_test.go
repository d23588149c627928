package store

import (
	"crypto/sha256"
	"encoding/binary"
	"testing"

	"github.com/bitnode/bitnode/wire"
)

// BenchmarkViewSpendAdd measures one spend and one add through a view on
// the cache-hit path (the coin spent is in the cache), with the Commit
// every 1000 pairs amortised in.
func BenchmarkViewSpendAdd(b *testing.B) {
	db, _ := openTestDB(b, 4<<30)
	const ring = 100_000
	script := make([]byte, 25)
	v := db.NewView()
	for i := range uint32(ring) {
		v.Add(benchOp(i, 0), &Coin{Value: 1000, PkScript: script, Height: 1})
	}
	db.Commit(v, blockHash(0))
	if err := db.Flush(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	v = db.NewView()
	for i := range b.N {
		if _, err := v.Spend(benchOp(uint32(i), 0)); err != nil {
			b.Fatal(err)
		}
		v.Add(benchOp(uint32(i+ring), 0), &Coin{Value: 1000, PkScript: script, Height: int32(i / 1000)})
		if i%1000 == 999 {
			db.Commit(v, blockHash(uint64(i)))
			v = db.NewView()
		}
	}
	db.Commit(v, blockHash(1))
}

// BenchmarkFlush measures a flush of 10,000 new coins and 10,000 deletes,
// the work of a few full blocks.
func BenchmarkFlush(b *testing.B) {
	db, _ := openTestDB(b, 4<<30)
	const n = 10_000
	script := make([]byte, 25)
	add := func(base uint32, best uint64) {
		v := db.NewView()
		for i := range uint32(n) {
			v.Add(benchOp(base+i, 1), &Coin{Value: int64(i) * 1000, PkScript: script, Height: int32(best)})
		}
		db.Commit(v, blockHash(best))
	}
	add(0, 0)
	if err := db.Flush(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for it := range b.N {
		b.StopTimer()
		base := uint32(it) * n
		add(base+n, uint64(it)+1)
		v := db.NewView()
		ops := make([]wire.OutPoint, n)
		for i := range uint32(n) {
			ops[i] = benchOp(base+i, 1)
		}
		for _, op := range ops {
			if _, err := v.Spend(op); err != nil {
				b.Fatal(err)
			}
		}
		db.Commit(v, blockHash(uint64(it)+1))
		b.StartTimer()
		if err := db.Flush(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*2*n), "ns/coin")
}

// benchOp is an outpoint with a random-looking txid, as real ones are.
func benchOp(tx, vout uint32) wire.OutPoint {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], tx)
	return wire.OutPoint{Hash: sha256.Sum256(b[:]), Index: vout}
}
