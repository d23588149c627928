package mempool

import (
	"errors"
	"fmt"
	"sort"

	"github.com/bitnode/bitnode/mempool/cluster"
	"github.com/bitnode/bitnode/wire"
)

// poolCluster is one cluster of the pool: its dependency graph, the
// entries by position, a linearization and its chunks.
type poolCluster struct {
	seq     uint64 // creation order: the tie-break of the mining order
	c       *cluster.Cluster
	txs     []*entry
	lin     []int
	chunks  []cluster.ChunkInfo
	optimal bool
	heapIdx int // position in Pool.worst
}

// chunkOf returns the index of the chunk holding position pos.
func (cl *poolCluster) chunkOf(pos int) int {
	for k, ch := range cl.chunks {
		if ch.Members.Has(pos) {
			return k
		}
	}
	return len(cl.chunks) - 1
}

// part is a piece of a cluster while a change is staged.
type part struct {
	c   *cluster.Cluster
	txs []*entry
	lin []int
}

// changeset is a staged change of the pool: entries removed, entries
// added, the clusters they touch and the clusters that replace them.
type changeset struct {
	removed map[*entry]bool
	adds    []*entry
	old     []*poolCluster
	new     []*poolCluster
}

// stage computes the clusters that result from removing removed and adding
// adds (in topological order; their parents are pool entries or earlier
// adds, and after a reorg pool entries may already spend them). It fails
// with "too-large-cluster" when a resulting cluster breaks the limits.
// Caller holds mu; nothing is changed.
func (p *Pool) stage(removed map[*entry]bool, adds []*entry) (*changeset, error) {
	cs := &changeset{removed: removed, adds: adds}
	seen := make(map[*poolCluster]bool)
	addCl := func(cl *poolCluster) {
		if cl != nil && !seen[cl] {
			seen[cl] = true
			cs.old = append(cs.old, cl)
		}
	}
	for e := range removed {
		addCl(e.cl)
	}
	for _, a := range adds {
		for _, par := range p.parentsOf(a.tx, removed) {
			addCl(par.cl)
		}
		for _, ch := range p.childrenOf(a) {
			if !removed[ch] {
				addCl(ch.cl)
			}
		}
	}
	sort.Slice(cs.old, func(i, j int) bool { return cs.old[i].seq < cs.old[j].seq })
	var parts []part
	for _, cl := range cs.old {
		parts = append(parts, splitRemaining(cl, removed)...)
	}
	groups := p.groupParts(parts, adds, removed)
	for _, g := range groups {
		pc, err := p.buildGroup(parts, g, adds, removed)
		if err != nil {
			return nil, err
		}
		cs.new = append(cs.new, pc)
	}
	return cs, nil
}

// splitRemaining returns what is left of cl without removed, one part per
// connected component, each with its restricted linearization.
func splitRemaining(cl *poolCluster, removed map[*entry]bool) []part {
	keep := cl.c.All()
	for i, e := range cl.txs {
		if removed[e] {
			keep = keep.Without(i)
		}
	}
	if keep == cl.c.All() {
		return []part{{c: cl.c, txs: cl.txs, lin: cl.lin}}
	}
	if keep.None() {
		return nil
	}
	sub, mapping := cl.c.Subcluster(keep)
	lin := cluster.RestrictLinearization(cl.lin, mapping)
	txs := make([]*entry, len(mapping))
	for k, o := range mapping {
		txs[k] = cl.txs[o]
	}
	comps := cluster.Components(sub)
	if len(comps) == 1 {
		return []part{{c: sub, txs: txs, lin: lin}}
	}
	out := make([]part, 0, len(comps))
	for _, comp := range comps {
		sub2, m2 := sub.Subcluster(comp)
		txs2 := make([]*entry, len(m2))
		for k, o := range m2 {
			txs2[k] = txs[o]
		}
		out = append(out, part{c: sub2, txs: txs2, lin: cluster.RestrictLinearization(lin, m2)})
	}
	return out
}

// group is a set of parts and adds that end up in one cluster.
type group struct {
	parts []int
	adds  []int
}

