package store

import (
	"errors"
	"runtime"
	"sync"
	"testing"

	"github.com/syndtr/goleveldb/leveldb"

	"github.com/bitnode/bitnode/wire"
)

func TestFlushEvictsOldestCoins(t *testing.T) {
	const budget = 64 << 10
	db, _ := openTestDB(t, budget)
	n := 0
	for h := int32(1); db.CacheUsage() <= budget; h++ {
		mustCommit(t, db, blockHash(uint64(h)), func(v *View) {
			for i := range 10 {
				v.Add(testOp(uint32(n), 0), testCoin(int64(n), h, false, 25+i))
				n++
			}
		})
	}
	flushed, err := db.FlushIfOver()
	if err != nil || !flushed {
		t.Fatalf("FlushIfOver = %v, %v", flushed, err)
	}
	if u := db.CacheUsage(); u > budget/2 || u == 0 {
		t.Fatalf("usage after flush %d, want in (0, %d]", u, budget/2)
	}
	// What stayed is the newest coins.
	minKept := int32(1 << 30)
	for op, e := range db.cache {
		if e.flags != 0 {
			t.Fatalf("%v still dirty", op)
		}
		minKept = min(minKept, e.coin.Height)
	}
	if minKept < 2 {
		t.Fatalf("the oldest coins were kept (lowest height %d)", minKept)
	}
	for i := range n {
		c, err := db.FetchCoin(testOp(uint32(i), 0))
		if err != nil || c == nil {
			t.Fatalf("coin %d lost: %v", i, err)
		}
	}
	if got := len(diskCoins(t, db)); got != n {
		t.Fatalf("disk holds %d coins, want %d", got, n)
	}
	if flushed, _ := db.FlushIfOver(); flushed {
		t.Fatal("FlushIfOver flushed under budget")
	}
}

func TestEvictionPrefersOld(t *testing.T) {
	db, _ := openTestDB(t, 1<<20)
	mustCommit(t, db, blockHash(1), func(v *View) {
		for i := range uint32(2000) {
			v.Add(testOp(i, 0), testCoin(1, int32(i), false, 100))
		}
	})
	db.budget = db.CacheUsage() - 1 // over by a byte: the flush evicts to half
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	var lowest int32 = 1 << 30
	for _, e := range db.cache {
		lowest = min(lowest, e.coin.Height)
	}
	// Kept: the newest coins, as many as fit in half the budget.
	fit := int(db.budget / 2 / coinUsage(testCoin(1, 1, false, 100)))
	kept := len(db.cache)
	if kept > fit || kept < fit*9/10 || int(lowest) != 2000-kept {
		t.Fatalf("kept %d entries (%d fit), lowest height %d", kept, fit, lowest)
	}
}

func TestCacheUsageAccounting(t *testing.T) {
	db, _ := openTestDB(t, 0)
	if db.CacheUsage() != 0 {
		t.Fatal("fresh cache not empty")
	}
	mustCommit(t, db, blockHash(1), func(v *View) { v.Add(testOp(1, 0), testCoin(1, 1, false, 25)) })
	want := coinUsage(testCoin(1, 1, false, 25)) + dirtyKeyUsage
	if u := db.CacheUsage(); u != want {
		t.Fatalf("usage %d, want %d", u, want)
	}
	mustCommit(t, db, blockHash(2), func(v *View) { mustSpend(t, v, testOp(1, 0)) })
	if u := db.CacheUsage(); u != dirtyKeyUsage {
		t.Fatalf("usage %d after fresh spend, want %d (the dirty list)", u, dirtyKeyUsage)
	}
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	if u := db.CacheUsage(); u != 0 {
		t.Fatalf("usage %d after flush", u)
	}
}

// The per-entry estimate should be in the right range of what the Go heap
// really spends.
func TestCacheUsageRealistic(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates")
	}
	db, _ := openTestDB(t, 0)
	const n = 100_000
	var ms0, ms1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms0)
	for b := range uint32(n / 1000) {
		v := db.NewView()
		for i := range uint32(1000) {
			v.Add(testOp(b*1000+i, 0), testCoin(1, 1, false, 25))
		}
		db.Commit(v, blockHash(uint64(b)))
	}
	runtime.GC()
	runtime.ReadMemStats(&ms1)
	real := int64(ms1.HeapAlloc) - int64(ms0.HeapAlloc)
	est := db.CacheUsage()
	t.Logf("estimate %d bytes/entry, heap %d bytes/entry", est/n, real/n)
	if est < real/2 || est > real*2 {
		t.Fatalf("estimate %d far from heap growth %d", est, real)
	}
	runtime.KeepAlive(db)
}

