package rpc

import (
	"context"
	"math/big"
	"net"
	"net/netip"
	"time"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/mempool"
	"github.com/bitnode/bitnode/mempool/feeest"
	"github.com/bitnode/bitnode/mempool/mining"
	"github.com/bitnode/bitnode/node"
	"github.com/bitnode/bitnode/node/addrman"
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
	// DisconnectPeer ends the connection with peer id, reporting whether
	// it was connected.
	DisconnectPeer(id int64) bool
	// PingPeers sends a ping to every peer.
	PingPeers()
	// NetTotals returns the bytes received and sent since the start.
	NetTotals() (recv, sent uint64)
	// AddNode and RemoveNode edit the list of peers always dialled,
	// reporting false if addr already was, or was not, on it; OneTry
	// dials addr once.
	AddNode(addr string) bool
	RemoveNode(addr string) bool
	OneTry(addr string)
	AddedNodes() []node.AddedNode
	SetNetworkActive(active bool)
	NetworkActive() bool
}

// BanList is the manual ban list (listbanned, setban, clearbanned);
// *addrman.Bans satisfies it.
type BanList interface {
	List() []addrman.BanEntry
	// Ban bans subnet until the given time (the zero Time: the default
	// ban time from now).
	Ban(subnet netip.Prefix, until time.Time, reason string) error
	Unban(subnet netip.Prefix) bool
	IsBanned(addr netip.Addr) bool
	IsSubnetBanned(subnet netip.Prefix) bool
	IsAddressDiscouraged(na wire.NetAddress) bool
	Clear()
}

// AddrMan is the address manager (getnodeaddresses, getaddrmaninfo);
// *addrman.Manager satisfies it.
type AddrMan interface {
	GetAddr(maxAddresses, maxPct int, network *wire.NetworkID) []wire.NetAddress
	Size(network *wire.NetworkID, inNew *bool) int
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
	_ BanList = (*addrman.Bans)(nil)
	_ AddrMan = (*addrman.Manager)(nil)
	_ Network = (*node.Node)(nil)
)
