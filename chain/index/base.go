package index

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/syndtr/goleveldb/leveldb"
	"github.com/syndtr/goleveldb/leveldb/opt"

	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/wire"
)

// indexer is what a concrete index adds to Base: how a block's entries are
// written and removed. Both write into the batch that also moves the best
// block, so an index's entries and its best block never disagree.
type indexer interface {
	// needsUndo reports whether connect needs the block's undo data.
	needsUndo() bool
	// needsBlockOnRewind reports whether disconnect wants the block when
	// the index rewinds a block that left the main chain while it was not
	// following events.
	needsBlockOnRewind() bool
	// connect adds the entries of blk, which extends the index's best
	// block.
	connect(b *leveldb.Batch, blk *wire.Block, hash wire.Hash, height int32, undo store.BlockUndo) error
	// disconnect removes the entries of the index's best block. blk is
	// nil when the block could not be read; the index must then stay
	// correct without it.
	disconnect(b *leveldb.Batch, blk *wire.Block, hash wire.Hash, height int32) error
}

// Keys Base owns in an index's database. Concrete indexes use other
// (lower-case) prefixes.
const (
	keyMeta      = 'V' // 'V' → version byte, index name
	keyBest      = 'B' // 'B' → best block hash, LE int32 height
	prefixHeight = 'H' // 'H' + BE uint32 height → block hash of the index's chain
)

const (
	progressInterval = 30 * time.Second
	// maxStalls bounds consecutive catch-up steps that make no progress
	// because the Source changed between two calls; more means the Source
	// contradicts itself.
	maxStalls  = 200
	stallPause = 10 * time.Millisecond
)

func heightKey(height int32) []byte {
	return binary.BigEndian.AppendUint32([]byte{prefixHeight}, uint32(height))
}

// event is one queued chain notification.
type event struct {
	connect bool
	blk     *wire.Block
	height  int32
	undo    store.BlockUndo
}

// Base is the part every index shares (Bitcoin Core's BaseIndex): the
// database, the best block, the event queue and the goroutine-free runner
// that Run drives. TxIndex and FilterIndex embed it.
type Base struct {
	name     string
	version  byte
	src      Source
	log      *slog.Logger
	db       *leveldb.DB
	impl     indexer
	maxQueue int

	mu         sync.Mutex
	bestHash   wire.Hash
	bestHeight int32
	synced     bool
	running    bool
	closed     bool
	queue      []event
	overflow   bool          // events were dropped: catch up from the source
	changed    chan struct{} // closed and replaced when the best block moves
	wake       chan struct{} // one buffered token: events were queued
}

// openBase opens (creating if needed) the database of the index name at
// cfg.Dir and reads its best block.
func openBase(name string, version byte, cfg Config, impl indexer) (*Base, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	maxQueue := cfg.MaxQueue
	if maxQueue <= 0 {
		maxQueue = DefaultMaxQueue
	}
	db, err := leveldb.OpenFile(cfg.Dir, nil)
	if err != nil {
		return nil, fmt.Errorf("index %s: open %s: %w", name, cfg.Dir, err)
	}
	b := &Base{name: name, version: version, src: cfg.Source, log: log.With("index", name),
		db: db, impl: impl, maxQueue: maxQueue, bestHeight: -1,
		changed: make(chan struct{}), wake: make(chan struct{}, 1)}
	if err := b.load(cfg.Dir); err != nil {
		db.Close()
		return nil, err
	}
	return b, nil
}

// load checks the database's kind and version, writing them into a new
// database, and reads the best block.
func (b *Base) load(dir string) error {
	want := append([]byte{b.version}, b.name...)
	meta, err := b.db.Get([]byte{keyMeta}, nil)
	switch {
	case errors.Is(err, leveldb.ErrNotFound):
		it := b.db.NewIterator(nil, nil)
		empty := !it.First()
		it.Release()
		if !empty {
			return newError(ErrWrongIndex, "%s: %s holds a database that is not an index", b.name, dir)
		}
		if err := b.db.Put([]byte{keyMeta}, want, nil); err != nil {
			return fmt.Errorf("index %s: %w", b.name, err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("index %s: %w", b.name, err)
	case len(meta) == 0:
		return newError(ErrWrongIndex, "%s: %s has an empty index record", b.name, dir)
	case string(meta) != string(want):
		return newError(ErrWrongIndex, "%s: %s holds the index %q version %d", b.name, dir, meta[1:], meta[0])
	}
	v, err := b.db.Get([]byte{keyBest}, nil)
	if errors.Is(err, leveldb.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("index %s: %w", b.name, err)
	}
	if len(v) != wire.HashSize+4 {
		return newError(ErrCorrupt, "%s: best block record of %d bytes", b.name, len(v))
	}
	copy(b.bestHash[:], v)
	b.bestHeight = int32(binary.LittleEndian.Uint32(v[wire.HashSize:]))
	if b.bestHeight < 0 {
		return newError(ErrCorrupt, "%s: best height %d", b.name, b.bestHeight)
	}
	return nil
}

// Name returns the index's name as Bitcoin Core's getindexinfo shows it.
func (b *Base) Name() string { return b.name }

// BestBlock returns the index's best block; height -1 when it is empty.
func (b *Base) BestBlock() (wire.Hash, int32) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.bestHash, b.bestHeight
}

// BestHeight returns the index's best height; -1 when it is empty.
func (b *Base) BestHeight() int32 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.bestHeight
}

