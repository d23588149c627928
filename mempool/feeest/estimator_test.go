package feeest

import (
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/bitnode/bitnode/wire"
)

func TestBuckets(t *testing.T) {
	b := bucketBoundaries()
	if len(b) != 237 {
		t.Fatalf("%d buckets, want 237", len(b))
	}
	if b[0] != 100 || b[len(b)-1] != infFeeRate || b[len(b)-2] > maxBucketFeeRate {
		t.Fatalf("bounds %v .. %v, %v", b[0], b[len(b)-2], b[len(b)-1])
	}
	for i := 1; i < len(b)-1; i++ {
		if r := b[i] / b[i-1]; math.Abs(r-feeSpacing) > 1e-9 {
			t.Fatalf("spacing %v at %d", r, i)
		}
	}
	cases := []struct {
		rate float64
		want int
	}{{-5, 0}, {0, 0}, {100, 0}, {100.5, 1}, {105, 1}, {b[len(b)-2], len(b) - 2}, {1e7, len(b) - 1}, {1e8, len(b) - 1}, {math.MaxInt64, len(b) - 1}}
	for _, c := range cases {
		if got := bucketIndex(b, c.rate); got != c.want {
			t.Errorf("bucketIndex(%v) = %d, want %d", c.rate, got, c.want)
		}
	}
}

func TestHorizonsAndModes(t *testing.T) {
	e := New()
	if e.MaxTarget() != 1008 {
		t.Fatalf("MaxTarget %d", e.MaxTarget())
	}
	for h, want := range map[Horizon]int{Short: 12, Medium: 48, Long: 1008, Horizon(7): 0} {
		if got := e.HighestTargetTracked(h); got != want {
			t.Errorf("HighestTargetTracked(%v) = %d, want %d", h, got, want)
		}
	}
	if Short.String() != "short" || Medium.String() != "medium" || Long.String() != "long" {
		t.Error("horizon names")
	}
	for _, s := range []string{"unset", "ECONOMICAL", "Conservative"} {
		m, ok := ParseMode(s)
		if !ok || m.String() != s && m.String() != map[string]string{"ECONOMICAL": "economical", "Conservative": "conservative"}[s] {
			t.Errorf("ParseMode(%q) = %v, %v", s, m, ok)
		}
	}
	if _, ok := ParseMode("sat/vB"); ok {
		t.Error("ParseMode accepted sat/vB")
	}
}

func TestInsufficientData(t *testing.T) {
	check := func(e *Estimator, target, wantBlocks int) {
		t.Helper()
		for _, m := range []Mode{Unset, Economical, Conservative} {
			got := e.EstimateSmartFee(target, m)
			if got.FeeRate != -1 || got.Blocks != wantBlocks ||
				!slices.Equal(got.Errors, []string{"Insufficient data or no feerate found"}) {
				t.Errorf("target %d mode %v: %+v", target, m, got)
			}
		}
	}
	e := New(WithMinFee(func() int64 { return 1000 }))
	check(e, 6, 0)
	check(e, 0, 0)
	check(e, 5000, 0)

	// Blocks but no transactions: still nothing recorded.
	s := newSim(e, 1, 500)
	s.run(50, func(*sim) {})
	check(e, 6, 0)

	// Transactions confirmed over a few blocks give a usable span of half
	// of them, but too little data for an answer.
	s.run(8, func(s *sim) { s.add(5000, 1, 0) })
	check(e, 6, 3)
	check(e, 1, 2)
}

func TestSyntheticHistory(t *testing.T) {
	e, _ := history(t, 2000, 42)
	type want struct{ lo, hi int64 }
	high, mid := want{20000, 50000}, want{9500, 10500}
	cases := []struct {
		target int
		want   want
	}{{1, high}, {2, high}, {6, mid}, {25, mid}, {144, mid}}
	for _, c := range cases {
		eco := e.EstimateSmartFee(c.target, Economical)
		con := e.EstimateSmartFee(c.target, Conservative)
		unset := e.EstimateSmartFee(c.target, Unset)
		t.Logf("target %3d: economical %d conservative %d (blocks %d)", c.target, eco.FeeRate, con.FeeRate, eco.Blocks)
		for _, got := range []Estimate{eco, con} {
			if got.Errors != nil || got.FeeRate < c.want.lo || got.FeeRate > c.want.hi {
				t.Errorf("target %d: %+v, want %d..%d", c.target, got, c.want.lo, c.want.hi)
			}
		}
		if con.FeeRate < eco.FeeRate {
			t.Errorf("target %d: conservative %d < economical %d", c.target, con.FeeRate, eco.FeeRate)
		}
		if unset.FeeRate != eco.FeeRate {
			t.Errorf("target %d: unset %d != economical %d", c.target, unset.FeeRate, eco.FeeRate)
		}
		wantBlocks := max(c.target, 2)
		if eco.Blocks != wantBlocks || con.Blocks != wantBlocks {
			t.Errorf("target %d: blocks %d/%d", c.target, eco.Blocks, con.Blocks)
		}
	}
	// Estimates never rise with the target, and conservative never falls
	// below economical.
	prevE, prevC := int64(math.MaxInt64), int64(math.MaxInt64)
	for target := 1; target <= e.MaxTarget(); target++ {
		eco, con := e.EstimateSmartFee(target, Economical), e.EstimateSmartFee(target, Conservative)
		if eco.FeeRate <= 0 || con.FeeRate < eco.FeeRate || eco.FeeRate > prevE || con.FeeRate > prevC {
			t.Fatalf("target %d: economical %d (prev %d) conservative %d (prev %d)", target, eco.FeeRate, prevE, con.FeeRate, prevC)
		}
		prevE, prevC = eco.FeeRate, con.FeeRate
		if target > 999 && eco.Blocks != 999 { // 1999 blocks of data
			t.Fatalf("target %d: blocks %d, want 999", target, eco.Blocks)
		}
	}
	if got := e.EstimateSmartFee(5000, Economical); got.Blocks != 999 {
		t.Errorf("oversized target: %+v", got)
	}
}

