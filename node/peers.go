package node

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"sort"
	"time"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/chain/headersync"
	"github.com/bitnode/bitnode/node/peer"
	"github.com/bitnode/bitnode/wire"
)

// syncPeer is what the node tracks about one peer. Fields other than p are
// guarded by Node.mu.
type syncPeer struct {
	p *peer.Peer
	// bestHash/bestHeight: the best block the peer is known to have.
	bestHash   wire.Hash
	bestHeight int32
	inFlight   int
	// unconnecting counts headers messages that did not connect.
	unconnecting int
	// txQueue holds transaction announcements waiting for the trickle.
	txQueue   []wire.InvVect
	knownTxs  map[wire.Hash]struct{}
	lastBlock time.Time
	lastTx    time.Time
	fullRelay bool
	// presync, when set, holds the peer's low-work headers sync.
	presync *headersync.Sync
	// addrTokens is the peer's budget of addresses to process, refilled
	// over time from addrTokensAt.
	addrTokens   float64
	addrTokensAt time.Time
}

// inFlightBlock is a block requested from a peer.
type inFlightBlock struct {
	peer   int64
	height int32
	since  time.Time
}

// runPeer runs one connection until it ends (called on its own goroutine
// for outbound peers; inbound ones start one).
func (n *Node) runPeer(ctx context.Context, conn net.Conn, inbound bool, addr wire.NetAddress, fullRelay bool) {
	p := n.chain.Params()
	cfg := peer.Config{
		Magic:     p.Net,
		Services:  n.services(),
		UserAgent: n.cfg.UserAgent,
		BestHeight: func() int32 {
			_, h := n.chain.Tip()
			return h
		},
		Relay:    fullRelay && n.pool != nil,
		NonceSet: n.nonces,
		Handler:  handler{n},
		Logger:   n.log,
	}
	if !inbound {
		cfg.RequiredServices = wire.SFNodeNetwork | wire.SFNodeWitness
	}
	pr := peer.New(conn, inbound, addr, cfg)
	// One address of budget to start with, and 1,000 for the answer to
	// our getaddr on outbound connections, as Core grants.
	tokens := 1.0
	if !inbound {
		tokens += float64(wire.MaxAddrPerMsg)
	}
	sp := &syncPeer{p: pr, knownTxs: map[wire.Hash]struct{}{}, fullRelay: fullRelay, bestHeight: -1,
		addrTokens: tokens, addrTokensAt: time.Now()}
	n.mu.Lock()
	n.peers[pr.ID()] = sp
	n.mu.Unlock()
	run := func() {
		err := pr.Run(ctx)
		n.log.Debug("peer gone", "peer", pr.ID(), "addr", conn.RemoteAddr(), "err", err)
	}
	if inbound {
		n.wg.Add(1)
		go func() { defer n.wg.Done(); run() }()
		return
	}
	run()
}

// services are the service bits we advertise.
func (n *Node) services() wire.ServiceFlag {
	s := wire.SFNodeWitness | wire.SFNodeNetworkLimited
	if !n.cfg.Pruned {
		s |= wire.SFNodeNetwork
	}
	if n.cfg.Filters != nil {
		s |= wire.SFNodeCompactFilters
	}
	return s
}

func (n *Node) syncPeerOf(p *peer.Peer) *syncPeer {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.peers[p.ID()]
}

// handler adapts the node to peer.Handler.
type handler struct{ n *Node }

func (h handler) OnReady(p *peer.Peer) {
	n := h.n
	if n.cfg.AddrMan != nil && !p.Inbound() {
		n.cfg.AddrMan.Good(p.Addr())
		p.Send(&wire.MsgGetAddr{})
	}
	n.mu.Lock()
	if sp := n.peers[p.ID()]; sp != nil && p.StartHeight() > sp.bestHeight {
		sp.bestHeight = p.StartHeight()
	}
	n.mu.Unlock()
	// Learn the peer's headers from our best header on.
	n.sendGetHeaders(p, n.chain.HeaderLocator())
}

func (h handler) OnDisconnect(p *peer.Peer, err error) {
	n := h.n
	n.mu.Lock()
	if _, ok := n.peers[p.ID()]; ok {
		n.closedRecv += p.BytesRecv()
		n.closedSent += p.BytesSent()
	}
	delete(n.peers, p.ID())
	for hash, f := range n.inFlight {
		if f.peer == p.ID() {
			delete(n.inFlight, hash)
		}
	}
	n.mu.Unlock()
	if errors.Is(err, peer.ErrProtocol) || errors.Is(err, peer.ErrMalformed) || errors.Is(err, peer.ErrFraming) {
		n.discourage(p, "protocol violation: "+err.Error())
	}
	n.requestBlocks()
}

