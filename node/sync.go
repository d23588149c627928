package node

import (
	"context"
	"errors"
	"time"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/node/peer"
	"github.com/bitnode/bitnode/wire"
)

// Download window (Core's values): blocks are fetched at most this far
// past the tip, and at most this many at a time from one peer.
const (
	blockDownloadWindow    = 1024
	maxBlocksInFlightPeer  = 16
	maxUnconnectingHeaders = 10
)

func (n *Node) sendGetHeaders(p *peer.Peer, loc wire.BlockLocator) {
	if len(loc) > wire.MaxLocatorHashes {
		loc = loc[:wire.MaxLocatorHashes]
	}
	p.Send(&wire.MsgGetHeaders{ProtocolVersion: wire.ProtocolVersion, BlockLocatorHashes: loc})
}

// onHeaders adds a peer's headers to the index, asks for more when the
// message was full, and schedules block downloads.
func (n *Node) onHeaders(p *peer.Peer, m *wire.MsgHeaders) {
	if len(m.Headers) > wire.MaxHeadersPerMsg {
		n.misbehaving(p, "headers message too large")
		return
	}
	if len(m.Headers) == 0 {
		return
	}
	for i := 1; i < len(m.Headers); i++ {
		if m.Headers[i].PrevBlock != m.Headers[i-1].BlockHash() {
			n.misbehaving(p, "non-continuous headers sequence")
			return
		}
	}
	sp := n.syncPeerOf(p)
	if sp == nil {
		return
	}
	n.mu.Lock()
	presyncing := sp.presync != nil
	n.mu.Unlock()
	if presyncing {
		n.continuePresync(p, sp, m.Headers)
		return
	}
	if _, known := n.chain.BlockInfo(m.Headers[len(m.Headers)-1].BlockHash()); !known && n.lowWorkHeaders(p, sp, m.Headers) {
		return
	}
	err := n.chain.ProcessHeaders(m.Headers)
	var re *consensus.RuleError
	switch {
	case err == nil:
	case errors.As(err, &re) && re.Err == consensus.ErrPrevBlockNotFound:
		// Headers that do not connect: the peer may be ahead of our
		// locator; ask again from our best header, and give up on peers
		// that keep doing it (Core's MAX_NUM_UNCONNECTING_HEADERS_MSGS).
		n.mu.Lock()
		sp.unconnecting++
		over := sp.unconnecting > maxUnconnectingHeaders
		n.mu.Unlock()
		if over {
			n.misbehaving(p, "too many unconnecting headers")
			return
		}
		n.sendGetHeaders(p, n.chain.HeaderLocator())
		return
	case chain.IsRuleError(err):
		n.misbehaving(p, "invalid header: "+err.Error())
		return
	default:
		n.log.Error("processing headers", "err", err)
		return
	}
	last := m.Headers[len(m.Headers)-1]
	lastHash := last.BlockHash()
	if info, ok := n.chain.BlockInfo(lastHash); ok {
		n.mu.Lock()
		if sp := n.peers[p.ID()]; sp != nil {
			sp.unconnecting = 0
			if info.Height > sp.bestHeight {
				sp.bestHeight, sp.bestHash = info.Height, lastHash
			}
		}
		n.mu.Unlock()
	}
	if len(m.Headers) == wire.MaxHeadersPerMsg {
		n.sendGetHeaders(p, wire.BlockLocator{lastHash})
	}
	n.requestBlocks()
}

