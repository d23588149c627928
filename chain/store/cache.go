package store

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/syndtr/goleveldb/leveldb"

	"github.com/bitnode/bitnode/wire"
)

// FetchCoin returns the unspent coin at op from the cache or, failing that,
// the disk (caching it); (nil, nil) when there is none. The returned coin is
// shared with the cache: callers must not modify it.
func (db *DB) FetchCoin(op wire.OutPoint) (*Coin, error) {
	db.mu.Lock()
	if db.closed {
		db.mu.Unlock()
		return nil, errClosed("FetchCoin")
	}
	if e, ok := db.cache[op]; ok {
		db.mu.Unlock()
		return e.coin, nil
	}
	gen := db.gen
	db.mu.Unlock()

	c, err := db.readCoin(op)
	if err != nil {
		return nil, err
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.insertFetched(op, c, gen)
}

// readCoin reads op's coin from disk; nil when absent.
func (db *DB) readCoin(op wire.OutPoint) (*Coin, error) {
	k := coinKey(op)
	v, err := db.ldb.Get(k[:], nil)
	if errors.Is(err, leveldb.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: read coin %s: %w", op, err)
	}
	c, err := decodeCoin(v)
	if err != nil {
		return nil, fmt.Errorf("outpoint %s: %w", op, err)
	}
	return c, nil
}

// insertFetched caches c, read from disk for op while the flush generation
// was gen, and returns the coin now current for op. The cache wins over the
// read (a Commit may have changed op since); a flush since the read makes
// the read stale, so it is repeated. db.mu must be held.
func (db *DB) insertFetched(op wire.OutPoint, c *Coin, gen uint64) (*Coin, error) {
	if db.closed {
		return nil, errClosed("FetchCoin")
	}
	if e, ok := db.cache[op]; ok {
		return e.coin, nil
	}
	if gen != db.gen {
		var err error
		if c, err = db.readCoin(op); err != nil {
			return nil, err
		}
	}
	if c != nil {
		db.cache[op] = cacheEntry{coin: c}
		db.usage += coinUsage(c)
	}
	return c, nil
}

// fetchCoins is FetchCoin for many outpoints, reading the cache misses from
// disk in parallel.
func (db *DB) fetchCoins(ops []wire.OutPoint) ([]*Coin, error) {
	coins := make([]*Coin, len(ops))
	db.mu.Lock()
	if db.closed {
		db.mu.Unlock()
		return nil, errClosed("Prefetch")
	}
	var miss []int
	for i, op := range ops {
		if e, ok := db.cache[op]; ok {
			coins[i] = e.coin
		} else {
			miss = append(miss, i)
		}
	}
	gen := db.gen
	db.mu.Unlock()
	if len(miss) == 0 {
		return coins, nil
	}

	errs := make([]error, len(miss))
	workers := min(8, (len(miss)+15)/16)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for j := w; j < len(miss); j += workers {
				coins[miss[j]], errs[j] = db.readCoin(ops[miss[j]])
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	db.mu.Lock()
	defer db.mu.Unlock()
	for _, i := range miss {
		c, err := db.insertFetched(ops[i], coins[i], gen)
		if err != nil {
			return nil, err
		}
		coins[i] = c
	}
	return coins, nil
}

// Commit applies the view's changes to the cache and makes newBest the
// cache's best block. It follows Bitcoin Core's CCoinsViewCache::BatchWrite:
// a spend of a FRESH entry forgets it (so a coin created and spent between
// flushes never touches the disk), any other change marks the entry DIRTY,
// and an entry is FRESH only when the disk is known not to hold the coin.
// Coins added in the view are copied, so the cache never pins the caller's
// buffers (a block's bytes, say). The view must not be used afterwards.
func (db *DB) Commit(v *View, newBest wire.Hash) {
	if v.db != db {
		panic("store: Commit of a view of another DB, or of a committed view")
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		panic("store: Commit on a closed DB")
	}
	for op, e := range v.entries {
		if e.flags&viewModified != 0 {
			db.applyChange(op, e.coin, e.flags&viewFresh != 0)
		}
	}
	db.best = newBest
	v.release()
}

// applyChange puts one view change into the cache: coin c (nil: spent) at
// op, fresh when the view knows the disk has no coin there. db.mu is held.
func (db *DB) applyChange(op wire.OutPoint, c *Coin, fresh bool) {
	if c != nil {
		c = ownedCoin(c)
	}
	pe, ok := db.cache[op]
	if !ok {
		if c == nil && fresh {
			return // created and spent without the disk ever knowing
		}
		flags := flagDirty
		if fresh {
			flags |= flagFresh
		}
		db.cache[op] = cacheEntry{coin: c, flags: flags}
		db.usage += coinUsage(c)
		db.dirtyKeys = append(db.dirtyKeys, op)
		return
	}
	db.usage -= coinUsage(pe.coin)
	if c == nil && pe.flags&flagFresh != 0 {
		delete(db.cache, op) // the disk never had it
		return
	}
	if pe.flags&flagDirty == 0 {
		db.dirtyKeys = append(db.dirtyKeys, op)
	}
	// The parent's FRESH survives (the disk still lacks the coin); the
	// view's does not carry over: the parent may hold a spend that the disk
	// has yet to see.
	db.cache[op] = cacheEntry{coin: c, flags: pe.flags | flagDirty}
	db.usage += coinUsage(c)
}

// ownedCoin copies c and its script. Scripts of the common sizes (P2PKH,
// P2SH, P2WPKH, P2WSH, P2TR: 22 to 35 bytes) share one allocation with the
// coin; others get an exact-size one.
func ownedCoin(c *Coin) *Coin {
	n := len(c.PkScript)
	switch {
	case n == 0:
		o := *c
		o.PkScript = nil
		return &o
	case n <= inlineScript:
		o := &coinInline{Coin: *c}
		o.PkScript = o.buf[:n:n]
		copy(o.buf[:], c.PkScript)
		return &o.Coin
	default:
		o := *c
		o.PkScript = append(make([]byte, 0, n), c.PkScript...)
		return &o
	}
}

// inlineScript is the longest script ownedCoin stores inside the coin's own
// allocation (48 + 40 bytes: the 96-byte size class).
const inlineScript = 40

type coinInline struct {
	Coin
	buf [inlineScript]byte
}

// CacheUsage is the approximate memory the cache holds, in bytes.
func (db *DB) CacheUsage() int64 {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.cacheUsage()
}

func (db *DB) cacheUsage() int64 {
	return db.usage + int64(len(db.dirtyKeys))*dirtyKeyUsage
}

// CacheEntries is the number of outpoints the cache holds (spent ones
// awaiting a flush included).
func (db *DB) CacheEntries() int {
	db.mu.Lock()
	defer db.mu.Unlock()
	return len(db.cache)
}

// FlushIfOver flushes when the cache has outgrown its budget and reports
// whether it did.
func (db *DB) FlushIfOver() (bool, error) {
	if db.CacheUsage() <= db.budget {
		return false, nil
	}
	return true, db.Flush()
}

// Flush writes every dirty coin (puts and deletes) and the best-block marker
// in one atomic, synced LevelDB batch, so the disk moves from one block's
// UTXO set to another's with nothing in between. With block files attached
// it syncs them first: undo data must be durable before the coins that
// need it. Afterwards all entries are clean; if the cache is over budget,
// the oldest coins (lowest heights, least likely to be spent soon) are
// evicted until it holds half the budget, which leaves room for the blocks
// to come before the next flush.
func (db *DB) Flush() error {
	if f := db.attached(); f != nil {
		if err := f.Sync(); err != nil {
			return err
		}
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return errClosed("Flush")
	}
	over := db.cacheUsage() > db.budget
	if len(db.dirtyKeys) > 0 || db.best != db.flushedBest {
		if err := db.writeDirty(); err != nil {
			return err
		}
	}
	if over || db.cacheUsage() > db.budget {
		db.evict()
	}
	return nil
}

// writeDirty is Flush's write. db.mu is held.
func (db *DB) writeDirty() error {
	start := time.Now()
	batch := new(leveldb.Batch)
	var buf []byte
	puts, dels := 0, 0
	// In key order, LevelDB's memtable inserts run about twice as fast.
	slices.SortFunc(db.dirtyKeys, func(a, b wire.OutPoint) int {
		if c := bytes.Compare(a.Hash[:], b.Hash[:]); c != 0 {
			return c
		}
		return cmp.Compare(a.Index, b.Index)
	})
	for _, op := range db.dirtyKeys {
		e, ok := db.cache[op]
		if !ok || e.flags&flagDirty == 0 {
			continue
		}
		k := coinKey(op)
		switch {
		case e.coin != nil:
			buf = appendCoin(buf[:0], e.coin)
			batch.Put(k[:], buf)
			puts++
		case e.flags&flagFresh == 0:
			batch.Delete(k[:])
			dels++
		}
	}
	batch.Put([]byte{prefixBest}, db.best[:])
	if err := db.ldb.Write(batch, syncWrite); err != nil {
		return fmt.Errorf("store: flush chainstate: %w", err)
	}
	db.gen++
	db.flushedBest = db.best
	db.flushes++
	db.coinsWritten += int64(puts)
	db.coinsDeleted += int64(dels)
	for _, op := range db.dirtyKeys {
		e, ok := db.cache[op]
		if !ok || e.flags&flagDirty == 0 {
			continue
		}
		if e.coin == nil {
			delete(db.cache, op)
			db.usage -= coinUsage(nil)
		} else {
			db.cache[op] = cacheEntry{coin: e.coin}
		}
	}
	db.dirtyKeys = nil
	db.log.Debug("flushed chainstate", "best", db.best, "written", puts, "deleted", dels,
		"batch_bytes", len(batch.Dump()), "took", time.Since(start))
	return nil
}

// evict drops clean entries, oldest coins first, until the cache is at half
// its budget. It runs right after a flush, when every entry is clean. db.mu
// is held.
func (db *DB) evict() {
	target := db.budget / 2
	if db.usage <= target {
		return
	}
	// Bucket the entries' usage by height, then keep the newest buckets that
	// fit: O(n) with no sorting.
	const buckets = 1024
	lo, hi := int32(maxCoinHeight), int32(0)
	for _, e := range db.cache {
		if e.coin != nil {
			lo, hi = min(lo, e.coin.Height), max(hi, e.coin.Height)
		}
	}
	span := int64(hi) - int64(lo) + 1
	bucket := func(h int32) int { return int((int64(h) - int64(lo)) * buckets / max(span, 1)) }
	var hist [buckets]int64
	for _, e := range db.cache {
		if e.coin != nil && e.flags == 0 {
			hist[bucket(e.coin.Height)] += coinUsage(e.coin)
		}
	}
	cut, kept := buckets, int64(0)
	for b := buckets - 1; b >= 0 && kept+hist[b] <= target; b-- {
		kept += hist[b]
		cut = b
	}
	before, n := db.usage, len(db.cache)
	for op, e := range db.cache {
		if e.flags == 0 && (e.coin == nil || bucket(e.coin.Height) < cut) {
			delete(db.cache, op)
			db.usage -= coinUsage(e.coin)
		}
	}
	db.log.Debug("evicted from UTXO cache", "entries", n-len(db.cache),
		"bytes", before-db.usage, "kept_entries", len(db.cache))
}
