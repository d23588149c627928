package policy

import (
	"fmt"
	"testing"

	"github.com/bitnode/bitnode/wire"
)

// versioned returns a distinct transaction of the given version spending
// the first output of each parent (or a confirmed coin when none).
func versioned(version int32, tag byte, parents ...*wire.Tx) *wire.Tx {
	tx := stdTx(func(tx *wire.Tx) { tx.Version = version; tx.LockTime = uint32(tag) })
	if len(parents) > 0 {
		tx.TxIn = nil
	}
	for _, p := range parents {
		tx.TxIn = append(tx.TxIn, &wire.TxIn{PreviousOutPoint: wire.OutPoint{Hash: p.TxHash()}})
	}
	return tx
}

// mempoolParent describes tx as an in-mempool parent.
func mempoolParent(tx *wire.Tx, ancestors, descendants int, children ...TRUCRelative) TRUCParent {
	txid, wtxid := tx.Hashes()
	return TRUCParent{TxID: txid, WTxID: wtxid, Version: tx.Version, AncestorCount: ancestors,
		DescendantCount: descendants, Descendants: children}
}

func relative(tx *wire.Tx, ancestors int) TRUCRelative {
	txid, wtxid := tx.Hashes()
	return TRUCRelative{TxID: txid, WTxID: wtxid, AncestorCount: ancestors}
}

func ids(tx *wire.Tx) (wire.Hash, wire.Hash) { return tx.Hashes() }

// wantTRUC checks for a TRUC-violation with exactly Core's debug string.
func wantTRUC(t *testing.T, err error, format string, args ...any) {
	t.Helper()
	wantKind(t, err, ErrTRUCViolation)
	if want := "TRUC-violation, " + fmt.Sprintf(format, args...); err.Error() != want {
		t.Fatalf("error\n %q\nwant\n %q", err, want)
	}
}

