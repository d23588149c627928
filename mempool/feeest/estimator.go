package feeest

import (
	"log/slog"
	"math"
	"strings"
	"sync"

	"github.com/bitnode/bitnode/wire"
)

// MsgInsufficientData is the error string of estimatesmartfee, exactly as
// Bitcoin Core reports it.
const MsgInsufficientData = "Insufficient data or no feerate found"

// MsgRawInsufficientData is the per-horizon error string of estimaterawfee.
const MsgRawInsufficientData = "Insufficient data or no feerate found which meets threshold"

// Mode is estimatesmartfee's estimate_mode.
type Mode int

const (
	// Unset selects the default, which is Economical (Core 28 and later).
	Unset Mode = iota
	// Economical uses the shortest horizon that tracks the target, so it
	// follows drops in the fee market quickly.
	Economical
	// Conservative also requires the 95% threshold at twice the target on
	// the longer horizons, so it may return a higher rate.
	Conservative
)

// String returns the mode's name as estimatesmartfee spells it.
func (m Mode) String() string {
	switch m {
	case Unset:
		return "unset"
	case Economical:
		return "economical"
	case Conservative:
		return "conservative"
	}
	return "invalid"
}

// ParseMode parses an estimate_mode argument case-insensitively, as Core's
// FeeModeFromString ("unset", "economical", "conservative").
func ParseMode(s string) (Mode, bool) {
	switch strings.ToLower(s) {
	case "unset":
		return Unset, true
	case "economical":
		return Economical, true
	case "conservative":
		return Conservative, true
	}
	return Unset, false
}

// Horizon names one of the three tracked time horizons.
type Horizon int

const (
	Short  Horizon = iota // targets up to 12 blocks, half-life 18 blocks
	Medium                // targets up to 48 blocks, half-life 144 blocks
	Long                  // targets up to 1008 blocks, half-life 1008 blocks
)

// Horizons lists every horizon in estimaterawfee's output order.
var Horizons = [...]Horizon{Short, Medium, Long}

// String returns "short", "medium" or "long", estimaterawfee's keys.
func (h Horizon) String() string {
	switch h {
	case Short:
		return "short"
	case Medium:
		return "medium"
	case Long:
		return "long"
	}
	return "unknown"
}

// Estimate is estimatesmartfee's answer.
type Estimate struct {
	// FeeRate in sat/kvB, or -1 when no estimate could be made (Errors
	// then holds MsgInsufficientData).
	FeeRate int64
	// Blocks is the target actually used: the requested one raised to 2 and
	// lowered to what the data collected so far supports (Core's
	// returnedTarget; 0 on a node that has not seen enough blocks).
	Blocks int
	Errors []string
}

// BucketRange is one range of fee-rate buckets in an estimaterawfee answer
// (Core's EstimatorBucket). Start and End are -1 when there is no range.
type BucketRange struct {
	Start, End     float64 // sat/kvB, Start exclusive, End inclusive
	WithinTarget   float64 // decayed count confirmed within the target
	TotalConfirmed float64 // decayed count confirmed at all
	InMempool      float64 // still waiting, for at least the target
	LeftMempool    float64 // decayed count that left unconfirmed after the target
}

// RawEstimate is one horizon of estimaterawfee.
type RawEstimate struct {
	FeeRate int64 // sat/kvB, or -1 (with MsgRawInsufficientData)
	Decay   float64
	Scale   int
	// Pass is the cheapest range that met the threshold; Fail the most
	// expensive one that did not (Start -1: every range passed).
	Pass, Fail BucketRange
}

// Option configures New.
type Option func(*Estimator)

// WithMinFee installs the floor estimatesmartfee applies to a successful
// estimate, in sat/kvB: the larger of the mempool's current minimum fee and
// the minimum relay fee, as Core does in the RPC. It is called without the
// estimator's lock held, so it may take the pool's lock.
func WithMinFee(f func() int64) Option { return func(e *Estimator) { e.minFee = f } }

