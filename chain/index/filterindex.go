package index

import (
	"encoding/binary"
	"errors"

	"github.com/syndtr/goleveldb/leveldb"

	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/wire"
)

// FilterIndexName is the basic filter index's name (Bitcoin Core's
// getindexinfo key).
const FilterIndexName = "basic block filter index"

const (
	filterIndexVersion = 1
	prefixFilterMeta   = 'r' // 'r' + block hash → filterMeta
	prefixFilter       = 'f' // 'f' + block hash → encoded filter
	filterMetaSize     = 4 + 3*wire.HashSize
)

// FilterIndex stores the BIP158 basic filter of every block of the active
// chain with its BIP157 filter hash and header (Bitcoin Core's
// -blockfilterindex=basic), and answers the lookups behind getcfilters,
// getcfheaders, getcfcheckpt and the getblockfilter RPC.
//
// Entries are kept by block hash and stay when a block leaves the chain,
// as in Core, so a peer may still ask for a stale block's filter; the
// height → hash map of Base says which blocks form the index's chain.
type FilterIndex struct {
	*Base
}

// FilterEntry is what the index holds about one block.
type FilterEntry struct {
	BlockHash  wire.Hash
	Height     int32
	PrevBlock  wire.Hash
	FilterHash wire.Hash
	Header     wire.Hash // BIP157 filter header
	Filter     []byte    // the encoded filter; nil from header-only lookups
}

// OpenFilterIndex opens (creating if needed) the basic filter index at
// cfg.Dir.
func OpenFilterIndex(cfg Config) (*FilterIndex, error) {
	f := &FilterIndex{}
	base, err := openBase(FilterIndexName, filterIndexVersion, cfg, f)
	if err != nil {
		return nil, err
	}
	f.Base = base
	return f, nil
}

func hashKey(prefix byte, hash wire.Hash) []byte { return append([]byte{prefix}, hash[:]...) }

func (f *FilterIndex) needsUndo() bool          { return true }
func (f *FilterIndex) needsBlockOnRewind() bool { return false }

func (f *FilterIndex) connect(b *leveldb.Batch, blk *wire.Block, hash wire.Hash, height int32, undo store.BlockUndo) error {
	if m, err := f.meta(hash); err == nil && m.Height == height {
		return nil // reconnected after a reorganisation: the entry is still here
	} else if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	var prevHeader wire.Hash
	if height > 0 {
		pm, err := f.meta(blk.Header.PrevBlock)
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				return newError(ErrCorrupt, "%s: no entry for the parent %s", f.name, blk.Header.PrevBlock)
			}
			return err
		}
		prevHeader = pm.Header
	}
	filter, err := BuildBasicFilter(blk, undo)
	if err != nil {
		return err
	}
	e := FilterEntry{BlockHash: hash, Height: height, PrevBlock: blk.Header.PrevBlock,
		FilterHash: FilterHash(filter)}
	e.Header = FilterHeader(e.FilterHash, prevHeader)
	v := binary.LittleEndian.AppendUint32(make([]byte, 0, filterMetaSize), uint32(height))
	v = append(append(append(v, e.PrevBlock[:]...), e.FilterHash[:]...), e.Header[:]...)
	b.Put(hashKey(prefixFilterMeta, hash), v)
	b.Put(hashKey(prefixFilter, hash), filter)
	return nil
}

// disconnect keeps the block's entry, keyed by hash; Base drops it from the
// height map.
func (f *FilterIndex) disconnect(*leveldb.Batch, *wire.Block, wire.Hash, int32) error { return nil }

// meta reads a block's entry without its filter.
func (f *FilterIndex) meta(hash wire.Hash) (FilterEntry, error) { return f.metaIn(f.db, hash) }

// metaIn is meta reading from g.
func (f *FilterIndex) metaIn(g getter, hash wire.Hash) (FilterEntry, error) {
	v, err := g.Get(hashKey(prefixFilterMeta, hash), nil)
	if errors.Is(err, leveldb.ErrNotFound) {
		return FilterEntry{}, newError(ErrNotFound, "%s: no filter for block %s", f.name, hash)
	}
	if err != nil {
		return FilterEntry{}, f.dbError(err)
	}
	if len(v) != filterMetaSize {
		return FilterEntry{}, newError(ErrCorrupt, "%s: entry of %s has %d bytes", f.name, hash, len(v))
	}
	e := FilterEntry{BlockHash: hash, Height: int32(binary.LittleEndian.Uint32(v))}
	copy(e.PrevBlock[:], v[4:])
	copy(e.FilterHash[:], v[4+wire.HashSize:])
	copy(e.Header[:], v[4+2*wire.HashSize:])
	return e, nil
}

// parent reads the entry of e's parent.
func (f *FilterIndex) parent(e FilterEntry) (FilterEntry, error) {
	p, err := f.meta(e.PrevBlock)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return p, newError(ErrCorrupt, "%s: no entry for %s, parent of %s", f.name, e.PrevBlock, e.BlockHash)
		}
		return p, err
	}
	if p.Height != e.Height-1 {
		return p, newError(ErrCorrupt, "%s: parent of %s at height %d has height %d", f.name, e.BlockHash, e.Height, p.Height)
	}
	return p, nil
}

// Entry returns everything the index holds about a block, filter included.
func (f *FilterIndex) Entry(blockHash wire.Hash) (FilterEntry, error) {
	e, err := f.meta(blockHash)
	if err != nil {
		return e, err
	}
	e.Filter, err = f.filterBytes(blockHash)
	return e, err
}

