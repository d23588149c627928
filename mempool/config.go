package mempool

import (
	"io"
	"log/slog"
	"time"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/mempool/cluster"
	"github.com/bitnode/bitnode/mempool/feeest"
	"github.com/bitnode/bitnode/mempool/policy"
	"github.com/bitnode/bitnode/wire"
)

// Defaults, as Bitcoin Core's.
const (
	// DefaultMaxMempoolBytes is -maxmempool's default, 300 MB (Core counts
	// -maxmempool in units of 1,000,000 bytes).
	DefaultMaxMempoolBytes = 300_000_000
	// DefaultExpiry is -mempoolexpiry's default, 336 hours (two weeks).
	DefaultExpiry = 336 * time.Hour
	// DefaultMaxOrphans is the orphan pool's default capacity
	// (DEFAULT_MAX_ORPHAN_TRANSACTIONS).
	DefaultMaxOrphans = 100
	// OrphanExpiry is how long an orphan is kept (ORPHAN_TX_EXPIRE_TIME).
	OrphanExpiry = 20 * time.Minute
	// MaxReplacementCandidates bounds the clusters a replacement may
	// conflict with (MAX_REPLACEMENT_CANDIDATES).
	MaxReplacementCandidates = 100
	// DefaultLinearizeIterations is the work budget spent linearizing a
	// cluster on every change, close to Core's ACCEPTABLE_ITERS; clusters
	// left non-optimal are improved from Run.
	DefaultLinearizeIterations = 1700
	// rollingFeeHalfLife is ROLLING_FEE_HALFLIFE (12 hours).
	rollingFeeHalfLife = 12 * time.Hour
	// maxDisconnectedBytes bounds the transactions of disconnected blocks
	// held for re-acceptance (MAX_DISCONNECTED_TX_POOL_BYTES, 20 MB).
	maxDisconnectedBytes = 20_000_000
	// tickInterval is how often Run expires entries and orphans and
	// improves clusters.
	tickInterval = time.Minute
)

// Chain is what the pool needs from the chain; *chain.Chain satisfies it.
// If the value also has Subscribe (as *chain.Chain does), New subscribes
// to block notifications.
type Chain interface {
	FetchCoin(op wire.OutPoint) (*store.Coin, error)
	Tip() (wire.Hash, int32)
	NextBlock() chain.NextBlock
	SequenceLocksMet(tx *wire.Tx, coinHeights []int32) bool
	Params() *params.Params
}

// subscriber is the optional notification interface of Chain.
type subscriber interface {
	Subscribe(fn func(chain.Notification)) (unsubscribe func())
}

var (
	_ Chain      = (*chain.Chain)(nil)
	_ subscriber = (*chain.Chain)(nil)
)

// Config configures New. Zero values mean the defaults named.
type Config struct {
	// Chain is the active chain (required).
	Chain Chain
	// SigCache is the signature cache shared with block validation; nil
	// caches nothing.
	SigCache *script.SigCache
	// Backend verifies signatures; script.DefaultBackend() when nil.
	Backend script.SignatureBackend
	// Policy are the relay settings; the zero value means
	// policy.DefaultOptions().
	Policy policy.Options
	// MinRelayFee is -minrelaytxfee (0: Policy.MinRelayFee, else 100
	// sat/kvB).
	MinRelayFee policy.FeeRate
	// IncrementalRelayFee is -incrementalrelayfee (0: Policy's, else 100
	// sat/kvB).
	IncrementalRelayFee policy.FeeRate
	// MaxMempoolBytes is -maxmempool in bytes of memory usage.
	MaxMempoolBytes int64
	// Expiry is -mempoolexpiry.
	Expiry time.Duration
	// MaxOrphans bounds the orphan pool.
	MaxOrphans int
	// AcceptNonStandard is -acceptnonstdtxn: skip the standardness rules
	// (Core's default on test networks; false here on every network).
	AcceptNonStandard bool
	// ClusterCount and ClusterSizeVB are -limitclustercount (at most 64)
	// and -limitclustersize in virtual bytes (Core checks 4× this in
	// sigop-adjusted weight).
	ClusterCount  int
	ClusterSizeVB int64
	// LinearizeIterations is the linearization budget per cluster change.
	LinearizeIterations int
	// Estimator, when set, is fed every addition, removal and block.
	Estimator *feeest.Estimator
	// DataDir holds mempool.dat for Save and Load ("" disables them).
	DataDir string
	// Logger receives the pool's log; discarded when nil.
	Logger *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// NoSubscribe stops New from subscribing to the chain's notifications
	// (the node then forwards them with BlockConnected/BlockDisconnected).
	NoSubscribe bool
}

// withDefaults fills in the zero values.
func (c Config) withDefaults() Config {
	if c.Policy == (policy.Options{}) {
		c.Policy = policy.DefaultOptions()
	}
	if c.Policy.BytesPerSigOp == 0 {
		c.Policy.BytesPerSigOp = policy.DefaultBytesPerSigOp
	}
	if c.MinRelayFee == 0 {
		c.MinRelayFee = c.Policy.MinRelayFee
	}
	if c.MinRelayFee == 0 {
		c.MinRelayFee = policy.DefaultMinRelayFee
	}
	if c.IncrementalRelayFee == 0 {
		c.IncrementalRelayFee = c.Policy.IncrementalRelayFee
	}
	if c.IncrementalRelayFee == 0 {
		c.IncrementalRelayFee = policy.DefaultIncrementalRelayFee
	}
	c.Policy.MinRelayFee, c.Policy.IncrementalRelayFee = c.MinRelayFee, c.IncrementalRelayFee
	if c.MaxMempoolBytes == 0 {
		c.MaxMempoolBytes = DefaultMaxMempoolBytes
	}
	if c.Expiry == 0 {
		c.Expiry = DefaultExpiry
	}
	if c.MaxOrphans == 0 {
		c.MaxOrphans = DefaultMaxOrphans
	}
	if c.ClusterCount <= 0 || c.ClusterCount > cluster.MaxClusterCount {
		c.ClusterCount = policy.DefaultClusterLimit
	}
	if c.ClusterSizeVB <= 0 {
		c.ClusterSizeVB = policy.DefaultClusterSizeLimitKvB * 1000
	}
	if c.LinearizeIterations <= 0 {
		c.LinearizeIterations = DefaultLinearizeIterations
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// New returns an empty pool on cfg.Chain, subscribed to its block
// notifications unless cfg.NoSubscribe.
func New(cfg Config) *Pool {
	cfg = cfg.withDefaults()
	p := &Pool{
		cfg:       cfg,
		log:       cfg.Logger,
		byTxid:    make(map[wire.Hash]*entry),
		byWtxid:   make(map[wire.Hash]*entry),
		spends:    make(map[wire.OutPoint]*entry),
		clusters:  make(map[*poolCluster]struct{}),
		deltas:    make(map[wire.Hash]int64),
		wake:      make(chan struct{}, 1),
		orphans:   newOrphanPool(cfg.MaxOrphans),
		tick:      tickInterval,
		clusterSz: int32(min(cfg.ClusterSizeVB*wire.WitnessScaleFactor, 1<<31-1)),
	}
	p.lastRollingUpdate = cfg.Now()
	if s, ok := cfg.Chain.(subscriber); ok && !cfg.NoSubscribe {
		p.unsubscribe = s.Subscribe(p.enqueue)
	}
	return p
}

// Close cancels the chain subscription. The pool stays usable.
func (p *Pool) Close() {
	p.mu.Lock()
	unsub := p.unsubscribe
	p.unsubscribe = nil
	p.mu.Unlock()
	if unsub != nil {
		unsub()
	}
}