func TestSingleTRUCChecks(t *testing.T) {
	v3Parent := versioned(3, 1)
	v2Parent := versioned(2, 2)
	v3Child := versioned(3, 3, v3Parent)
	sibling := versioned(3, 4, v3Parent)
	sib := relative(sibling, 2)

	check := func(tx *wire.Tx, vsize int64, parents []TRUCParent, conflicts map[wire.Hash]bool) (*TRUCRelative, error) {
		return SingleTRUCChecks(tx, vsize, parents, conflicts)
	}
	t.Run("non-TRUC without parents", func(t *testing.T) {
		_, err := check(versioned(2, 9), 100_000, nil, nil)
		wantKind(t, err, "")
	})
	t.Run("non-TRUC spending non-TRUC", func(t *testing.T) {
		_, err := check(versioned(2, 9, v2Parent), 100, []TRUCParent{mempoolParent(v2Parent, 5, 9)}, nil)
		wantKind(t, err, "")
	})
	t.Run("non-TRUC spending TRUC", func(t *testing.T) {
		tx := versioned(2, 9, v3Parent)
		_, err := check(tx, 100, []TRUCParent{mempoolParent(v3Parent, 1, 1)}, nil)
		a, b := ids(tx)
		c, d := ids(v3Parent)
		wantTRUC(t, err, "non-version=3 tx %s (wtxid=%s) cannot spend from version=3 tx %s (wtxid=%s)", a, b, c, d)
	})
	t.Run("TRUC spending non-TRUC", func(t *testing.T) {
		tx := versioned(3, 9, v2Parent)
		_, err := check(tx, 100, []TRUCParent{mempoolParent(v2Parent, 1, 1)}, nil)
		a, b := ids(tx)
		c, d := ids(v2Parent)
		wantTRUC(t, err, "version=3 tx %s (wtxid=%s) cannot spend from non-version=3 tx %s (wtxid=%s)", a, b, c, d)
	})
	t.Run("TRUC of 10000 vB", func(t *testing.T) {
		_, err := check(v3Parent, 10_000, nil, nil)
		wantKind(t, err, "")
	})
	t.Run("TRUC of 10001 vB", func(t *testing.T) {
		_, err := check(v3Parent, 10_001, nil, nil)
		a, b := ids(v3Parent)
		wantTRUC(t, err, "version=3 tx %s (wtxid=%s) is too big: 10001 > 10000 virtual bytes", a, b)
	})
	t.Run("TRUC child of 1000 vB", func(t *testing.T) {
		_, err := check(v3Child, 1000, []TRUCParent{mempoolParent(v3Parent, 1, 1)}, nil)
		wantKind(t, err, "")
	})
	t.Run("TRUC child of 1001 vB", func(t *testing.T) {
		_, err := check(v3Child, 1001, []TRUCParent{mempoolParent(v3Parent, 1, 1)}, nil)
		a, b := ids(v3Child)
		wantTRUC(t, err, "version=3 child tx %s (wtxid=%s) is too big: 1001 > 1000 virtual bytes", a, b)
	})
	t.Run("two TRUC parents", func(t *testing.T) {
		other := versioned(3, 5)
		tx := versioned(3, 9, v3Parent, other)
		_, err := check(tx, 100, []TRUCParent{mempoolParent(v3Parent, 1, 1), mempoolParent(other, 1, 1)}, nil)
		a, b := ids(tx)
		wantTRUC(t, err, "tx %s (wtxid=%s) would have too many ancestors", a, b)
	})
	t.Run("TRUC grandchild", func(t *testing.T) {
		_, err := check(v3Child, 100, []TRUCParent{mempoolParent(v3Parent, 2, 1)}, nil)
		a, b := ids(v3Child)
		wantTRUC(t, err, "tx %s (wtxid=%s) would have too many ancestors", a, b)
	})
	t.Run("second child: sibling eviction", func(t *testing.T) {
		s, err := check(v3Child, 100, []TRUCParent{mempoolParent(v3Parent, 1, 2, sib)}, nil)
		a, b := ids(v3Parent)
		wantTRUC(t, err, "tx %s (wtxid=%s) would exceed descendant count limit", a, b)
		if s == nil || *s != sib {
			t.Fatalf("sibling %v, want %v", s, sib)
		}
	})
	t.Run("second child replacing the first", func(t *testing.T) {
		s, err := check(v3Child, 100, []TRUCParent{mempoolParent(v3Parent, 1, 2, sib)}, map[wire.Hash]bool{sib.TxID: true})
		wantKind(t, err, "")
		if s != nil {
			t.Fatalf("sibling %v", s)
		}
	})
	t.Run("third child after a reorg: no sibling eviction", func(t *testing.T) {
		s, err := check(v3Child, 100, []TRUCParent{mempoolParent(v3Parent, 1, 3, sib, relative(versioned(3, 6, v3Parent), 2))}, nil)
		wantKind(t, err, ErrTRUCViolation)
		if s != nil {
			t.Fatalf("sibling %v", s)
		}
	})
	t.Run("sibling with another parent: no sibling eviction", func(t *testing.T) {
		s, err := check(v3Child, 100, []TRUCParent{mempoolParent(v3Parent, 1, 2, relative(sibling, 3))}, nil)
		wantKind(t, err, ErrTRUCViolation)
		if s != nil {
			t.Fatalf("sibling %v", s)
		}
	})
}

