package mempool

import (
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/mempool/cluster"
	"github.com/bitnode/bitnode/mempool/policy"
	"github.com/bitnode/bitnode/wire"
)

// Pool is the transaction memory pool: Bitcoin Core 31's cluster mempool.
// Every transaction belongs to a cluster (the connected component of the
// spend graph among pool transactions, at most 64 transactions and 101 kvB),
// each cluster is kept linearized and split into chunks, and mining takes
// chunks by feerate. Pool is safe for concurrent use; script checks run
// outside its lock.
type Pool struct {
	cfg       Config
	log       *slog.Logger
	tick      time.Duration
	clusterSz int32 // cluster size limit in sigop-adjusted weight

	mu          sync.Mutex
	unsubscribe func()
	events      eventHub // Subscribe callbacks
	byTxid      map[wire.Hash]*entry
	byWtxid     map[wire.Hash]*entry
	spends      map[wire.OutPoint]*entry // outpoint → the pool transaction spending it
	clusters    map[*poolCluster]struct{}
	worst       worstHeap           // clusters by last-chunk feerate, for eviction
	deltas      map[wire.Hash]int64 // prioritisetransaction deltas
	nextCluster uint64
	nextSeq     uint64
	gen         uint64 // bumped on every change of contents or tip
	totalVSize  int64
	totalFee    int64
	usage       int64
	oldest      time.Time // no entry is older (a lower bound)
	loaded      bool
	order       []chunkRef // mining order cache, valid while orderGen == gen
	orderGen    uint64
	orderValid  bool

	// Rolling minimum fee (Core's rollingMinimumFeeRate), in sat/kvB.
	rollingMinFee     float64
	lastRollingUpdate time.Time
	blockSinceBump    bool

	// Chain notifications, queued by the subscription and applied in order
	// by sync.
	qmu    sync.Mutex
	queue  []chain.Notification
	qlen   atomic.Int64
	wake   chan struct{}
	syncMu sync.Mutex
	// disconnected holds the transactions of disconnected blocks, oldest
	// block first, until they are re-accepted (guarded by syncMu).
	disconnected      []*wire.Tx
	disconnectedBytes int

	orphans *orphanPool
}

// entry is one pool transaction.
type entry struct {
	tx             *wire.Tx
	txid, wtxid    wire.Hash
	fee            int64 // inputs minus outputs
	delta          int64 // prioritisetransaction
	vsize          int64 // sigop-adjusted virtual size
	weight         int   // BIP141 weight
	adjWeight      int32 // sigop-adjusted weight: the cluster's size unit
	sigOpCost      int64
	time           time.Time
	height         int32 // chain height when accepted
	sequence       uint64
	spendsCoinbase bool
	usage          int64
	cl             *poolCluster
	pos            int // position in cl
}

func (e *entry) modFee() int64 { return e.fee + e.delta }

func (e *entry) feeFrac() cluster.FeeFrac {
	return cluster.FeeFrac{Fee: e.modFee(), Size: e.adjWeight}
}

// memUsage estimates the memory an entry holds: the transaction's
// structures and bytes, the entry, its map slots and spend records (Core's
// DynamicMemoryUsage in spirit).
func memUsage(tx *wire.Tx) int64 {
	n := int64(250) // entry, three map slots, cluster slot
	n += 80         // Tx struct and slices
	for _, in := range tx.TxIn {
		n += 8 + 96 + int64(len(in.SignatureScript)) + 80 // pointer, TxIn, script, spends slot
		for _, w := range in.Witness {
			n += 24 + int64(len(w))
		}
	}
	for _, out := range tx.TxOut {
		n += 8 + 40 + int64(len(out.PkScript))
	}
	return n
}

