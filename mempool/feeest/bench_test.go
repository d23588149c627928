package feeest

import (
	"testing"

	"github.com/bitnode/bitnode/wire"
)

// BenchmarkBlockConnected connects a block confirming 3,000 tracked
// transactions (after a day of history, so every counter is populated).
func BenchmarkBlockConnected(b *testing.B) {
	e, s := history(b, 144, 1)
	const n = 3000
	ids := make([]wire.Hash, n)
	h := s.height
	var next uint64 = 1 << 40
	for b.Loop() {
		b.StopTimer()
		for i := range ids {
			next++
			ids[i] = testTxid(next)
			e.TxAdded(ids[i], h, 1000+int64(i)*10, true)
		}
		h++
		b.StartTimer()
		e.BlockConnected(h, ids)
	}
	if e.Tracked() > 10000 {
		b.Fatalf("%d still tracked", e.Tracked())
	}
}

func BenchmarkEstimateSmartFee(b *testing.B) {
	e, _ := history(b, 2000, 42)
	for b.Loop() {
		e.EstimateSmartFee(6, Conservative)
		e.EstimateSmartFee(144, Economical)
	}
}
