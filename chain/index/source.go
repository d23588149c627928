package index

import (
	"context"
	"log/slog"

	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/wire"
)

// Source is the chain as an index reads it while catching up. Package chain
// satisfies it. Every method must be safe to call concurrently with the
// chain's own work.
type Source interface {
	// BestBlock returns the hash and height of the active chain's tip.
	BestBlock() (wire.Hash, int32)
	// MainChainHash returns the hash of the active chain's block at height.
	MainChainHash(height int32) (wire.Hash, bool)
	// ReadBlock reads a stored block, on the active chain or not.
	ReadBlock(hash wire.Hash) (*wire.Block, error)
	// ReadUndo reads the undo data of a connected block: one TxUndo per
	// non-coinbase transaction, the spent coins in input order.
	ReadUndo(hash wire.Hash) (store.BlockUndo, error)
}

// Listener receives the chain's changes to its active chain. The chain
// calls it in chain order from one goroutine; an index only queues the
// event, so the calls are cheap and never block on the index's database.
type Listener interface {
	// BlockConnected reports that blk became the tip at height; undo is
	// its undo data (nil or empty for the genesis block).
	BlockConnected(blk *wire.Block, height int32, undo store.BlockUndo)
	// BlockDisconnected reports that blk, at height, left the active
	// chain; undo is the undo data it was connected with.
	BlockDisconnected(blk *wire.Block, height int32, undo store.BlockUndo)
}

// Index is what cmd runs and what the RPC layer's getindexinfo reports,
// for any index in this package.
type Index interface {
	Listener
	// Name is the index's name as Bitcoin Core's getindexinfo shows it.
	Name() string
	// Run catches up and then follows the chain until ctx is cancelled.
	Run(ctx context.Context) error
	// Synced reports whether the index has caught up with the chain once.
	Synced() bool
	// BestBlock returns the index's best block; height -1 when empty.
	BestBlock() (wire.Hash, int32)
	// BestHeight returns the index's best height; -1 when empty.
	BestHeight() int32
	// Close closes the database; call it after Run has returned.
	Close() error
}

// DefaultMaxQueue is Config.MaxQueue's default.
const DefaultMaxQueue = 32

// Config configures an index.
type Config struct {
	// Dir is the index's LevelDB directory (for example
	// <datadir>/indexes/txindex), created if missing.
	Dir string
	// Source is the chain the index follows. Run needs it; lookups do not.
	Source Source
	// Logger receives the index's log records; nil discards them.
	Logger *slog.Logger
	// MaxQueue bounds the events queued for the index. When the chain gets
	// further ahead than that, the queue is dropped and the index catches
	// up from Source instead, so memory stays bounded during initial block
	// download. Zero means DefaultMaxQueue.
	MaxQueue int
}