// groupParts joins parts and adds connected by the adds' spends (union
// find over parts 0..len(parts)-1 and adds len(parts)...).
func (p *Pool) groupParts(parts []part, adds []*entry, removed map[*entry]bool) []group {
	n := len(parts) + len(adds)
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	union := func(a, b int) { parent[find(a)] = find(b) }
	partOf := make(map[*entry]int)
	for k, pt := range parts {
		for _, e := range pt.txs {
			partOf[e] = k
		}
	}
	addIdx := make(map[wire.Hash]int, len(adds))
	for k, a := range adds {
		addIdx[a.txid] = k
	}
	for k, a := range adds {
		me := len(parts) + k
		for _, in := range a.tx.TxIn {
			if j, ok := addIdx[in.PreviousOutPoint.Hash]; ok && j < k {
				union(me, len(parts)+j)
			} else if par := p.byTxid[in.PreviousOutPoint.Hash]; par != nil && !removed[par] {
				union(me, partOf[par])
			}
		}
		for _, ch := range p.childrenOf(a) {
			if !removed[ch] {
				union(me, partOf[ch])
			}
		}
	}
	byRoot := make(map[int]*group)
	var out []*group
	for i := range n {
		r := find(i)
		g := byRoot[r]
		if g == nil {
			g = &group{}
			byRoot[r] = g
			out = append(out, g)
		}
		if i < len(parts) {
			g.parts = append(g.parts, i)
		} else {
			g.adds = append(g.adds, i-len(parts))
		}
	}
	res := make([]group, len(out))
	for i, g := range out {
		res[i] = *g
	}
	return res
}

// buildGroup makes the cluster of one group: its parts joined, its adds
// appended with their dependencies, checked against the limits and
// linearized starting from the parts' linearizations.
func (p *Pool) buildGroup(parts []part, g group, adds []*entry, removed map[*entry]bool) (*poolCluster, error) {
	count := len(g.adds)
	var size int64
	for _, k := range g.parts {
		count += len(parts[k].txs)
		size += parts[k].c.TotalSize()
	}
	for _, k := range g.adds {
		size += int64(adds[k].adjWeight)
	}
	if count > p.cfg.ClusterCount || size > int64(p.clusterSz) {
		return nil, tooLarge()
	}
	if len(g.parts) == 1 && len(g.adds) == 0 {
		pt := parts[g.parts[0]]
		return p.linearized(pt.c, pt.txs, pt.lin), nil
	}
	cparts := make([]*cluster.Cluster, len(g.parts))
	for i, k := range g.parts {
		cparts[i] = parts[k].c
	}
	c, offsets, err := cluster.Join(cparts...)
	if err != nil {
		return nil, tooLarge()
	}
	txs := make([]*entry, 0, count)
	var old []int
	pos := make(map[*entry]int, count)
	for i, k := range g.parts {
		for j, e := range parts[k].txs {
			pos[e] = offsets[i] + j
			txs = append(txs, e)
		}
		for _, j := range parts[k].lin {
			old = append(old, offsets[i]+j)
		}
	}
	for _, k := range g.adds {
		a := adds[k]
		var deps cluster.SetType
		for _, in := range a.tx.TxIn {
			if j, ok := pos[p.byTxid[in.PreviousOutPoint.Hash]]; ok && !removed[p.byTxid[in.PreviousOutPoint.Hash]] {
				deps = deps.With(j)
			} else if j, ok := addPos(pos, adds[:k], in.PreviousOutPoint.Hash); ok {
				deps = deps.With(j)
			}
		}
		at, err := c.AddTx(a.feeFrac(), deps)
		if err != nil {
			return nil, fmt.Errorf("mempool: staging %s: %w", a.txid, err)
		}
		pos[a] = at
		txs = append(txs, a)
		old = append(old, at)
	}
	if err := p.attachChildren(c, g, adds, pos, removed); err != nil {
		return nil, err
	}
	return p.linearized(c, txs, old), nil
}

// addPos finds the position of the add with this txid among earlier adds.
func addPos(pos map[*entry]int, earlier []*entry, txid wire.Hash) (int, bool) {
	for _, a := range earlier {
		if a.txid == txid {
			j, ok := pos[a]
			return j, ok
		}
	}
	return 0, false
}

// attachChildren adds the dependencies of pool entries on re-added
// transactions (a reorg puts a block's transactions back under their
// in-pool children).
func (p *Pool) attachChildren(c *cluster.Cluster, g group, adds []*entry, pos map[*entry]int, removed map[*entry]bool) error {
	for _, k := range g.adds {
		a := adds[k]
		for _, ch := range p.childrenOf(a) {
			if removed[ch] {
				continue
			}
			if err := c.AddDependency(pos[a], pos[ch]); err != nil {
				return fmt.Errorf("mempool: attaching %s: %w", ch.txid, err)
			}
		}
	}
	return nil
}

