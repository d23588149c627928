package mempool

import (
	"testing"

	"github.com/bitnode/bitnode/mempool/cluster"
	"github.com/bitnode/bitnode/mempool/mining"
	"github.com/bitnode/bitnode/wire"
)

func (f *fixture) clusterSize(txid wire.Hash) int {
	f.t.Helper()
	ci, ok := f.pool.Cluster(txid)
	if !ok {
		f.t.Fatalf("%s not in the pool", txid)
	}
	return ci.TxCount
}

// TestClusterMergeAndSplit: a child of two clusters merges them; replacing
// it splits them again.
func TestClusterMergeAndSplit(t *testing.T) {
	f := newFixture(t, nil)
	a := spend([]coin{f.coin()}, 1000, p2wshTrue, p2wshTrue)
	b := spend([]coin{f.coin()}, 1000)
	f.accept(a)
	f.accept(b)
	if f.clusterSize(a.TxHash()) != 1 || f.pool.Info().Clusters != 2 {
		t.Fatal("independent transactions share a cluster")
	}
	c := spend([]coin{outputs(a)[0], outputs(b)[0]}, 1000)
	f.accept(c)
	if f.clusterSize(b.TxHash()) != 3 || f.pool.Info().Clusters != 1 {
		t.Fatalf("merge: cluster of %d", f.clusterSize(b.TxHash()))
	}
	anc, _ := f.pool.Ancestors(c.TxHash())
	desc, _ := f.pool.Descendants(a.TxHash())
	if !hasAll(anc, a.TxHash(), b.TxHash()) || !hasAll(desc, c.TxHash()) {
		t.Fatalf("ancestors %v descendants %v", anc, desc)
	}
	e, _ := f.pool.Get(c.TxHash())
	if e.AncestorCount != 3 || e.DescendantCount != 1 || e.ClusterCount != 3 || len(e.Depends) != 2 {
		t.Fatalf("entry %+v", e)
	}
	// Replace c by a spend of a's output only: b's cluster splits off.
	f.accept(spend([]coin{outputs(a)[0]}, 5000))
	if f.clusterSize(b.TxHash()) != 1 || f.clusterSize(a.TxHash()) != 2 || f.pool.Info().Clusters != 2 {
		t.Fatal("split failed")
	}
	// A block confirming a removes it; its child is alone again.
	f.mine(1)
	if f.pool.Count() != 0 {
		t.Fatalf("pool holds %d after mining everything", f.pool.Count())
	}
}

func TestClusterCountLimit(t *testing.T) {
	f := newFixture(t, nil)
	txs := chainOf(f.coin(), 65, 1000)
	for _, tx := range txs[:64] {
		f.accept(tx)
	}
	re := f.expectReject(txs[64], "too-large-cluster")
	if re.Error() != "too-large-cluster" || re.Result != ResultMempoolPolicy {
		t.Fatalf("error %q", re.Error())
	}
	if f.clusterSize(txs[0].TxHash()) != 64 {
		t.Fatal("cluster size")
	}
}

// TestClusterSizeLimit: 101,000 virtual bytes per cluster (checked as
// 404,000 of sigop-adjusted weight).
func TestClusterSizeLimit(t *testing.T) {
	f := newFixture(t, nil)
	parent := spend([]coin{f.coin()}, 1000, p2wshTrue, p2wshTrue, p2wshTrue)
	f.accept(parent)
	big := func(c coin, n int) *wire.Tx { return withOutputs(c, 20_000, n, 330, p2wshTrue) }
	first := big(outputs(parent)[0], 2290)
	if w := first.Weight(); w > 400_000 || w < 390_000 {
		t.Fatalf("weight %d", w)
	}
	f.accept(first)
	// What is left of 404,000 weight units.
	room := 404_000 - parent.Weight() - first.Weight()
	fits := big(outputs(parent)[1], 1)
	for n := 2; ; n++ {
		next := big(outputs(parent)[1], n)
		if next.Weight() > room {
			f.expectReject(next, "too-large-cluster")
			break
		}
		fits = next
	}
	f.accept(fits)
	if ci, _ := f.pool.Cluster(parent.TxHash()); ci.Weight > 404_000 || ci.Weight < 400_000 {
		t.Fatalf("cluster weight %d", ci.Weight)
	}
}

// TestMiningOrder checks Chunks: whole chunks by non-increasing feerate,
// parents first; and the feerate diagram.
func TestMiningOrder(t *testing.T) {
	f := newFixture(t, nil)
	lowParent := spend([]coin{f.coin()}, 100)
	f.accept(lowParent)
	f.accept(spend(outputs(lowParent), 20_000)) // CPFP: chunk of two
	f.accept(spend([]coin{f.coin()}, 5000))
	f.accept(spend([]coin{f.coin()}, 300))
	var rates []cluster.FeeFrac
	seen := map[wire.Hash]bool{}
	f.pool.Chunks(func(chunk []mining.TxDesc) bool {
		var ff cluster.FeeFrac
		for _, d := range chunk {
			for _, par := range d.Parents {
				if !seen[par] {
					t.Fatalf("%s before its parent %s", d.TxID, par)
				}
			}
			seen[d.TxID] = true
			ff = ff.Add(cluster.FeeFrac{Fee: d.Fee + d.FeeDelta, Size: int32(d.Weight)})
		}
		rates = append(rates, ff)
		return true
	})
	if len(rates) != 3 || len(seen) != 4 {
		t.Fatalf("chunks %v", rates)
	}
	for i := 1; i < len(rates); i++ {
		if rates[i].Higher(rates[i-1]) {
			t.Fatalf("chunk %d pays more than chunk %d: %v", i, i-1, rates)
		}
	}
	if rates[0].Fee != 20_100 {
		t.Fatalf("first chunk %v, want the CPFP pair", rates[0])
	}
	d := f.pool.FeerateDiagram()
	if len(d) != 4 || d[3].Fee != 20_100+5000+300 {
		t.Fatalf("diagram %v", d)
	}
	if cmp, ok := cluster.CompareDiagrams(d, d); !ok || cmp != 0 {
		t.Fatal("diagram not comparable with itself")
	}
}

// TestPrioritise: a fee delta moves a transaction in the mining order and
// is reported in TxDesc.FeeDelta.
func TestPrioritise(t *testing.T) {
	f := newFixture(t, nil)
	a := f.accept(spend([]coin{f.coin()}, 1000))
	b := f.accept(spend([]coin{f.coin()}, 2000))
	first := func() mining.TxDesc {
		var d mining.TxDesc
		f.pool.Chunks(func(chunk []mining.TxDesc) bool { d = chunk[0]; return false })
		return d
	}
	if first().TxID != b.TxID {
		t.Fatal("b should come first")
	}
	f.pool.PrioritiseTransaction(a.TxID, 5000)
	if d := first(); d.TxID != a.TxID || d.FeeDelta != 5000 {
		t.Fatalf("first %s delta %d", d.TxID, d.FeeDelta)
	}
	e, _ := f.pool.Get(a.TxID)
	if e.ModifiedFee != 6000 {
		t.Fatalf("modified fee %d", e.ModifiedFee)
	}
}
