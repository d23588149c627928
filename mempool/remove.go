package mempool

import (
	"math"
	"time"

	"github.com/bitnode/bitnode/mempool/policy"
	"github.com/bitnode/bitnode/wire"
)

// removalReason says why entries left the pool (Core's
// MemPoolRemovalReason), for the log and the fee estimator.
type removalReason string

const (
	reasonExpiry    removalReason = "expiry"
	reasonSizeLimit removalReason = "sizelimit"
	reasonReorg     removalReason = "reorg"
	reasonBlock     removalReason = "block"
	reasonConflict  removalReason = "conflict"
)

// removeSet removes the given entries and returns their txids. Callers
// pass sets closed under descendants, except for a block's transactions,
// whose children stay (their inputs are now confirmed). Caller holds mu.
func (p *Pool) removeSet(set map[*entry]bool, reason removalReason) []wire.Hash {
	if len(set) == 0 {
		return nil
	}
	cs, err := p.stage(set, nil)
	if err != nil {
		// Removing never grows a cluster; this cannot happen.
		p.log.Error("mempool: staging a removal", "err", err)
		return nil
	}
	p.apply(cs)
	ids := make([]wire.Hash, 0, len(set))
	for e := range set {
		ids = append(ids, e.txid)
		if est := p.cfg.Estimator; est != nil {
			est.TxRemoved(e.txid, reason == reasonBlock)
		}
	}
	p.log.Debug("mempool: removed transactions", "count", len(ids), "reason", string(reason))
	return ids
}

// removeRecursive removes the pool transactions spending outputs of txid
// (which is not itself in the pool), with their descendants. Caller holds
// mu.
func (p *Pool) removeRecursive(tx *wire.Tx, txid wire.Hash, reason removalReason) {
	var roots []*entry
	if e := p.byTxid[txid]; e != nil {
		roots = append(roots, e)
	}
	for i := range tx.TxOut {
		if ch := p.spends[wire.OutPoint{Hash: txid, Index: uint32(i)}]; ch != nil {
			roots = append(roots, ch)
		}
	}
	p.removeSet(descendantsOf(roots), reason)
}

// limitSize is Core's LimitMempoolSize: expire old entries, then trim to
// the size limit. Caller holds mu.
func (p *Pool) limitSize() {
	p.expire(p.cfg.Now())
	p.trimToSize(p.cfg.MaxMempoolBytes)
}

// expire removes the entries that entered before now-Expiry, with their
// descendants (Core's Expire). Caller holds mu.
func (p *Pool) expire(now time.Time) int {
	cutoff := now.Add(-p.cfg.Expiry)
	if p.oldest.IsZero() || !p.oldest.Before(cutoff) {
		return 0
	}
	var old []*entry
	var oldest time.Time
	for _, e := range p.byTxid {
		if e.time.Before(cutoff) {
			old = append(old, e)
		} else if oldest.IsZero() || e.time.Before(oldest) {
			oldest = e.time
		}
	}
	n := len(p.removeSet(descendantsOf(old), reasonExpiry))
	p.oldest = oldest
	return n
}

// trimToSize evicts the pool's worst chunk until its memory usage is
// within limit, raising the rolling minimum fee to each evicted chunk's
// feerate plus the incremental relay fee (Core's TrimToSize). Caller holds
// mu.
func (p *Pool) trimToSize(limit int64) []wire.Hash {
	var evicted []wire.Hash
	for p.usage > limit && len(p.byTxid) > 0 {
		worst, k := p.worstChunk()
		rate := weightFeeRate(worst.chunks[k].FeeFrac) + p.cfg.IncrementalRelayFee
		p.trackRemoved(rate)
		set := make(map[*entry]bool)
		for _, e := range worst.chunkEntries(k) {
			set[e] = true
		}
		evicted = append(evicted, p.removeSet(set, reasonSizeLimit)...)
	}
	if len(evicted) > 0 {
		p.log.Debug("mempool: trimmed", "evicted", len(evicted), "minfee", p.rollingMinFee)
	}
	return evicted
}

// worstChunk returns the lowest-feerate chunk of the pool: the last chunk
// of some cluster (whose transactions have no descendants outside it).
// Caller holds mu; the pool is not empty.
func (p *Pool) worstChunk() (*poolCluster, int) {
	worst := p.worst[0]
	return worst, len(worst.chunks) - 1
}

// trackRemoved raises the rolling minimum fee (Core's
// trackPackageRemoved).
func (p *Pool) trackRemoved(rate policy.FeeRate) {
	if float64(rate) > p.rollingMinFee {
		p.rollingMinFee = float64(rate)
		p.blockSinceBump = false
	}
}

// GetMinFee returns the pool's current minimum fee rate (Core's
// GetMinFee): zero until the pool has been full, then the feerate of the
// last evicted chunk plus the incremental relay fee, halving every 12
// hours after a block (faster while the pool is less than half full), and
// never below the incremental relay fee while positive.
func (p *Pool) GetMinFee() policy.FeeRate {
	p.sync()
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.minFeeLocked()
}

// minFeeLocked is GetMinFee. Caller holds mu.
func (p *Pool) minFeeLocked() policy.FeeRate {
	if !p.blockSinceBump || p.rollingMinFee == 0 {
		return policy.FeeRate(math.Round(p.rollingMinFee))
	}
	now := p.cfg.Now()
	if now.Unix() > p.lastRollingUpdate.Unix()+10 {
		halfLife := rollingFeeHalfLife.Seconds()
		switch {
		case p.usage < p.cfg.MaxMempoolBytes/4:
			halfLife /= 4
		case p.usage < p.cfg.MaxMempoolBytes/2:
			halfLife /= 2
		}
		elapsed := float64(now.Unix() - p.lastRollingUpdate.Unix())
		p.rollingMinFee /= math.Pow(2, elapsed/halfLife)
		p.lastRollingUpdate = now
		if p.rollingMinFee < float64(p.cfg.IncrementalRelayFee)/2 {
			p.rollingMinFee = 0
			return 0
		}
	}
	return max(policy.FeeRate(math.Round(p.rollingMinFee)), p.cfg.IncrementalRelayFee)
}

// Expire removes entries older than the configured expiry now, with their
// descendants, and returns how many left. Run calls it every minute.
func (p *Pool) Expire() int {
	p.sync()
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.expire(p.cfg.Now())
}

// TrimToSize evicts chunks until the pool's memory usage is at most limit
// bytes and returns the evicted txids (Core's TrimToSize, for tests and
// RPC).
func (p *Pool) TrimToSize(limit int64) []wire.Hash {
	p.sync()
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.trimToSize(limit)
}
