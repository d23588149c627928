package cluster

import "fmt"

// ConnectedComponent returns the connected component, within todo, of
// position i (which must be in todo). Two positions are connected when one
// is an ancestor of the other in c, or through a chain of such pairs inside
// todo.
func (c *Cluster) ConnectedComponent(todo SetType, i int) SetType {
	var comp SetType
	add := Singleton(i)
	for add.Any() {
		old := comp
		for j := range add.All() {
			comp |= c.anc[j] | c.desc[j]
		}
		comp &= todo
		add = comp &^ old
	}
	return comp
}

// IsConnected reports whether s is a single connected component (the empty
// set counts as connected).
func (c *Cluster) IsConnected(s SetType) bool {
	return s.None() || c.ConnectedComponent(s, s.First()) == s
}

// Components returns the connected components of c, ordered by their
// lowest position. A cluster the pool keeps is always one component; after
// removing transactions it may fall apart into several, each of which
// becomes a cluster of its own (see Subcluster).
func Components(c *Cluster) []SetType {
	var out []SetType
	for todo := c.All(); todo.Any(); {
		comp := c.ConnectedComponent(todo, todo.First())
		out = append(out, comp)
		todo &^= comp
	}
	return out
}

// Subcluster returns the cluster induced by the positions in s, renumbered
// 0..k-1 in increasing order of their old positions, and mapping, where
// mapping[new] = old. Dependencies are induced from the ancestor relation:
// if a transaction between two kept ones is dropped, the kept ancestor
// stays an ancestor (as in Core's DepGraph), so orderings remain safe even
// when s is not closed under descendants.
func (c *Cluster) Subcluster(s SetType) (*Cluster, []int) {
	s &= c.All()
	mapping := s.Members()
	var inv [MaxClusterCount]int
	for k, o := range mapping {
		inv[o] = k
	}
	remap := func(x SetType) SetType {
		var r SetType
		for o := range (x & s).All() {
			r = r.With(inv[o])
		}
		return r
	}
	k := len(mapping)
	sub := &Cluster{
		tx:      make([]FeeFrac, k),
		parents: make([]SetType, k),
		anc:     make([]SetType, k),
		desc:    make([]SetType, k),
	}
	for nw, o := range mapping {
		sub.tx[nw] = c.tx[o]
		sub.size += int64(c.tx[o].Size)
		sub.anc[nw] = remap(c.anc[o])
		sub.desc[nw] = remap(c.desc[o])
	}
	for nw := range k {
		sub.parents[nw] = sub.computeReduced(nw)
	}
	sub.red = append([]SetType(nil), sub.parents...)
	return sub, mapping
}

// RestrictLinearization turns a linearization of a cluster into one of the
// subcluster given by mapping (as returned by Subcluster): the members, in
// the same relative order, renumbered. The result is topological whenever
// lin is. This is how the pool keeps a good linearization for each piece
// after removing transactions or splitting a cluster.
func RestrictLinearization(lin []int, mapping []int) []int {
	var inv [MaxClusterCount]int
	var in SetType
	for k, o := range mapping {
		inv[o] = k
		in = in.With(o)
	}
	out := make([]int, 0, len(mapping))
	for _, o := range lin {
		if o >= 0 && o < MaxClusterCount && in.Has(o) {
			out = append(out, inv[o])
		}
	}
	return out
}

// Join returns one cluster holding all the parts, with no dependencies
// between them yet, and offsets, where part k's position i is now
// offsets[k]+i. The pool uses it when a new transaction spends from
// several clusters: Join them, then AddTx the newcomer with parents in
// each. The concatenation of the parts' linearizations (each shifted by its
// offset), followed by the newcomer, is a topological linearization of the
// result to hand to Linearize as old.
func Join(parts ...*Cluster) (*Cluster, []int, error) {
	total := 0
	for _, p := range parts {
		total += p.Len()
	}
	if total > MaxClusterCount {
		return nil, nil, clusterError(ErrTooLargeCluster, fmt.Sprintf("%d transactions, limit %d", total, MaxClusterCount))
	}
	out := &Cluster{
		tx:      make([]FeeFrac, 0, total),
		parents: make([]SetType, 0, total),
		red:     make([]SetType, 0, total),
		anc:     make([]SetType, 0, total),
		desc:    make([]SetType, 0, total),
	}
	offsets := make([]int, len(parts))
	for k, p := range parts {
		off := len(out.tx)
		offsets[k] = off
		if out.size+p.size > 1<<31-1 {
			return nil, nil, clusterError(ErrTooLargeCluster, "total size beyond int32")
		}
		out.size += p.size
		out.tx = append(out.tx, p.tx...)
		for i := range p.tx {
			out.parents = append(out.parents, p.parents[i]<<uint(off))
			out.red = append(out.red, p.red[i]<<uint(off))
			out.anc = append(out.anc, p.anc[i]<<uint(off))
			out.desc = append(out.desc, p.desc[i]<<uint(off))
		}
	}
	return out, offsets, nil
}

// Piece is one connected part of a cluster left after removing
// transactions.
type Piece struct {
	Cluster *Cluster
	Mapping []int // Mapping[new] = old position
	Lin     []int // the old linearization restricted to the piece, renumbered
}

// Split removes the positions in removed from c and returns the connected
// pieces of what remains, ordered by lowest old position, each with the
// old linearization lin restricted to it (topological whenever lin is;
// usually a fine starting point, to be improved with Linearize(piece.Cluster,
// budget, piece.Lin)).
func Split(c *Cluster, removed SetType, lin []int) []Piece {
	keep := c.All() &^ removed
	var out []Piece
	for todo := keep; todo.Any(); {
		comp := c.ConnectedComponent(todo, todo.First())
		todo &^= comp
		sub, mapping := c.Subcluster(comp)
		out = append(out, Piece{Cluster: sub, Mapping: mapping, Lin: RestrictLinearization(lin, mapping)})
	}
	return out
}
