package mempool

import (
	"sort"

	"github.com/bitnode/bitnode/mempool/cluster"
	"github.com/bitnode/bitnode/mempool/mining"
	"github.com/bitnode/bitnode/mempool/policy"
	"github.com/bitnode/bitnode/wire"
)

// chunkRef names one chunk of one cluster.
type chunkRef struct {
	cl  *poolCluster
	idx int
}

// miningOrder returns every chunk of the pool sorted by chunk feerate,
// highest first (ties: older cluster first, then the cluster's own chunk
// order, which keeps parents ahead of children). Cached until the pool
// changes. Caller holds mu.
func (p *Pool) miningOrder() []chunkRef {
	if p.orderValid && p.orderGen == p.gen {
		return p.order
	}
	order := p.order[:0]
	for cl := range p.clusters {
		for k := range cl.chunks {
			order = append(order, chunkRef{cl, k})
		}
	}
	sort.Slice(order, func(i, j int) bool { return chunkLess(order[i], order[j]) })
	p.order, p.orderGen, p.orderValid = order, p.gen, true
	return order
}

// chunkLess orders chunks for mining: higher feerate first.
func chunkLess(a, b chunkRef) bool {
	if c := a.cl.chunks[a.idx].FeeFrac.FeeRateCmp(b.cl.chunks[b.idx].FeeFrac); c != 0 {
		return c > 0
	}
	if a.cl != b.cl {
		return a.cl.seq < b.cl.seq
	}
	return a.idx < b.idx
}

// chunkEntries returns the entries of chunk k of cl in linearization
// order.
func (cl *poolCluster) chunkEntries(k int) []*entry {
	start := 0
	for i := range k {
		start += cl.chunks[i].Members.Count()
	}
	n := cl.chunks[k].Members.Count()
	out := make([]*entry, n)
	for i := range n {
		out[i] = cl.txs[cl.lin[start+i]]
	}
	return out
}

// Chunks yields the pool's chunks in mining order (mining.ChunkSource):
// whole chunks, topologically ordered inside, by non-increasing chunk
// feerate. The pool's lock is held throughout; yield must not call back
// into the pool.
func (p *Pool) Chunks(yield func(chunk []mining.TxDesc) bool) {
	p.sync()
	p.mu.Lock()
	defer p.mu.Unlock()
	var buf []mining.TxDesc
	for _, ref := range p.miningOrder() {
		buf = buf[:0]
		for _, e := range ref.cl.chunkEntries(ref.idx) {
			d := mining.TxDesc{Tx: e.tx, TxID: e.txid, WTxID: e.wtxid, Fee: e.fee, FeeDelta: e.delta,
				Weight: e.weight, SigOpCost: int(e.sigOpCost)}
			for _, par := range p.parentsOf(e.tx, nil) {
				d.Parents = append(d.Parents, par.txid)
			}
			buf = append(buf, d)
		}
		if !yield(buf) {
			return
		}
	}
}

var _ mining.ChunkSource = (*Pool)(nil)

// ChunkInfo is one chunk of a cluster (getmempoolcluster).
type ChunkInfo struct {
	Fee     int64          // modified fees
	Weight  int64          // sigop-adjusted weight
	FeeRate policy.FeeRate // sat/kvB, Fee over the chunk's virtual size
	TxIDs   []wire.Hash    // in linearization order
}

// ClusterInfo describes the cluster of a transaction (getmempoolcluster).
type ClusterInfo struct {
	Weight  int64 // sigop-adjusted weight of the whole cluster
	TxCount int
	Chunks  []ChunkInfo
	Optimal bool
}

// Cluster describes the cluster holding txid, its chunks in
// linearization order.
func (p *Pool) Cluster(txid wire.Hash) (ClusterInfo, bool) {
	p.sync()
	p.mu.Lock()
	defer p.mu.Unlock()
	e := p.byTxid[txid]
	if e == nil {
		return ClusterInfo{}, false
	}
	cl := e.cl
	ci := ClusterInfo{Weight: cl.c.TotalSize(), TxCount: len(cl.txs), Optimal: cl.optimal}
	for k, ch := range cl.chunks {
		info := ChunkInfo{Fee: ch.FeeFrac.Fee, Weight: int64(ch.FeeFrac.Size), FeeRate: weightFeeRate(ch.FeeFrac)}
		for _, ce := range cl.chunkEntries(k) {
			info.TxIDs = append(info.TxIDs, ce.txid)
		}
		ci.Chunks = append(ci.Chunks, info)
	}
	return ci, true
}

// weightFeeRate turns a fee over a weight into sat/kvB of virtual size
// (Core's ToFeePerVSize: the weight rounded up to virtual bytes).
func weightFeeRate(f cluster.FeeFrac) policy.FeeRate {
	vsize := (int64(f.Size) + 3) / 4
	return policy.NewFeeRate(f.Fee, vsize)
}

// FeerateDiagram returns the pool's feerate diagram
// (getmempoolfeeratediagram): the cumulative (weight, fee) after each chunk
// in mining order, starting at the origin.
func (p *Pool) FeerateDiagram() []cluster.FeeFrac {
	p.sync()
	p.mu.Lock()
	defer p.mu.Unlock()
	order := p.miningOrder()
	out := make([]cluster.FeeFrac, 1, len(order)+1)
	var acc cluster.FeeFrac
	for _, ref := range order {
		acc = acc.Add(ref.cl.chunks[ref.idx].FeeFrac)
		out = append(out, acc)
	}
	return out
}

// Ancestors returns the in-pool ancestors of txid, itself excluded
// (getmempoolancestors).
func (p *Pool) Ancestors(txid wire.Hash) ([]wire.Hash, bool) {
	return p.relatives(txid, true)
}

// Descendants returns the in-pool descendants of txid, itself excluded
// (getmempooldescendants).
func (p *Pool) Descendants(txid wire.Hash) ([]wire.Hash, bool) {
	return p.relatives(txid, false)
}

func (p *Pool) relatives(txid wire.Hash, up bool) ([]wire.Hash, bool) {
	p.sync()
	p.mu.Lock()
	defer p.mu.Unlock()
	e := p.byTxid[txid]
	if e == nil {
		return nil, false
	}
	set := e.cl.c.Descendants(e.pos)
	if up {
		set = e.cl.c.Ancestors(e.pos)
	}
	out := []wire.Hash{}
	for _, i := range e.cl.lin {
		if i != e.pos && set.Has(i) {
			out = append(out, e.cl.txs[i].txid)
		}
	}
	return out, true
}

// topoEntries lists every entry, clusters in creation order and each in
// its linearization (so parents precede children). Caller holds mu.
func (p *Pool) topoEntries() []*entry {
	cls := make([]*poolCluster, 0, len(p.clusters))
	for cl := range p.clusters {
		cls = append(cls, cl)
	}
	sort.Slice(cls, func(i, j int) bool { return cls[i].seq < cls[j].seq })
	out := make([]*entry, 0, len(p.byTxid))
	for _, cl := range cls {
		for _, i := range cl.lin {
			out = append(out, cl.txs[i])
		}
	}
	return out
}
