package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/syndtr/goleveldb/leveldb"
	lerrors "github.com/syndtr/goleveldb/leveldb/errors"
	"github.com/syndtr/goleveldb/leveldb/filter"
	"github.com/syndtr/goleveldb/leveldb/opt"
	"github.com/syndtr/goleveldb/leveldb/util"

	"github.com/bitnode/bitnode/wire"
)

// DefaultCacheBytes is the UTXO cache budget when Options.CacheBytes is not
// positive: Bitcoin Core's default -dbcache of 450 MiB.
const DefaultCacheBytes = 450 << 20

// schemaVersion is the chainstate layout this package reads and writes.
const schemaVersion = 1

// Options configures Open.
type Options struct {
	// CacheBytes is the UTXO cache budget (--dbcache MiB × 2^20). When the
	// cache grows past it, FlushIfOver flushes. Not positive: 450 MiB.
	CacheBytes int64
	// Logger receives flush and open messages; nil discards them.
	Logger *slog.Logger
}

// DB is the chainstate: one LevelDB holding the UTXO set (prefix 'C'), its
// best-block marker ('B'), the block index records ('b' + hash) and the
// block files' info ('f' + number, 'l'), with the UTXO cache in front.
//
// Its methods are safe for concurrent use; a View is not, and the caller
// should validate with one View at a time.
type DB struct {
	ldb    *leveldb.DB
	log    *slog.Logger
	budget int64

	mu          sync.Mutex
	cache       map[wire.OutPoint]cacheEntry
	usage       int64           // cache entries' estimated bytes
	dirtyKeys   []wire.OutPoint // entries that became dirty since the last flush (may repeat)
	best        wire.Hash       // block the cache describes
	flushedBest wire.Hash       // block the disk describes
	gen         uint64          // counts flushes that wrote, to spot stale disk reads
	files       *BlockFiles     // attached block files, or nil
	closed      bool

	// Totals over the DB's life, for logs and tests.
	flushes, coinsWritten, coinsDeleted int64
}

// cacheEntry is one cached outpoint. coin == nil means spent.
type cacheEntry struct {
	coin  *Coin
	flags uint8
}

const (
	// flagDirty: the entry differs from the disk.
	flagDirty uint8 = 1 << iota
	// flagFresh: the disk has no coin at this outpoint, so spending the
	// entry can simply forget it.
	flagFresh
)

var syncWrite = &opt.WriteOptions{Sync: true}

// Open opens (creating if needed) the chainstate LevelDB at dir.
func Open(dir string, opts Options) (*DB, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	budget := opts.CacheBytes
	if budget <= 0 {
		budget = DefaultCacheBytes
	}
	ldb, err := leveldb.OpenFile(dir, &opt.Options{
		Filter:             filter.NewBloomFilter(10),
		Compression:        opt.NoCompression, // keys are hashes; Core does not compress either
		WriteBuffer:        int(min(max(budget/16, 4<<20), 64<<20)),
		BlockCacheCapacity: 8 << 20,
	})
	if err != nil {
		if lerrors.IsCorrupted(err) {
			return nil, corrupt("chainstate %s: %v", dir, err)
		}
		return nil, fmt.Errorf("store: open chainstate %s: %w", dir, err)
	}
	db := &DB{ldb: ldb, log: log, budget: budget, cache: make(map[wire.OutPoint]cacheEntry)}
	if err := db.load(); err != nil {
		ldb.Close()
		return nil, fmt.Errorf("chainstate %s: %w", dir, err)
	}
	log.Info("opened chainstate", "dir", dir, "best", db.best, "cache_budget", budget)
	return db, nil
}

// load checks the schema version (writing it into a new database) and reads
// the best-block marker.
func (db *DB) load() error {
	v, err := db.ldb.Get([]byte{prefixVersion}, nil)
	switch {
	case errors.Is(err, leveldb.ErrNotFound):
		if err := db.ldb.Put([]byte{prefixVersion}, []byte{schemaVersion}, syncWrite); err != nil {
			return fmt.Errorf("store: write version: %w", err)
		}
	case err != nil:
		return fmt.Errorf("store: read version: %w", err)
	case len(v) != 1 || v[0] != schemaVersion:
		return corrupt("unsupported chainstate version %x", v)
	}
	m, err := db.ldb.Get([]byte{prefixBest}, nil)
	switch {
	case errors.Is(err, leveldb.ErrNotFound):
	case err != nil:
		return fmt.Errorf("store: read best block: %w", err)
	case len(m) != wire.HashSize:
		return corrupt("best-block marker has %d bytes", len(m))
	default:
		copy(db.flushedBest[:], m)
	}
	db.best = db.flushedBest
	return nil
}

// Close closes the database. It does not flush: a clean shutdown flushes
// first; without that the next Open finds the last flushed state, exactly as
// after a crash. An attached BlockFiles is not closed.
func (db *DB) Close() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return nil
	}
	db.closed = true
	db.cache = nil
	db.dirtyKeys = nil
	return db.ldb.Close()
}