// WithLogger sets the logger for inconsistencies Core would log under
// -debug=estimatefee.
func WithLogger(l *slog.Logger) Option { return func(e *Estimator) { e.log = l } }

type txInfo struct {
	height  int32
	bucket  int32
	feeRate int64 // sat/kvB
}

// Estimator is Bitcoin Core's block policy fee estimator. It is safe for
// concurrent use.
type Estimator struct {
	minFee func() int64
	log    *slog.Logger

	mu      sync.Mutex
	buckets []float64
	stats   [3]*confirmStats // indexed by Horizon
	tracked map[wire.Hash]txInfo

	bestSeen      int32 // highest block processed
	firstRecorded int32 // first block that confirmed a tracked tx this session
	histFirst     int32 // block range of loaded data
	histBest      int32
}

// New returns an empty estimator.
func New(opts ...Option) *Estimator {
	b := bucketBoundaries()
	e := &Estimator{
		buckets: b,
		tracked: make(map[wire.Hash]txInfo),
	}
	for h, p := range horizonParams {
		e.stats[h] = newConfirmStats(b, p.periods, p.scale, p.decay)
	}
	for _, o := range opts {
		o(e)
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	return e
}

// TxAdded starts tracking a transaction that entered the mempool when the
// chain tip was at height, paying feeRateSatPerKvB (fee*1000/vsize).
// As in Core it is ignored unless height is the last block the estimator
// processed, and counted only if validForEstimation: the caller passes
// false for transactions re-added in a reorg or otherwise let past the
// pool's limits, submitted as part of a package, with unconfirmed parents
// in the pool, or accepted while the node is still in initial block
// download.
func (e *Estimator) TxAdded(txid wire.Hash, height int32, feeRateSatPerKvB int64, validForEstimation bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.tracked[txid]; ok {
		e.log.Debug("fee estimator: tx already tracked", "txid", txid)
		return
	}
	if height != e.bestSeen || !validForEstimation {
		return
	}
	fr := max(feeRateSatPerKvB, 0)
	b := bucketIndex(e.buckets, float64(fr))
	e.tracked[txid] = txInfo{height: height, bucket: int32(b), feeRate: fr}
	for _, s := range e.stats {
		s.newTx(height, b)
	}
}

// TxRemoved stops tracking a transaction. inBlock false (evicted, replaced,
// expired, conflicted, or dropped for any reason other than the block
// being connected) records a failure to confirm for every period it waited;
// inBlock true only forgets it. Transactions confirmed in a block must be
// passed to BlockConnected instead, before the pool removes them.
func (e *Estimator) TxRemoved(txid wire.Hash, inBlock bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.removeLocked(txid, inBlock)
}

func (e *Estimator) removeLocked(txid wire.Hash, inBlock bool) {
	info, ok := e.tracked[txid]
	if !ok {
		return
	}
	for _, s := range e.stats {
		if !s.removeTx(info.height, e.bestSeen, int(info.bucket), inBlock) {
			e.log.Debug("fee estimator: unconfirmed counter already empty", "txid", txid,
				"entry", info.height, "best", e.bestSeen)
		}
	}
	delete(e.tracked, txid)
}

// BlockConnected processes a block connected to the best chain at height.
// confirmed lists the txids of its transactions; untracked ones (the
// coinbase, transactions never seen in the pool) are ignored, so the whole
// block may be passed. Blocks at or below the highest height already
// processed (reorganisations, side chains) are ignored, as in Core. It must
// be called for every connected block, in order, before the pool removes
// the block's transactions.
func (e *Estimator) BlockConnected(height int32, confirmed []wire.Hash) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if height <= e.bestSeen {
		return
	}
	e.bestSeen = height
	for _, s := range e.stats {
		s.clearCurrent(height)
		s.updateMovingAverages()
	}
	counted := 0
	for _, txid := range confirmed {
		info, ok := e.tracked[txid]
		if !ok {
			continue
		}
		e.removeLocked(txid, true)
		blocksToConfirm := int(height) - int(info.height)
		if blocksToConfirm <= 0 {
			continue
		}
		fr := float64(info.feeRate)
		for _, s := range e.stats {
			s.record(blocksToConfirm, fr)
		}
		counted++
	}
	if e.firstRecorded == 0 && counted > 0 {
		e.firstRecorded = height
	}
}

