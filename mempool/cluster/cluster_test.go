package cluster

import (
	"errors"
	"math/rand/v2"
	"testing"
)

func TestNewClusterErrors(t *testing.T) {
	one := []FeeFrac{{1, 1}}
	two := []FeeFrac{{1, 1}, {1, 1}}
	cases := []struct {
		name string
		txs  []FeeFrac
		par  []SetType
		want ErrorKind
	}{
		{"too many", make([]FeeFrac, 65), nil, ErrTooLargeCluster},
		{"zero size", []FeeFrac{{1, 0}}, nil, ErrBadTx},
		{"negative size", []FeeFrac{{1, -3}}, nil, ErrBadTx},
		{"huge fee", []FeeFrac{{MaxAbsTxFee + 1, 1}}, nil, ErrBadTx},
		{"huge negative fee", []FeeFrac{{-MaxAbsTxFee - 1, 1}}, nil, ErrBadTx},
		{"size overflow", []FeeFrac{{1, 1 << 30}, {1, 1 << 30}}, nil, ErrTooLargeCluster},
		{"parent count", one, []SetType{0, 0}, ErrBadDependency},
		{"self parent", one, []SetType{SetOf(0)}, ErrBadDependency},
		{"parent out of range", one, []SetType{SetOf(3)}, ErrBadDependency},
		{"cycle", two, []SetType{SetOf(1), SetOf(0)}, ErrBadDependency},
	}
	for _, tc := range cases {
		_, err := NewCluster(tc.txs, tc.par)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		}
		var ce *Error
		if !errors.As(err, &ce) || ce.Error() == "" {
			t.Errorf("%s: not an *Error", tc.name)
		}
	}
	// 64 is fine, and positions above parents are fine too.
	txs := make([]FeeFrac, 64)
	par := make([]SetType, 64)
	for i := range txs {
		txs[i] = FeeFrac{1, 1}
		if i < 63 {
			par[i] = SetOf(i + 1)
		}
	}
	c, err := NewCluster(txs, par)
	if err != nil {
		t.Fatal(err)
	}
	if c.Ancestors(0) != c.All() || c.Descendants(63) != c.All() || c.TotalSize() != 64 {
		t.Fatal("closures of a reversed chain")
	}
}

// TestIncremental builds random clusters one transaction and dependency at
// a time and compares them with a cluster built at once.
func TestIncremental(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for k := range 200 {
		ref := randCluster(t, r, 1+r.IntN(64), shape(k%int(numShapes)))
		n := ref.Len()
		// Add transactions in a topological order with some of their
		// parents, then the remaining dependencies.
		order := randTopo(r, ref)
		pos := make([]int, n) // ref position -> new position
		c, _ := NewCluster(nil, nil)
		txs := make([]FeeFrac, n)
		var later [][2]int
		for _, i := range order {
			var par SetType
			for p := range ref.Parents(i).All() {
				if r.IntN(2) == 0 {
					par = par.With(pos[p])
				} else {
					later = append(later, [2]int{p, i})
				}
			}
			j, err := c.AddTx(ref.Tx(i), par)
			if err != nil {
				t.Fatal(err)
			}
			pos[i] = j
			txs[j] = ref.Tx(i)
		}
		for _, d := range later {
			if err := c.AddDependency(pos[d[0]], pos[d[1]]); err != nil {
				t.Fatal(err)
			}
		}
		for i := range n {
			for j := range n {
				if ref.Ancestors(i).Has(j) != c.Ancestors(pos[i]).Has(pos[j]) ||
					ref.Descendants(i).Has(j) != c.Descendants(pos[i]).Has(pos[j]) {
					t.Fatalf("k=%d: closures differ at %d,%d", k, i, j)
				}
			}
			if c.Children(pos[i]).Count() != ref.Children(i).Count() ||
				c.ReducedParents(pos[i]).Count() != ref.ReducedParents(i).Count() {
				t.Fatal("children or reduced parents differ")
			}
			for p := range ref.ReducedParents(i).All() {
				if !c.ReducedParents(pos[i]).Has(pos[p]) {
					t.Fatal("reduced parents differ")
				}
			}
		}
		if n >= 2 {
			a, b := order[0], order[n-1]
			if ref.Ancestors(b).Has(a) {
				if err := c.AddDependency(pos[b], pos[a]); !errors.Is(err, ErrBadDependency) {
					t.Fatalf("cycle accepted: %v", err)
				}
			}
		}
	}
	c, _ := NewCluster(make([]FeeFrac, 0), nil)
	for i := range 64 {
		if _, err := c.AddTx(FeeFrac{1, 1}, 0); err != nil {
			t.Fatal(i, err)
		}
	}
	if _, err := c.AddTx(FeeFrac{1, 1}, 0); !errors.Is(err, ErrTooLargeCluster) {
		t.Fatal("65th transaction accepted")
	}
	if err := c.AddDependency(3, 3); !errors.Is(err, ErrBadDependency) {
		t.Fatal("self dependency accepted")
	}
	if _, err := c.Clone().AddTx(FeeFrac{1, 0}, 0); err == nil {
		t.Fatal("bad tx accepted")
	}
}