// Synced reports whether the index has caught up with the chain since Run
// started (it stays true afterwards, as Bitcoin Core's m_synced does).
func (b *Base) Synced() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.synced
}

// BlockConnected queues a connected block. See Listener.
func (b *Base) BlockConnected(blk *wire.Block, height int32, undo store.BlockUndo) {
	b.enqueue(event{connect: true, blk: blk, height: height, undo: undo})
}

// BlockDisconnected queues a disconnected block. See Listener.
func (b *Base) BlockDisconnected(blk *wire.Block, height int32, undo store.BlockUndo) {
	b.enqueue(event{blk: blk, height: height, undo: undo})
}

func (b *Base) enqueue(ev event) {
	if ev.blk == nil || ev.height < 0 {
		return
	}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	if len(b.queue) >= b.maxQueue {
		// The index is far behind: drop the backlog and let Run catch up
		// from the source, which reads blocks from disk instead of
		// holding them in memory. The new event is still queued, so the
		// catch-up happens after the chain has made this change.
		clear(b.queue)
		b.queue = nil
		b.overflow = true
	}
	b.queue = append(b.queue, ev)
	b.mu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// next pops the oldest event. resync is true when events were dropped since
// the last call.
func (b *Base) next() (ev event, ok, resync bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.overflow {
		b.overflow = false
		return event{}, false, true
	}
	if len(b.queue) == 0 {
		return event{}, false, false
	}
	ev = b.queue[0]
	b.queue[0] = event{}
	b.queue = b.queue[1:]
	if len(b.queue) == 0 {
		b.queue = nil
	}
	return ev, true, false
}

// Run catches the index up with the Source and then applies the queued
// events in order until ctx is cancelled, when it returns nil. It starts no
// goroutines. Any other return is a failure of the database or the Source
// that stops the index (as Bitcoin Core's FatalError does); the index stays
// consistent at its best block and a later Run resumes from there.
func (b *Base) Run(ctx context.Context) error {
	if b.src == nil {
		return newError(ErrSource, "%s: no source configured", b.name)
	}
	b.mu.Lock()
	switch {
	case b.closed:
		b.mu.Unlock()
		return newError(ErrClosed, "%s: run after close", b.name)
	case b.running:
		b.mu.Unlock()
		return newError(ErrRunning, "%s: already running", b.name)
	}
	b.running = true
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		b.running = false
		b.mu.Unlock()
	}()
	err := b.run(ctx)
	if ctx.Err() != nil {
		if err != nil && !errors.Is(err, ctx.Err()) {
			b.log.Warn("index stopped during shutdown", "err", err)
		}
		return nil
	}
	b.log.Error("index stopped", "err", err)
	return err
}

