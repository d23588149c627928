package chain

import (
	"math/big"
	"slices"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/wire"
)

// BlockStatus records how far a block has been validated and what is
// stored for it. The values are persisted.
type BlockStatus uint32

// Status bits.
const (
	StatusValidHeader  BlockStatus = 1 << 0 // header checked in context
	StatusValidTree    BlockStatus = 1 << 1 // block checked without its inputs
	StatusValidScripts BlockStatus = 1 << 2 // connected once: every rule passed
	StatusHaveData     BlockStatus = 1 << 3 // block stored
	StatusHaveUndo     BlockStatus = 1 << 4 // undo data stored
	StatusFailed       BlockStatus = 1 << 5 // the block breaks a rule
	StatusFailedChild  BlockStatus = 1 << 6 // an ancestor breaks a rule

	statusFailedMask = StatusFailed | StatusFailedChild
)

// blockNode is one entry of the block index.
type blockNode struct {
	hash      wire.Hash
	header    wire.BlockHeader
	parent    *blockNode
	height    int32
	status    BlockStatus
	chainWork *big.Int // total work of the chain ending here
	numTx     uint32
	data      store.FilePos
	undo      store.FilePos
	// haveChainData: this block and all its ancestors are stored, so the
	// chain ending here can be connected.
	haveChainData bool
	// sequence orders blocks of equal work by arrival, as Core prefers
	// the first seen.
	sequence int64
}

func (n *blockNode) failed() bool { return n.status&statusFailedMask != 0 }

// ancestor returns the ancestor at height h (nil when h is out of range).
func (n *blockNode) ancestor(h int32) *blockNode {
	if h < 0 || h > n.height {
		return nil
	}
	for n != nil && n.height > h {
		n = n.parent
	}
	return n
}

// medianTimePast is the median timestamp of the block and its ten
// predecessors (BIP113).
func (n *blockNode) medianTimePast() int64 {
	var times [11]int64
	k := 0
	for it := n; it != nil && k < len(times); it = it.parent {
		times[k] = int64(it.header.Timestamp)
		k++
	}
	t := times[:k]
	slices.Sort(t)
	return t[k/2]
}

func (n *blockNode) record() *store.BlockRecord {
	return &store.BlockRecord{Header: n.header, Height: n.height, Status: uint32(n.status),
		NumTx: n.numTx, Data: n.data, Undo: n.undo}
}

// blockIndex holds every known header. It is guarded by Chain.mu.
type blockIndex struct {
	nodes    map[wire.Hash]*blockNode
	children map[*blockNode][]*blockNode
	dirty    map[*blockNode]struct{}
	nextSeq  int64
}

func newBlockIndex() *blockIndex {
	return &blockIndex{nodes: map[wire.Hash]*blockNode{}, children: map[*blockNode][]*blockNode{},
		dirty: map[*blockNode]struct{}{}}
}

func (bi *blockIndex) lookup(h wire.Hash) *blockNode { return bi.nodes[h] }

// add creates the node for a header whose parent is known (or nil for
// genesis).
func (bi *blockIndex) add(hdr *wire.BlockHeader, parent *blockNode) *blockNode {
	n := &blockNode{hash: hdr.BlockHash(), header: *hdr, parent: parent,
		data: store.FilePos{File: -1}, undo: store.FilePos{File: -1}}
	work := consensus.CalcWork(hdr.Bits)
	if parent != nil {
		n.height = parent.height + 1
		n.chainWork = work.Add(work, parent.chainWork)
		bi.children[parent] = append(bi.children[parent], n)
	} else {
		n.chainWork = work
	}
	bi.nextSeq++
	n.sequence = bi.nextSeq
	bi.nodes[n.hash] = n
	bi.dirty[n] = struct{}{}
	return n
}

func (bi *blockIndex) setDirty(n *blockNode) { bi.dirty[n] = struct{}{} }

// takeDirty returns the records changed since the last call.
func (bi *blockIndex) takeDirty() map[wire.Hash]*store.BlockRecord {
	if len(bi.dirty) == 0 {
		return nil
	}
	recs := make(map[wire.Hash]*store.BlockRecord, len(bi.dirty))
	for n := range bi.dirty {
		recs[n.hash] = n.record()
	}
	clear(bi.dirty)
	return recs
}

// activeChain is the main chain as a slice indexed by height.
type activeChain []*blockNode

func (c activeChain) tip() *blockNode {
	if len(c) == 0 {
		return nil
	}
	return c[len(c)-1]
}

func (c activeChain) contains(n *blockNode) bool {
	return n != nil && int(n.height) < len(c) && c[n.height] == n
}

// fork returns the last block n shares with the chain.
func (c activeChain) fork(n *blockNode) *blockNode {
	for n != nil && !c.contains(n) {
		n = n.parent
	}
	return n
}

// setTip makes the chain end at n.
func (c *activeChain) setTip(n *blockNode) {
	if n == nil {
		*c = (*c)[:0]
		return
	}
	h := int(n.height)
	if cap(*c) > h {
		*c = (*c)[:h+1]
	} else {
		*c = append(*c, make([]*blockNode, h+1-len(*c))...)
	}
	for it := n; it != nil && (*c)[it.height] != it; it = it.parent {
		(*c)[it.height] = it
	}
}

// workGreater orders candidate tips: more work first, then earlier arrival.
func workGreater(a, b *blockNode) bool {
	if c := a.chainWork.Cmp(b.chainWork); c != 0 {
		return c > 0
	}
	return a.sequence < b.sequence
}
