package cluster

// PostLinearize improves the topological linearization lin of c in place
// (Core's PostLinearize): one pass from back to front, then one from front
// to back. The result is never worse than the input (in the diagram sense),
// and:
//   - every chunk of the result is connected;
//   - clusters shaped as trees (every transaction with at most one child,
//     or every one with at most one parent) come out optimal;
//   - moving a leaf transaction to the end (for instance a replacement of
//     the same size with a higher fee) and post-linearizing never gives
//     something worse than before.
//
// A pass works on a list of groups: each transaction in turn becomes a new
// group at the end; while the group before it has a strictly lower feerate,
// the new group either absorbs it (if it depends on it) or swaps places
// with it. The backward pass is the same with parents and children, and
// higher and lower, exchanged.
//
// It panics if lin is not a topological linearization of c.
//
// Complexity: O(n²) set operations.
func PostLinearize(c *Cluster, lin []int) {
	if !IsTopological(c, lin) {
		panic("cluster: PostLinearize: not a topological linearization")
	}
	postLinearize(c, lin)
}

func postLinearize(c *Cluster, lin []int) {
	postLinearizePass(c, lin, true)
	postLinearizePass(c, lin, false)
}

// plGroup is a group in a post-linearization pass, identified by the
// position of the transaction that created it.
type plGroup struct {
	set, deps   SetType // members; their ancestors (forward) or descendants (backward)
	fee         FeeFrac
	first, last int // the member list, linked through plState.next
	prev        int // the group before this one in the list, -1 for none
}

type plState struct {
	groups [MaxClusterCount]plGroup
	next   [MaxClusterCount]int // next member within a group, -1 at the end
	tail   int                  // last group of the list, -1 when empty
}

func postLinearizePass(c *Cluster, lin []int, backward bool) {
	n := len(lin)
	var st plState
	st.tail = -1
	for k := range n {
		i := lin[k]
		deps := c.anc[i]
		if backward {
			i = lin[n-1-k]
			deps = c.desc[i]
		}
		st.groups[i] = plGroup{set: Singleton(i), deps: deps, fee: c.tx[i], first: i, last: i, prev: st.tail}
		st.next[i] = -1
		st.tail = i
		st.settle(i, backward)
	}
	// Collect the groups from the tail backwards, filling the order from
	// its end.
	var seq [MaxClusterCount]int
	pos := n
	for g := st.tail; g >= 0; g = st.groups[g].prev {
		pos -= st.groups[g].set.Count()
		j := pos
		for t := st.groups[g].first; t >= 0; t = st.next[t] {
			seq[j] = t
			j++
		}
	}
	for k := range n {
		if backward {
			lin[k] = seq[n-1-k]
		} else {
			lin[k] = seq[k]
		}
	}
}

// settle moves the group cur (just appended at the tail) towards the front
// while the group before it has a lower feerate (higher, when backward),
// merging with it when cur depends on it and swapping otherwise.
func (st *plState) settle(cur int, backward bool) {
	after := -1 // the group right after cur, -1 if cur is the tail
	for {
		g := &st.groups[cur]
		p := g.prev
		if p < 0 {
			return
		}
		pg := &st.groups[p]
		cmp := g.fee.FeeRateCmp(pg.fee)
		if backward {
			cmp = -cmp
		}
		if cmp <= 0 {
			return
		}
		if g.deps.Overlaps(pg.set) {
			// Merge: cur becomes p's members followed by its own.
			st.next[pg.last] = g.first
			g.first = pg.first
			g.set |= pg.set
			g.deps |= pg.deps
			g.fee = g.fee.Add(pg.fee)
			g.prev = pg.prev
			continue
		}
		// Swap: ... X, p, cur, after ... becomes ... X, cur, p, after ...
		g.prev = pg.prev
		pg.prev = cur
		if after >= 0 {
			st.groups[after].prev = p
		} else {
			st.tail = p
		}
		after = p
	}
}
