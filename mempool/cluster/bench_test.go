package cluster

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkLinearize64 linearizes random 64-transaction clusters of each
// shape from scratch to proven optimality (and minimal chunks), reporting
// the mean number of iterations spent.
func BenchmarkLinearize64(b *testing.B) {
	for sh := range numShapes {
		b.Run(sh.String(), func(b *testing.B) {
			r := rand.New(rand.NewPCG(27, uint64(sh)))
			cs := make([]*Cluster, 64)
			for i := range cs {
				cs[i] = randCluster(b, r, 64, sh)
			}
			iters := 0
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				res := LinearizeWithOptions(cs[i%len(cs)], Options{MaxIterations: bigBudget, Seed: uint64(i)})
				if !res.Optimal {
					b.Fatal("not optimal")
				}
				iters += res.Iterations
			}
			b.ReportMetric(float64(iters)/float64(b.N), "iters/op")
		})
	}
}

// BenchmarkRelinearize64 measures the pool's common case: a 64-transaction
// cluster with an optimal linearization gains one more transaction (a
// child of a random member) and is re-linearized from the old order.
func BenchmarkRelinearize64(b *testing.B) {
	r := rand.New(rand.NewPCG(29, 30))
	type job struct {
		c   *Cluster
		old []int
	}
	jobs := make([]job, 64)
	for i := range jobs {
		c := randCluster(b, r, 63, shape(i%int(numShapes)))
		lin := Linearize(c, bigBudget, nil)
		x, err := c.AddTx(randTx(r), Singleton(r.IntN(63)))
		if err != nil {
			b.Fatal(err)
		}
		jobs[i] = job{c, append(lin, x)}
	}
	iters := 0
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		j := jobs[i%len(jobs)]
		iters += LinearizeWithOptions(j.c, Options{MaxIterations: bigBudget, Old: j.old, Seed: uint64(i)}).Iterations
	}
	b.ReportMetric(float64(iters)/float64(b.N), "iters/op")
}

func BenchmarkAncestorLinearize64(b *testing.B) {
	c := randCluster(b, rand.New(rand.NewPCG(31, 32)), 64, shapeRandom)
	for b.Loop() {
		AncestorLinearize(c)
	}
}

func BenchmarkPostLinearize64(b *testing.B) {
	r := rand.New(rand.NewPCG(33, 34))
	c := randCluster(b, r, 64, shapeSparse)
	lin := randTopo(r, c)
	work := make([]int, len(lin))
	for b.Loop() {
		copy(work, lin)
		PostLinearize(c, work)
	}
}

func BenchmarkMergeLinearizations64(b *testing.B) {
	r := rand.New(rand.NewPCG(35, 36))
	c := randCluster(b, r, 64, shapeSparse)
	l1, l2 := randTopo(r, c), randTopo(r, c)
	for b.Loop() {
		MergeLinearizations(c, l1, l2)
	}
}
