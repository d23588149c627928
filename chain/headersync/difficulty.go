package headersync

import (
	"math/big"
	"time"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/chain/params"
)

// PermittedDifficultyTransition reports whether a block at height may carry
// newBits when its parent carries oldBits: Bitcoin Core's
// PermittedDifficultyTransition, a context-light bound on difficulty changes
// that needs neither timestamps nor ancestors. It is an anti-DoS check, not
// consensus: it accepts every transition consensus could produce and rejects
// an attacker's attempt to pack work into fewer, harder blocks than
// retargeting allows.
//
//   - Networks with PowAllowMinDifficultyBlocks and retargeting (testnet3,
//     testnet4): anything, as in Core, since a min-difficulty block may
//     appear at any height.
//   - Networks with PowNoRetargeting (regtest): the bits never change, so
//     newBits must equal oldBits. With PowAllowMinDifficultyBlocks too, a
//     chain's bits can only ever be the genesis bits or PowLimitBits, so
//     those two are also allowed. (Core skips this case and accepts
//     anything on regtest; on regtest itself both values are 0x207fffff.)
//   - Otherwise, at a height that is not a multiple of RetargetInterval the
//     bits must not change; at a retarget height the new target must lie
//     between a quarter and four times the old one (each bound capped at
//     PowLimit and rounded through the compact encoding, as Core does).
//
// Core computes the bounds in 256-bit arithmetic, which wraps when a target
// near 2^256 is multiplied by the timespan; this uses exact arithmetic, so
// for such targets (only possible on networks with a PowLimit above about
// 2^233 and retargeting) its upper bound is the mathematically right one.
func PermittedDifficultyTransition(p *params.Params, height int64, oldBits, newBits uint32) bool {
	if p.PowNoRetargeting {
		if newBits == oldBits {
			return true
		}
		if !p.PowAllowMinDifficultyBlocks {
			return false
		}
		return newBits == p.PowLimitBits ||
			(p.GenesisBlock != nil && newBits == p.GenesisBlock.Header.Bits)
	}
	if p.PowAllowMinDifficultyBlocks {
		return true
	}
	interval := p.RetargetInterval()
	if interval <= 0 || height%interval != 0 {
		return oldBits == newBits
	}

	timespan := int64(p.PowTargetTimespan / time.Second)
	if timespan <= 0 {
		return oldBits == newBits
	}
	observed, _, _ := consensus.CompactToBig(newBits)
	largest := scaledTarget(oldBits, timespan*4, timespan, p.PowLimit)
	if observed.Cmp(largest) > 0 {
		return false
	}
	smallest := scaledTarget(oldBits, timespan/4, timespan, p.PowLimit)
	return observed.Cmp(smallest) >= 0
}

// scaledTarget is oldBits' target × num / den, capped at powLimit and
// rounded through the compact encoding.
func scaledTarget(oldBits uint32, num, den int64, powLimit *big.Int) *big.Int {
	t, _, _ := consensus.CompactToBig(oldBits)
	t.Mul(t, big.NewInt(num))
	t.Quo(t, big.NewInt(den))
	if powLimit != nil && t.Cmp(powLimit) > 0 {
		t.Set(powLimit)
	}
	rounded, _, _ := consensus.CompactToBig(consensus.BigToCompact(t))
	return rounded
}
