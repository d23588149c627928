package cluster

import (
	"math/rand/v2"
	"testing"
)

func pts(xs ...int64) []FeeFrac {
	out := make([]FeeFrac, 0, len(xs)/2)
	for i := 0; i+1 < len(xs); i += 2 {
		out = append(out, FeeFrac{Fee: xs[i+1], Size: int32(xs[i])})
	}
	return out
}

// TestCompareDiagrams: diagrams as (size, fee) points after the origin.
func TestCompareDiagrams(t *testing.T) {
	cases := []struct {
		name   string
		a, b   []FeeFrac
		cmp    int
		compar bool
	}{
		{"both empty", nil, nil, 0, true},
		{"equal", pts(10, 100, 20, 150), pts(10, 100, 20, 150), 0, true},
		{"equal, extra collinear point", pts(10, 100, 20, 200), pts(20, 200), 0, true},
		{"equal, origin given", append([]FeeFrac{{}}, pts(5, 50)...), pts(5, 50), 0, true},
		{"higher everywhere", pts(10, 200, 20, 250), pts(10, 100, 20, 150), 1, true},
		{"lower everywhere", pts(10, 100, 20, 150), pts(10, 200, 20, 250), -1, true},
		{"same total, better start", pts(5, 80, 20, 150), pts(10, 100, 20, 150), 1, true},
		{"crossing", pts(10, 120, 20, 130), pts(10, 100, 20, 160), 0, false},
		{"longer with positive tail", pts(10, 100, 20, 110), pts(10, 100), 1, true},
		{"longer with zero-fee tail", pts(10, 100, 20, 100), pts(10, 100), 0, true},
		{"longer with negative tail", pts(10, 100, 20, 90), pts(10, 100), -1, true},
		{"empty vs positive", nil, pts(10, 5), -1, true},
		{"empty vs negative", nil, pts(10, -5), 1, true},
		{"larger first chunk, lower start", pts(20, 200), pts(10, 150, 20, 180), 0, false},
		{"one point vs two, dominated", pts(20, 100), pts(10, 60, 20, 100), -1, true},
		{"replacement: higher fee same size", pts(100, 1000), pts(100, 900), 1, true},
		{"replacement: bigger, more fee, lower rate", pts(200, 1100), pts(100, 1000), 0, false},
		{"replacement: smaller, higher rate, less fee", pts(50, 900), pts(100, 1000), 0, false},
		{"bad: sizes not increasing", pts(10, 100, 10, 120), pts(10, 100), 0, false},
		{"bad: negative size", pts(-1, 5), pts(10, 100), 0, false},
	}
	for _, tc := range cases {
		cmp, ok := CompareDiagrams(tc.a, tc.b)
		if cmp != tc.cmp || ok != tc.compar {
			t.Errorf("%s: got (%d, %v), want (%d, %v)", tc.name, cmp, ok, tc.cmp, tc.compar)
		}
		if tc.name[:3] == "bad" {
			continue
		}
		cmp, ok = CompareDiagrams(tc.b, tc.a)
		if cmp != -tc.cmp || ok != tc.compar {
			t.Errorf("%s reversed: got (%d, %v), want (%d, %v)", tc.name, cmp, ok, -tc.cmp, tc.compar)
		}
	}
}

func TestCompareChunkFeerates(t *testing.T) {
	a := []FeeFrac{{100, 10}, {50, 10}}
	b := []FeeFrac{{150, 20}}
	if cmp, ok := CompareChunkFeerates(a, b); cmp != 1 || !ok {
		t.Fatalf("got (%d, %v)", cmp, ok)
	}
	if _, ok := CompareChunkFeerates([]FeeFrac{{1, 0}}, b); ok {
		t.Fatal("zero-size chunk accepted")
	}
}

