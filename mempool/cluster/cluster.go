package cluster

import (
	"fmt"
	"math"
)

// Limits.
const (
	// MaxClusterCount is the most transactions a Cluster holds: Bitcoin
	// Core's default -limitclustercount, and the width of SetType.
	MaxClusterCount = 64
	// MaxClusterVSize is Bitcoin Core's default cluster size limit
	// (-limitclustersize, 101 kvB). It is policy for the pool to enforce;
	// a Cluster only requires its total size to fit an int32.
	MaxClusterVSize = 101_000
	// MaxAbsTxFee bounds the magnitude of a single transaction's fee, so
	// that sums and differences over a whole cluster cannot overflow.
	// It is far above any real fee (MAX_MONEY is below 2^51).
	MaxAbsTxFee = 1 << 55
)

// Cluster is a set of at most 64 transactions with the dependencies among
// them: position i has fee and size Tx(i) and direct parents Parents(i).
// Positions are 0..Len()-1. The graph must be acyclic; it need not be
// connected (Components splits it). Ancestor and descendant sets are
// maintained on every change, so the closures are O(1).
//
// A Cluster does not know transactions: the pool maps positions to its own
// entries.
type Cluster struct {
	tx      []FeeFrac
	parents []SetType // direct parents as given (may hold redundant ones)
	red     []SetType // reduced parents (see ReducedParents)
	anc     []SetType // ancestors including self
	desc    []SetType // descendants including self
	size    int64
}

