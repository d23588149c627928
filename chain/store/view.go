package store

import (
	"sync"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/wire"
)

// View is an overlay over the DB for validating one block: reads fall
// through to the DB, spends and additions stay in the view until DB.Commit
// applies them, or the view is dropped. A View is not safe for concurrent
// use, and the DB should not be changed (another Commit) while a view
// built before the change is still in use.
type View struct {
	db      *DB
	entries map[wire.OutPoint]viewEntry
}

// viewEntry is what the view knows about one outpoint. Without viewModified
// it is a cached read of the DB (coin nil: the DB has none). With it, coin
// is the view's state (nil: spent in the view) and viewFresh says the DB
// is known to hold no unspent coin there.
type viewEntry struct {
	coin  *Coin
	flags uint8
}

const (
	viewModified uint8 = 1 << iota
	viewFresh
)

// viewMaps recycles committed views' maps, which have grown to a block's
// size, for the next block.
var viewMaps = sync.Pool{New: func() any { return make(map[wire.OutPoint]viewEntry, 256) }}

// maxRecycledView bounds the maps kept for reuse.
const maxRecycledView = 1 << 16

// NewView returns an empty view over db.
func (db *DB) NewView() *View {
	return &View{db: db, entries: viewMaps.Get().(map[wire.OutPoint]viewEntry)}
}

// release hands a committed view's map back for reuse.
func (v *View) release() {
	if len(v.entries) <= maxRecycledView {
		clear(v.entries)
		viewMaps.Put(v.entries)
	}
	v.db, v.entries = nil, nil
}

func (v *View) check() {
	if v.db == nil {
		panic("store: View used after Commit")
	}
}

// Coin returns the unspent coin at op as the view sees it, or nil. The coin
// must not be modified.
func (v *View) Coin(op wire.OutPoint) (*Coin, error) {
	v.check()
	if e, ok := v.entries[op]; ok {
		return e.coin, nil
	}
	c, err := v.db.FetchCoin(op)
	if err != nil {
		return nil, err
	}
	v.entries[op] = viewEntry{coin: c}
	return c, nil
}

// Spend removes the coin at op from the view and returns it. A coin that
// does not exist or was already spent is an error of kind ErrMissingCoin.
func (v *View) Spend(op wire.OutPoint) (*Coin, error) {
	v.check()
	e, ok := v.entries[op]
	if !ok {
		c, err := v.db.FetchCoin(op)
		if err != nil {
			return nil, err
		}
		e = viewEntry{coin: c}
	}
	if e.coin == nil {
		if !ok {
			v.entries[op] = e
		}
		return nil, newError(ErrMissingCoin, "store: spend of missing or spent coin %s", op)
	}
	c := e.coin
	v.entries[op] = viewEntry{flags: e.flags | viewModified}
	return c, nil
}

// Add puts coin c at op. The view keeps c (Commit copies it into the
// cache), so c must not change afterwards. Overwriting an unspent coin is
// the caller's business (BIP30 is checked in chain).
//
// Like Core's AddCoin, the view presumes that a non-coinbase output never
// overwrites an unspent coin (a duplicate txid would need duplicate inputs),
// so such coins are fresh unless the view saw otherwise; a coinbase output
// (duplicate coinbases before BIP34) is fresh only when the view looked and
// found nothing.
func (v *View) Add(op wire.OutPoint, c *Coin) {
	v.check()
	if c == nil || !consensus.MoneyRange(c.Value) || c.Height < 0 {
		panic("store: View.Add: nil coin, value outside MoneyRange or negative height")
	}
	e, ok := v.entries[op]
	var fresh bool
	switch {
	case !ok:
		fresh = !c.CoinBase
	case e.flags&viewModified == 0:
		fresh = e.coin == nil // the DB has none
	default:
		fresh = e.flags&viewFresh != 0
	}
	flags := viewModified
	if fresh {
		flags |= viewFresh
	}
	v.entries[op] = viewEntry{coin: c, flags: flags}
}

// Prefetch loads the coins at ops into the view in one pass, reading the
// ones the cache lacks from disk in parallel. Validation works without it;
// it only saves time.
func (v *View) Prefetch(ops []wire.OutPoint) error {
	v.check()
	var missing []wire.OutPoint
	for _, op := range ops {
		if _, ok := v.entries[op]; !ok {
			missing = append(missing, op)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	coins, err := v.db.fetchCoins(missing)
	if err != nil {
		return err
	}
	for i, op := range missing {
		if _, ok := v.entries[op]; !ok {
			v.entries[op] = viewEntry{coin: coins[i]}
		}
	}
	return nil
}

// Len is the number of outpoints the view holds.
func (v *View) Len() int { return len(v.entries) }
