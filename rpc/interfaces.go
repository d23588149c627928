package rpc

import (
	"context"
	"math/big"
	"net"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/mempool"
	"github.com/bitnode/bitnode/mempool/feeest"
	"github.com/bitnode/bitnode/mempool/mining"
	"github.com/bitnode/bitnode/node/peer"
	"github.com/bitnode/bitnode/wire"
)

// The server reaches the rest of the node through the interfaces below,
// declared here so that the packages it serves need not know about it.
// *chain.Chain, *mempool.Pool, *node.Node, *feeest.Estimator and
// *index.TxIndex satisfy them; tests may substitute their own.

// Chain is the validated block chain.
type Chain interface {
	Params() *params.Params
	Tip() (wire.Hash, int32)
	BestHeader() (wire.Hash, int32)
	MainChainHash(height int32) (wire.Hash, bool)
	BlockInfo(hash wire.Hash) (chain.BlockInfo, bool)
	ChainTips() []chain.ChainTip
	ChainWork() *big.Int
	IsInitialBlockDownload() bool
	ReadBlock(hash wire.Hash) (*wire.Block, error)
	ReadUndo(hash wire.Hash) (store.BlockUndo, error)
	HaveBlock(hash wire.Hash) bool
	FetchCoin(op wire.OutPoint) (*store.Coin, error)
	UTXOStats() (store.UTXOStats, error)
	NextBlock() chain.NextBlock
	ProcessBlock(blk *wire.Block) error
	TestBlockValidity(blk *wire.Block, checkPoW bool) error
}

// Mempool is the transaction memory pool.
type Mempool interface {
	AcceptTx(tx *wire.Tx) (*mempool.AcceptResult, error)
	TestAccept(tx *wire.Tx) (*mempool.AcceptResult, error)
	Get(txid wire.Hash) (mempool.TxEntry, bool)
	Entries() []mempool.TxEntry
	TxIDs() []wire.Hash
	Tx(txid wire.Hash) *wire.Tx
	SpentBy(op wire.OutPoint) (wire.Hash, bool)
	Info() mempool.Info
	Ancestors(txid wire.Hash) ([]wire.Hash, bool)
	Descendants(txid wire.Hash) ([]wire.Hash, bool)
	Cluster(txid wire.Hash) (mempool.ClusterInfo, bool)
	PrioritiseTransaction(txid wire.Hash, delta int64)
	IsLoaded() bool
	Save() error
	mining.ChunkSource
}

// Network is the P2P node.
type Network interface {
	Peers() []peer.Info
	ListenAddrs() []net.Addr
	RelayTransaction(tx *wire.Tx, fee int64, vsize int64)
}

// FeeEstimator answers estimatesmartfee.
type FeeEstimator interface {
	EstimateSmartFee(target int, mode feeest.Mode) feeest.Estimate
	HighestTargetTracked(h feeest.Horizon) int
}

// TxIndex finds confirmed transactions (--txindex).
type TxIndex interface {
	Tx(txid wire.Hash) (blockHash wire.Hash, txPos int, err error)
	Synced() bool
}

// IndexStatus is an optional index as getindexinfo reports it;
// *index.TxIndex and *index.FilterIndex satisfy it.
type IndexStatus interface {
	Name() string
	Synced() bool
	BestHeight() int32
}

// BlockFilters serves BIP158 basic filters (--blockfilterindex);
// *index.FilterIndex satisfies it.
type BlockFilters interface {
	Filter(blockHash wire.Hash) ([]byte, error)
	FilterHeader(blockHash wire.Hash) (wire.Hash, error)
	Synced() bool
}

// Logging reports and changes which subsystems log at debug level (the
// logging method).
type Logging interface {
	// Categories maps every category to whether it logs at debug level.
	Categories() map[string]bool
	// Set turns debug logging on for include and off for exclude ("all"
	// names every category); it fails when a name is unknown or the
	// logger cannot change at run time.
	Set(include, exclude []string) error
}

// Miner builds and solves blocks for the mining and generating methods.
type Miner interface {
	// Template assembles a block template from the pool's chunks.
	Template(opts mining.Options) (*mining.Template, error)
	// Generate mines n blocks paying to script (generatetoaddress).
	Generate(ctx context.Context, script []byte, n int, maxTries uint64) ([]wire.Hash, error)
	// BlockWithTxs builds an unsolved block holding exactly txs
	// (generateblock).
	BlockWithTxs(script []byte, txs []*wire.Tx) (*wire.Block, error)
}

// NewMiner is the Miner of a *chain.Chain, filling templates from src (the
// mempool; nil for empty blocks).
func NewMiner(ch *chain.Chain, src mining.ChunkSource) Miner {
	return &chainMiner{ch: ch, src: src}
}

type chainMiner struct {
	ch  *chain.Chain
	src mining.ChunkSource
}

func (m *chainMiner) Template(opts mining.Options) (*mining.Template, error) {
	return mining.NewTemplate(m.ch, m.src, opts)
}

func (m *chainMiner) Generate(ctx context.Context, script []byte, n int, maxTries uint64) ([]wire.Hash, error) {
	return mining.GenerateToScript(ctx, m.ch, m.src, script, n, maxTries)
}

func (m *chainMiner) BlockWithTxs(script []byte, txs []*wire.Tx) (*wire.Block, error) {
	return mining.BlockWithTxs(m.ch, script, txs)
}

var (
	_ Chain   = (*chain.Chain)(nil)
	_ Mempool = (*mempool.Pool)(nil)
)
