package cluster

// MergeLinearizations combines two topological linearizations of c into
// one whose diagram is at least as good as both (Core's
// MergeLinearizations, "prefix-intersection merging"). Repeatedly: take the
// better of the two first chunks of what remains of each input, intersect
// it with growing prefixes of the other input's remaining chunks, and
// output the shortest such intersection whose feerate is not below that
// chunk's (or the chunk itself). It panics if a or b is not a topological
// linearization of c.
//
// Complexity: O(n²) set operations.
func MergeLinearizations(c *Cluster, a, b []int) []int {
	if !IsTopological(c, a) || !IsTopological(c, b) {
		panic("cluster: MergeLinearizations: not a topological linearization")
	}
	return mergeLinearizations(c, a, b)
}

func mergeLinearizations(c *Cluster, a, b []int) []int {
	out := make([]int, 0, c.Len())
	var bufA, bufB [MaxClusterCount]ChunkInfo
	for todo := c.All(); todo.Any(); {
		chA := remainingChunks(c, a, todo, bufA[:0])
		chB := remainingChunks(c, b, todo, bufB[:0])
		var best SetType
		if chB[0].FeeFrac.Higher(chA[0].FeeFrac) {
			best = intersectPrefixes(c, chA, chB[0])
		} else {
			best = intersectPrefixes(c, chB, chA[0])
		}
		out = appendTopo(c, out, best)
		todo &^= best
	}
	return out
}

// remainingChunks chunks lin restricted to todo, into buf.
func remainingChunks(c *Cluster, lin []int, todo SetType, buf []ChunkInfo) []ChunkInfo {
	for _, i := range lin {
		if !todo.Has(i) {
			continue
		}
		ch := ChunkInfo{Members: Singleton(i), FeeFrac: c.tx[i]}
		for len(buf) > 0 && ch.FeeFrac.Higher(buf[len(buf)-1].FeeFrac) {
			last := buf[len(buf)-1]
			ch.Members |= last.Members
			ch.FeeFrac = ch.FeeFrac.Add(last.FeeFrac)
			buf = buf[:len(buf)-1]
		}
		buf = append(buf, ch)
	}
	return buf
}

// intersectPrefixes returns the shortest intersection of subset with a
// prefix of chunks (the remaining chunks of a linearization) whose feerate
// is not below subset's, or subset itself. Moving it to the front of what
// remains of that linearization never makes it worse anywhere, provided
// subset's feerate is not below its first chunk's.
func intersectPrefixes(c *Cluster, chunks []ChunkInfo, subset ChunkInfo) SetType {
	var acc ChunkInfo
	for _, ch := range chunks {
		add := ch.Members & subset.Members
		if add.None() {
			continue
		}
		acc.Members |= add
		if acc.Members == subset.Members {
			break
		}
		acc.FeeFrac = acc.FeeFrac.Add(c.FeeRate(add))
		if !acc.FeeFrac.Lower(subset.FeeFrac) {
			return acc.Members
		}
	}
	return subset.Members
}
