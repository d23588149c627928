package store

import (
	"errors"
	"testing"

	"github.com/bitnode/bitnode/wire"
)

func TestViewSpendMissing(t *testing.T) {
	db, _ := openTestDB(t, 0)
	v := db.NewView()
	if _, err := v.Spend(testOp(1, 0)); !errors.Is(err, ErrMissingCoin) {
		t.Fatalf("spend of absent coin: %v", err)
	}
	v.Add(testOp(2, 0), testCoin(10, 1, false, 5))
	mustSpend(t, v, testOp(2, 0))
	if _, err := v.Spend(testOp(2, 0)); !errors.Is(err, ErrMissingCoin) {
		t.Fatalf("second spend: %v", err)
	}
	if c, err := v.Coin(testOp(2, 0)); c != nil || err != nil {
		t.Fatalf("Coin after spend = %v, %v", c, err)
	}
}

func TestViewAddThenSpendSameView(t *testing.T) {
	db, _ := openTestDB(t, 0)
	v := db.NewView()
	c := testCoin(42, 7, false, 3)
	v.Add(testOp(1, 0), c)
	if got, _ := v.Coin(testOp(1, 0)); got != c {
		t.Fatal("Coin does not see the added coin")
	}
	if got := mustSpend(t, v, testOp(1, 0)); got != c {
		t.Fatal("Spend returned another coin")
	}
	db.Commit(v, blockHash(1))
	if n := db.CacheEntries(); n != 0 {
		t.Fatalf("cache holds %d entries after add+spend", n)
	}
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	if db.coinsWritten != 0 || db.coinsDeleted != 0 {
		t.Fatalf("flush wrote %d coins, deleted %d", db.coinsWritten, db.coinsDeleted)
	}
}

// A coin created in one block and spent in a later one before any flush
// never reaches the disk: no put, no delete.
func TestFreshCoinsNeverHitDisk(t *testing.T) {
	db, _ := openTestDB(t, 0)
	mustCommit(t, db, blockHash(1), func(v *View) {
		for i := range uint32(10) {
			v.Add(testOp(i, 0), testCoin(int64(i), 1, false, 20))
		}
	})
	mustCommit(t, db, blockHash(2), func(v *View) {
		for i := range uint32(10) {
			mustSpend(t, v, testOp(i, 0))
		}
		v.Add(testOp(100, 1), testCoin(5, 2, false, 1))
	})
	if n := db.CacheEntries(); n != 1 {
		t.Fatalf("cache holds %d entries, want 1", n)
	}
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	if db.coinsWritten != 1 || db.coinsDeleted != 0 {
		t.Fatalf("flush wrote %d coins, deleted %d; want 1, 0", db.coinsWritten, db.coinsDeleted)
	}
	if got := diskCoins(t, db); len(got) != 1 || got[testOp(100, 1)] == nil {
		t.Fatalf("disk holds %v", got)
	}
}

// Spending a coin that is on disk writes a delete; the marker moves with it.
func TestSpendOfFlushedCoin(t *testing.T) {
	db, dir := openTestDB(t, 0)
	mustCommit(t, db, blockHash(1), func(v *View) {
		v.Add(testOp(1, 0), testCoin(1, 1, false, 3))
		v.Add(testOp(1, 1), testCoin(2, 1, false, 3))
	})
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	db = reopen(t, db, dir, 0)
	if db.BestBlock() != blockHash(1) || db.FlushedBestBlock() != blockHash(1) {
		t.Fatal("best block not restored")
	}
	mustCommit(t, db, blockHash(2), func(v *View) {
		if c := mustSpend(t, v, testOp(1, 0)); !coinsEqual(c, testCoin(1, 1, false, 3)) {
			t.Fatalf("spent %+v", c)
		}
	})
	if db.FlushedBestBlock() != blockHash(1) || db.BestBlock() != blockHash(2) {
		t.Fatal("markers wrong before flush")
	}
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	if db.coinsDeleted != 1 {
		t.Fatalf("deleted %d coins, want 1", db.coinsDeleted)
	}
	got := diskCoins(t, db)
	if len(got) != 1 || got[testOp(1, 1)] == nil {
		t.Fatalf("disk holds %v", got)
	}
}

// Without a flush, a reopen finds the last flushed state, as after a crash.
func TestUnflushedChangesLostOnReopen(t *testing.T) {
	db, dir := openTestDB(t, 0)
	mustCommit(t, db, blockHash(1), func(v *View) { v.Add(testOp(1, 0), testCoin(1, 1, false, 3)) })
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	mustCommit(t, db, blockHash(2), func(v *View) {
		mustSpend(t, v, testOp(1, 0))
		v.Add(testOp(2, 0), testCoin(1, 2, false, 3))
	})
	db = reopen(t, db, dir, 0)
	if db.BestBlock() != blockHash(1) {
		t.Fatal("best block is not the flushed one")
	}
	if c, _ := db.FetchCoin(testOp(1, 0)); c == nil {
		t.Fatal("flushed coin missing")
	}
	if c, _ := db.FetchCoin(testOp(2, 0)); c != nil {
		t.Fatal("unflushed coin present")
	}
}

