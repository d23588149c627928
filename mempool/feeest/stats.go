package feeest

import (
	"math"
	"sort"
)

// Bucket layout and horizon parameters, as in Bitcoin Core's
// CBlockPolicyEstimator (policy/fees/block_policy_estimator.h).
const (
	// minBucketFeeRate is the upper bound of the lowest bucket, in sat/kvB.
	// Core lowered it from 1000 to 100 together with the default minimum
	// relay fee.
	minBucketFeeRate = 100.0
	// maxBucketFeeRate is the last finite bucket boundary, in sat/kvB.
	maxBucketFeeRate = 1e7
	// feeSpacing is the ratio between consecutive bucket boundaries.
	feeSpacing = 1.05
	// infFeeRate bounds the final catch-all bucket.
	infFeeRate = 1e99

	shortPeriods, shortScale, shortDecay = 12, 1, .962    // 12 blocks, half-life 18 blocks
	medPeriods, medScale, medDecay       = 24, 2, .9952   // 48 blocks, half-life 144 blocks
	longPeriods, longScale, longDecay    = 42, 24, .99931 // 1008 blocks, half-life 1008 blocks

	// oldestEstimateHistory: saved data whose last block is further behind
	// the best height than this no longer counts towards the usable span.
	oldestEstimateHistory = 6 * 1008

	halfSuccessPct   = .6  // within target/2
	successPct       = .85 // within target
	doubleSuccessPct = .95 // within 2*target

	// sufficientFeeTxs is the average number of transactions per block a
	// bucket range needs before its success rate means anything;
	// sufficientTxsShort applies to the short horizon, which sees fewer
	// blocks.
	sufficientFeeTxs   = 0.1
	sufficientTxsShort = 0.5
)

// horizonParam is a horizon's period count, blocks per period and decay
// per block.
type horizonParam struct {
	periods, scale int
	decay          float64
}

// maxConfirms is the highest target the horizon tracks.
func (p horizonParam) maxConfirms() int { return p.periods * p.scale }

// horizonParams is indexed by Horizon.
var horizonParams = [3]horizonParam{
	Short:  {shortPeriods, shortScale, shortDecay},
	Medium: {medPeriods, medScale, medDecay},
	Long:   {longPeriods, longScale, longDecay},
}

// bucketBoundaries returns the inclusive upper bounds of the fee-rate
// buckets: 100 sat/kvB growing by 5% up to 1e7, then a catch-all bucket.
func bucketBoundaries() []float64 {
	var b []float64
	for v := minBucketFeeRate; v <= maxBucketFeeRate; v *= feeSpacing {
		b = append(b, v)
	}
	return append(b, infFeeRate)
}

// bucketIndex returns the bucket a fee rate falls in: the first whose upper
// bound is at least the rate (Core's bucketMap.lower_bound).
func bucketIndex(buckets []float64, feeRate float64) int {
	i := sort.SearchFloat64s(buckets, feeRate)
	if i >= len(buckets) { // NaN or above infFeeRate: cannot happen for int64 inputs
		i = len(buckets) - 1
	}
	return i
}

// bucketRange describes a range of buckets an estimate passed or failed in,
// as Core's EstimatorBucket; Start and End are -1 when there is none.
type bucketRange struct {
	start, end                                           float64
	withinTarget, totalConfirmed, inMempool, leftMempool float64
}

func noRange() bucketRange { return bucketRange{start: -1, end: -1} }

// confirmStats is one time horizon (Core's TxConfirmStats): exponentially
// decaying counts, per fee-rate bucket, of transactions confirmed within
// each number of periods, of transactions that left the mempool unconfirmed,
// and of all confirmed transactions, plus the transactions still waiting.
type confirmStats struct {
	buckets []float64 // shared, read-only
	nb      int       // len(buckets)
	periods int       // number of periods tracked
	scale   int       // blocks per period
	decay   float64

	feeRateAvg []float64 // [bucket] decayed sum of confirmed fee rates
	txCtAvg    []float64 // [bucket] decayed count of confirmed txs
	confAvg    []float64 // [period*nb+bucket] confirmed within period+1 periods
	failAvg    []float64 // [period*nb+bucket] left unconfirmed after period+1 periods

	// unconf counts tracked transactions still in the mempool by entry
	// height modulo bins (bins = periods*scale, the longest target); it is
	// bucket-major so the per-bucket sum over heights in estimate is
	// contiguous. unconfTotal[b] is the sum of unconf over every slot of
	// bucket b, to skip empty buckets. oldUnconf counts those that entered
	// bins or more blocks ago.
	bins        int
	unconf      []int32 // [bucket*bins+slot]
	unconfTotal []int32
	oldUnconf   []int32
}