func TestMinFeeFloor(t *testing.T) {
	var e *Estimator
	floor := int64(0)
	e = New(WithMinFee(func() int64 {
		_ = e.Tracked() // must not be called with the lock held
		return floor
	}))
	s := newSim(e, 7, 100)
	s.run(300, normalMarket)
	base := e.EstimateSmartFee(6, Economical).FeeRate
	floor = 15000
	if got := e.EstimateSmartFee(6, Economical).FeeRate; got != 15000 || base >= 15000 {
		t.Errorf("floored estimate %d (base %d)", got, base)
	}
	floor = 1
	if got := e.EstimateSmartFee(6, Economical).FeeRate; got != base {
		t.Errorf("low floor changed estimate: %d, want %d", got, base)
	}
}

// TestRegimeChange: after the market moves, economical estimates follow
// within the short and medium horizons, and old data fades.
func TestRegimeChange(t *testing.T) {
	e, s := history(t, 1000, 3)
	if got := e.EstimateSmartFee(6, Economical).FeeRate; got != 10000 {
		t.Fatalf("before: %d", got)
	}
	s.run(144, congestedMarket)
	for _, m := range []Mode{Economical, Conservative} {
		if got := e.EstimateSmartFee(6, m).FeeRate; got < 30000 {
			t.Errorf("congested, %v: target 6 estimate %d, want >= 30000", m, got)
		}
	}
	// Back to normal: economical estimates for low targets recover within a
	// day. Conservative ones also need the 95% test on the week-long
	// horizon, where the day of failures weighs until it has decayed
	// below 5% of the successes: about two weeks here.
	s.run(144, normalMarket)
	if got := e.EstimateSmartFee(6, Economical).FeeRate; got != 10000 {
		t.Errorf("recovered, economical: %d", got)
	}
	if got := e.EstimateSmartFee(6, Conservative).FeeRate; got < 20000 {
		t.Errorf("conservative recovered within a day: %d", got)
	}
	s.run(2016-144, normalMarket)
	if got := e.EstimateSmartFee(6, Conservative).FeeRate; got != 10000 {
		t.Errorf("recovered, conservative: %d", got)
	}
}

func TestDecay(t *testing.T) {
	st := newConfirmStats(bucketBoundaries(), shortPeriods, shortScale, shortDecay)
	st.record(1, 5000)
	b := bucketIndex(st.buckets, 5000)
	for range 18 {
		st.updateMovingAverages()
	}
	// 0.962^18 is about one half.
	if got := st.txCtAvg[b]; math.Abs(got-math.Pow(shortDecay, 18)) > 1e-12 || got < 0.49 || got > 0.51 {
		t.Errorf("after one half-life: %v", got)
	}
	if st.confAvg[b] != st.txCtAvg[b] || st.feeRateAvg[b] != 5000*st.txCtAvg[b] {
		t.Error("averages decayed unevenly")
	}
}