func TestComponentsSubclusterJoin(t *testing.T) {
	// Two chains 0->1->2 and 3->4, plus an isolated 5.
	c, err := NewCluster([]FeeFrac{{1, 1}, {5, 1}, {9, 1}, {2, 1}, {1, 1}, {7, 1}},
		[]SetType{0, SetOf(0), SetOf(1), 0, SetOf(3), 0})
	if err != nil {
		t.Fatal(err)
	}
	comps := Components(c)
	if len(comps) != 3 || comps[0] != SetOf(0, 1, 2) || comps[1] != SetOf(3, 4) || comps[2] != SetOf(5) {
		t.Fatalf("components %v", comps)
	}
	if !c.IsConnected(SetOf(0, 2)) || c.IsConnected(SetOf(0, 3)) {
		t.Fatal("IsConnected")
	}
	// Removing the middle of the chain keeps 0 an ancestor of 2.
	sub, mapping := c.Subcluster(SetOf(0, 2, 4))
	if sub.Len() != 3 || mapping[1] != 2 || !sub.Ancestors(1).Has(0) || sub.Parents(1) != SetOf(0) {
		t.Fatalf("subcluster: mapping %v parents %v", mapping, sub.Parents(1))
	}
	if sub.Tx(1) != (FeeFrac{9, 1}) || sub.TotalSize() != 3 {
		t.Fatal("subcluster fees")
	}
	lin := RestrictLinearization([]int{3, 0, 4, 1, 5, 2}, mapping)
	if len(lin) != 3 || lin[0] != 0 || lin[1] != 2 || lin[2] != 1 || !IsTopological(sub, lin) {
		t.Fatalf("restricted %v", lin)
	}
	// Join the two pieces back and connect them with a new child.
	a, ma := c.Subcluster(comps[0])
	b, _ := c.Subcluster(comps[1])
	j, offs, err := Join(a, b)
	if err != nil || j.Len() != 5 || offs[1] != 3 || j.Parents(4) != SetOf(3) {
		t.Fatalf("join: %v %v", offs, err)
	}
	x, err := j.AddTx(FeeFrac{100, 1}, SetOf(2, 4))
	if err != nil || len(Components(j)) != 1 || j.Ancestors(x) != j.All() {
		t.Fatal("joined cluster not connected")
	}
	old := append(RestrictLinearization([]int{0, 1, 2}, ma), 3, 4, x)
	if !IsTopological(j, old) {
		t.Fatal("concatenated linearization not topological")
	}
	notWorse(t, j, Linearize(j, 100, old), old, "joined")
	big := make([]*Cluster, 0)
	for range 33 {
		big = append(big, b)
	}
	if _, _, err := Join(big...); !errors.Is(err, ErrTooLargeCluster) {
		t.Fatal("oversized join accepted")
	}
}

// TestSplitAfterRemoval removes random transactions with their descendants
// (as the pool does for conflicts) and checks that the components'
// restricted linearizations stay topological and that re-linearizing each
// is no worse.
func TestSplitAfterRemoval(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	for k := range 200 {
		c := randCluster(t, r, 2+r.IntN(63), shape(k%int(numShapes)))
		lin := Linearize(c, 1000, nil)
		gone := c.DescendantsOf(Singleton(r.IntN(c.Len())))
		keep := c.All() &^ gone
		for _, comp := range Components(c) {
			if !c.IsConnected(comp) {
				t.Fatal("component not connected")
			}
		}
		if len(Split(c, 0, lin)) != len(Components(c)) {
			t.Fatal("Split without removals")
		}
		var covered SetType
		for _, piece := range Split(c, gone, lin) {
			sub := piece.Cluster
			for _, o := range piece.Mapping {
				covered = covered.With(o)
			}
			if len(Components(sub)) != 1 {
				t.Fatal("piece not connected")
			}
			if !IsTopological(sub, piece.Lin) {
				t.Fatal("restricted linearization not topological")
			}
			notWorse(t, sub, Linearize(sub, 100, piece.Lin), piece.Lin, "piece")
		}
		if covered != keep {
			t.Fatal("pieces do not cover the kept set")
		}
	}
}