func errClosed(what string) error { return newError(ErrClosed, "store: %s: closed", what) }

// BestBlock is the block the cached UTXO set describes (the zero hash for a
// fresh database).
func (db *DB) BestBlock() wire.Hash {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.best
}

// FlushedBestBlock is the block the UTXO set on disk describes.
func (db *DB) FlushedBestBlock() wire.Hash {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.flushedBest
}

// AttachBlockFiles ties f to the database: it restores f's file info from
// the records PutBlockRecords wrote (sizes, block counts and height ranges;
// see BlockFiles), and from then on PutBlockRecords syncs f and persists its
// changed file info in the same batch as the records, and Flush syncs f
// before writing coins. Call it once, right after opening both, before
// writing any block.
func (db *DB) AttachBlockFiles(f *BlockFiles) error {
	infos, last, err := db.readFileInfo()
	if err != nil {
		return err
	}
	f.restore(infos, last)
	db.mu.Lock()
	db.files = f
	db.mu.Unlock()
	return nil
}

func (db *DB) readFileInfo() ([]FileInfo, int32, error) {
	last := int32(-1)
	v, err := db.ldb.Get([]byte{prefixLastFile}, nil)
	switch {
	case errors.Is(err, leveldb.ErrNotFound):
	case err != nil:
		return nil, 0, fmt.Errorf("store: read last file: %w", err)
	case len(v) != 4 || int32(binary.LittleEndian.Uint32(v)) < 0:
		return nil, 0, corrupt("last-file record %x", v)
	default:
		last = int32(binary.LittleEndian.Uint32(v))
	}
	var infos []FileInfo
	it := db.ldb.NewIterator(util.BytesPrefix([]byte{prefixFileInfo}), nil)
	defer it.Release()
	for it.Next() {
		k := it.Key()
		if len(k) != 5 || int32(binary.BigEndian.Uint32(k[1:])) < 0 {
			return nil, 0, corrupt("file info key %x", k)
		}
		fi, err := decodeFileInfo(int32(binary.BigEndian.Uint32(k[1:])), it.Value())
		if err != nil {
			return nil, 0, err
		}
		infos = append(infos, fi)
	}
	if err := it.Error(); err != nil {
		return nil, 0, fmt.Errorf("store: read file info: %w", err)
	}
	return infos, last, nil
}

func (db *DB) attached() *BlockFiles {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.files
}

// PutBlockRecords writes block index records in one synced batch. With
// block files attached it first syncs them, so no record on disk points at
// bytes that are not, and adds their changed file info to the batch.
// Calling it with no records persists just the file info.
func (db *DB) PutBlockRecords(recs map[wire.Hash]*BlockRecord) error {
	batch := new(leveldb.Batch)
	buf := make([]byte, 0, blockRecordSize)
	for h, r := range recs {
		k := recordKey(h)
		buf = appendBlockRecord(buf[:0], r)
		batch.Put(k, buf)
	}
	var snap fileInfoSnapshot
	f := db.attached()
	if f != nil {
		snap = f.dirtyInfos()
		if err := f.Sync(); err != nil {
			return err
		}
		for i := range snap.infos {
			batch.Put(fileInfoKey(snap.infos[i].Num), appendFileInfo(nil, &snap.infos[i]))
		}
		if len(snap.infos) > 0 {
			batch.Put([]byte{prefixLastFile}, binary.LittleEndian.AppendUint32(nil, uint32(snap.last)))
		}
	}
	if batch.Len() == 0 {
		return nil
	}
	if err := db.write(batch); err != nil {
		return fmt.Errorf("store: write block records: %w", err)
	}
	if f != nil {
		f.markClean(snap)
	}
	return nil
}

func (db *DB) write(batch *leveldb.Batch) error {
	db.mu.Lock()
	closed := db.closed
	db.mu.Unlock()
	if closed {
		return errClosed("write")
	}
	return db.ldb.Write(batch, syncWrite)
}

// ForEachBlockRecord calls fn for every block record, in key order, and
// stops at the first error fn returns (which it returns).
func (db *DB) ForEachBlockRecord(fn func(hash wire.Hash, rec *BlockRecord) error) error {
	it := db.ldb.NewIterator(util.BytesPrefix([]byte{prefixRecord}), nil)
	defer it.Release()
	for it.Next() {
		k := it.Key()
		if len(k) != 1+wire.HashSize {
			return corrupt("block record key %x", k)
		}
		var h wire.Hash
		copy(h[:], k[1:])
		rec, err := decodeBlockRecord(it.Value())
		if err != nil {
			return fmt.Errorf("block %s: %w", h, err)
		}
		if err := fn(h, rec); err != nil {
			return err
		}
	}
	if err := it.Error(); err != nil {
		return fmt.Errorf("store: read block records: %w", err)
	}
	return nil
}