func newConfirmStats(buckets []float64, periods, scale int, decay float64) *confirmStats {
	nb := len(buckets)
	s := &confirmStats{
		buckets: buckets, nb: nb, periods: periods, scale: scale, decay: decay,
		feeRateAvg: make([]float64, nb),
		txCtAvg:    make([]float64, nb),
		confAvg:    make([]float64, periods*nb),
		failAvg:    make([]float64, periods*nb),
		bins:       periods * scale,
	}
	s.resetUnconfirmed()
	return s
}

// resetUnconfirmed forgets every transaction still being waited for.
func (s *confirmStats) resetUnconfirmed() {
	s.unconf = make([]int32, s.nb*s.bins)
	s.unconfTotal = make([]int32, s.nb)
	s.oldUnconf = make([]int32, s.nb)
}

// maxConfirms is the highest target this horizon can answer.
func (s *confirmStats) maxConfirms() int { return s.periods * s.scale }

func (s *confirmStats) slot(height int64) int {
	m := int(height % int64(s.bins))
	if m < 0 {
		m += s.bins
	}
	return m
}

// clearCurrent moves the slot the new block at height reuses into the
// "old" counters: those transactions have now waited bins blocks.
func (s *confirmStats) clearCurrent(height int32) {
	sl := s.slot(int64(height))
	for b := 0; b < s.nb; b++ {
		i := b*s.bins + sl
		if n := s.unconf[i]; n != 0 {
			s.oldUnconf[b] += n
			s.unconfTotal[b] -= n
			s.unconf[i] = 0
		}
	}
}

// record counts a transaction confirmed blocksToConfirm blocks after it
// entered the mempool.
func (s *confirmStats) record(blocksToConfirm int, feeRate float64) {
	if blocksToConfirm < 1 {
		return
	}
	b := bucketIndex(s.buckets, feeRate)
	for p := (blocksToConfirm+s.scale-1)/s.scale - 1; p < s.periods; p++ {
		s.confAvg[p*s.nb+b]++
	}
	s.txCtAvg[b]++
	s.feeRateAvg[b] += feeRate
}

// updateMovingAverages applies one block of decay.
func (s *confirmStats) updateMovingAverages() {
	d := s.decay
	for i := range s.confAvg {
		s.confAvg[i] *= d
		s.failAvg[i] *= d
	}
	for b := 0; b < s.nb; b++ {
		s.feeRateAvg[b] *= d
		s.txCtAvg[b] *= d
	}
}

// newTx counts a transaction entering the mempool at height in bucket b.
func (s *confirmStats) newTx(height int32, b int) {
	s.unconf[b*s.bins+s.slot(int64(height))]++
	s.unconfTotal[b]++
}

// removeTx stops waiting for a transaction that entered at entryHeight;
// unless it left in a block, every period it waited counts as a failure.
// It reports false when the counters were already empty (an inconsistency
// Core only logs).
func (s *confirmStats) removeTx(entryHeight, bestHeight int32, b int, inBlock bool) bool {
	blocksAgo := int64(bestHeight) - int64(entryHeight)
	if bestHeight == 0 {
		blocksAgo = 0
	}
	if blocksAgo < 0 {
		return false
	}
	ok := true
	if blocksAgo >= int64(s.bins) {
		if s.oldUnconf[b] > 0 {
			s.oldUnconf[b]--
		} else {
			ok = false
		}
	} else {
		i := b*s.bins + s.slot(int64(entryHeight))
		if s.unconf[i] > 0 {
			s.unconf[i]--
			s.unconfTotal[b]--
		} else {
			ok = false
		}
	}
	if !inBlock && blocksAgo >= int64(s.scale) {
		periodsAgo := blocksAgo / int64(s.scale)
		for p := 0; int64(p) < periodsAgo && p < s.periods; p++ {
			s.failAvg[p*s.nb+b]++
		}
	}
	return ok
}

// estimateResult carries the detail of one estimateMedian call, as Core's
// EstimationResult.
type estimateResult struct {
	pass, fail bucketRange
	decay      float64
	scale      int
}

