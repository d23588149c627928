package chain

import (
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/wire"
)

// DefaultCacheBytes is the UTXO cache budget when none is given (Bitcoin
// Core's -dbcache default, 450 MiB).
const DefaultCacheBytes = 450 << 20

// Config configures a Chain.
type Config struct {
	Params *params.Params
	// DataDir holds chainstate/ (LevelDB) and blocks/ (blk and rev files).
	DataDir string
	// CacheBytes is the UTXO cache budget (--dbcache); DefaultCacheBytes
	// when zero.
	CacheBytes int64
	// AssumeValid is the block below which scripts may be skipped: nil
	// means the network's default, the zero hash disables skipping.
	AssumeValid *wire.Hash
	// PruneTarget, when positive, is the disk budget in bytes for block
	// and undo files (--prune); older files are deleted beyond it.
	PruneTarget int64
	// MaxBlockFileSize caps each blk/rev file (Core's 128 MiB when zero);
	// tests use small files to exercise pruning.
	MaxBlockFileSize int64
	// PruneLock, when set, returns the lowest height whose block and undo
	// data must be kept (an index still catching up needs them).
	PruneLock func() int32
	// SigCache is shared with the mempool; may be nil.
	SigCache *script.SigCache
	// Backend verifies signatures; script.DefaultBackend() when nil.
	Backend script.SignatureBackend
	// Workers verify scripts in parallel; GOMAXPROCS when zero.
	Workers int
	Logger  *slog.Logger
	// Now is the clock for the future-timestamp rule; time.Now when nil.
	Now func() time.Time
}

// Chain is the validated block chain and its UTXO set.
type Chain struct {
	cfg      Config
	params   *params.Params
	log      *slog.Logger
	db       *store.DB
	files    *store.BlockFiles
	verifier *script.Verifier

	// processMu serialises every change: blocks, headers, flushes.
	processMu sync.Mutex
	// mu guards index, active and bestHeader for readers; writers hold
	// processMu too.
	mu         sync.RWMutex
	index      *blockIndex
	active     activeChain
	bestHeader *blockNode
	// headerChain is the best header's chain by height, so the download
	// window is found without walking parent pointers.
	headerChain activeChain
	candidates  map[*blockNode]struct{}
	// reverseSeq is the decreasing sequence PreciousBlock hands out, and
	// lastPreciousWork the tip's work when it last did (Core's
	// nBlockReverseSequenceId and m_last_precious_chainwork).
	reverseSeq       int64
	lastPreciousWork *big.Int
	// recent holds the block being processed, saving a re-read from disk
	// when it is connected at once.
	recent map[wire.Hash]*wire.Block

	subsMu  sync.Mutex
	subs    map[int]func(Notification)
	nextSub int
	pending []Notification

	assumeValid wire.Hash
	// leftIBD latches once the node has caught up.
	leftIBD atomic.Bool
}

// New opens (or creates) the chain in cfg.DataDir, replays any blocks the
// UTXO set had not reached when the node last stopped, and returns it.
func New(cfg Config) (*Chain, error) {
	if cfg.Params == nil {
		return nil, errors.New("chain: no network parameters")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.CacheBytes <= 0 {
		cfg.CacheBytes = DefaultCacheBytes
	}
	c := &Chain{cfg: cfg, params: cfg.Params, log: cfg.Logger, index: newBlockIndex(),
		candidates: map[*blockNode]struct{}{}, recent: map[wire.Hash]*wire.Block{},
		subs: map[int]func(Notification){}, assumeValid: cfg.Params.AssumeValid}
	if cfg.AssumeValid != nil {
		c.assumeValid = *cfg.AssumeValid
	}
	c.verifier = &script.Verifier{Workers: cfg.Workers, Backend: cfg.Backend, Cache: cfg.SigCache}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, err
	}
	db, err := store.Open(filepath.Join(cfg.DataDir, "chainstate"), store.Options{CacheBytes: cfg.CacheBytes, Logger: cfg.Logger})
	if err != nil {
		return nil, fmt.Errorf("open chainstate: %w", err)
	}
	c.db = db
	files, err := store.OpenBlockFiles(filepath.Join(cfg.DataDir, "blocks"), cfg.Params.MessageStart(), cfg.MaxBlockFileSize, cfg.Logger)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open block files: %w", err)
	}
	c.files = files
	if err := db.AttachBlockFiles(files); err != nil {
		c.closeStores()
		return nil, fmt.Errorf("attach block files: %w", err)
	}
	if err := c.load(); err != nil {
		c.closeStores()
		return nil, err
	}
	return c, nil
}

