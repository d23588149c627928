package chain

import (
	"time"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/wire"
)

// maxFutureBlockTime is how far ahead of the node's clock a block's
// timestamp may be (Core's MAX_FUTURE_BLOCK_TIME).
const maxFutureBlockTime = 2 * 60 * 60

// checkHeaderContext applies the rules that need the parent (Core's
// ContextualCheckBlockHeader): difficulty, timestamps, and the minimum
// version after each BIP34/66/65 activation.
func (c *Chain) checkHeaderContext(hdr *wire.BlockHeader, prev *blockNode) error {
	p := c.params
	height := prev.height + 1
	hash := hdr.BlockHash()
	if want := nextWorkRequired(p, prev, hdr.Timestamp); hdr.Bits != want {
		return consensus.NewRuleError(consensus.ErrBadDiffBits, "block %s: bits %08x, want %08x", hash, hdr.Bits, want)
	}
	if int64(hdr.Timestamp) <= prev.medianTimePast() {
		return consensus.NewRuleError(consensus.ErrTimeTooOld, "block %s: timestamp %d not after median time past %d",
			hash, hdr.Timestamp, prev.medianTimePast())
	}
	if p.EnforceBIP94 && height%int32(p.RetargetInterval()) == 0 &&
		int64(hdr.Timestamp) < int64(prev.header.Timestamp)-maxTimewarp {
		return consensus.NewRuleError(consensus.ErrTimewarp, "block %s: timestamp %d more than %d s before its parent's",
			hash, hdr.Timestamp, maxTimewarp)
	}
	if now := c.now().Unix(); int64(hdr.Timestamp) > now+maxFutureBlockTime {
		return consensus.NewRuleError(consensus.ErrTimeTooNew, "block %s: timestamp %d too far in the future", hash, hdr.Timestamp)
	}
	if (hdr.Version < 2 && height >= p.BIP34Height) || (hdr.Version < 3 && height >= p.BIP66Height) ||
		(hdr.Version < 4 && height >= p.BIP65Height) {
		return consensus.NewRuleError(consensus.ErrBadVersion, "bad-version(0x%08x): block %s at height %d", uint32(hdr.Version), hash, height)
	}
	return nil
}

// acceptHeader adds a header to the index after checking it (Core's
// AcceptBlockHeader). It returns the existing node for a known header.
// Caller holds c.mu.
func (c *Chain) acceptHeader(hdr *wire.BlockHeader) (*blockNode, error) {
	hash := hdr.BlockHash()
	if n := c.index.lookup(hash); n != nil {
		if n.failed() {
			return n, consensus.NewRuleError(consensus.ErrDuplicateInvalid, "block %s is known to be invalid", hash)
		}
		return n, nil
	}
	if err := consensus.CheckProofOfWork(hash, hdr.Bits, c.params.PowLimit); err != nil {
		return nil, err
	}
	prev := c.index.lookup(hdr.PrevBlock)
	if prev == nil {
		return nil, consensus.NewRuleError(consensus.ErrPrevBlockNotFound, "block %s: previous block %s unknown", hash, hdr.PrevBlock)
	}
	if prev.failed() {
		return nil, consensus.NewRuleError(consensus.ErrBadPrevBlock, "block %s: builds on invalid block %s", hash, prev.hash)
	}
	if err := c.checkHeaderContext(hdr, prev); err != nil {
		return nil, err
	}
	n := c.index.add(hdr, prev)
	n.status |= StatusValidHeader
	if c.bestHeader == nil || workGreater(n, c.bestHeader) {
		c.bestHeader = n
		c.headerChain.setTip(n)
	}
	return n, nil
}

// now is the clock block timestamps are judged against.
func (c *Chain) now() time.Time {
	if c.cfg.Now != nil {
		return c.cfg.Now()
	}
	return time.Now()
}
