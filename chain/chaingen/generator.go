package chaingen

import (
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/wire"
)

// GenesisName is the name of the network's genesis block.
const GenesisName = "genesis"

// DefaultBlockVersion is the header version of generated blocks (BIP9's
// top bits, above every BIP34/65/66 minimum).
const DefaultBlockVersion = 0x20000000

// Output is a transaction output a spend can consume.
type Output struct {
	OutPoint wire.OutPoint
	Value    int64
	PkScript []byte
}

// node is a generated block and its place in the tree.
type node struct {
	name   string
	block  *wire.Block
	hash   wire.Hash
	height int32
	parent *node
}

// Generator builds named blocks on a tree rooted at the genesis block.
type Generator struct {
	params  *params.Params
	keys    *keySet
	blocks  map[string]*node
	byHash  map[wire.Hash]*node
	tip     *node
	outputs map[wire.OutPoint]Output
	// scripts holds registered P2SH redeem scripts (by HASH160) and P2WSH
	// witness scripts (by SHA-256).
	scripts    map[string][]byte
	extraNonce uint64
}

// New returns a generator whose tip is p's genesis block.
func New(p *params.Params) *Generator {
	g := &Generator{params: p, keys: newKeySet("bitnode chaingen"), blocks: map[string]*node{},
		byHash: map[wire.Hash]*node{}, outputs: map[wire.OutPoint]Output{}, scripts: map[string][]byte{}}
	gen := &node{name: GenesisName, block: p.GenesisBlock, hash: p.GenesisBlock.BlockHash()}
	g.blocks[GenesisName], g.byHash[gen.hash], g.tip = gen, gen, gen
	return g
}

// Params returns the network the generator builds for.
func (g *Generator) Params() *params.Params { return g.params }

func (g *Generator) node(name string) *node {
	n := g.blocks[name]
	if n == nil {
		panic(fmt.Sprintf("chaingen: no block named %q", name))
	}
	return n
}

// SetTip makes the named block the one the next block builds on.
func (g *Generator) SetTip(name string) { g.tip = g.node(name) }

// TipName returns the name of the block the next block builds on.
func (g *Generator) TipName() string { return g.tip.name }

// Tip returns the block the next block builds on.
func (g *Generator) Tip() *wire.Block { return g.tip.block }

// Block returns the named block.
func (g *Generator) Block(name string) *wire.Block { return g.node(name).block }

// Hash returns the named block's hash.
func (g *Generator) Hash(name string) wire.Hash { return g.node(name).hash }

// Height returns the named block's height.
func (g *Generator) Height(name string) int32 { return g.node(name).height }

// Has reports whether a block of that name was generated.
func (g *Generator) Has(name string) bool { return g.blocks[name] != nil }

// NameOf returns the name of a generated block, or its hash when the
// generator did not build it.
func (g *Generator) NameOf(hash wire.Hash) string {
	if n := g.byHash[hash]; n != nil {
		return n.name
	}
	return hash.String()
}

// MedianTimePast returns the BIP113 median of the named block's timestamp
// and its ten predecessors'.
func (g *Generator) MedianTimePast(name string) int64 { return medianTimePast(g.node(name)) }

func medianTimePast(n *node) int64 {
	times := make([]int64, 0, 11)
	for it := n; it != nil && len(times) < 11; it = it.parent {
		times = append(times, int64(it.block.Header.Timestamp))
	}
	slices.Sort(times)
	return times[len(times)/2]
}

// CoinbaseOutput returns the named block's first coinbase output (the one
// paying the subsidy and fees).
func (g *Generator) CoinbaseOutput(name string) Output {
	return g.OutputsOf(g.node(name).block.Transactions[0])[0]
}

// OutputsOf returns tx's outputs as spendable outputs.
func (g *Generator) OutputsOf(tx *wire.Tx) []Output {
	txid := tx.TxHash()
	outs := make([]Output, len(tx.TxOut))
	for i, o := range tx.TxOut {
		outs[i] = Output{OutPoint: wire.OutPoint{Hash: txid, Index: uint32(i)}, Value: o.Value, PkScript: o.PkScript}
	}
	return outs
}

// Output returns an output of a transaction the generator built or saw in
// one of its blocks.
func (g *Generator) Output(op wire.OutPoint) (Output, bool) {
	o, ok := g.outputs[op]
	return o, ok
}

// MissingOutput returns an output no transaction created, paying value to
// the generator's P2WPKH script (so a spend of it is well signed).
func (g *Generator) MissingOutput(value int64) Output {
	var h wire.Hash
	copy(h[:], "chaingen: an output nobody made")
	return Output{OutPoint: wire.OutPoint{Hash: h, Index: 7}, Value: value, PkScript: g.keys.p2wpkh}
}

func (g *Generator) remember(tx *wire.Tx) {
	for _, o := range g.OutputsOf(tx) {
		g.outputs[o.OutPoint] = o
	}
}