func (b *Base) run(ctx context.Context) error {
	resync := true
	for {
		if resync {
			if err := b.catchUp(ctx); err != nil {
				return err
			}
			resync = false
		}
		ev, ok, dropped := b.next()
		switch {
		case dropped:
			b.log.Debug("event queue overflowed; catching up from the chain")
			resync = true
		case ok:
			applied, err := b.handle(ev)
			if err != nil {
				return err
			}
			// An event that neither applies nor names a block the index
			// has means the index and the event stream disagree (a stale
			// backlog, or events lost to an overflow): ask the source.
			resync = !applied
		default:
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-b.wake:
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// handle applies one event. applied is false when the event neither
// extends nor disconnects the index's best block and is not a block the
// index already has. Events that apply always find the index in the state
// the chain was in before the event, so once one applies the index follows
// the chain exactly; before that, events that do not apply change nothing.
func (b *Base) handle(ev event) (applied bool, err error) {
	hash := ev.blk.BlockHash()
	best, height := b.BestBlock()
	if !ev.connect {
		if ev.height != height || hash != best {
			return false, nil
		}
		b.log.Debug("disconnecting block", "hash", hash, "height", height)
		return true, b.applyDisconnect(ev.blk, hash, height)
	}
	if ev.height <= height {
		have, err := b.hasBlockAt(hash, ev.height)
		if err != nil {
			return false, err
		}
		if have {
			b.log.Debug("skipping block the index has", "hash", hash, "height", ev.height)
		}
		return have, nil
	}
	if ev.height != height+1 || ev.blk.Header.PrevBlock != best {
		return false, nil
	}
	undo := ev.undo
	if b.impl.needsUndo() && ev.height > 0 && len(undo) != max(len(ev.blk.Transactions)-1, 0) {
		if undo, err = b.src.ReadUndo(hash); err != nil {
			return false, fmt.Errorf("index %s: undo data of block %s: %w", b.name, hash, err)
		}
	}
	return true, b.applyConnect(ev.blk, hash, ev.height, undo)
}

// catchUp moves the index to the Source's tip: it rewinds blocks that left
// the main chain and connects the main chain's blocks after its best one,
// until its best block is the tip.
func (b *Base) catchUp(ctx context.Context) error {
	startHash, startHeight := b.BestBlock()
	_, tipHeight := b.src.BestBlock()
	if startHeight != tipHeight {
		b.log.Info("index catching up", "height", startHeight, "tip", tipHeight)
	}
	lastLog := time.Now()
	stalls := 0
	stall := func(what string) error {
		stalls++
		if stalls > maxStalls {
			return newError(ErrSource, "%s: no progress catching up: %s", b.name, what)
		}
		if stalls > 3 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(stallPause):
			}
		}
		return nil
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		hash, height := b.BestBlock()
		tipHash, tipHeight := b.src.BestBlock()
		if height >= 0 {
			if mh, ok := b.src.MainChainHash(height); !ok || mh != hash {
				if err := b.rewindOne(hash, height); err != nil {
					return err
				}
				stalls = 0
				continue
			}
		}
		if hash == tipHash && height == tipHeight {
			break
		}
		if height >= tipHeight {
			// The tip moved between the two calls.
			if err := stall("tip at or below the index's best block"); err != nil {
				return err
			}
			continue
		}
		next := height + 1
		nextHash, ok := b.src.MainChainHash(next)
		if !ok {
			if err := stall(fmt.Sprintf("no main-chain block at height %d", next)); err != nil {
				return err
			}
			continue
		}
		blk, err := b.src.ReadBlock(nextHash)
		if err != nil {
			return fmt.Errorf("index %s: read block %s at height %d: %w", b.name, nextHash, next, err)
		}
		if got := blk.BlockHash(); got != nextHash {
			return newError(ErrSource, "%s: source returned block %s for %s", b.name, got, nextHash)
		}
		if blk.Header.PrevBlock != hash {
			// A reorganisation between the calls; the next round rewinds.
			if err := stall("block does not extend the index's best block"); err != nil {
				return err
			}
			continue
		}
		var undo store.BlockUndo
		if b.impl.needsUndo() && next > 0 {
			if undo, err = b.src.ReadUndo(nextHash); err != nil {
				return fmt.Errorf("index %s: read undo data of block %s: %w", b.name, nextHash, err)
			}
		}
		if err := b.applyConnect(blk, nextHash, next, undo); err != nil {
			return err
		}
		stalls = 0
		if time.Since(lastLog) >= progressInterval {
			b.log.Info("index catching up", "height", next, "tip", tipHeight)
			lastLog = time.Now()
		}
	}
	b.mu.Lock()
	first := !b.synced
	b.synced = true
	hash, height := b.bestHash, b.bestHeight
	b.mu.Unlock()
	if first || hash != startHash {
		b.log.Info("index synced", "hash", hash, "height", height)
	}
	return nil
}

// rewindOne disconnects the index's best block, which is no longer on the
// main chain, using the index's own per-height data.
func (b *Base) rewindOne(hash wire.Hash, height int32) error {
	b.log.Info("rewinding block no longer on the main chain", "hash", hash, "height", height)
	var blk *wire.Block
	if b.impl.needsBlockOnRewind() {
		var err error
		if blk, err = b.src.ReadBlock(hash); err != nil {
			b.log.Warn("block to rewind is unavailable; its entries stay behind, hidden from lookups",
				"hash", hash, "height", height, "err", err)
			blk = nil
		} else if blk.BlockHash() != hash {
			blk = nil
		}
	}
	return b.applyDisconnect(blk, hash, height)
}

// applyConnect writes blk's entries and makes it the best block, in one
// batch.
func (b *Base) applyConnect(blk *wire.Block, hash wire.Hash, height int32, undo store.BlockUndo) error {
	batch := new(leveldb.Batch)
	if err := b.impl.connect(batch, blk, hash, height, undo); err != nil {
		return fmt.Errorf("index %s: block %s at height %d: %w", b.name, hash, height, err)
	}
	batch.Put(heightKey(height), hash[:])
	batch.Put([]byte{keyBest}, binary.LittleEndian.AppendUint32(hash[:], uint32(height)))
	if err := b.db.Write(batch, nil); err != nil {
		return fmt.Errorf("index %s: write block %s: %w", b.name, hash, err)
	}
	b.setBest(hash, height)
	return nil
}

// applyDisconnect removes the best block's entries and makes its parent
// the best block, in one batch. blk may be nil.
func (b *Base) applyDisconnect(blk *wire.Block, hash wire.Hash, height int32) error {
	var prev wire.Hash
	if height > 0 {
		p, ok, err := b.hashAt(height - 1)
		if err != nil {
			return err
		}
		if !ok {
			return newError(ErrCorrupt, "%s: no block recorded at height %d", b.name, height-1)
		}
		prev = p
	}
	if blk != nil && blk.Header.PrevBlock != prev {
		return newError(ErrCorrupt, "%s: block %s at height %d does not follow %s",
			b.name, hash, height, prev)
	}
	batch := new(leveldb.Batch)
	if err := b.impl.disconnect(batch, blk, hash, height); err != nil {
		return fmt.Errorf("index %s: disconnect block %s: %w", b.name, hash, err)
	}
	batch.Delete(heightKey(height))
	if height > 0 {
		batch.Put([]byte{keyBest}, binary.LittleEndian.AppendUint32(prev[:], uint32(height-1)))
	} else {
		batch.Delete([]byte{keyBest})
	}
	if err := b.db.Write(batch, nil); err != nil {
		return fmt.Errorf("index %s: write disconnect of %s: %w", b.name, hash, err)
	}
	b.setBest(prev, height-1)
	return nil
}

func (b *Base) setBest(hash wire.Hash, height int32) {
	b.mu.Lock()
	b.bestHash, b.bestHeight = hash, height
	if !b.closed {
		close(b.changed)
		b.changed = make(chan struct{})
	}
	b.mu.Unlock()
}

// getter reads a database or a snapshot of it.
type getter interface {
	Get(key []byte, ro *opt.ReadOptions) ([]byte, error)
}

// hashAt returns the hash of the index's block at height.
func (b *Base) hashAt(height int32) (wire.Hash, bool, error) { return b.hashAtIn(b.db, height) }

// hashAtIn is hashAt reading from g.
func (b *Base) hashAtIn(g getter, height int32) (wire.Hash, bool, error) {
	var h wire.Hash
	if height < 0 {
		return h, false, nil
	}
	v, err := g.Get(heightKey(height), nil)
	if errors.Is(err, leveldb.ErrNotFound) {
		return h, false, nil
	}
	if err != nil {
		return h, false, b.dbError(err)
	}
	if len(v) != wire.HashSize {
		return h, false, newError(ErrCorrupt, "%s: height record of %d bytes", b.name, len(v))
	}
	copy(h[:], v)
	return h, true, nil
}

// hasBlockAt reports whether the index's chain holds hash at height.
func (b *Base) hasBlockAt(hash wire.Hash, height int32) (bool, error) {
	h, ok, err := b.hashAt(height)
	return ok && h == hash, err
}

// dbError wraps a database error, mapping use after Close to ErrClosed.
func (b *Base) dbError(err error) error {
	if errors.Is(err, leveldb.ErrClosed) {
		return newError(ErrClosed, "%s: database closed", b.name)
	}
	return fmt.Errorf("index %s: %w", b.name, err)
}

// WaitFor blocks until the index's chain holds block hash at height (the
// RPC layer uses it to let an index catch up with the tip before answering,
// as Bitcoin Core's BlockUntilSyncedToCurrentChain does), or until ctx is
// done or the index is closed.
func (b *Base) WaitFor(ctx context.Context, hash wire.Hash, height int32) error {
	for {
		b.mu.Lock()
		ch, best, closed := b.changed, b.bestHeight, b.closed
		b.mu.Unlock()
		if closed {
			return newError(ErrClosed, "%s: closed", b.name)
		}
		if best >= height {
			have, err := b.hasBlockAt(hash, height)
			if err != nil || have {
				return err
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

// Close closes the index's database. It fails with ErrRunning while Run is
// active: cancel Run's context and wait for it first.
func (b *Base) Close() error {
	b.mu.Lock()
	if b.running {
		b.mu.Unlock()
		return newError(ErrRunning, "%s: close while running", b.name)
	}
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	b.queue = nil
	close(b.changed)
	b.mu.Unlock()
	if err := b.db.Close(); err != nil {
		return fmt.Errorf("index %s: close: %w", b.name, err)
	}
	return nil
}
