package cluster

// AncestorLinearize returns the linearization Bitcoin Core's legacy block
// builder would produce for c ("ancestor-set feerate" order): repeatedly
// take the not-yet-included transaction whose remaining ancestor set
// (itself plus its unincluded ancestors) has the highest feerate (ties: the
// smaller set, then the lower position), and append that whole set in
// topological order. Linearize never returns anything worse than this.
//
// Complexity: O(n²) set operations.
func AncestorLinearize(c *Cluster) []int {
	n := c.Len()
	out := make([]int, 0, n)
	var ancFee [MaxClusterCount]FeeFrac
	for i := range n {
		ancFee[i] = c.FeeRate(c.anc[i])
	}
	for todo := c.All(); todo.Any(); {
		best := todo.First()
		for x := todo & (todo - 1); x != 0; x &= x - 1 {
			if i := x.First(); ancFee[i].Cmp(ancFee[best]) > 0 {
				best = i
			}
		}
		sel := c.anc[best] & todo
		out = appendTopo(c, out, sel)
		todo &^= sel
		// Every remaining descendant of a selected transaction loses it
		// from its ancestor set.
		for x := sel; x != 0; x &= x - 1 {
			i := x.First()
			for d := c.desc[i] & todo; d != 0; d &= d - 1 {
				j := d.First()
				ancFee[j] = ancFee[j].Sub(c.tx[i])
			}
		}
	}
	return out
}

// appendTopo appends the members of s to out in a topological order: by
// number of ancestors, then by position (Core's DepGraph::AppendTopo).
func appendTopo(c *Cluster, out []int, s SetType) []int {
	start := len(out)
	for i := range s.All() {
		out = append(out, i)
		cnt := c.anc[i].Count()
		// Insertion sort: members arrive in increasing position, so only
		// the ancestor count decides where i goes.
		k := len(out) - 1
		for k > start && c.anc[out[k-1]].Count() > cnt {
			out[k] = out[k-1]
			k--
		}
		out[k] = i
	}
	return out
}
