package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/mempool"
	"github.com/bitnode/bitnode/node/addrman"
	"github.com/bitnode/bitnode/node/peer"
	"github.com/bitnode/bitnode/wire"
)

// Connection defaults (Bitcoin Core's).
const (
	DefaultMaxConnections     = 125
	DefaultFullRelayOutbound  = 8
	DefaultBlockRelayOutbound = 2
)

// Config configures a Node.
type Config struct {
	Chain *chain.Chain
	// Mempool receives relayed transactions; nil disables transaction
	// relay.
	Mempool *mempool.Pool
	// AddrMan and Bans are optional: without an address manager only
	// Connect and AddNodes peers are dialled; without bans nobody is
	// discouraged.
	AddrMan *addrman.Manager
	Bans    *addrman.Bans
	// Listen addresses ("127.0.0.1:18444"); none means no listening.
	Listen []string
	// Connect, when non-nil, lists the only peers to dial (Core's
	// -connect); an empty non-nil list dials nobody (-connect=0).
	Connect []string
	// AddNodes are dialled and redialled with backoff, besides the
	// automatic connections.
	AddNodes       []string
	MaxConnections int
	// FullRelayOutbound and BlockRelayOutbound are the automatic outbound
	// targets.
	FullRelayOutbound, BlockRelayOutbound int
	UserAgent                             string
	Logger                                *slog.Logger
	// StallTimeout is how long the block holding up the download window
	// may stay in flight before its peer is dropped (2 s as Core).
	StallTimeout time.Duration
	// TrickleInterval batches transaction announcements per peer.
	TrickleInterval time.Duration
	// ProgressInterval is how often sync progress is logged (10 s).
	ProgressInterval time.Duration
	// Filters, when set, serves BIP157 compact filters and advertises
	// NODE_COMPACT_FILTERS (Core's -peerblockfilters).
	Filters FilterServer
	// Pruned advertises NODE_NETWORK_LIMITED instead of NODE_NETWORK
	// (BIP159): only the last 288 blocks are served.
	Pruned bool
	// Dial connects to a peer; net.Dialer with a 5 s timeout when nil.
	Dial func(ctx context.Context, addr string) (net.Conn, error)
}

// Node runs the P2P side of the node.
type Node struct {
	cfg    Config
	chain  *chain.Chain
	pool   *mempool.Pool
	log    *slog.Logger
	nonces *peer.NonceSet

	mu        sync.Mutex
	peers     map[int64]*syncPeer
	inFlight  map[wire.Hash]*inFlightBlock
	listeners []net.Listener
	rejects   map[wire.Hash]struct{}
	prog      progress
	// closedRecv and closedSent count the traffic of ended connections
	// (NetTotals).
	closedRecv, closedSent uint64
	// added are the addnode peers by address, in the order added;
	// runCtx is Run's context while it runs (AddNode and OneTry dial on
	// it).
	added      map[string]*addedNode
	addedOrder []string
	runCtx     context.Context
	// inactive is set by SetNetworkActive(false).
	inactive atomic.Bool

	wg sync.WaitGroup
}

// New returns a node; Run starts it.
func New(cfg Config) (*Node, error) {
	if cfg.Chain == nil {
		return nil, errors.New("node: no chain")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxConnections <= 0 {
		cfg.MaxConnections = DefaultMaxConnections
	}
	if cfg.StallTimeout <= 0 {
		cfg.StallTimeout = 2 * time.Second
	}
	if cfg.ProgressInterval <= 0 {
		cfg.ProgressInterval = 10 * time.Second
	}
	if cfg.TrickleInterval <= 0 {
		cfg.TrickleInterval = 2 * time.Second
	}
	if cfg.Dial == nil {
		d := &net.Dialer{Timeout: 5 * time.Second}
		cfg.Dial = func(ctx context.Context, addr string) (net.Conn, error) { return d.DialContext(ctx, "tcp", addr) }
	}
	return &Node{cfg: cfg, chain: cfg.Chain, pool: cfg.Mempool, log: cfg.Logger, nonces: &peer.NonceSet{},
		peers: map[int64]*syncPeer{}, inFlight: map[wire.Hash]*inFlightBlock{}, rejects: map[wire.Hash]struct{}{}}, nil
}

// Run listens, dials, syncs and relays until ctx is cancelled, then
// disconnects every peer and returns after all its goroutines have ended.
func (n *Node) Run(ctx context.Context) error {
	for _, addr := range n.cfg.Listen {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			n.closeListeners()
			return fmt.Errorf("listen on %s: %w", addr, err)
		}
		n.mu.Lock()
		n.listeners = append(n.listeners, l)
		n.mu.Unlock()
		n.log.Info("listening", "addr", l.Addr())
		n.wg.Add(1)
		go func() { defer n.wg.Done(); n.acceptLoop(ctx, l) }()
	}
	unsubscribe := n.chain.Subscribe(n.onChainEvent)
	for _, addr := range n.cfg.Connect {
		n.startPersistent(ctx, addr, nil)
	}
	n.mu.Lock()
	n.runCtx = ctx
	for _, addr := range n.addedOrder {
		n.startPersistent(ctx, addr, n.added[addr])
	}
	n.mu.Unlock()
	for _, addr := range n.cfg.AddNodes {
		n.AddNode(addr)
	}
	if n.cfg.Connect == nil && n.cfg.AddrMan != nil {
		n.wg.Add(1)
		go func() { defer n.wg.Done(); n.outboundLoop(ctx) }()
	}
	n.wg.Add(1)
	go func() { defer n.wg.Done(); n.tickLoop(ctx) }()
	<-ctx.Done()
	unsubscribe()
	n.closeListeners()
	n.mu.Lock()
	n.runCtx = nil
	for _, sp := range n.peers {
		sp.p.Disconnect(context.Canceled)
	}
	n.mu.Unlock()
	n.wg.Wait()
	return nil
}

