package node

import (
	"time"

	"github.com/bitnode/bitnode/node/peer"
	"github.com/bitnode/bitnode/wire"
)

const (
	// maxRejects bounds the recently rejected transactions remembered so
	// they are not fetched again (Core's m_lazy_recent_rejects).
	maxRejects = 50_000
	// maxKnownTxs bounds what each peer is known to have.
	maxKnownTxs = 50_000
	// maxInvPerTrickle caps one announcement batch (Core's
	// INVENTORY_BROADCAST_MAX per interval is of this order).
	maxInvPerTrickle = 1000
)

// onInv handles announcements: unknown blocks are fetched headers-first,
// unknown transactions by getdata.
func (n *Node) onInv(p *peer.Peer, m *wire.MsgInv) {
	var want []wire.InvVect
	unknownBlock := false
	for _, iv := range m.InvList {
		switch iv.Type &^ wire.InvWitnessFlag {
		case wire.InvTypeBlock:
			if _, ok := n.chain.BlockInfo(iv.Hash); !ok {
				unknownBlock = true
			}
		case wire.InvTypeTx, wire.InvTypeWTx:
			n.markKnown(p, iv.Hash)
			if n.wantTx(p, iv) {
				t := wire.InvTypeWitnessTx
				if iv.Type == wire.InvTypeWTx {
					t = wire.InvTypeWTx
				}
				want = append(want, wire.InvVect{Type: t, Hash: iv.Hash})
			}
		}
	}
	if unknownBlock {
		n.sendGetHeaders(p, n.chain.HeaderLocator())
	}
	if len(want) > 0 {
		p.Send(&wire.MsgGetData{InvList: want})
	}
}

func (n *Node) wantTx(p *peer.Peer, iv wire.InvVect) bool {
	if n.pool == nil || n.chain.IsInitialBlockDownload() {
		return false
	}
	n.mu.Lock()
	_, rejected := n.rejects[iv.Hash]
	n.mu.Unlock()
	if rejected {
		return false
	}
	if iv.Type == wire.InvTypeWTx {
		return !n.pool.ContainsWTxID(iv.Hash) && !n.pool.HaveOrphan(iv.Hash)
	}
	return !n.pool.Contains(iv.Hash)
}

func (n *Node) markKnown(p *peer.Peer, h wire.Hash) {
	n.mu.Lock()
	defer n.mu.Unlock()
	sp := n.peers[p.ID()]
	if sp == nil {
		return
	}
	if len(sp.knownTxs) >= maxKnownTxs {
		clear(sp.knownTxs)
	}
	sp.knownTxs[h] = struct{}{}
}

// onTx hands a relayed transaction to the mempool and announces it onward
// when accepted.
func (n *Node) onTx(p *peer.Peer, tx *wire.Tx) {
	if n.pool == nil {
		return
	}
	txid, wtxid := tx.Hashes()
	n.markKnown(p, txid)
	n.markKnown(p, wtxid)
	n.mu.Lock()
	if sp := n.peers[p.ID()]; sp != nil {
		sp.lastTx = time.Now()
	}
	n.mu.Unlock()
	res, err := n.pool.AcceptTx(tx)
	if err != nil {
		n.log.Debug("transaction rejected", "peer", p.ID(), "txid", txid, "err", err)
		n.mu.Lock()
		if len(n.rejects) >= maxRejects {
			clear(n.rejects)
		}
		n.rejects[wtxid] = struct{}{}
		n.mu.Unlock()
		return
	}
	n.RelayTransaction(tx, res.Fee, res.VSize)
}

