package cluster

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// byteReader hands out fuzz bytes, then zeros.
type byteReader struct{ b []byte }

func (r *byteReader) next() byte {
	if len(r.b) == 0 {
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

// clusterFromBytes decodes a cluster: a count, then per transaction a fee
// (two bytes, signed, scaled by a third), a size and a parent-count byte
// followed by that many parent picks among the earlier transactions. A
// final flag byte reverses positions so parents need not come first.
func clusterFromBytes(data []byte) (*Cluster, *byteReader, error) {
	r := &byteReader{b: data}
	n := int(r.next()) % (MaxClusterCount + 1)
	txs := make([]FeeFrac, n)
	par := make([]SetType, n)
	for i := range n {
		fee := int64(int16(uint16(r.next())<<8 | uint16(r.next())))
		scale := int64(1) << (r.next() % 40)
		txs[i] = FeeFrac{Fee: fee * scale, Size: int32(r.next()) + 1}
		np := int(r.next() % 4)
		for range np {
			if i > 0 {
				par[i] = par[i].With(int(r.next()) % i)
			}
		}
	}
	if r.next()&1 == 1 {
		slices.Reverse(txs)
		slices.Reverse(par)
		for i := range par {
			var p SetType
			for j := range par[i].All() {
				p = p.With(n - 1 - j)
			}
			par[i] = p
		}
	}
	c, err := NewCluster(txs, par)
	return c, r, err
}

func FuzzLinearize(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{1, 0, 10, 0, 5, 0})
	f.Add([]byte{3, 0, 1, 0, 10, 0, 0, 50, 0, 10, 1, 0, 0, 20, 0, 10, 1, 1, 0, 200})
	f.Add([]byte{8, 0xff, 0xff, 39, 0xff, 3, 1, 2, 3, 0x7f, 0xff, 39, 0, 3, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	r := rand.New(rand.NewPCG(25, 26))
	for range 8 {
		b := make([]byte, 64*8)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		b[0] = byte(1 + r.IntN(64))
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, rd, err := clusterFromBytes(data)
		if err != nil {
			return
		}
		budget := int(rd.next()) * 4
		rng := rand.New(rand.NewPCG(uint64(rd.next()), uint64(rd.next())))
		old := randTopo(rng, c)
		anc := AncestorLinearize(c)
		res := LinearizeWithOptions(c, Options{MaxIterations: budget, Old: old, Seed: rng.Uint64()})
		if !IsTopological(c, res.Lin) {
			t.Fatalf("not topological: %v", res.Lin)
		}
		notWorse(t, c, res.Lin, anc, "vs ancestor order")
		notWorse(t, c, res.Lin, old, "vs old")
		checkChunks(t, c, res.Lin)
		pl := slices.Clone(old)
		PostLinearize(c, pl)
		notWorse(t, c, pl, old, "post-linearized")
		m := MergeLinearizations(c, old, anc)
		notWorse(t, c, m, old, "merge vs old")
		notWorse(t, c, m, anc, "merge vs ancestor")
		if c.Len() <= 8 {
			full := LinearizeWithOptions(c, Options{MaxIterations: bigBudget})
			if !full.Optimal {
				t.Fatal("small cluster not optimal")
			}
			if cmp, ok := CompareChunkFeerates(ChunkFeerates(c, full.Lin), optimalChunks(c)); !ok || cmp != 0 {
				t.Fatal("not the brute-force optimum")
			}
		}
	})
}