func (n *Node) closeListeners() {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, l := range n.listeners {
		l.Close()
	}
}

// ListenAddrs returns the addresses the node listens on.
func (n *Node) ListenAddrs() []net.Addr {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]net.Addr, len(n.listeners))
	for i, l := range n.listeners {
		out[i] = l.Addr()
	}
	return out
}

// Peers returns a getpeerinfo-shaped snapshot of the connected peers.
func (n *Node) Peers() []peer.Info {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]peer.Info, 0, len(n.peers))
	for _, sp := range n.peers {
		out = append(out, sp.p.Info())
	}
	return out
}

func (n *Node) acceptLoop(ctx context.Context, l net.Listener) {
	for {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		addr := netAddrOf(conn.RemoteAddr())
		if n.inactive.Load() || n.refuseInbound(addr) {
			conn.Close()
			continue
		}
		n.runPeer(ctx, conn, true, addr, true)
	}
}

// refuseInbound applies bans and the connection limit. A discouraged
// address is only let in while inbound slots are free.
func (n *Node) refuseInbound(addr wire.NetAddress) bool {
	ip, ok := addrIP(addr)
	if ok && n.cfg.Bans != nil && n.cfg.Bans.IsBanned(ip) {
		return true
	}
	n.mu.Lock()
	inbound := 0
	for _, sp := range n.peers {
		if sp.p.Inbound() {
			inbound++
		}
	}
	n.mu.Unlock()
	maxInbound := n.cfg.MaxConnections - n.cfg.FullRelayOutbound - n.cfg.BlockRelayOutbound
	if inbound >= maxInbound {
		return !n.evictInbound()
	}
	if ok && n.cfg.Bans != nil && n.cfg.Bans.IsDiscouraged(ip) && inbound+1 >= maxInbound {
		return true
	}
	return false
}

func netAddrOf(a net.Addr) wire.NetAddress {
	if ta, ok := a.(*net.TCPAddr); ok {
		return wire.NewNetAddressIP(ta.IP, uint16(ta.Port), 0)
	}
	return wire.NetAddress{}
}

// startPersistent dials addr and redials it with exponential backoff for
// as long as the node runs (Core's -addnode and -connect peers), or until
// an added node a (nil for -connect) is removed. Dialling pauses while the
// network is inactive.
func (n *Node) startPersistent(ctx context.Context, addr string, a *addedNode) {
	var stop chan struct{}
	if a != nil {
		stop = a.stop
	}
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		backoff := time.Second
		for ctx.Err() == nil {
			if n.inactive.Load() {
				select {
				case <-ctx.Done():
					return
				case <-stop:
					return
				case <-time.After(time.Second):
				}
				continue
			}
			start := time.Now()
			if conn, err := n.cfg.Dial(ctx, addr); err == nil {
				n.setAddedConn(a, conn.RemoteAddr().String())
				n.runPeer(ctx, conn, false, netAddrOf(conn.RemoteAddr()), true)
				n.setAddedConn(a, "")
			} else {
				n.log.Debug("dial failed", "addr", addr, "err", err)
			}
			if time.Since(start) > time.Minute {
				backoff = time.Second
			}
			select {
			case <-ctx.Done():
				return
			case <-stop:
				return
			case <-time.After(backoff + time.Duration(rand.Int64N(int64(backoff/2)+1))):
			}
			backoff = min(backoff*2, 2*time.Minute)
		}
	}()
}

// outboundLoop keeps the automatic outbound connections filled from the
// address manager, one per network group.
func (n *Node) outboundLoop(ctx context.Context) {
	am := n.cfg.AddrMan
	target := n.cfg.FullRelayOutbound + n.cfg.BlockRelayOutbound
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		groups, outbound := n.outboundGroups()
		if outbound >= target || n.inactive.Load() {
			continue
		}
		addr, _, ok := am.Select(false)
		if !ok || groups[addrman.NetGroup(addr)] {
			continue
		}
		am.Attempt(addr, true)
		ap, ok := addr.AddrPort()
		if !ok {
			continue // not an IP address we can dial
		}
		conn, err := n.cfg.Dial(ctx, net.JoinHostPort(ap.Addr().String(), strconv.Itoa(int(ap.Port()))))
		if err != nil {
			continue
		}
		blockOnly := outbound >= n.cfg.FullRelayOutbound
		n.wg.Add(1)
		go func() { defer n.wg.Done(); n.runPeer(ctx, conn, false, addr, !blockOnly) }()
	}
}

func (n *Node) outboundGroups() (map[string]bool, int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	groups := map[string]bool{}
	out := 0
	for _, sp := range n.peers {
		if !sp.p.Inbound() {
			out++
			if n.cfg.AddrMan != nil {
				groups[addrman.NetGroup(sp.p.Addr())] = true
			}
		}
	}
	return groups, out
}