// TxEntry describes a pool transaction (getmempoolentry).
type TxEntry struct {
	Tx          *wire.Tx
	TxID, WTxID wire.Hash
	VSize       int64 // sigop-adjusted virtual size
	Weight      int
	Fee         int64 // base fee
	ModifiedFee int64 // with the prioritisetransaction delta
	Time        time.Time
	Height      int32
	SigOpCost   int64
	Depends     []wire.Hash // in-pool parents
	SpentBy     []wire.Hash // in-pool children
	// Ancestor and descendant totals, the transaction included.
	AncestorCount, DescendantCount int
	AncestorSize, DescendantSize   int64 // virtual bytes
	AncestorFees, DescendantFees   int64 // modified fees
	// ChunkFee and ChunkWeight describe the chunk the transaction is mined
	// in; ClusterCount is the size of its cluster.
	ChunkFee     int64
	ChunkWeight  int64
	ClusterCount int
	// BIP125Replaceable reports whether the transaction or an unconfirmed
	// ancestor signals BIP125 (informational: every transaction is
	// replaceable under full RBF).
	BIP125Replaceable bool
}

// Contains reports whether the pool holds a transaction with this txid.
func (p *Pool) Contains(txid wire.Hash) bool {
	p.sync()
	p.mu.Lock()
	defer p.mu.Unlock()
	_, ok := p.byTxid[txid]
	return ok
}

// ContainsWTxID reports whether the pool holds a transaction with this
// wtxid.
func (p *Pool) ContainsWTxID(wtxid wire.Hash) bool {
	p.sync()
	p.mu.Lock()
	defer p.mu.Unlock()
	_, ok := p.byWtxid[wtxid]
	return ok
}

// Count returns the number of transactions.
func (p *Pool) Count() int {
	p.sync()
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.byTxid)
}

// Tx returns the pool transaction with this txid, or nil.
func (p *Pool) Tx(txid wire.Hash) *wire.Tx {
	p.sync()
	p.mu.Lock()
	defer p.mu.Unlock()
	if e := p.byTxid[txid]; e != nil {
		return e.tx
	}
	return nil
}

// Get describes the pool transaction with this txid.
func (p *Pool) Get(txid wire.Hash) (TxEntry, bool) {
	p.sync()
	p.mu.Lock()
	defer p.mu.Unlock()
	e := p.byTxid[txid]
	if e == nil {
		return TxEntry{}, false
	}
	return p.describe(e), true
}

// Entries describes every pool transaction, parents before children.
func (p *Pool) Entries() []TxEntry {
	p.sync()
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]TxEntry, 0, len(p.byTxid))
	for _, e := range p.topoEntries() {
		out = append(out, p.describe(e))
	}
	return out
}

// TxIDs returns the txids of every pool transaction, parents first.
func (p *Pool) TxIDs() []wire.Hash {
	p.sync()
	p.mu.Lock()
	defer p.mu.Unlock()
	es := p.topoEntries()
	out := make([]wire.Hash, len(es))
	for i, e := range es {
		out[i] = e.txid
	}
	return out
}

// SpentBy returns the txid of the pool transaction spending op.
func (p *Pool) SpentBy(op wire.OutPoint) (wire.Hash, bool) {
	p.sync()
	p.mu.Lock()
	defer p.mu.Unlock()
	if e := p.spends[op]; e != nil {
		return e.txid, true
	}
	return wire.Hash{}, false
}

// describe fills a TxEntry. Caller holds mu.
func (p *Pool) describe(e *entry) TxEntry {
	te := TxEntry{Tx: e.tx, TxID: e.txid, WTxID: e.wtxid, VSize: e.vsize, Weight: e.weight,
		Fee: e.fee, ModifiedFee: e.modFee(), Time: e.time, Height: e.height, SigOpCost: e.sigOpCost}
	for _, par := range p.parentsOf(e.tx, nil) {
		te.Depends = append(te.Depends, par.txid)
	}
	for _, ch := range p.childrenOf(e) {
		te.SpentBy = append(te.SpentBy, ch.txid)
	}
	cl := e.cl
	anc, desc := cl.c.Ancestors(e.pos), cl.c.Descendants(e.pos)
	te.AncestorCount, te.DescendantCount = anc.Count(), desc.Count()
	for i := range anc.All() {
		te.AncestorSize += cl.txs[i].vsize
		te.AncestorFees += cl.txs[i].modFee()
		te.BIP125Replaceable = te.BIP125Replaceable || signalsRBF(cl.txs[i].tx)
	}
	for i := range desc.All() {
		te.DescendantSize += cl.txs[i].vsize
		te.DescendantFees += cl.txs[i].modFee()
	}
	ch := cl.chunks[cl.chunkOf(e.pos)]
	te.ChunkFee, te.ChunkWeight = ch.FeeFrac.Fee, int64(ch.FeeFrac.Size)
	te.ClusterCount = len(cl.txs)
	return te
}