// NewCluster builds a cluster from per-transaction fees and sizes and each
// transaction's set of direct parents (parents may be nil for a cluster
// without dependencies; redundant, transitively implied parents are
// allowed). It fails on more than MaxClusterCount transactions, a size
// below 1, a fee beyond ±MaxAbsTxFee, a total size beyond int32, a parent
// out of range or a dependency cycle.
func NewCluster(txs []FeeFrac, parents []SetType) (*Cluster, error) {
	n := len(txs)
	if n > MaxClusterCount {
		return nil, clusterError(ErrTooLargeCluster, fmt.Sprintf("%d transactions, limit %d", n, MaxClusterCount))
	}
	if parents != nil && len(parents) != n {
		return nil, clusterError(ErrBadDependency, fmt.Sprintf("%d parent sets for %d transactions", len(parents), n))
	}
	c := &Cluster{
		tx:      make([]FeeFrac, n),
		parents: make([]SetType, n),
		red:     make([]SetType, n),
		anc:     make([]SetType, n),
		desc:    make([]SetType, n),
	}
	for i, f := range txs {
		if err := c.checkTx(f); err != nil {
			return nil, err
		}
		c.tx[i] = f
		c.size += int64(f.Size)
		if parents != nil {
			c.parents[i] = parents[i]
		}
	}
	all := Fill(n)
	for i, p := range c.parents {
		if !p.IsSubsetOf(all) || p.Has(i) {
			return nil, clusterError(ErrBadDependency, fmt.Sprintf("transaction %d: parents %#x out of range or self", i, uint64(p)))
		}
	}
	if err := c.computeClosures(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Cluster) checkTx(f FeeFrac) error {
	if f.Size < 1 || f.Fee > MaxAbsTxFee || f.Fee < -MaxAbsTxFee {
		return clusterError(ErrBadTx, "fee/size "+f.String())
	}
	if c.size+int64(f.Size) > math.MaxInt32 {
		return clusterError(ErrTooLargeCluster, "total size beyond int32")
	}
	return nil
}

// computeClosures fills anc and desc from parents (Kahn's algorithm),
// failing on a cycle.
func (c *Cluster) computeClosures() error {
	n := len(c.tx)
	done := SetType(0)
	for progress := true; progress; {
		progress = false
		for i := range n {
			if done.Has(i) || !c.parents[i].IsSubsetOf(done) {
				continue
			}
			a := Singleton(i)
			for p := range c.parents[i].All() {
				a |= c.anc[p]
			}
			c.anc[i] = a
			done = done.With(i)
			progress = true
		}
	}
	if done != Fill(n) {
		return clusterError(ErrBadDependency, "dependency cycle")
	}
	for i := range n {
		c.desc[i] = Singleton(i)
	}
	for i := range n {
		for a := range c.anc[i].Without(i).All() {
			c.desc[a] = c.desc[a].With(i)
		}
		c.red[i] = c.computeReduced(i)
	}
	return nil
}

// Len returns the number of transactions.
func (c *Cluster) Len() int { return len(c.tx) }

// All returns the set of all positions.
func (c *Cluster) All() SetType { return Fill(len(c.tx)) }

// Tx returns the fee and size of position i.
func (c *Cluster) Tx(i int) FeeFrac { return c.tx[i] }

// TotalSize returns the summed size of all transactions.
func (c *Cluster) TotalSize() int64 { return c.size }

// Parents returns the direct parents of i as given.
func (c *Cluster) Parents(i int) SetType { return c.parents[i] }

// Children returns the transactions that list i as a direct parent.
func (c *Cluster) Children(i int) SetType {
	var s SetType
	for j := range c.desc[i].Without(i).All() {
		if c.parents[j].Has(i) {
			s = s.With(j)
		}
	}
	return s
}

// ReducedParents returns the parents of i that are not also ancestors of
// another parent: the minimal set whose ancestors are all of i's. These
// are the dependencies the algorithms work with.
func (c *Cluster) ReducedParents(i int) SetType { return c.red[i] }

func (c *Cluster) computeReduced(i int) SetType {
	cand := c.anc[i].Without(i)
	r := cand
	for p := range cand.All() {
		if r.Has(p) {
			r = (r &^ c.anc[p]).With(p)
		}
	}
	return r
}

// Ancestors returns the ancestors of i, including i.
func (c *Cluster) Ancestors(i int) SetType { return c.anc[i] }

// Descendants returns the descendants of i, including i.
func (c *Cluster) Descendants(i int) SetType { return c.desc[i] }

// AncestorsOf returns the union of the ancestor sets of the members of s
// (its closure under "parent of").
func (c *Cluster) AncestorsOf(s SetType) SetType {
	r := s
	for i := range s.All() {
		r |= c.anc[i]
	}
	return r
}

// DescendantsOf returns the union of the descendant sets of the members of
// s.
func (c *Cluster) DescendantsOf(s SetType) SetType {
	r := s
	for i := range s.All() {
		r |= c.desc[i]
	}
	return r
}

// FeeRate returns the summed fee and size of the members of s.
func (c *Cluster) FeeRate(s SetType) FeeFrac {
	var f FeeFrac
	for ; s != 0; s &= s - 1 {
		f = f.Add(c.tx[s.First()])
	}
	return f
}

// AddTx appends a transaction with the given direct parents (all existing
// positions) and returns its position. A new transaction has no children,
// so no cycle can arise; to attach an existing transaction below a new one
// (a reorg putting block transactions back), use AddDependency.
func (c *Cluster) AddTx(f FeeFrac, parents SetType) (int, error) {
	n := len(c.tx)
	if n >= MaxClusterCount {
		return -1, clusterError(ErrTooLargeCluster, fmt.Sprintf("cluster already holds %d transactions", n))
	}
	if err := c.checkTx(f); err != nil {
		return -1, err
	}
	if !parents.IsSubsetOf(Fill(n)) {
		return -1, clusterError(ErrBadDependency, fmt.Sprintf("parents %#x out of range", uint64(parents)))
	}
	a := c.AncestorsOf(parents).With(n)
	c.tx = append(c.tx, f)
	c.parents = append(c.parents, parents)
	c.anc = append(c.anc, a)
	c.desc = append(c.desc, Singleton(n))
	c.size += int64(f.Size)
	for p := range a.Without(n).All() {
		c.desc[p] = c.desc[p].With(n)
	}
	c.red = append(c.red, c.computeReduced(n))
	return n, nil
}

// AddDependency makes parent a direct parent of child. It fails if either
// is out of range, they are equal, or child is already an ancestor of
// parent (a cycle).
func (c *Cluster) AddDependency(parent, child int) error {
	n := len(c.tx)
	if parent < 0 || parent >= n || child < 0 || child >= n || parent == child {
		return clusterError(ErrBadDependency, fmt.Sprintf("dependency %d -> %d out of range", parent, child))
	}
	if c.anc[parent].Has(child) {
		return clusterError(ErrBadDependency, fmt.Sprintf("dependency %d -> %d makes a cycle", parent, child))
	}
	c.parents[child] = c.parents[child].With(parent)
	newAnc := c.anc[parent] &^ c.anc[child]
	if newAnc.None() {
		return nil
	}
	for a := range newAnc.All() {
		c.desc[a] |= c.desc[child]
	}
	for d := range c.desc[child].All() {
		c.anc[d] |= newAnc
	}
	for d := range c.desc[child].All() {
		c.red[d] = c.computeReduced(d)
	}
	return nil
}

// Clone returns an independent copy of c.
func (c *Cluster) Clone() *Cluster {
	return &Cluster{
		tx:      append([]FeeFrac(nil), c.tx...),
		parents: append([]SetType(nil), c.parents...),
		red:     append([]SetType(nil), c.red...),
		anc:     append([]SetType(nil), c.anc...),
		desc:    append([]SetType(nil), c.desc...),
		size:    c.size,
	}
}