func TestBlockRecords(t *testing.T) {
	db, dir := openTestDB(t, 0)
	recs := map[wire.Hash]*BlockRecord{}
	for i := range 20 {
		r := &BlockRecord{
			Header: wire.BlockHeader{Version: int32(i), PrevBlock: blockHash(uint64(i)), Timestamp: uint32(i * 600), Bits: 0x207fffff, Nonce: uint32(i)},
			Height: int32(i), Status: uint32(i % 4), NumTx: uint32(i + 1),
			Data: FilePos{File: int32(i / 5), Offset: uint32(i * 1000)}, Undo: NoPos,
		}
		recs[r.Header.BlockHash()] = r
	}
	if err := db.PutBlockRecords(recs); err != nil {
		t.Fatal(err)
	}
	db = reopen(t, db, dir, 0)
	got := map[wire.Hash]*BlockRecord{}
	err := db.ForEachBlockRecord(func(h wire.Hash, r *BlockRecord) error {
		got[h] = r
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(recs) {
		t.Fatalf("%d records, want %d", len(got), len(recs))
	}
	for h, r := range recs {
		if *got[h] != *r {
			t.Fatalf("record %s: %+v, want %+v", h, got[h], r)
		}
	}
	stop := errors.New("stop")
	calls := 0
	if err := db.ForEachBlockRecord(func(wire.Hash, *BlockRecord) error { calls++; return stop }); err != stop || calls != 1 {
		t.Fatalf("callback error not returned: %v after %d calls", err, calls)
	}
	// A damaged record is reported as corrupt, with its hash.
	var h wire.Hash
	for h = range recs {
		break
	}
	if err := db.ldb.Put(recordKey(h), []byte{1, 2, 3}, nil); err != nil {
		t.Fatal(err)
	}
	err = db.ForEachBlockRecord(func(wire.Hash, *BlockRecord) error { return nil })
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("damaged record: %v", err)
	}
}

func TestCorruptCoinOnDisk(t *testing.T) {
	db, _ := openTestDB(t, 0)
	k := coinKey(testOp(1, 0))
	if err := db.ldb.Put(k[:], []byte{0x80}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FetchCoin(testOp(1, 0)); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("FetchCoin: %v", err)
	}
	if _, err := db.UTXOStats(); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("UTXOStats: %v", err)
	}
}

func TestBadMarkerAndVersion(t *testing.T) {
	for _, tc := range []struct {
		key, val []byte
	}{
		{[]byte{prefixBest}, []byte{1, 2, 3}},
		{[]byte{prefixVersion}, []byte{99}},
	} {
		dir := t.TempDir()
		ldb, err := leveldb.OpenFile(dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		ldb.Put(tc.key, tc.val, nil)
		ldb.Close()
		if _, err := Open(dir, Options{}); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("key %x: Open = %v, want ErrCorrupt", tc.key, err)
		}
	}
}

func TestClosed(t *testing.T) {
	db, _ := openTestDB(t, 0)
	db.Close()
	if _, err := db.FetchCoin(testOp(1, 0)); !errors.Is(err, ErrClosed) {
		t.Fatalf("FetchCoin after close: %v", err)
	}
	if err := db.Flush(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Flush after close: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

// Readers (RPC's gettxout) run beside the validating goroutine.
func TestConcurrentReaders(t *testing.T) {
	db, _ := openTestDB(t, 32<<10)
	const blocks = 200
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for r := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				op := testOp(uint32((i*7+r)%(blocks*5)), 0)
				c, err := db.FetchCoin(op)
				if err != nil {
					t.Error(err)
					return
				}
				if c != nil && c.Value != int64(op.Hash[0])|int64(op.Hash[1])<<8 {
					t.Errorf("coin %v has value %d", op, c.Value)
					return
				}
			}
		})
	}
	for b := range blocks {
		v := db.NewView()
		for i := range 5 {
			n := uint32(b*5 + i)
			v.Add(testOp(n, 0), &Coin{Value: int64(n & 0xffff), Height: int32(b), PkScript: []byte{byte(i)}})
			if b > 3 {
				if _, err := v.Spend(testOp(n-15, 0)); err != nil {
					t.Fatal(err)
				}
			}
		}
		db.Commit(v, blockHash(uint64(b)))
		if _, err := db.FlushIfOver(); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	// Block 0's coins and the last three blocks' are unspent.
	if got := len(diskCoins(t, db)); got != 20 {
		t.Fatalf("disk holds %d coins, want 20", got)
	}
}