// requestBlocks hands out the blocks of the download window that are not
// in flight to peers that have them and have room.
func (n *Node) requestBlocks() {
	// Only the lowest missing blocks can be handed out: as many as are in
	// flight (they are among them) plus the free download slots of the
	// ready peers. Asking the chain for no more keeps the work done per
	// received block small, instead of proportional to the whole window.
	n.mu.Lock()
	free := 0
	for _, sp := range n.peers {
		if sp.p.Ready() {
			free += max(maxBlocksInFlightPeer-sp.inFlight, 0)
		}
	}
	limit := min(len(n.inFlight)+free, blockDownloadWindow)
	n.mu.Unlock()
	if free == 0 {
		return
	}
	want := n.chain.BlocksToFetch(blockDownloadWindow, limit)
	if len(want) == 0 {
		return
	}
	type request struct {
		p   *peer.Peer
		inv []wire.InvVect
	}
	reqs := map[int64]*request{}
	now := time.Now()
	n.mu.Lock()
	for _, b := range want {
		if _, busy := n.inFlight[b.Hash]; busy {
			continue
		}
		sp := n.pickPeerFor(b.Height)
		if sp == nil {
			continue
		}
		sp.inFlight++
		n.inFlight[b.Hash] = &inFlightBlock{peer: sp.p.ID(), height: b.Height, since: now}
		r := reqs[sp.p.ID()]
		if r == nil {
			r = &request{p: sp.p}
			reqs[sp.p.ID()] = r
		}
		r.inv = append(r.inv, wire.InvVect{Type: wire.InvTypeWitnessBlock, Hash: b.Hash})
	}
	n.mu.Unlock()
	for _, r := range reqs {
		r.p.Send(&wire.MsgGetData{InvList: r.inv})
	}
}

// pickPeerFor chooses the least busy ready peer that has the block at
// height. Caller holds n.mu.
func (n *Node) pickPeerFor(height int32) *syncPeer {
	var best *syncPeer
	for _, sp := range n.peers {
		if !sp.p.Ready() || sp.bestHeight < height || sp.inFlight >= maxBlocksInFlightPeer {
			continue
		}
		if best == nil || sp.inFlight < best.inFlight {
			best = sp
		}
	}
	return best
}

// onBlock validates a block a peer sent. An invalid block gets the peer
// discouraged, as Core's MaybePunishNodeForBlock does (honest peers check
// blocks before relaying them), except a block that is only too far in the
// future.
func (n *Node) onBlock(p *peer.Peer, blk *wire.Block) {
	hash := blk.BlockHash()
	n.mu.Lock()
	f := n.inFlight[hash]
	if f != nil {
		delete(n.inFlight, hash)
		if sp := n.peers[f.peer]; sp != nil {
			sp.inFlight--
		}
	}
	if sp := n.peers[p.ID()]; sp != nil {
		sp.lastBlock = time.Now()
	}
	n.mu.Unlock()
	err := n.chain.ProcessBlock(blk)
	switch {
	case err == nil:
	case chain.IsRuleError(err):
		reason := chain.RejectReason(err)
		n.log.Info("invalid block from peer", "peer", p.ID(), "hash", hash, "reason", reason)
		if reason != string(consensus.ErrTimeTooNew) {
			n.misbehaving(p, "invalid block: "+reason)
		}
	default:
		n.log.Error("processing block", "hash", hash, "err", err)
	}
	n.requestBlocks()
}

// tickLoop runs the periodic work: stall detection and transaction
// trickling.
func (n *Node) tickLoop(ctx context.Context) {
	stall := time.NewTicker(n.cfg.StallTimeout / 2)
	trickle := time.NewTicker(n.cfg.TrickleInterval)
	prog := time.NewTicker(n.cfg.ProgressInterval)
	defer prog.Stop()
	defer stall.Stop()
	defer trickle.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-stall.C:
			n.checkStalls()
		case <-trickle.C:
			n.flushTxAnnouncements()
		case <-prog.C:
			n.logProgress()
		}
	}
}

// checkStalls drops the peer holding the block at the bottom of the window
// when it has been in flight too long, so another peer can serve it.
func (n *Node) checkStalls() {
	_, tipHeight := n.chain.Tip()
	n.mu.Lock()
	var staller *syncPeer
	for hash, f := range n.inFlight {
		if f.height == tipHeight+1 && time.Since(f.since) > n.cfg.StallTimeout {
			staller = n.peers[f.peer]
			delete(n.inFlight, hash)
			if staller != nil {
				staller.inFlight--
			}
		}
	}
	n.mu.Unlock()
	if staller != nil {
		n.log.Info("peer stalling block download, disconnecting", "peer", staller.p.ID())
		staller.p.Disconnect(errors.New("stalling block download"))
	}
	n.requestBlocks()
}