// FlushUnconfirmed stops tracking every transaction still waiting, counting
// each as having left the mempool unconfirmed. Core does this on shutdown,
// just before writing fee_estimates.dat.
func (e *Estimator) FlushUnconfirmed() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for txid := range e.tracked {
		e.removeLocked(txid, false)
	}
}

// Tracked returns the number of transactions being tracked.
func (e *Estimator) Tracked() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.tracked)
}

// BestHeight returns the highest block height processed (or loaded).
func (e *Estimator) BestHeight() int32 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.bestSeen
}

// MaxTarget returns the highest confirmation target tracked (1008), the
// bound of estimatesmartfee's and estimaterawfee's conf_target.
func (e *Estimator) MaxTarget() int { return horizonParams[Long].maxConfirms() }

// HighestTargetTracked returns the highest target a horizon tracks: 12, 48
// or 1008. estimaterawfee omits horizons below the requested target.
func (e *Estimator) HighestTargetTracked(h Horizon) int {
	if h < Short || h > Long {
		return 0
	}
	return horizonParams[h].maxConfirms()
}

func (e *Estimator) blockSpan() int64 {
	if e.firstRecorded == 0 {
		return 0
	}
	return int64(e.bestSeen) - int64(e.firstRecorded)
}

func (e *Estimator) historicalBlockSpan() int64 {
	if e.histFirst == 0 {
		return 0
	}
	if int64(e.bestSeen)-int64(e.histBest) > oldestEstimateHistory {
		return 0
	}
	return int64(e.histBest) - int64(e.histFirst)
}

// maxUsableEstimate is the highest target the data supports: half the
// number of blocks observed, so failures had time to be seen.
func (e *Estimator) maxUsableEstimate() int {
	return int(min(int64(e.stats[Long].maxConfirms()), max(e.blockSpan(), e.historicalBlockSpan())/2))
}

func sufficientFor(h Horizon) float64 {
	if h == Short {
		return sufficientTxsShort
	}
	return sufficientFeeTxs
}

func (e *Estimator) median(h Horizon, target int, threshold float64, res *estimateResult) float64 {
	return e.stats[h].estimateMedian(target, sufficientFor(h), threshold, e.bestSeen, res)
}

// estimateCombined answers from the shortest horizon tracking target; with
// checkShorter it also takes a lower answer at the highest target of a
// shorter horizon, which keeps estimates monotonic in the target.
func (e *Estimator) estimateCombined(target int, threshold float64, checkShorter bool) float64 {
	short, med, long := e.stats[Short].maxConfirms(), e.stats[Medium].maxConfirms(), e.stats[Long].maxConfirms()
	if target < 1 || target > long {
		return -1
	}
	var est float64
	switch {
	case target <= short:
		est = e.median(Short, target, threshold, nil)
	case target <= med:
		est = e.median(Medium, target, threshold, nil)
	default:
		est = e.median(Long, target, threshold, nil)
	}
	if checkShorter {
		if target > med {
			if m := e.median(Medium, med, threshold, nil); m > 0 && (est == -1 || m < est) {
				est = m
			}
		}
		if target > short {
			if m := e.median(Short, short, threshold, nil); m > 0 && (est == -1 || m < est) {
				est = m
			}
		}
	}
	return est
}