// A coinbase output may overwrite (BIP30's two exceptions), so it is not
// presumed fresh: spending it before a flush still writes a delete, which
// keeps an overwritten coin on disk from coming back.
func TestCoinbaseOverwrite(t *testing.T) {
	db, _ := openTestDB(t, 0)
	op := testOp(9, 0)
	mustCommit(t, db, blockHash(1), func(v *View) { v.Add(op, testCoin(50, 1, true, 5)) })
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	mustCommit(t, db, blockHash(2), func(v *View) { v.Add(op, testCoin(60, 2, true, 5)) })
	if c, _ := db.FetchCoin(op); c.Value != 60 {
		t.Fatalf("cache has value %d", c.Value)
	}
	mustCommit(t, db, blockHash(3), func(v *View) { mustSpend(t, v, op) })
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := diskCoins(t, db); len(got) != 0 {
		t.Fatalf("overwritten coin survived: %v", got)
	}
	// Unflushed coinbase created and spent: a harmless delete.
	mustCommit(t, db, blockHash(4), func(v *View) { v.Add(testOp(10, 0), testCoin(50, 4, true, 5)) })
	mustCommit(t, db, blockHash(5), func(v *View) { mustSpend(t, v, testOp(10, 0)) })
	before := db.coinsDeleted
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	if db.coinsDeleted != before+1 {
		t.Fatal("coinbase spend did not write a delete")
	}
	// But when the view looked first and found nothing, it is fresh.
	mustCommit(t, db, blockHash(6), func(v *View) {
		if c, _ := v.Coin(testOp(11, 0)); c != nil {
			t.Fatal("unexpected coin")
		}
		v.Add(testOp(11, 0), testCoin(50, 6, true, 5))
	})
	mustCommit(t, db, blockHash(7), func(v *View) { mustSpend(t, v, testOp(11, 0)) })
	if n := db.CacheEntries(); n != 0 {
		t.Fatalf("%d cache entries left", n)
	}
}

// Re-adding a coin spent earlier in the cache (a block disconnected before
// the flush) must not mark it fresh: the disk still has to see the result.
func TestDisconnectBeforeFlush(t *testing.T) {
	db, _ := openTestDB(t, 0)
	op := testOp(3, 1)
	orig := testCoin(77, 1, false, 4)
	mustCommit(t, db, blockHash(1), func(v *View) { v.Add(op, orig) })
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	var spent *Coin
	mustCommit(t, db, blockHash(2), func(v *View) { spent = mustSpend(t, v, op) })
	// Disconnect block 2: the undo coin comes back, then block 2' spends it
	// again, then the flush.
	mustCommit(t, db, blockHash(1), func(v *View) { v.Add(op, spent) })
	mustCommit(t, db, blockHash(3), func(v *View) { mustSpend(t, v, op) })
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := diskCoins(t, db); len(got) != 0 {
		t.Fatalf("disk holds %v", got)
	}
	if db.FlushedBestBlock() != blockHash(3) {
		t.Fatal("marker not moved")
	}
}

func TestViewReadsThrough(t *testing.T) {
	db, dir := openTestDB(t, 0)
	mustCommit(t, db, blockHash(1), func(v *View) {
		for i := range uint32(50) {
			v.Add(testOp(i, i), testCoin(int64(i)+1, int32(i), i%7 == 0, int(i)))
		}
	})
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	db = reopen(t, db, dir, 0)
	v := db.NewView()
	ops := []wire.OutPoint{testOp(999, 0)}
	for i := range uint32(50) {
		ops = append(ops, testOp(i, i))
	}
	if err := v.Prefetch(ops); err != nil {
		t.Fatal(err)
	}
	if n := db.CacheEntries(); n != 50 {
		t.Fatalf("prefetch cached %d entries, want 50", n)
	}
	for i := range uint32(50) {
		c, err := v.Coin(testOp(i, i))
		if err != nil || !coinsEqual(c, testCoin(int64(i)+1, int32(i), i%7 == 0, int(i))) {
			t.Fatalf("coin %d: %+v, %v", i, c, err)
		}
	}
	if c, err := v.Coin(testOp(999, 0)); c != nil || err != nil {
		t.Fatalf("absent coin: %v %v", c, err)
	}
}

func TestCommitCopiesCoins(t *testing.T) {
	db, _ := openTestDB(t, 0)
	script := []byte{1, 2, 3}
	mustCommit(t, db, blockHash(1), func(v *View) {
		v.Add(testOp(1, 0), &Coin{Value: 1, PkScript: script, Height: 1})
	})
	script[0] = 9
	if c, _ := db.FetchCoin(testOp(1, 0)); c.PkScript[0] != 1 {
		t.Fatal("cache aliases the caller's script")
	}
}

func TestViewMisuse(t *testing.T) {
	db, _ := openTestDB(t, 0)
	v := db.NewView()
	db.Commit(v, blockHash(1))
	mustPanic(t, "use after commit", func() { v.Add(testOp(1, 0), testCoin(1, 1, false, 1)) })
	mustPanic(t, "double commit", func() { db.Commit(v, blockHash(2)) })
	mustPanic(t, "negative value", func() { db.NewView().Add(testOp(1, 0), &Coin{Value: -1}) })
	mustPanic(t, "nil coin", func() { db.NewView().Add(testOp(1, 0), nil) })
}

func mustPanic(t *testing.T, what string, fn func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: no panic", what)
		}
	}()
	fn()
}
