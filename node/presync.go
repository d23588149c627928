package node

import (
	"math/big"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/chain/headersync"
	"github.com/bitnode/bitnode/node/peer"
	"github.com/bitnode/bitnode/wire"
)

// antiDoSWorkThreshold is the chain work a peer's headers must reach
// before they are stored (Core's GetAntiDoSWorkThreshold): the network's
// minimum chain work, or the tip's work less 144 blocks' worth, whichever
// is larger.
func (n *Node) antiDoSWorkThreshold() *big.Int {
	tipHash, _ := n.chain.Tip()
	tip, _ := n.chain.BlockInfo(tipHash)
	near := new(big.Int).Mul(consensus.CalcWork(tip.Header.Bits), big.NewInt(144))
	near.Sub(tip.ChainWork, near)
	if near.Sign() < 0 {
		near.SetInt64(0)
	}
	if min := n.chain.Params().MinimumChainWork; min != nil && min.Cmp(near) > 0 {
		return new(big.Int).Set(min)
	}
	return near
}

// lowWorkHeaders decides what to do with a headers message that connects
// to block start: true when the headers were taken over by (or dropped
// because of) the low-work protection, false when they may be stored.
// Headers whose chain stays below the threshold are never stored: a full
// message starts a per-peer presync (chain/headersync), which releases
// the headers only once the peer has shown a chain with enough work; a
// short one is ignored, as Core ignores low-work chains.
func (n *Node) lowWorkHeaders(p *peer.Peer, sp *syncPeer, headers []wire.BlockHeader) bool {
	start, ok := n.chain.BlockInfo(headers[0].PrevBlock)
	if !ok {
		return false
	}
	work := new(big.Int).Set(start.ChainWork)
	for i := range headers {
		work.Add(work, consensus.CalcWork(headers[i].Bits))
	}
	threshold := n.antiDoSWorkThreshold()
	if work.Cmp(threshold) >= 0 {
		return false
	}
	if len(headers) < wire.MaxHeadersPerMsg {
		n.log.Debug("ignoring low-work headers", "peer", p.ID(), "count", len(headers))
		return true
	}
	s := headersync.New(n.chain.Params(), headersync.Start{Hash: start.Hash, Height: start.Height,
		Header: start.Header, ChainWork: start.ChainWork, MedianTimePast: start.MedianTimePast}, threshold)
	n.mu.Lock()
	sp.presync = s
	n.mu.Unlock()
	n.continuePresync(p, sp, headers)
	return true
}

// continuePresync feeds a headers message to the peer's presync and stores
// what it releases.
func (n *Node) continuePresync(p *peer.Peer, sp *syncPeer, headers []wire.BlockHeader) {
	n.mu.Lock()
	s := sp.presync
	n.mu.Unlock()
	res := s.ProcessNextHeaders(headers, len(headers) == wire.MaxHeadersPerMsg)
	if len(res.PowValidatedHeaders) > 0 {
		if err := n.chain.ProcessHeaders(res.PowValidatedHeaders); err != nil {
			n.misbehaving(p, "invalid header after presync: "+err.Error())
			return
		}
	}
	if !res.Success || s.State() == headersync.Final {
		n.mu.Lock()
		sp.presync = nil
		n.mu.Unlock()
		if !res.Success {
			n.log.Debug("headers presync aborted", "peer", p.ID(), "err", res.Err)
		}
	}
	if res.Success && res.RequestMore {
		loc := s.NextHeadersRequestLocator()
		n.sendGetHeaders(p, append(loc, n.chain.HeaderLocator()...))
		return
	}
	if len(res.PowValidatedHeaders) > 0 {
		n.sendGetHeaders(p, n.chain.HeaderLocator())
		n.requestBlocks()
	}
}