// TestCompareDiagramsRandom checks CompareDiagrams against sampling both
// diagrams at every breakpoint, on random concave and non-concave inputs.
func TestCompareDiagramsRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	randDiag := func() []FeeFrac {
		var out []FeeFrac
		var acc FeeFrac
		for range r.IntN(5) {
			acc = acc.Add(FeeFrac{Fee: int64(r.IntN(41) - 10), Size: int32(1 + r.IntN(4))})
			out = append(out, acc)
		}
		return out
	}
	// value returns 2·size·fee-at-x scaled to avoid fractions: fee(x)·den.
	value := func(d []FeeFrac, x int32) (num int64, den int64) {
		var prev FeeFrac
		for _, p := range d {
			if x <= p.Size {
				seg := p.Sub(prev)
				return prev.Fee*int64(seg.Size) + seg.Fee*int64(x-prev.Size), int64(seg.Size)
			}
			prev = p
		}
		return prev.Fee, 1
	}
	for range 20000 {
		a, b := randDiag(), randDiag()
		var aAbove, bAbove bool
		for _, d := range [][]FeeFrac{a, b} {
			for _, p := range d {
				an, ad := value(a, p.Size)
				bn, bd := value(b, p.Size)
				if an*bd > bn*ad {
					aAbove = true
				} else if an*bd < bn*ad {
					bAbove = true
				}
			}
		}
		cmp, ok := CompareDiagrams(a, b)
		want, wantOK := 0, !(aAbove && bAbove)
		if wantOK && aAbove {
			want = 1
		} else if wantOK && bAbove {
			want = -1
		}
		if cmp != want || ok != wantOK {
			t.Fatalf("%v vs %v: got (%d, %v) want (%d, %v)", a, b, cmp, ok, want, wantOK)
		}
	}
}

func TestChunkAndDiagram(t *testing.T) {
	// 0: 1/1, 1 (child of 0): 9/1, 2: 3/1, 3: 1/2.
	c, err := NewCluster([]FeeFrac{{1, 1}, {9, 1}, {3, 1}, {1, 2}}, []SetType{0, SetOf(0), 0, 0})
	if err != nil {
		t.Fatal(err)
	}
	chunks := Chunk(c, []int{0, 1, 2, 3})
	if len(chunks) != 3 || chunks[0].Members != SetOf(0, 1) || chunks[0].FeeFrac != (FeeFrac{10, 2}) {
		t.Fatalf("chunks %+v", chunks)
	}
	d := Diagram(chunks)
	want := []FeeFrac{{0, 0}, {10, 2}, {13, 3}, {14, 5}}
	if len(d) != len(want) {
		t.Fatalf("diagram %v", d)
	}
	for i := range d {
		if d[i] != want[i] {
			t.Fatalf("diagram %v, want %v", d, want)
		}
	}
	fr := ChunkFeerates(c, []int{0, 1, 2, 3})
	if len(fr) != 3 || fr[2] != (FeeFrac{1, 2}) {
		t.Fatalf("ChunkFeerates %v", fr)
	}
	// Equal feerates do not merge.
	c2, _ := NewCluster([]FeeFrac{{2, 1}, {4, 2}}, nil)
	if len(Chunk(c2, []int{0, 1})) != 2 {
		t.Fatal("equal-feerate groups merged")
	}
}

func TestChunkRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for k := range 500 {
		c := randCluster(t, r, 1+r.IntN(64), shape(k%int(numShapes)))
		lin := randTopo(r, c)
		checkChunks(t, c, lin)
		d := Diagram(Chunk(c, lin))
		if cmp, ok := CompareDiagrams(d, d); cmp != 0 || !ok {
			t.Fatal("diagram not equal to itself")
		}
	}
}

func TestIsTopological(t *testing.T) {
	c, _ := NewCluster([]FeeFrac{{1, 1}, {1, 1}, {1, 1}}, []SetType{0, SetOf(0), SetOf(1)})
	for _, tc := range []struct {
		lin  []int
		want bool
	}{
		{[]int{0, 1, 2}, true},
		{[]int{1, 0, 2}, false},
		{[]int{0, 1}, false},
		{[]int{0, 1, 1}, false},
		{[]int{0, 1, 3}, false},
		{[]int{-1, 0, 1}, false},
	} {
		if got := IsTopological(c, tc.lin); got != tc.want {
			t.Errorf("%v: got %v", tc.lin, got)
		}
	}
}

func TestCombineChunkFeerates(t *testing.T) {
	a := []FeeFrac{{300, 100}, {50, 100}}
	b := []FeeFrac{{200, 100}, {200, 50}}
	got := CombineChunkFeerates(a, b)
	want := []FeeFrac{{200, 50}, {300, 100}, {200, 100}, {50, 100}}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	// RBF across two clusters: replacing b's first chunk by a cheaper one
	// makes the combined diagram worse.
	newB := []FeeFrac{{150, 100}, {200, 50}}
	if cmp, ok := CompareChunkFeerates(CombineChunkFeerates(a, newB), got); !ok || cmp >= 0 {
		t.Fatalf("worse replacement judged (%d, %v)", cmp, ok)
	}
}