// Fee returns tx's fee when the generator knows every output it spends.
func (g *Generator) Fee(tx *wire.Tx) (int64, bool) {
	if tx.IsCoinBase() {
		return 0, false
	}
	var fee int64
	for _, in := range tx.TxIn {
		o, ok := g.outputs[in.PreviousOutPoint]
		if !ok {
			return 0, false
		}
		fee += o.Value
	}
	for _, o := range tx.TxOut {
		fee -= o.Value
	}
	return fee, true
}

// Subsidy returns the block subsidy at height.
func (g *Generator) Subsidy(height int32) int64 {
	return consensus.BlockSubsidy(height, g.params.SubsidyHalvingInterval)
}

// NextBlocks builds n blocks named prefix1..prefixN in a row on the tip,
// each with opts.
func (g *Generator) NextBlocks(prefix string, n int, opts ...Option) []*wire.Block {
	blocks := make([]*wire.Block, n)
	for i := range n {
		blocks[i] = g.NextBlock(fmt.Sprintf("%s%d", prefix, i+1), opts...)
	}
	return blocks
}

// NextBlock builds a block named name on the tip, makes it the tip and
// returns it. Options apply in the order of the stages described in the
// package documentation.
func (g *Generator) NextBlock(name string, opts ...Option) *wire.Block {
	if g.blocks[name] != nil {
		panic(fmt.Sprintf("chaingen: block %q already exists", name))
	}
	parent := g.tip
	b := &builder{g: g, height: parent.height + 1, parent: parent, version: DefaultBlockVersion,
		payTo: g.keys.p2wpkh, witnessNonce: make([]byte, 32)}
	b.cbHeight = b.height
	b.commit = b.height >= g.params.SegwitHeight
	b.timestamp = uint32(max(int64(parent.block.Header.Timestamp)+1, medianTimePast(parent)+1))
	for _, o := range opts {
		o(b)
	}
	if !b.bitsSet {
		b.bits = g.nextBits(parent, b.timestamp)
	}
	blk := b.build()
	n := &node{name: name, block: blk, hash: blk.BlockHash(), height: b.height, parent: parent}
	g.blocks[name], g.byHash[n.hash], g.tip = n, n, n
	for _, tx := range blk.Transactions {
		g.remember(tx)
	}
	return blk
}

// Register adds a block built or changed outside NextBlock (a mutated
// copy, say) under name, as a child of its PrevBlock, and makes it the
// tip. When its hash is already known (a copy under the same header),
// NameOf keeps answering with the first name.
func (g *Generator) Register(name string, blk *wire.Block) {
	if g.blocks[name] != nil {
		panic(fmt.Sprintf("chaingen: block %q already exists", name))
	}
	parent := g.byHash[blk.Header.PrevBlock]
	if parent == nil {
		panic(fmt.Sprintf("chaingen: block %q builds on unknown %s", name, blk.Header.PrevBlock))
	}
	n := &node{name: name, block: blk, hash: blk.BlockHash(), height: parent.height + 1, parent: parent}
	g.blocks[name], g.tip = n, n
	if g.byHash[n.hash] == nil {
		g.byHash[n.hash] = n
	}
	for _, tx := range blk.Transactions {
		g.remember(tx)
	}
}

// nextBits is the compact target a block after parent at time t must
// carry (Core's GetNextWorkRequired), for the generator's own tree.
func (g *Generator) nextBits(parent *node, t uint32) uint32 {
	p := g.params
	interval := int32(p.PowTargetTimespan / p.PowTargetSpacing)
	if (parent.height+1)%interval != 0 {
		if !p.PowAllowMinDifficultyBlocks {
			return parent.block.Header.Bits
		}
		if int64(t) > int64(parent.block.Header.Timestamp)+2*int64(p.PowTargetSpacing/time.Second) {
			return p.PowLimitBits
		}
		n := parent
		for n.parent != nil && n.height%interval != 0 && n.block.Header.Bits == p.PowLimitBits {
			n = n.parent
		}
		return n.block.Header.Bits
	}
	if p.PowNoRetargeting {
		return parent.block.Header.Bits
	}
	first := parent
	for first.height > parent.height-(interval-1) {
		first = first.parent
	}
	span := int64(p.PowTargetTimespan / time.Second)
	actual := int64(parent.block.Header.Timestamp) - int64(first.block.Header.Timestamp)
	actual = min(max(actual, span/4), span*4)
	bits := parent.block.Header.Bits
	if p.EnforceBIP94 {
		bits = first.block.Header.Bits
	}
	target, _, _ := consensus.CompactToBig(bits)
	target.Mul(target, big.NewInt(actual))
	target.Div(target, big.NewInt(span))
	if target.Cmp(p.PowLimit) > 0 {
		target.Set(p.PowLimit)
	}
	return consensus.BigToCompact(target)
}