func (c *Chain) closeStores() {
	c.files.Close()
	c.db.Close()
}

// Close flushes the UTXO cache and the block index and closes the stores.
func (c *Chain) Close() error {
	c.processMu.Lock()
	defer c.processMu.Unlock()
	err := c.flush()
	c.closeStores()
	return err
}

// Flush writes the UTXO cache and the block index to disk.
func (c *Chain) Flush() error {
	c.processMu.Lock()
	defer c.processMu.Unlock()
	return c.flush()
}

// flush makes everything durable in the order crash safety needs: block
// and undo files, then the block index records that point into them, then
// the UTXO set with its best-block marker in one atomic batch.
func (c *Chain) flush() error {
	if err := c.files.Sync(); err != nil {
		return fmt.Errorf("sync block files: %w", err)
	}
	c.mu.Lock()
	recs := c.index.takeDirty()
	c.mu.Unlock()
	if len(recs) > 0 {
		if err := c.db.PutBlockRecords(recs); err != nil {
			return fmt.Errorf("write block index: %w", err)
		}
	}
	if err := c.db.Flush(); err != nil {
		return fmt.Errorf("flush chainstate: %w", err)
	}
	return c.prune()
}

func (c *Chain) flushIfNeeded() error {
	if c.db.CacheUsage() <= c.cfg.CacheBytes {
		return nil
	}
	return c.flush()
}

// load rebuilds the block index from disk and brings the active chain to
// the UTXO set's best block, then on to the best chain the stored blocks
// allow.
func (c *Chain) load() error {
	var nodes []*blockNode
	recs := map[wire.Hash]*store.BlockRecord{}
	err := c.db.ForEachBlockRecord(func(h wire.Hash, r *store.BlockRecord) error {
		cp := *r
		recs[h] = &cp
		return nil
	})
	if err != nil {
		return fmt.Errorf("load block index: %w", err)
	}
	if len(recs) == 0 {
		return c.initGenesis()
	}
	nodes, err = c.linkRecords(recs)
	if err != nil {
		return err
	}
	best := c.db.BestBlock()
	tip := c.index.lookup(best)
	if tip == nil {
		return fmt.Errorf("chainstate best block %s is not in the block index: the data directory is corrupt", best)
	}
	c.active.setTip(tip)
	for _, n := range nodes {
		n.haveChainData = n.status&StatusHaveData != 0 && (n.parent == nil || n.parent.haveChainData)
		if c.bestHeader == nil || (!n.failed() && workGreater(n, c.bestHeader)) {
			c.bestHeader = n
		}
		if n.haveChainData && !n.failed() && n.chainWork.Cmp(tip.chainWork) >= 0 {
			c.candidates[n] = struct{}{}
		}
	}
	c.headerChain.setTip(c.bestHeader)
	c.log.Info("block index loaded", "blocks", len(nodes), "tip", tip.hash, "height", tip.height)
	if _, err := c.activateBestChain(); err != nil {
		return err
	}
	c.deliver()
	return nil
}

// linkRecords creates the index nodes from stored records in height order.
func (c *Chain) linkRecords(recs map[wire.Hash]*store.BlockRecord) ([]*blockNode, error) {
	byHeight := map[int32][]wire.Hash{}
	maxHeight := int32(0)
	for h, r := range recs {
		byHeight[r.Height] = append(byHeight[r.Height], h)
		maxHeight = max(maxHeight, r.Height)
	}
	nodes := make([]*blockNode, 0, len(recs))
	for height := int32(0); height <= maxHeight; height++ {
		for _, h := range byHeight[height] {
			r := recs[h]
			var parent *blockNode
			if height > 0 {
				if parent = c.index.lookup(r.Header.PrevBlock); parent == nil {
					return nil, fmt.Errorf("block index: %s at height %d has no parent", h, height)
				}
			}
			n := c.index.add(&r.Header, parent)
			n.status, n.numTx, n.data, n.undo = BlockStatus(r.Status), r.NumTx, r.Data, r.Undo
			nodes = append(nodes, n)
		}
	}
	clear(c.index.dirty)
	return nodes, nil
}