// estimateConservative requires the 95% threshold at doubleTarget on the
// longer horizons too.
func (e *Estimator) estimateConservative(doubleTarget int) float64 {
	est := -1.0
	if doubleTarget <= e.stats[Short].maxConfirms() {
		est = e.median(Medium, doubleTarget, doubleSuccessPct, nil)
	}
	if doubleTarget <= e.stats[Medium].maxConfirms() {
		if l := e.median(Long, doubleTarget, doubleSuccessPct, nil); l > est {
			est = l
		}
	}
	return est
}

// EstimateSmartFee is estimatesmartfee: the highest of the fee rates that
// confirmed 60% of the time within target/2 blocks, 85% within target and
// 95% within 2*target, each from the shortest horizon tracking that target
// (Conservative: the 95% test on the longer horizons as well). target is
// clamped to [1, MaxTarget()]; Core's RPC instead rejects targets outside
// that range, which the RPC layer should do before calling. A found
// estimate is raised to the WithMinFee floor.
func (e *Estimator) EstimateSmartFee(target int, mode Mode) Estimate {
	fee, blocks := e.estimateSmart(target, mode == Conservative)
	if fee <= 0 {
		return Estimate{FeeRate: -1, Blocks: blocks, Errors: []string{MsgInsufficientData}}
	}
	if e.minFee != nil {
		fee = max(fee, e.minFee())
	}
	return Estimate{FeeRate: fee, Blocks: blocks}
}

func (e *Estimator) estimateSmart(target int, conservative bool) (int64, int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	target = min(max(target, 1), e.stats[Long].maxConfirms())
	if target == 1 {
		target = 2 // one block cannot be estimated reliably
	}
	target = min(target, e.maxUsableEstimate())
	if target <= 1 {
		return 0, target
	}
	m := e.estimateCombined(target/2, halfSuccessPct, true)
	m = max(m, e.estimateCombined(target, successPct, true))
	m = max(m, e.estimateCombined(2*target, doubleSuccessPct, !conservative))
	if conservative || m == -1 {
		m = max(m, e.estimateConservative(2*target))
	}
	if m < 0 {
		return 0, target
	}
	return roundFee(m), target
}

// roundFee rounds half away from zero as llround; rates are far below
// 2^63.
func roundFee(v float64) int64 {
	r := math.Round(v)
	if r >= math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(r)
}

// EstimateRawFee is one horizon of estimaterawfee: the median fee rate of
// the cheapest bucket range in which at least threshold of transactions
// confirmed within target blocks, with the detail of the passing and
// failing ranges. A target outside [1, HighestTargetTracked(h)] or a
// threshold above 1 gives FeeRate -1 and no detail (Decay 0), as in Core;
// the RPC skips horizons whose HighestTargetTracked is below the target and
// rejects thresholds outside [0, 1] with "Invalid threshold".
func (e *Estimator) EstimateRawFee(target int, threshold float64, h Horizon) RawEstimate {
	out := RawEstimate{FeeRate: -1, Pass: BucketRange{Start: -1, End: -1}, Fail: BucketRange{Start: -1, End: -1}}
	if h < Short || h > Long || target <= 0 || target > horizonParams[h].maxConfirms() || threshold > 1 || math.IsNaN(threshold) {
		return out
	}
	e.mu.Lock()
	var res estimateResult
	m := e.median(h, target, threshold, &res)
	e.mu.Unlock()
	out.Decay, out.Scale = res.decay, res.scale
	out.Pass, out.Fail = exportRange(res.pass), exportRange(res.fail)
	if m >= 0 {
		if fee := roundFee(m); fee > 0 {
			out.FeeRate = fee
		}
	}
	return out
}

func exportRange(r bucketRange) BucketRange {
	return BucketRange{
		Start: r.start, End: r.end,
		WithinTarget: r.withinTarget, TotalConfirmed: r.totalConfirmed,
		InMempool: r.inMempool, LeftMempool: r.leftMempool,
	}
}
