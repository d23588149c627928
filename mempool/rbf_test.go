package mempool

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/bitnode/bitnode/wire"
)

func hasAll(got []wire.Hash, want ...wire.Hash) bool {
	if len(got) != len(want) {
		return false
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			return false
		}
	}
	return true
}

func TestReplacementWins(t *testing.T) {
	f := newFixture(t, nil)
	c := f.coin()
	a := f.accept(spend([]coin{c}, 1000))
	kid := f.accept(spend(outputs(f.pool.Tx(a.TxID)), 1000))
	// Must pay for both plus the incremental relay fee on its own size.
	b := f.accept(spend([]coin{c}, 2010))
	if !hasAll(b.Replaced, a.TxID, kid.TxID) {
		t.Fatalf("replaced %v", b.Replaced)
	}
	if f.pool.Contains(a.TxID) || f.pool.Contains(kid.TxID) || f.pool.Count() != 1 {
		t.Fatal("conflicts still in the pool")
	}
}

func TestReplacementInsufficientFee(t *testing.T) {
	f := newFixture(t, nil)
	c := f.coin()
	f.accept(spend([]coin{c}, 1000))
	low := spend([]coin{c}, 999)
	re := f.expectReject(low, "insufficient fee")
	want := fmt.Sprintf("rejecting replacement %s, less fees than conflicting txs; 0.00000999 < 0.00001", low.TxHash())
	if re.Debug != want || re.Result != ResultReconsiderable {
		t.Fatalf("debug %q, want %q", re.Debug, want)
	}
	bump := spend([]coin{c}, 1009)
	re = f.expectReject(bump, "insufficient fee")
	want = fmt.Sprintf("rejecting replacement %s, not enough additional fees to relay; 0.00000009 < 0.0000001", bump.TxHash())
	if re.Debug != want {
		t.Fatalf("debug %q, want %q", re.Debug, want)
	}
	f.accept(spend([]coin{c}, 1010))
}

// TestReplacementDiagram: paying more in total is not enough when the
// replacement's feerate is lower, so the diagram gets worse at the front.
func TestReplacementDiagram(t *testing.T) {
	f := newFixture(t, nil)
	c := f.coin()
	orig := f.accept(spend([]coin{c}, 1000))
	big := withOutputs(c, 1100, 15, 330, p2wshTrue)
	re := f.expectReject(big, "replacement-failed")
	if re.Debug != "insufficient feerate: does not improve feerate diagram" ||
		re.Error() != "replacement-failed, insufficient feerate: does not improve feerate diagram" {
		t.Fatalf("debug %q", re.Debug)
	}
	better := withOutputs(c, 8000, 15, 330, p2wshTrue)
	res := f.accept(better)
	if !hasAll(res.Replaced, orig.TxID) {
		t.Fatalf("replaced %v", res.Replaced)
	}
}

// TestReplacementOfCPFPChunk replaces a parent whose child pays for it.
func TestReplacementOfCPFPChunk(t *testing.T) {
	f := newFixture(t, nil)
	c := f.coin()
	parent := f.accept(spend([]coin{c}, 100))
	child := f.accept(spend(outputs(f.pool.Tx(parent.TxID)), 5000))
	ci, _ := f.pool.Cluster(parent.TxID)
	if len(ci.Chunks) != 1 || ci.Chunks[0].Fee != 5100 {
		t.Fatalf("chunks %+v", ci.Chunks)
	}
	f.expectReject(spend([]coin{c}, 5100), "insufficient fee")
	res := f.accept(spend([]coin{c}, 5110))
	if !hasAll(res.Replaced, parent.TxID, child.TxID) {
		t.Fatalf("replaced %v", res.Replaced)
	}
}

func TestTooManyReplacements(t *testing.T) {
	f := newFixture(t, nil)
	var coins []coin
	for range MaxReplacementCandidates + 1 {
		c := f.coin()
		coins = append(coins, c)
		f.accept(spend([]coin{c}, 1000))
	}
	tooMany := spend(coins, 500_000)
	re := f.expectReject(tooMany, "too many potential replacements")
	want := fmt.Sprintf("rejecting replacement %s; too many conflicting clusters (101 > 100)", tooMany.TxHash())
	if re.Debug != want {
		t.Fatalf("debug %q", re.Debug)
	}
	res := f.accept(spend(coins[:MaxReplacementCandidates], 500_000))
	if len(res.Replaced) != MaxReplacementCandidates || f.pool.Count() != 2 {
		t.Fatalf("replaced %d, pool %d", len(res.Replaced), f.pool.Count())
	}
}

func TestReplacementSpendsConflict(t *testing.T) {
	f := newFixture(t, nil)
	c := f.coin()
	a := spend([]coin{c}, 1000, p2wshTrue, p2wshTrue)
	f.accept(a)
	bad := spend([]coin{c, outputs(a)[0]}, 50_000)
	re := f.expectReject(bad, "bad-txns-spends-conflicting-tx")
	want := fmt.Sprintf("%s spends conflicting transaction %s", bad.TxHash(), a.TxHash())
	if re.Debug != want || re.Result != ResultConsensus {
		t.Fatalf("debug %q", re.Debug)
	}
}

func trucSpend(in []coin, fee int64, scripts ...[]byte) *wire.Tx {
	tx := spend(in, fee, scripts...)
	tx.Version = 3
	return tx
}

func TestTRUC(t *testing.T) {
	f := newFixture(t, nil)
	v2 := spend([]coin{f.coin()}, 1000, p2wshTrue, p2wshTrue)
	f.accept(v2)
	re := f.expectReject(trucSpend(outputs(v2)[:1], 1000), "TRUC-violation")
	if !strings.Contains(re.Debug, "cannot spend from non-version=3 tx") {
		t.Fatalf("debug %q", re.Debug)
	}
	parent := trucSpend([]coin{f.coin()}, 1000, p2wshTrue, p2wshTrue)
	f.accept(parent)
	re = f.expectReject(spend(outputs(parent)[:1], 1000), "TRUC-violation")
	if !strings.HasPrefix(re.Debug, "non-version=3 tx") {
		t.Fatalf("debug %q", re.Debug)
	}
	child := trucSpend(outputs(parent)[:1], 1000)
	f.accept(child)
	re = f.expectReject(trucSpend(outputs(child), 1000), "TRUC-violation")
	if !strings.Contains(re.Debug, "would have too many ancestors") {
		t.Fatalf("debug %q", re.Debug)
	}
	big := withOutputs(f.coin(), 20_000, 240, 330, p2wshTrue)
	big.Version = 3
	re = f.expectReject(big, "TRUC-violation")
	if !strings.Contains(re.Debug, "is too big") {
		t.Fatalf("debug %q", re.Debug)
	}
}

// TestTRUCSiblingEviction: a second child of a TRUC parent replaces the
// first when it pays enough.
func TestTRUCSiblingEviction(t *testing.T) {
	f := newFixture(t, nil)
	parent := trucSpend([]coin{f.coin()}, 1000, p2wshTrue, p2wshTrue)
	f.accept(parent)
	first := f.accept(trucSpend(outputs(parent)[:1], 1000))
	re := f.expectReject(trucSpend(outputs(parent)[1:], 1005), "insufficient fee (including sibling eviction)")
	if re.Kind != "insufficient fee" {
		t.Fatalf("kind %q", re.Kind)
	}
	res := f.accept(trucSpend(outputs(parent)[1:], 2000))
	if !hasAll(res.Replaced, first.TxID) {
		t.Fatalf("replaced %v", res.Replaced)
	}
}
