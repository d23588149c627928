package mempool

import (
	"strings"
	"testing"

	"github.com/bitnode/bitnode/mempool/policy"
	"github.com/bitnode/bitnode/wire"
)

// anchor is the pay-to-anchor output script (dust at any value below 240).
var anchor = []byte{0x51, 0x02, 0x4e, 0x73}

func expectPackage(t *testing.T, res *PackageResult, msg string) {
	t.Helper()
	if res.Message != msg {
		t.Fatalf("package_msg %q, want %q; results %v", res.Message, msg, res.Results)
	}
}

func TestPackageZeroFeeTRUCParent(t *testing.T) {
	f := newFixture(t, nil)
	parent := trucSpend([]coin{f.coin()}, 0)
	child := trucSpend(outputs(parent), 2000)
	// Alone, the parent pays too little; the child is an orphan.
	f.expectReject(parent, "min relay fee not met")
	res := f.pool.AcceptPackage([]*wire.Tx{parent, child})
	expectPackage(t, res, "success")
	vsize := res.Results[0].VSize + res.Results[1].VSize
	for _, r := range res.Results {
		if r.Err != nil || r.EffectiveFeeRate != policy.NewFeeRate(2000, vsize) || len(r.EffectiveIncludes) != 2 {
			t.Fatalf("result %v rate %v includes %d", r, r.EffectiveFeeRate, len(r.EffectiveIncludes))
		}
	}
	ci, _ := f.pool.Cluster(parent.TxHash())
	if ci.TxCount != 2 || len(ci.Chunks) != 1 {
		t.Fatalf("cluster %+v", ci)
	}
	// Submitting it again reports both as already there.
	res = f.pool.AcceptPackage([]*wire.Tx{parent, child})
	expectPackage(t, res, "success")
	if !res.Results[0].AlreadyInPool || !res.Results[1].AlreadyInPool {
		t.Fatal("not reported as already in the pool")
	}
}

func TestPackageZeroFeeNonTRUCParent(t *testing.T) {
	f := newFixture(t, nil)
	parent := spend([]coin{f.coin()}, 0)
	child := spend(outputs(parent), 5000)
	res := f.pool.AcceptPackage([]*wire.Tx{parent, child})
	expectPackage(t, res, "transaction failed")
	if RejectReason(res.Results[0].Err) != "min relay fee not met" || RejectReason(res.Results[1].Err) != "missing-inputs" {
		t.Fatalf("results %v", res.Results)
	}
	if f.pool.Count() != 0 {
		t.Fatal("pool changed")
	}
}

// TestPackageCPFPBelowMinFee: a parent above the relay minimum but below
// the pool's current minimum fee gets in with a child paying for it.
func TestPackageCPFPBelowMinFee(t *testing.T) {
	f := newFixture(t, nil)
	f.pool.mu.Lock()
	f.pool.rollingMinFee = 5000
	f.pool.mu.Unlock()
	parent := spend([]coin{f.coin()}, 96) // 1 sat/vB
	child := spend(outputs(parent), 2000)
	re := f.expectReject(parent, "mempool min fee not met")
	if re.Result != ResultReconsiderable {
		t.Fatalf("result %v", re.Result)
	}
	res := f.pool.AcceptPackage([]*wire.Tx{parent, child})
	expectPackage(t, res, "success")
	if !f.pool.Contains(parent.TxHash()) || !f.pool.Contains(child.TxHash()) {
		t.Fatal("package not in the pool")
	}
	// Not enough: the package feerate itself is below the minimum.
	p2 := spend([]coin{f.coin()}, 96)
	c2 := spend(outputs(p2), 300)
	res = f.pool.AcceptPackage([]*wire.Tx{p2, c2})
	expectPackage(t, res, "transaction failed")
	if RejectReason(res.Results[1].Err) != "mempool min fee not met" {
		t.Fatalf("child result %v", res.Results[1])
	}
}

func TestPackageMalformed(t *testing.T) {
	f := newFixture(t, nil)
	parent := spend([]coin{f.coin()}, 1000)
	child := spend(outputs(parent), 1000)
	other := spend([]coin{f.coin()}, 1000)
	c := f.coin()
	conflictA, conflictB := spend([]coin{c}, 1000), spend([]coin{c}, 2000)
	many := chainOf(f.coin(), policy.MaxPackageCount+1, 1000)
	cases := []struct {
		txs []*wire.Tx
		msg string
	}{
		{[]*wire.Tx{child, parent}, "package-not-sorted"},
		{[]*wire.Tx{parent, parent}, "package-contains-duplicates"},
		{[]*wire.Tx{parent, other}, "package-not-child-with-parents"},
		{[]*wire.Tx{conflictA, conflictB}, "conflict-in-package"},
		{many, "package-too-many-transactions"},
	}
	for _, tc := range cases {
		expectPackage(t, f.pool.AcceptPackage(tc.txs), tc.msg)
	}
	if f.pool.Count() != 0 {
		t.Fatal("pool changed")
	}
}

func TestPackageRBF(t *testing.T) {
	f := newFixture(t, nil)
	c := f.coin()
	orig := f.accept(spend([]coin{c}, 1000))
	parent := trucSpend([]coin{c}, 0)
	child := trucSpend(outputs(parent), 10_000)
	res := f.pool.AcceptPackage([]*wire.Tx{parent, child})
	expectPackage(t, res, "success")
	if !hasAll(res.Results[0].Replaced, orig.TxID) || f.pool.Contains(orig.TxID) {
		t.Fatalf("replaced %v", res.Results[0].Replaced)
	}

	// The package must be a chunk of its own: a child that lowers the
	// package feerate below the parent's does not count.
	c2 := f.coin()
	f.accept(spend([]coin{c2}, 5000))
	p2 := spend([]coin{c2}, 4000)
	ch2 := withOutputs(outputs(p2)[0], 2000, 40, 330, p2wshTrue)
	res = f.pool.AcceptPackage([]*wire.Tx{p2, ch2})
	if RejectReason(res.Err) != "package RBF failed: package feerate is less than or equal to parent feerate" ||
		!strings.Contains(res.Message, "<= parent feerate is") {
		t.Fatalf("package_msg %q", res.Message)
	}
}

func TestPackageEphemeralDust(t *testing.T) {
	f := newFixture(t, nil)
	parent := trucSpend([]coin{f.coin()}, 0, p2wshTrue)
	parent.TxOut = append(parent.TxOut, &wire.TxOut{Value: 0, PkScript: anchor})
	lazy := trucSpend(outputs(parent)[:1], 2000)
	res := f.pool.AcceptPackage([]*wire.Tx{parent, lazy})
	expectPackage(t, res, "unspent-dust")
	if RejectReason(res.Results[1].Err) != "missing-ephemeral-spends" {
		t.Fatalf("child %v", res.Results[1])
	}
	child := trucSpend(outputs(parent), 2000)
	expectPackage(t, f.pool.AcceptPackage([]*wire.Tx{parent, child}), "success")
	// A fee-paying transaction may not carry dust.
	f.expectReject(withOutputs(f.coin(), 1000, 1, 0, anchor), "dust")
}
