package chain

import (
	"bytes"
	"sort"

	"github.com/bitnode/bitnode/wire"
)

// ChainTip is one tip of the block tree (getchaintips).
type ChainTip struct {
	Hash   wire.Hash
	Height int32
	// BranchLen is how many blocks the tip is past its fork from the
	// active chain (0 for the active tip).
	BranchLen int32
	// Status is Bitcoin Core's: "active", "invalid", "headers-only",
	// "valid-fork", "valid-headers" or "unknown".
	Status string
}

// ChainTips lists the active tip and every known block off the active
// chain that no other block builds on, highest first, as Core's
// getchaintips does.
func (c *Chain) ChainTips() []ChainTip {
	c.mu.RLock()
	defer c.mu.RUnlock()
	tips := []*blockNode{c.active.tip()}
	for _, n := range c.index.nodes {
		if !c.active.contains(n) && len(c.index.children[n]) == 0 {
			tips = append(tips, n)
		}
	}
	sort.Slice(tips, func(i, j int) bool {
		if tips[i].height != tips[j].height {
			return tips[i].height > tips[j].height
		}
		return bytes.Compare(tips[i].hash[:], tips[j].hash[:]) < 0
	})
	out := make([]ChainTip, len(tips))
	for i, n := range tips {
		out[i] = ChainTip{Hash: n.hash, Height: n.height,
			BranchLen: n.height - c.active.fork(n).height, Status: c.tipStatus(n)}
	}
	return out
}

// tipStatus is Core's classification of a tip. Caller holds c.mu.
func (c *Chain) tipStatus(n *blockNode) string {
	switch {
	case c.active.contains(n):
		return "active"
	case n.failed():
		return "invalid"
	case !n.haveChainData:
		return "headers-only"
	case n.status&StatusValidScripts != 0:
		return "valid-fork"
	case n.status&StatusValidTree != 0:
		return "valid-headers"
	}
	return "unknown"
}
