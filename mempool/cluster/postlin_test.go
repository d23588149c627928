package cluster

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestPostLinearize(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	for k := range 1500 {
		sh := shape(k % int(numShapes))
		c := randCluster(t, r, 1+r.IntN(64), sh)
		lin := randTopo(r, c)
		pl := slices.Clone(lin)
		PostLinearize(c, pl)
		if !IsTopological(c, pl) {
			t.Fatal("not topological")
		}
		notWorse(t, c, pl, lin, "post-linearized")
		for _, ch := range Chunk(c, pl) {
			if !c.IsConnected(ch.Members) {
				t.Fatalf("k=%d %v: chunk %v not connected", k, sh, ch.Members.Members())
			}
		}
		// Tree shapes come out optimal.
		if sh == shapeTree || sh == shapeInTree || sh == shapeChain {
			opt := Linearize(c, bigBudget, nil)
			if cmp, ok := CompareLinearizations(c, pl, opt); !ok || cmp != 0 {
				t.Fatalf("k=%d %v: tree not optimal after PostLinearize", k, sh)
			}
		}
	}
}

// TestPostLinearizeMovedLeaf: moving a leaf to the end (a same-size
// replacement with a higher fee) and post-linearizing is never worse than
// the original.
func TestPostLinearizeMovedLeaf(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for k := range 500 {
		c := randCluster(t, r, 2+r.IntN(40), shape(k%int(numShapes)))
		lin := Linearize(c, 50, nil)
		leaf := -1
		for i := range c.All().All() {
			if c.Descendants(i) == Singleton(i) {
				leaf = i
			}
		}
		moved := slices.DeleteFunc(slices.Clone(lin), func(i int) bool { return i == leaf })
		moved = append(moved, leaf)
		PostLinearize(c, moved)
		notWorse(t, c, moved, lin, "moved leaf")
	}
}

func TestPostLinearizePanicsOnBadInput(t *testing.T) {
	c, _ := NewCluster([]FeeFrac{{1, 1}, {1, 1}}, []SetType{0, SetOf(0)})
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	PostLinearize(c, []int{1, 0})
}

func TestMergeLinearizations(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	for k := range 1500 {
		c := randCluster(t, r, 1+r.IntN(64), shape(k%int(numShapes)))
		a, b := randTopo(r, c), randTopo(r, c)
		if k%3 == 0 {
			b = AncestorLinearize(c)
		}
		m := MergeLinearizations(c, a, b)
		if !IsTopological(c, m) {
			t.Fatal("merge not topological")
		}
		notWorse(t, c, m, a, "merge vs a")
		notWorse(t, c, m, b, "merge vs b")
	}
	c, _ := NewCluster([]FeeFrac{{1, 1}, {1, 1}}, []SetType{0, SetOf(0)})
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	MergeLinearizations(c, []int{0, 1}, []int{1, 0})
}
