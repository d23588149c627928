package chain

import (
	"math/big"
	"time"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/chain/params"
)

// maxTimewarp is how far before its parent a retarget block's timestamp
// may be under BIP94 (testnet4).
const maxTimewarp = 600

// nextWorkRequired is the bits a block after prev must carry (Bitcoin
// Core's GetNextWorkRequired): unchanged within a retarget interval, except
// for testnet's minimum-difficulty rule; retargeted every interval blocks
// from the time the last interval took, clamped to a factor of four.
func nextWorkRequired(p *params.Params, prev *blockNode, blockTime uint32) uint32 {
	interval := p.RetargetInterval()
	if (prev.height+1)%int32(interval) != 0 {
		if p.PowAllowMinDifficultyBlocks {
			// A block more than twice the spacing after its parent
			// may be mined at minimum difficulty.
			if int64(blockTime) > int64(prev.header.Timestamp)+2*int64(p.PowTargetSpacing/time.Second) {
				return p.PowLimitBits
			}
			// Otherwise it carries the last real difficulty.
			n := prev
			for n.parent != nil && n.height%int32(interval) != 0 && n.header.Bits == p.PowLimitBits {
				n = n.parent
			}
			return n.header.Bits
		}
		return prev.header.Bits
	}
	first := prev.ancestor(prev.height - int32(interval-1))
	return calculateNextWorkRequired(p, prev, first)
}

func calculateNextWorkRequired(p *params.Params, prev, first *blockNode) uint32 {
	if p.PowNoRetargeting {
		return prev.header.Bits
	}
	timespan := int64(p.PowTargetTimespan / time.Second)
	actual := int64(prev.header.Timestamp) - int64(first.header.Timestamp)
	actual = max(actual, timespan/4)
	actual = min(actual, timespan*4)
	// BIP94 bases the new target on the period's first block, which can
	// never use the minimum-difficulty exception.
	bits := prev.header.Bits
	if p.EnforceBIP94 {
		bits = first.header.Bits
	}
	target, _, _ := consensus.CompactToBig(bits)
	target.Mul(target, big.NewInt(actual))
	target.Div(target, big.NewInt(timespan))
	if target.Cmp(p.PowLimit) > 0 {
		target.Set(p.PowLimit)
	}
	return consensus.BigToCompact(target)
}