// signalsRBF reports BIP125 signalling: an input sequence below
// 0xfffffffe.
func signalsRBF(tx *wire.Tx) bool {
	for _, in := range tx.TxIn {
		if in.Sequence < wire.MaxTxInSequenceNum-1 {
			return true
		}
	}
	return false
}

// parentsOf returns the distinct pool transactions tx spends, skipping
// those in skip. Caller holds mu.
func (p *Pool) parentsOf(tx *wire.Tx, skip map[*entry]bool) []*entry {
	var out []*entry
	for _, in := range tx.TxIn {
		par := p.byTxid[in.PreviousOutPoint.Hash]
		if par == nil || skip[par] || containsEntry(out, par) {
			continue
		}
		out = append(out, par)
	}
	return out
}

// childrenOf returns the distinct pool transactions spending e's outputs.
func (p *Pool) childrenOf(e *entry) []*entry {
	var out []*entry
	for i := range e.tx.TxOut {
		ch := p.spends[wire.OutPoint{Hash: e.txid, Index: uint32(i)}]
		if ch != nil && !containsEntry(out, ch) {
			out = append(out, ch)
		}
	}
	return out
}

func containsEntry(list []*entry, e *entry) bool {
	for _, x := range list {
		if x == e {
			return true
		}
	}
	return false
}

// Info summarises the pool (getmempoolinfo).
type Info struct {
	Loaded              bool
	Size                int   // transactions
	Bytes               int64 // sum of virtual sizes
	Usage               int64 // estimated memory usage
	TotalFee            int64 // sum of base fees
	MaxMempool          int64
	MempoolMinFee       policy.FeeRate // max(GetMinFee, MinRelayFee)
	MinRelayTxFee       policy.FeeRate
	IncrementalRelayFee policy.FeeRate
	FullRBF             bool
	Clusters            int
	LimitClusterCount   int
	LimitClusterSize    int64 // virtual bytes
	// Optimal reports whether every cluster's linearization is known to
	// be optimal.
	Optimal bool
	Orphans int
}

// Info returns the pool's summary.
func (p *Pool) Info() Info {
	p.sync()
	p.mu.Lock()
	defer p.mu.Unlock()
	in := Info{Loaded: p.loaded, Size: len(p.byTxid), Bytes: p.totalVSize, Usage: p.usage,
		TotalFee: p.totalFee, MaxMempool: p.cfg.MaxMempoolBytes,
		MempoolMinFee: max(p.minFeeLocked(), p.cfg.MinRelayFee), MinRelayTxFee: p.cfg.MinRelayFee,
		IncrementalRelayFee: p.cfg.IncrementalRelayFee, FullRBF: true, Clusters: len(p.clusters),
		LimitClusterCount: p.cfg.ClusterCount, LimitClusterSize: p.cfg.ClusterSizeVB, Optimal: true,
		Orphans: p.orphans.count()}
	for cl := range p.clusters {
		in.Optimal = in.Optimal && cl.optimal
	}
	return in
}

// PrioritiseTransaction adds delta to the fee the pool and miners count
// for txid (Core's prioritisetransaction): immediately if the transaction
// is in the pool, and for when it arrives otherwise.
func (p *Pool) PrioritiseTransaction(txid wire.Hash, delta int64) {
	p.sync()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.deltas[txid] += delta
	if p.deltas[txid] == 0 {
		delete(p.deltas, txid)
	}
	e := p.byTxid[txid]
	if e == nil {
		return
	}
	e.delta += delta
	p.rebuildCluster(e.cl)
	p.gen++
}

// FeeDeltas returns a copy of every prioritisetransaction delta.
func (p *Pool) FeeDeltas() map[wire.Hash]int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[wire.Hash]int64, len(p.deltas))
	for k, v := range p.deltas {
		out[k] = v
	}
	return out
}

// FeeDelta returns the prioritisetransaction delta recorded for txid.
func (p *Pool) FeeDelta(txid wire.Hash) int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.deltas[txid]
}
