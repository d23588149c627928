package mining

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// BenchmarkNewTemplate50k assembles a block from 50,000 one-transaction
// chunks of 400 to 4,000 weight units in feerate order (about 1,800 fill
// the block). The transactions are not valid: NewTemplate checks no script
// or coin, the pool having done so.
func BenchmarkNewTemplate50k(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	src := make(SliceSource, 50_000)
	for i := range src {
		w := 400 + rng.IntN(3600)
		src[i] = []TxDesc{fakeDesc(i, w, int64(w/4)*int64(1+rng.IntN(100)), 4*rng.IntN(3))}
	}
	slices.SortStableFunc(src, func(x, y []TxDesc) int {
		l, r := x[0].Fee*int64(y[0].Weight), y[0].Fee*int64(x[0].Weight)
		switch {
		case l > r:
			return -1
		case l < r:
			return 1
		}
		return 0
	})
	benchTemplate(b, src)
}

// BenchmarkNewTemplate50kWorstCase: 10,999-weight chunks leave a gap the
// early exit never accepts as full enough, so all 50,000 are visited and
// most are skipped (and remembered, so that their descendants are too).
func BenchmarkNewTemplate50kWorstCase(b *testing.B) {
	src := make(SliceSource, 50_000)
	for i := range src {
		src[i] = []TxDesc{fakeDesc(i, 10_999, int64(100_000-i), 0)}
	}
	benchTemplate(b, src)
}

// benchTemplate times NewTemplate over src, reporting wall and CPU
// milliseconds per template (CPU time tells the cost apart from waiting on
// a busy machine; it includes the garbage collector on every core).
func benchTemplate(b *testing.B, src SliceSource) {
	ch := newChain(b, nil)
	var tmpl *Template
	b.ReportAllocs()
	cpu := processCPUTime()
	for b.Loop() {
		var err error
		if tmpl, err = NewTemplate(ch, src, Options{CoinbaseScript: opTrue}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/op")
	if cpu > 0 {
		b.ReportMetric((processCPUTime()-cpu).Seconds()*1000/float64(b.N), "cpu-ms/op")
	}
	b.ReportMetric(float64(len(tmpl.Txs)), "txs")
	b.ReportMetric(float64(tmpl.Weight), "weight")
}