func (h handler) OnMessage(p *peer.Peer, msg wire.Message) {
	n := h.n
	switch m := msg.(type) {
	case *wire.MsgHeaders:
		n.onHeaders(p, m)
	case *wire.Block:
		n.onBlock(p, m)
	case *wire.MsgInv:
		n.onInv(p, m)
	case *wire.MsgGetData:
		n.onGetData(p, m)
	case *wire.MsgGetHeaders:
		hdrs := n.chain.HeadersAfter(m.BlockLocatorHashes, m.HashStop, wire.MaxHeadersPerMsg)
		p.Send(&wire.MsgHeaders{Headers: hdrs})
	case *wire.MsgGetBlocks:
		n.onGetBlocks(p, m)
	case *wire.Tx:
		n.onTx(p, m)
	case *wire.MsgNotFound:
		n.onNotFound(p, m)
	case *wire.MsgMemPool:
		// We offer no bloom filters, so as Core we refuse the request by
		// disconnecting, without discouraging the peer.
		p.Disconnect(errors.New("mempool request with bloom filters disabled"))
	case *wire.MsgGetAddr:
		n.onGetAddr(p)
	case *wire.MsgAddr:
		n.onAddr(p, m.AddrList)
	case *wire.MsgAddrV2:
		n.onAddr(p, m.AddrList)
	case *wire.MsgGetCFilters, *wire.MsgGetCFHeaders, *wire.MsgGetCFCheckpt:
		n.onFilterRequest(p, msg)
	}
}

// discourage disconnects p and, when bans are kept, discourages its
// address (Core's Misbehaving → discouragement).
func (n *Node) discourage(p *peer.Peer, reason string) {
	n.log.Info("discouraging peer", "peer", p.ID(), "addr", p.Conn().RemoteAddr(), "reason", reason)
	if n.cfg.Bans != nil {
		if ip, ok := addrIP(p.Addr()); ok {
			n.cfg.Bans.Discourage(ip)
		}
	}
	p.Disconnect(errors.New(reason))
}

func (n *Node) misbehaving(p *peer.Peer, reason string) { n.discourage(p, reason) }

// evictInbound makes room for a new inbound peer as Core does under
// pressure: protect the peers that are most useful or hardest for an
// attacker to fake (distinct network groups, low ping, recent blocks and
// transactions, longest connected), then drop the youngest peer of the
// network group with the most connections among the rest.
func (n *Node) evictInbound() bool {
	n.mu.Lock()
	var cands []*syncPeer
	for _, sp := range n.peers {
		if sp.p.Inbound() {
			cands = append(cands, sp)
		}
	}
	n.mu.Unlock()
	protect := func(less func(a, b *syncPeer) bool, k int) {
		sort.Slice(cands, func(i, j int) bool { return less(cands[i], cands[j]) })
		if k > len(cands) {
			k = len(cands)
		}
		cands = cands[k:]
	}
	protect(func(a, b *syncPeer) bool { return a.p.MinPingTime() < b.p.MinPingTime() }, 8)
	protect(func(a, b *syncPeer) bool { return a.lastTx.After(b.lastTx) }, 4)
	protect(func(a, b *syncPeer) bool { return a.lastBlock.After(b.lastBlock) }, 4)
	protect(func(a, b *syncPeer) bool { return a.p.ConnTime().Before(b.p.ConnTime()) }, len(cands)/2)
	if len(cands) == 0 {
		return false
	}
	groups := map[string][]*syncPeer{}
	for _, sp := range cands {
		g := prefix16(sp.p.Addr())
		groups[g] = append(groups[g], sp)
	}
	var worst []*syncPeer
	for _, g := range groups {
		if len(g) > len(worst) {
			worst = g
		}
	}
	youngest := worst[0]
	for _, sp := range worst {
		if sp.p.ConnTime().After(youngest.p.ConnTime()) {
			youngest = sp
		}
	}
	youngest.p.Disconnect(errors.New("evicted for a new inbound connection"))
	return true
}

func prefix16(a wire.NetAddress) string {
	ip, ok := addrIP(a)
	if !ok {
		return ""
	}
	b := ip.AsSlice()
	if ip.Is4() {
		return string(b[:2])
	}
	return string(b[:4])
}

// onChainEvent announces newly connected blocks once the node is synced.
func (n *Node) onChainEvent(ev chain.Notification) {
	if ev.Kind != chain.BlockConnected {
		return
	}
	if n.chain.IsInitialBlockDownload() {
		return
	}
	hdr := ev.Block.Header
	n.mu.Lock()
	peers := make([]*syncPeer, 0, len(n.peers))
	for _, sp := range n.peers {
		if sp.bestHash != ev.Hash {
			peers = append(peers, sp)
		}
	}
	n.mu.Unlock()
	for _, sp := range peers {
		if sp.p.WantsHeaders() {
			sp.p.Send(&wire.MsgHeaders{Headers: []wire.BlockHeader{hdr}})
		} else {
			sp.p.Send(&wire.MsgInv{InvList: []wire.InvVect{{Type: wire.InvTypeBlock, Hash: ev.Hash}}})
		}
	}
}

// addrIP returns a peer address's IP (IPv4 unmapped), when it has one.
func addrIP(a wire.NetAddress) (netip.Addr, bool) {
	ap, ok := a.AddrPort()
	if !ok {
		return netip.Addr{}, false
	}
	return ap.Addr().Unmap(), true
}