func (f *FilterIndex) filterBytes(hash wire.Hash) ([]byte, error) {
	v, err := f.db.Get(hashKey(prefixFilter, hash), nil)
	if errors.Is(err, leveldb.ErrNotFound) {
		return nil, newError(ErrCorrupt, "%s: filter of %s missing", f.name, hash)
	}
	if err != nil {
		return nil, f.dbError(err)
	}
	return v, nil
}

// Filter returns a block's encoded basic filter.
func (f *FilterIndex) Filter(blockHash wire.Hash) ([]byte, error) {
	if _, err := f.meta(blockHash); err != nil {
		return nil, err
	}
	return f.filterBytes(blockHash)
}

// FilterHeader returns a block's filter header.
func (f *FilterIndex) FilterHeader(blockHash wire.Hash) (wire.Hash, error) {
	e, err := f.meta(blockHash)
	return e.Header, err
}

// chainTo returns the entries (without filters) of the blocks from
// startHeight up to stopHash, following stopHash's ancestry, at most max of
// them. It answers ErrBadRange as Bitcoin Core's PrepareBlockFilterRequest
// would (for which a peer is disconnected).
func (f *FilterIndex) chainTo(startHeight int32, stopHash wire.Hash, max int) ([]FilterEntry, error) {
	stop, err := f.meta(stopHash)
	if err != nil {
		return nil, err
	}
	if startHeight < 0 || startHeight > stop.Height {
		return nil, newError(ErrBadRange, "%s: start height %d, stop height %d", f.name, startHeight, stop.Height)
	}
	if n := int64(stop.Height) - int64(startHeight) + 1; n > int64(max) {
		return nil, newError(ErrBadRange, "%s: %d blocks asked for, at most %d allowed", f.name, n, max)
	}
	out := make([]FilterEntry, stop.Height-startHeight+1)
	e := stop
	for i := len(out) - 1; ; i-- {
		out[i] = e
		if i == 0 {
			break
		}
		if e, err = f.parent(e); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FilterRange returns the entries, filters included, of the blocks from
// startHeight up to stopHash on stopHash's chain: the answer to
// getcfilters, at most wire.MaxGetCFiltersSize blocks.
func (f *FilterIndex) FilterRange(startHeight int32, stopHash wire.Hash) ([]FilterEntry, error) {
	out, err := f.chainTo(startHeight, stopHash, wire.MaxGetCFiltersSize)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Filter, err = f.filterBytes(out[i].BlockHash); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FilterHashes returns the filter header of the block before startHeight
// (zero for start height 0) and the filter hashes of the blocks from
// startHeight up to stopHash on stopHash's chain: the answer to
// getcfheaders, at most wire.MaxGetCFHeadersSize hashes.
func (f *FilterIndex) FilterHashes(startHeight int32, stopHash wire.Hash) (prevHeader wire.Hash, hashes []wire.Hash, err error) {
	entries, err := f.chainTo(startHeight, stopHash, wire.MaxGetCFHeadersSize)
	if err != nil {
		return prevHeader, nil, err
	}
	if startHeight > 0 {
		p, err := f.parent(entries[0])
		if err != nil {
			return prevHeader, nil, err
		}
		prevHeader = p.Header
	}
	hashes = make([]wire.Hash, len(entries))
	for i := range entries {
		hashes[i] = entries[i].FilterHash
	}
	return prevHeader, hashes, nil
}

// Checkpoints returns the filter headers at heights CFCheckptInterval,
// 2·CFCheckptInterval, … up to stopHash's height on stopHash's chain: the
// answer to getcfcheckpt.
func (f *FilterIndex) Checkpoints(stopHash wire.Hash) ([]wire.Hash, error) {
	// One snapshot, so the height map cannot move under the walk.
	snap, err := f.db.GetSnapshot()
	if err != nil {
		return nil, f.dbError(err)
	}
	defer snap.Release()
	e, err := f.metaIn(snap, stopHash)
	if err != nil {
		return nil, err
	}
	headers := make([]wire.Hash, e.Height/wire.CFCheckptInterval)
	for i := len(headers) - 1; i >= 0; i-- {
		if e, err = f.ancestor(snap, e, int32((i+1)*wire.CFCheckptInterval)); err != nil {
			return nil, err
		}
		headers[i] = e.Header
	}
	return headers, nil
}

// ancestor returns the entry of e's ancestor at height, reading from g. It
// follows parents until it reaches the index's own chain, then jumps by the
// height map.
func (f *FilterIndex) ancestor(g getter, e FilterEntry, height int32) (FilterEntry, error) {
	for e.Height > height {
		h, ok, err := f.hashAtIn(g, e.Height)
		if err != nil {
			return e, err
		}
		if ok && h == e.BlockHash {
			if h, ok, err = f.hashAtIn(g, height); err != nil {
				return e, err
			}
			if !ok {
				return e, newError(ErrCorrupt, "%s: no block recorded at height %d", f.name, height)
			}
			return f.expect(f.metaIn(g, h))
		}
		p, err := f.metaIn(g, e.PrevBlock)
		if err != nil {
			return f.expect(p, err)
		}
		e = p
	}
	return e, nil
}

// expect turns ErrNotFound for an entry the index's own data names into
// ErrCorrupt.
func (f *FilterIndex) expect(e FilterEntry, err error) (FilterEntry, error) {
	if errors.Is(err, ErrNotFound) {
		return e, newError(ErrCorrupt, "%s: %v", f.name, err)
	}
	return e, err
}