// tooLarge is Core's cluster-limit rejection (with an empty debug string).
func tooLarge() *RejectError {
	return &RejectError{Kind: ErrTooLargeCluster, Reason: string(ErrTooLargeCluster), Result: ResultMempoolPolicy}
}

// linearized linearizes c (improving on old when it is topological) into a
// cluster ready to install.
func (p *Pool) linearized(c *cluster.Cluster, txs []*entry, old []int) *poolCluster {
	return linearizeWith(c, txs, old, p.cfg.LinearizeIterations)
}

// linearizeWith is linearized with an explicit work budget.
func linearizeWith(c *cluster.Cluster, txs []*entry, old []int, iterations int) *poolCluster {
	res := cluster.LinearizeWithOptions(c, cluster.Options{MaxIterations: iterations, Old: old})
	return &poolCluster{c: c, txs: txs, lin: res.Lin, chunks: cluster.Chunk(c, res.Lin), optimal: res.Optimal}
}

// apply installs a staged change. Caller holds mu.
func (p *Pool) apply(cs *changeset) {
	for _, cl := range cs.old {
		p.removeCluster(cl)
	}
	for e := range cs.removed {
		p.unlink(e)
	}
	for _, a := range cs.adds {
		p.link(a)
	}
	for _, pc := range cs.new {
		p.nextCluster++
		pc.seq = p.nextCluster
		for i, e := range pc.txs {
			e.cl, e.pos = pc, i
		}
		p.addCluster(pc)
	}
	p.gen++
}

// link enters e into the indexes.
func (p *Pool) link(e *entry) {
	p.byTxid[e.txid] = e
	defer p.emit(TxAdded, e)
	p.byWtxid[e.wtxid] = e
	for _, in := range e.tx.TxIn {
		p.spends[in.PreviousOutPoint] = e
	}
	p.totalVSize += e.vsize
	p.totalFee += e.fee
	p.usage += e.usage
	if p.oldest.IsZero() || e.time.Before(p.oldest) {
		p.oldest = e.time
	}
}

// unlink removes e from the indexes.
func (p *Pool) unlink(e *entry) {
	delete(p.byTxid, e.txid)
	defer p.emit(TxRemoved, e)
	delete(p.byWtxid, e.wtxid)
	for _, in := range e.tx.TxIn {
		if p.spends[in.PreviousOutPoint] == e {
			delete(p.spends, in.PreviousOutPoint)
		}
	}
	p.totalVSize -= e.vsize
	p.totalFee -= e.fee
	p.usage -= e.usage
	e.cl = nil
}

// rebuildCluster recomputes cl after its entries' fees changed.
func (p *Pool) rebuildCluster(cl *poolCluster) {
	fees := make([]cluster.FeeFrac, len(cl.txs))
	parents := make([]cluster.SetType, len(cl.txs))
	for i, e := range cl.txs {
		fees[i] = e.feeFrac()
		parents[i] = cl.c.Parents(i)
	}
	c, err := cluster.NewCluster(fees, parents)
	if err != nil {
		p.log.Error("mempool: rebuilding cluster", "err", err)
		return
	}
	nc := p.linearized(c, cl.txs, cl.lin)
	p.apply(&changeset{old: []*poolCluster{cl}, new: []*poolCluster{nc}})
}

// descendantsOf returns the entries and all their in-pool descendants.
// Caller holds mu.
func descendantsOf(es []*entry) map[*entry]bool {
	out := make(map[*entry]bool)
	for _, e := range es {
		for i := range e.cl.c.Descendants(e.pos).All() {
			out[e.cl.txs[i]] = true
		}
	}
	return out
}

// ancestorsOf returns the in-pool ancestors of the given parents, the
// parents included.
func ancestorsOf(parents []*entry) map[*entry]bool {
	out := make(map[*entry]bool)
	for _, e := range parents {
		for i := range e.cl.c.Ancestors(e.pos).All() {
			out[e.cl.txs[i]] = true
		}
	}
	return out
}

// isTooLarge reports a cluster-limit rejection.
func isTooLarge(err error) bool { return errors.Is(err, ErrTooLargeCluster) }