// estimateMedian returns the average fee rate of the cheapest range of
// buckets in which at least successBreakPoint of transactions confirmed
// within confTarget blocks, or -1. Walking down from the highest fee rate,
// buckets are merged until a range holds enough data
// (sufficientTxVal/(1-decay) decayed transactions); a range that meets the
// threshold becomes the new answer, one that fails is extended with the
// next cheaper buckets, and the walk goes on to the cheapest bucket. Still
// waiting transactions that have been in the mempool at least confTarget
// blocks count against their bucket.
func (s *confirmStats) estimateMedian(confTarget int, sufficientTxVal, successBreakPoint float64, bestHeight int32, res *estimateResult) float64 {
	var nConf, totalNum, failNum, extraNum float64
	periodTarget := (confTarget + s.scale - 1) / s.scale
	maxBucket := s.nb - 1
	curNear, bestNear := maxBucket, maxBucket
	curFar, bestFar := maxBucket, maxBucket
	foundAnswer := false
	newRange := true
	passing := true
	pass, fail := noRange(), noRange()
	confRow := s.confAvg[(periodTarget-1)*s.nb:]
	failRow := s.failAvg[(periodTarget-1)*s.nb:]
	firstSlot := s.slot(int64(bestHeight) - int64(confTarget))
	need := sufficientTxVal / (1 - s.decay)

	rangeOf := func(a, b int) (float64, float64) {
		lo, hi := min(a, b), max(a, b)
		start := 0.0
		if lo > 0 {
			start = s.buckets[lo-1]
		}
		return start, s.buckets[hi]
	}

	for b := maxBucket; b >= 0; b-- {
		if newRange {
			curNear = b
			newRange = false
		}
		curFar = b
		nConf += confRow[b]
		totalNum += s.txCtAvg[b]
		failNum += failRow[b]
		if s.unconfTotal[b] != 0 {
			// Sum the slots of heights bestHeight-confct for confct in
			// [confTarget, bins): walking down from firstSlot, wrapping.
			row := s.unconf[b*s.bins : (b+1)*s.bins]
			sl := firstSlot
			var n int64
			for c := confTarget; c < s.bins; c++ {
				n += int64(row[sl])
				if sl--; sl < 0 {
					sl = s.bins - 1
				}
			}
			extraNum += float64(n)
		}
		extraNum += float64(s.oldUnconf[b])

		if totalNum < need {
			continue
		}
		curPct := nConf / (totalNum + failNum + extraNum)
		if curPct < successBreakPoint {
			if passing {
				fail.start, fail.end = rangeOf(curNear, curFar)
				fail.withinTarget, fail.totalConfirmed = nConf, totalNum
				fail.inMempool, fail.leftMempool = extraNum, failNum
				passing = false
			}
			continue
		}
		// This range passes: remember it and start a new one below it.
		fail = noRange()
		foundAnswer = true
		passing = true
		pass.withinTarget, pass.totalConfirmed = nConf, totalNum
		pass.inMempool, pass.leftMempool = extraNum, failNum
		nConf, totalNum, failNum, extraNum = 0, 0, 0, 0
		bestNear, bestFar = curNear, curFar
		newRange = true
	}

	median := -1.0
	lo, hi := min(bestNear, bestFar), max(bestNear, bestFar)
	txSum := 0.0
	for j := lo; j <= hi; j++ {
		txSum += s.txCtAvg[j]
	}
	if foundAnswer && txSum != 0 {
		txSum /= 2
		for j := lo; j <= hi; j++ {
			if s.txCtAvg[j] < txSum {
				txSum -= s.txCtAvg[j]
				continue
			}
			median = s.feeRateAvg[j] / s.txCtAvg[j]
			break
		}
		pass.start, pass.end = rangeOf(lo, hi)
	}
	// A range still being accumulated at the bottom never reached enough
	// data to pass or fail: report it as the fail range.
	if passing && !newRange {
		fail.start, fail.end = rangeOf(curNear, curFar)
		fail.withinTarget, fail.totalConfirmed = nConf, totalNum
		fail.inMempool, fail.leftMempool = extraNum, failNum
	}
	if res != nil {
		res.pass, res.fail = pass, fail
		res.decay, res.scale = s.decay, s.scale
	}
	if math.IsNaN(median) || math.IsInf(median, 0) {
		return -1
	}
	return median
}