func TestTracking(t *testing.T) {
	e := New()
	e.BlockConnected(10, nil)
	id := testTxid(1)
	e.TxAdded(id, 9, 5000, true) // not at the tip
	e.TxAdded(testTxid(2), 10, 5000, false)
	if e.Tracked() != 0 {
		t.Fatal("tracked a tx not at the tip or not valid for estimation")
	}
	e.TxAdded(id, 10, 5000, true)
	e.TxAdded(id, 10, 9000, true) // duplicate ignored
	if e.Tracked() != 1 {
		t.Fatal("not tracked")
	}
	e.BlockConnected(10, []wire.Hash{id}) // stale height ignored
	if e.Tracked() != 1 || e.BestHeight() != 10 {
		t.Fatal("stale block processed")
	}
	e.BlockConnected(13, nil)
	e.TxRemoved(id, false)
	e.TxRemoved(id, false) // unknown: no-op
	if e.Tracked() != 0 {
		t.Fatal("not removed")
	}
	// Waiting 3 blocks in the short horizon counts as failing periods 0-2.
	st := e.stats[Short]
	b := bucketIndex(st.buckets, 5000)
	for p := range 4 {
		want := 0.0
		if p < 3 {
			want = 1
		}
		if got := st.failAvg[p*st.nb+b]; got != want {
			t.Errorf("failAvg[%d] = %v, want %v", p, got, want)
		}
	}
	for _, s := range e.stats {
		for i := range s.unconfTotal {
			if s.unconfTotal[i] != 0 || s.oldUnconf[i] != 0 {
				t.Fatal("unconfirmed counters not cleared")
			}
		}
	}

	// A tx waiting longer than a horizon's window moves to its old
	// counters and still comes out cleanly.
	e.TxAdded(testTxid(3), 13, 7000, true)
	for h := int32(14); h <= 40; h++ {
		e.BlockConnected(h, nil)
	}
	if e.stats[Short].oldUnconf[bucketIndex(e.buckets, 7000)] != 1 {
		t.Error("old counter not used")
	}
	e.BlockConnected(41, []wire.Hash{testTxid(3)})
	if e.stats[Short].oldUnconf[bucketIndex(e.buckets, 7000)] != 0 || e.Tracked() != 0 {
		t.Error("old counter not released")
	}
	if e.stats[Medium].txCtAvg[bucketIndex(e.buckets, 7000)] != 1 {
		t.Error("confirmation not recorded")
	}
}

func TestFlushUnconfirmed(t *testing.T) {
	e, _ := history(t, 300, 5)
	if e.Tracked() == 0 {
		t.Fatal("nothing waiting")
	}
	e.FlushUnconfirmed()
	if e.Tracked() != 0 {
		t.Fatal("still tracking")
	}
	for _, s := range e.stats {
		for b := range s.nb {
			if s.unconfTotal[b] != 0 || s.oldUnconf[b] != 0 {
				t.Fatalf("bucket %d still counted", b)
			}
		}
	}
}

func TestEstimateRawFee(t *testing.T) {
	e, _ := history(t, 2000, 42)
	r := e.EstimateRawFee(6, 0.95, Short)
	if r.FeeRate != 10000 || r.Decay != shortDecay || r.Scale != 1 {
		t.Fatalf("short 6: %+v", r)
	}
	if r.Pass.Start >= 10000 || r.Pass.End < 10000 || r.Pass.End > 21000 || r.Pass.WithinTarget <= 0 {
		t.Errorf("pass range %+v", r.Pass)
	}
	if r.Fail.End < 2000 || r.Fail.Start >= 2000 || r.Fail.End >= 10000 || r.Fail.InMempool+r.Fail.LeftMempool <= 0 {
		t.Errorf("fail range %+v", r.Fail)
	}
	if r := e.EstimateRawFee(1, 0.95, Medium); r.FeeRate < 20000 || r.Scale != 2 {
		t.Errorf("medium 1: %+v", r)
	}
	if r := e.EstimateRawFee(1008, 0.5, Long); r.FeeRate <= 0 || r.Scale != 24 {
		t.Errorf("long 1008: %+v", r)
	}
	for _, bad := range []struct {
		target int
		thr    float64
		h      Horizon
	}{{13, .95, Short}, {0, .95, Long}, {6, 1.5, Short}, {6, math.NaN(), Short}, {6, .95, Horizon(-1)}} {
		r := e.EstimateRawFee(bad.target, bad.thr, bad.h)
		if r.FeeRate != -1 || r.Decay != 0 || r.Pass.Start != -1 || r.Fail.Start != -1 {
			t.Errorf("%+v: %+v", bad, r)
		}
	}
	// Not enough data at all: error with the fail range of what there is.
	f := New()
	newSim(f, 1, 10).run(5, func(s *sim) { s.add(3000, 1, 0) })
	if r := f.EstimateRawFee(2, .95, Long); r.FeeRate != -1 || r.Decay != longDecay || r.Fail.Start != 0 {
		t.Errorf("sparse: %+v", r)
	}
}

func TestConcurrent(t *testing.T) {
	e, s := history(t, 100, 9)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i := range 200 {
				e.EstimateSmartFee(1+i%30, Mode(i%3))
				e.EstimateRawFee(1+i%12, .85, Horizon(i%3))
			}
		})
	}
	s.run(100, normalMarket)
	wg.Wait()
}