// initGenesis stores the genesis block and makes it the tip. Its coinbase
// output is not spendable and never enters the UTXO set, as in Bitcoin.
func (c *Chain) initGenesis() error {
	g := c.params.GenesisBlock
	n := c.index.add(&g.Header, nil)
	pos, err := c.files.WriteBlock(g.Serialize(), 0)
	if err != nil {
		return err
	}
	n.data, n.numTx = pos, uint32(len(g.Transactions))
	n.status = StatusValidHeader | StatusValidTree | StatusValidScripts | StatusHaveData
	n.haveChainData = true
	c.bestHeader = n
	c.headerChain.setTip(n)
	c.active.setTip(n)
	c.db.Commit(c.db.NewView(), n.hash)
	return c.flush()
}

// Tip returns the hash and height of the active chain's last block.
func (c *Chain) Tip() (wire.Hash, int32) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	t := c.active.tip()
	return t.hash, t.height
}

// BestBlock is Tip under the name the indexes' Source interface uses.
func (c *Chain) BestBlock() (wire.Hash, int32) { return c.Tip() }

// BestHeader returns the most-work valid header known.
func (c *Chain) BestHeader() (wire.Hash, int32) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.bestHeader.hash, c.bestHeader.height
}

// MainChainHash returns the hash of the active chain's block at height.
func (c *Chain) MainChainHash(height int32) (wire.Hash, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if height < 0 || int(height) >= len(c.active) {
		return wire.Hash{}, false
	}
	return c.active[height].hash, true
}

// ChainWork returns the total work of the active chain.
func (c *Chain) ChainWork() *big.Int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return new(big.Int).Set(c.active.tip().chainWork)
}

// BlockInfo describes an indexed block.
type BlockInfo struct {
	Hash      wire.Hash
	Header    wire.BlockHeader
	Height    int32
	Status    BlockStatus
	ChainWork *big.Int
	NumTx     uint32
	InActive  bool
	// MedianTimePast is the BIP113 median of the block and ten ancestors.
	MedianTimePast int64
}

// BlockInfo returns what the index knows about a block.
func (c *Chain) BlockInfo(hash wire.Hash) (BlockInfo, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	n := c.index.lookup(hash)
	if n == nil {
		return BlockInfo{}, false
	}
	return BlockInfo{Hash: n.hash, Header: n.header, Height: n.height, Status: n.status,
		ChainWork: new(big.Int).Set(n.chainWork), NumTx: n.numTx, InActive: c.active.contains(n),
		MedianTimePast: n.medianTimePast()}, true
}

// ReadBlock reads a stored block.
func (c *Chain) ReadBlock(hash wire.Hash) (*wire.Block, error) {
	c.mu.RLock()
	n := c.index.lookup(hash)
	var pos store.FilePos
	if n != nil {
		pos = n.data
	}
	c.mu.RUnlock()
	if n == nil || pos.File < 0 {
		return nil, fmt.Errorf("block %s: %w", hash, ErrBlockNotStored)
	}
	raw, err := c.files.ReadBlock(pos)
	if err != nil {
		return nil, fmt.Errorf("block %s: %w", hash, err)
	}
	return wire.DecodeBlock(raw)
}

// ReadUndo reads a connected block's undo data.
func (c *Chain) ReadUndo(hash wire.Hash) (store.BlockUndo, error) {
	c.mu.RLock()
	n := c.index.lookup(hash)
	var pos store.FilePos
	if n != nil {
		pos = n.undo
	}
	c.mu.RUnlock()
	if n == nil || pos.File < 0 {
		return nil, fmt.Errorf("undo data for block %s: %w", hash, ErrBlockNotStored)
	}
	raw, err := c.files.ReadUndo(pos, hash)
	if err != nil {
		return nil, fmt.Errorf("undo data for block %s: %w", hash, err)
	}
	return store.DecodeBlockUndo(raw)
}

// FetchCoin returns an unspent output of the active chain's UTXO set, or
// nil.
func (c *Chain) FetchCoin(op wire.OutPoint) (*store.Coin, error) {
	c.processMu.Lock()
	defer c.processMu.Unlock()
	return c.db.FetchCoin(op)
}

// UTXOStats flushes and summarises the UTXO set (gettxoutsetinfo).
func (c *Chain) UTXOStats() (store.UTXOStats, error) {
	c.processMu.Lock()
	defer c.processMu.Unlock()
	if err := c.flush(); err != nil {
		return store.UTXOStats{}, err
	}
	return c.db.UTXOStats()
}

// ErrBlockNotStored: the block (or its undo data) is not on disk: unknown,
// header only, or pruned.
var ErrBlockNotStored = errors.New("block data not available")