func TestPackageTRUCChecks(t *testing.T) {
	p3 := versioned(3, 1)
	c3 := versioned(3, 2, p3)
	p2 := versioned(2, 3)
	t.Run("TRUC parent and child", func(t *testing.T) {
		pkg := []*wire.Tx{p3, c3}
		wantKind(t, PackageTRUCChecks(p3, 500, pkg, nil), "")
		wantKind(t, PackageTRUCChecks(c3, 500, pkg, nil), "")
	})
	t.Run("non-TRUC package", func(t *testing.T) {
		c2 := versioned(2, 4, p2)
		wantKind(t, PackageTRUCChecks(c2, 50_000, []*wire.Tx{p2, c2}, nil), "")
	})
	t.Run("non-TRUC child of a TRUC package parent", func(t *testing.T) {
		c2 := versioned(2, 4, p3)
		a, b := ids(c2)
		c, d := ids(p3)
		wantTRUC(t, PackageTRUCChecks(c2, 100, []*wire.Tx{p3, c2}, nil),
			"non-version=3 tx %s (wtxid=%s) cannot spend from version=3 tx %s (wtxid=%s)", a, b, c, d)
	})
	t.Run("non-TRUC child of a TRUC mempool parent", func(t *testing.T) {
		c2 := versioned(2, 4, p3)
		a, b := ids(c2)
		c, d := ids(p3)
		wantTRUC(t, PackageTRUCChecks(c2, 100, []*wire.Tx{c2}, []TRUCParent{mempoolParent(p3, 1, 1)}),
			"non-version=3 tx %s (wtxid=%s) cannot spend from version=3 tx %s (wtxid=%s)", a, b, c, d)
	})
	t.Run("TRUC child of a non-TRUC package parent", func(t *testing.T) {
		c := versioned(3, 4, p2)
		a, b := ids(c)
		e, f := ids(p2)
		wantTRUC(t, PackageTRUCChecks(c, 100, []*wire.Tx{p2, c}, nil),
			"version=3 tx %s (wtxid=%s) cannot spend from non-version=3 tx %s (wtxid=%s)", a, b, e, f)
	})
	t.Run("TRUC too big", func(t *testing.T) {
		a, b := ids(p3)
		wantTRUC(t, PackageTRUCChecks(p3, 10_001, []*wire.Tx{p3, c3}, nil),
			"version=3 tx %s (wtxid=%s) is too big: 10001 > 10000 virtual bytes", a, b)
	})
	t.Run("TRUC child too big", func(t *testing.T) {
		a, b := ids(c3)
		wantTRUC(t, PackageTRUCChecks(c3, 1001, []*wire.Tx{p3, c3}, nil),
			"version=3 child tx %s (wtxid=%s) is too big: 1001 > 1000 virtual bytes", a, b)
	})
	t.Run("parents in the mempool and the package", func(t *testing.T) {
		m := versioned(3, 5)
		c := versioned(3, 6, p3, m)
		a, b := ids(c)
		wantTRUC(t, PackageTRUCChecks(c, 100, []*wire.Tx{p3, c}, []TRUCParent{mempoolParent(m, 1, 1)}),
			"tx %s (wtxid=%s) would have too many ancestors", a, b)
	})
	t.Run("mempool parent with a mempool parent", func(t *testing.T) {
		c := versioned(3, 6, p3)
		a, b := ids(c)
		wantTRUC(t, PackageTRUCChecks(c, 100, []*wire.Tx{c}, []TRUCParent{mempoolParent(p3, 2, 1)}),
			"tx %s (wtxid=%s) would have too many ancestors", a, b)
	})
	t.Run("mempool parent with a mempool child", func(t *testing.T) {
		c := versioned(3, 6, p3)
		a, b := ids(p3)
		wantTRUC(t, PackageTRUCChecks(c, 100, []*wire.Tx{c}, []TRUCParent{mempoolParent(p3, 1, 2)}),
			"tx %s (wtxid=%s) would exceed descendant count limit", a, b)
	})
	t.Run("mempool parent, one child", func(t *testing.T) {
		c := versioned(3, 6, p3)
		wantKind(t, PackageTRUCChecks(c, 100, []*wire.Tx{c}, []TRUCParent{mempoolParent(p3, 1, 1)}), "")
	})
	t.Run("two children in the package", func(t *testing.T) {
		c2 := versioned(3, 7, p3)
		pkg := []*wire.Tx{p3, c3, c2}
		a, b := ids(p3)
		for _, c := range []*wire.Tx{c3, c2} {
			wantTRUC(t, PackageTRUCChecks(c, 100, pkg, nil), "tx %s (wtxid=%s) would exceed descendant count limit", a, b)
		}
	})
	t.Run("three generations", func(t *testing.T) {
		g := versioned(3, 8, c3)
		pkg := []*wire.Tx{p3, c3, g}
		wantKind(t, PackageTRUCChecks(p3, 100, pkg, nil), "")
		a, b := ids(g)
		wantTRUC(t, PackageTRUCChecks(c3, 100, pkg, nil), "tx %s (wtxid=%s) would have too many ancestors", a, b)
	})
}