// RelayTransaction queues an announcement of tx to every peer that wants
// it: full-relay peers that do not know it and whose fee filter it passes.
// The RPC server calls it for sendrawtransaction.
func (n *Node) RelayTransaction(tx *wire.Tx, fee int64, vsize int64) {
	txid, wtxid := tx.Hashes()
	feeRate := int64(0)
	if vsize > 0 {
		feeRate = fee * 1000 / vsize
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, sp := range n.peers {
		if !sp.fullRelay || !sp.p.Ready() || !sp.p.Relay() || feeRate < sp.p.FeeFilter() {
			continue
		}
		iv := wire.InvVect{Type: wire.InvTypeTx, Hash: txid}
		if sp.p.WTxIDRelay() {
			iv = wire.InvVect{Type: wire.InvTypeWTx, Hash: wtxid}
		}
		if _, known := sp.knownTxs[iv.Hash]; known {
			continue
		}
		sp.knownTxs[iv.Hash] = struct{}{}
		sp.txQueue = append(sp.txQueue, iv)
	}
}

// flushTxAnnouncements sends each peer its queued announcements: batching
// on a timer hides which peer a transaction came from first (Core's
// trickling).
func (n *Node) flushTxAnnouncements() {
	type batch struct {
		p   *peer.Peer
		inv []wire.InvVect
	}
	var batches []batch
	n.mu.Lock()
	for _, sp := range n.peers {
		if len(sp.txQueue) == 0 {
			continue
		}
		k := min(len(sp.txQueue), maxInvPerTrickle)
		batches = append(batches, batch{sp.p, sp.txQueue[:k:k]})
		sp.txQueue = append([]wire.InvVect(nil), sp.txQueue[k:]...)
	}
	n.mu.Unlock()
	for _, b := range batches {
		b.p.Send(&wire.MsgInv{InvList: b.inv})
	}
}

// onNotFound frees blocks a peer could not serve for another peer.
func (n *Node) onNotFound(p *peer.Peer, m *wire.MsgNotFound) {
	n.mu.Lock()
	for _, iv := range m.InvList {
		if f := n.inFlight[iv.Hash]; f != nil && f.peer == p.ID() {
			delete(n.inFlight, iv.Hash)
			if sp := n.peers[p.ID()]; sp != nil {
				sp.inFlight--
			}
		}
	}
	n.mu.Unlock()
	n.requestBlocks()
}

// onGetData serves blocks (with or without witnesses, as asked) and
// mempool transactions, and answers notfound for the rest.
func (n *Node) onGetData(p *peer.Peer, m *wire.MsgGetData) {
	var missing []wire.InvVect
	for _, iv := range m.InvList {
		if p.SendPaused() {
			missing = append(missing, iv) // Core stops serving; we say so
			continue
		}
		switch iv.Type {
		case wire.InvTypeBlock, wire.InvTypeWitnessBlock:
			blk, err := n.chain.ReadBlock(iv.Hash)
			if err != nil {
				missing = append(missing, iv)
				continue
			}
			if iv.Type == wire.InvTypeBlock {
				blk = stripWitness(blk)
			}
			p.Send(blk)
		case wire.InvTypeTx, wire.InvTypeWitnessTx, wire.InvTypeWTx:
			tx := n.mempoolTx(iv)
			if tx == nil {
				missing = append(missing, iv)
				continue
			}
			if iv.Type == wire.InvTypeTx && tx.HasWitness() {
				tx = stripTxWitness(tx)
			}
			p.Send(tx)
		default:
			missing = append(missing, iv)
		}
	}
	if len(missing) > 0 {
		p.Send(&wire.MsgNotFound{InvList: missing})
	}
}

func (n *Node) mempoolTx(iv wire.InvVect) *wire.Tx {
	if n.pool == nil {
		return nil
	}
	if iv.Type != wire.InvTypeWTx {
		return n.pool.Tx(iv.Hash)
	}
	for _, e := range n.pool.Entries() {
		if e.WTxID == iv.Hash {
			return e.Tx
		}
	}
	return nil
}

func stripTxWitness(tx *wire.Tx) *wire.Tx {
	c := *tx
	c.TxIn = make([]*wire.TxIn, len(tx.TxIn))
	for i, in := range tx.TxIn {
		ci := *in
		ci.Witness = nil
		c.TxIn[i] = &ci
	}
	return &c
}

func stripWitness(blk *wire.Block) *wire.Block {
	c := &wire.Block{Header: blk.Header, Transactions: make([]*wire.Tx, len(blk.Transactions))}
	for i, tx := range blk.Transactions {
		c.Transactions[i] = stripTxWitness(tx)
	}
	return c
}

// onGetBlocks answers with an inv of up to 500 block hashes.
func (n *Node) onGetBlocks(p *peer.Peer, m *wire.MsgGetBlocks) {
	hashes := n.chain.HashesAfter(m.BlockLocatorHashes, m.HashStop, 500)
	if len(hashes) == 0 {
		return
	}
	inv := make([]wire.InvVect, len(hashes))
	for i, h := range hashes {
		inv[i] = wire.InvVect{Type: wire.InvTypeBlock, Hash: h}
	}
	p.Send(&wire.MsgInv{InvList: inv})
}

// onGetAddr answers an inbound peer's getaddr from the address manager
// (Core answers only inbound peers, once).
func (n *Node) onGetAddr(p *peer.Peer) {
	if n.cfg.AddrMan == nil || !p.Inbound() {
		return
	}
	addrs := n.cfg.AddrMan.GetAddr(wire.MaxAddrPerMsg, 23, nil)
	if p.AddrV2() {
		p.Send(&wire.MsgAddrV2{AddrList: addrs})
		return
	}
	p.Send(&wire.MsgAddr{AddrList: addrs})
}

// Address gossip limits (Core's MAX_ADDR_RATE_PER_SECOND and
// MAX_ADDR_PROCESSING_TOKEN_BUCKET).
const (
	addrRatePerSecond = 0.1
	addrBucketMax     = float64(wire.MaxAddrPerMsg)
)

// onAddr stores gossiped addresses within the peer's rate budget and
// forwards fresh ones from small messages to two other peers, as Core
// relays self-announcements.
func (n *Node) onAddr(p *peer.Peer, addrs []wire.NetAddress) {
	if len(addrs) > wire.MaxAddrPerMsg {
		n.misbehaving(p, "addr message too large")
		return
	}
	now := time.Now()
	n.mu.Lock()
	sp := n.peers[p.ID()]
	if sp == nil {
		n.mu.Unlock()
		return
	}
	sp.addrTokens = min(addrBucketMax, sp.addrTokens+now.Sub(sp.addrTokensAt).Seconds()*addrRatePerSecond)
	sp.addrTokensAt = now
	allowed := min(len(addrs), int(sp.addrTokens))
	sp.addrTokens -= float64(allowed)
	n.mu.Unlock()
	addrs = addrs[:allowed]
	for i := range addrs {
		// Core's sanitising: timestamps in the far past or future are
		// replaced by five days ago.
		ts := int64(addrs[i].Timestamp)
		if ts <= 100_000_000 || ts > now.Add(10*time.Minute).Unix() {
			addrs[i].Timestamp = uint32(now.Add(-5 * 24 * time.Hour).Unix())
		}
	}
	if n.cfg.AddrMan != nil && len(addrs) > 0 {
		n.cfg.AddrMan.Add(addrs, p.Addr(), 2*time.Hour)
	}
	if len(addrs) <= 10 {
		n.forwardAddrs(p, addrs, now)
	}
}

func (n *Node) forwardAddrs(from *peer.Peer, addrs []wire.NetAddress, now time.Time) {
	var fresh []wire.NetAddress
	for _, a := range addrs {
		if int64(a.Timestamp) > now.Add(-10*time.Minute).Unix() {
			fresh = append(fresh, a)
		}
	}
	if len(fresh) == 0 {
		return
	}
	n.mu.Lock()
	var targets []*peer.Peer
	for _, sp := range n.peers {
		if sp.p != from && sp.fullRelay && sp.p.Ready() && len(targets) < 2 {
			targets = append(targets, sp.p)
		}
	}
	n.mu.Unlock()
	for _, t := range targets {
		if t.AddrV2() {
			t.Send(&wire.MsgAddrV2{AddrList: fresh})
		} else {
			t.Send(&wire.MsgAddr{AddrList: fresh})
		}
	}
}
