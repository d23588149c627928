package peer

import (
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bitnode/bitnode/wire"
)

// lastPeerID numbers peers in the order New creates them, from 0 like
// Core's NodeId.
var lastPeerID atomic.Int64

// Peer is one Bitcoin P2P connection speaking the v1 transport. It performs
// the version handshake, answers pings, sends its own, enforces the
// timeouts and passes every other message to its Handler. Create it with
// New and drive it with Run; all other methods are safe to call from any
// goroutine at any time.
type Peer struct {
	cfg     Config
	conn    net.Conn
	inbound bool
	addr    wire.NetAddress
	id      int64
	log     *slog.Logger
	created time.Time

	started  atomic.Bool
	quit     chan struct{}
	quitOnce sync.Once
	err      atomic.Pointer[Error]

	// send queue: encoded messages not yet written.
	sendMu     sync.Mutex
	sendQueue  [][]byte
	sendBytes  int
	sendSignal chan struct{}

	bytesSent atomic.Uint64
	bytesRecv atomic.Uint64
	lastSend  atomic.Int64 // Unix nanoseconds; 0 before the first byte
	lastRecv  atomic.Int64

	// mu guards st. The read loop is the only writer of the handshake
	// fields and reads them without the lock.
	mu sync.Mutex
	st state
}

// state is what the handshake and the control messages established.
type state struct {
	localNonce   uint64 // the nonce of our version message
	versionRecvd bool
	ready        bool // verack received after their version
	remote       wire.MsgVersion
	common       uint32 // min(ours, theirs)
	timeOffset   time.Duration
	wantsHeaders bool
	wtxidRelay   bool
	addrV2       bool
	cmpct        bool // sent sendcmpct version 2
	cmpctHB      bool // and asked for high-bandwidth mode
	feeFilter    int64

	pingNonce   uint64 // outstanding ping, 0 if none
	pingStart   time.Time
	pingTime    time.Duration // last round trip
	minPingTime time.Duration

	sentPerMsg map[string]uint64
	recvPerMsg map[string]uint64
}

// New returns a peer on conn, which it owns from now on (Run and
// Disconnect close it). addr is the peer's address as the node knows it,
// with the services it is believed to offer; if it is not a known network
// address it is taken from conn.RemoteAddr().
func New(conn net.Conn, inbound bool, addr wire.NetAddress, cfg Config) *Peer {
	cfg = cfg.withDefaults()
	if !addr.Known() {
		if ap, err := netip.ParseAddrPort(conn.RemoteAddr().String()); err == nil {
			addr = wire.NewNetAddress(ap, addr.Services)
		}
	}
	p := &Peer{
		cfg:        cfg,
		conn:       conn,
		inbound:    inbound,
		addr:       addr,
		id:         lastPeerID.Add(1) - 1,
		created:    cfg.Now(),
		quit:       make(chan struct{}),
		sendSignal: make(chan struct{}, 1),
	}
	p.st.minPingTime = -1
	p.st.sentPerMsg = make(map[string]uint64)
	p.st.recvPerMsg = make(map[string]uint64)
	p.st.remote.StartHeight = -1
	p.log = cfg.Logger.With("peer", p.id, "addr", conn.RemoteAddr().String(), "inbound", inbound)
	return p
}

// ID returns the peer's number, unique in the process.
func (p *Peer) ID() int64 { return p.id }

// Inbound reports whether the peer connected to us.
func (p *Peer) Inbound() bool { return p.inbound }

// Addr returns the peer's address.
func (p *Peer) Addr() wire.NetAddress { return p.addr }

// Conn returns the underlying connection, for its addresses; do not read
// or write it.
func (p *Peer) Conn() net.Conn { return p.conn }

// Ready reports whether the handshake is complete and the connection has
// not ended.
func (p *Peer) Ready() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.st.ready && p.err.Load() == nil
}

// Err returns why the connection ended, or nil while it is up.
func (p *Peer) Err() error {
	if e := p.err.Load(); e != nil {
		return e
	}
	return nil
}

// Done is closed when the connection has been told to end.
func (p *Peer) Done() <-chan struct{} { return p.quit }

func (p *Peer) locked(f func(*state)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(&p.st)
}

// Version returns the negotiated protocol version, min(ours, theirs), or
// 0 before their version arrived.
func (p *Peer) Version() uint32 {
	var v uint32
	p.locked(func(s *state) { v = s.common })
	return v
}

// RemoteVersion returns the protocol version the peer announced.
func (p *Peer) RemoteVersion() int32 {
	var v int32
	p.locked(func(s *state) { v = s.remote.ProtocolVersion })
	return v
}

// Services returns the services the peer announced in its version.
func (p *Peer) Services() wire.ServiceFlag {
	var v wire.ServiceFlag
	p.locked(func(s *state) { v = s.remote.Services })
	return v
}

// UserAgent returns the peer's user agent.
func (p *Peer) UserAgent() string {
	var v string
	p.locked(func(s *state) { v = s.remote.UserAgent })
	return v
}

// StartHeight returns the best height the peer announced in its version,
// -1 if it announced none.
func (p *Peer) StartHeight() int32 {
	var v int32
	p.locked(func(s *state) { v = s.remote.StartHeight })
	return v
}

// Relay returns the relay flag of the peer's version: whether it wants
// transactions announced (BIP37).
func (p *Peer) Relay() bool {
	var v bool
	p.locked(func(s *state) { v = s.versionRecvd && s.remote.Relay })
	return v
}

// LocalAddr returns our address as the peer sees it (its version's
// addr_recv).
func (p *Peer) LocalAddr() wire.NetAddress {
	var v wire.NetAddress
	p.locked(func(s *state) { v = s.remote.AddrRecv })
	return v
}

// TimeOffset returns the peer's clock minus ours, from its version.
func (p *Peer) TimeOffset() time.Duration {
	var v time.Duration
	p.locked(func(s *state) { v = s.timeOffset })
	return v
}

// WantsHeaders reports whether the peer sent sendheaders (BIP130): announce
// new blocks to it with headers.
func (p *Peer) WantsHeaders() bool {
	var v bool
	p.locked(func(s *state) { v = s.wantsHeaders })
	return v
}

// WTxIDRelay reports whether both sides sent wtxidrelay (BIP339): announce
// and request transactions by wtxid.
func (p *Peer) WTxIDRelay() bool {
	var v bool
	p.locked(func(s *state) { v = s.wtxidRelay })
	return v
}

// AddrV2 reports whether the peer sent sendaddrv2 (BIP155): send it addrv2
// rather than addr.
func (p *Peer) AddrV2() bool {
	var v bool
	p.locked(func(s *state) { v = s.addrV2 })
	return v
}

// FeeFilter returns the peer's last feefilter (sat/kvB, BIP133), 0 if none.
func (p *Peer) FeeFilter() int64 {
	var v int64
	p.locked(func(s *state) { v = s.feeFilter })
	return v
}

// CompactBlocks reports whether the peer sent sendcmpct for version 2
// (BIP152) and, second, whether its last one asked for high-bandwidth mode
// (new blocks pushed as cmpctblock).
func (p *Peer) CompactBlocks() (supported, highBandwidth bool) {
	p.locked(func(s *state) { supported, highBandwidth = s.cmpct, s.cmpctHB })
	return supported, highBandwidth
}

// PingTime returns the last ping round trip, 0 before the first pong.
func (p *Peer) PingTime() time.Duration {
	var v time.Duration
	p.locked(func(s *state) { v = s.pingTime })
	return v
}

// MinPingTime returns the fastest ping round trip, -1 before the first.
func (p *Peer) MinPingTime() time.Duration {
	var v time.Duration
	p.locked(func(s *state) { v = s.minPingTime })
	return v
}

// LastSend returns when bytes were last written, zero if never.
func (p *Peer) LastSend() time.Time { return unixNano(p.lastSend.Load()) }

// LastRecv returns when bytes were last read, zero if never.
func (p *Peer) LastRecv() time.Time { return unixNano(p.lastRecv.Load()) }

// BytesSent returns the bytes written to the connection.
func (p *Peer) BytesSent() uint64 { return p.bytesSent.Load() }

// BytesRecv returns the bytes read from the connection.
func (p *Peer) BytesRecv() uint64 { return p.bytesRecv.Load() }

// ConnTime returns when the peer was created.
func (p *Peer) ConnTime() time.Time { return p.created }

// SendQueueBytes returns the encoded bytes queued and not yet written.
func (p *Peer) SendQueueBytes() int {
	p.sendMu.Lock()
	defer p.sendMu.Unlock()
	return p.sendBytes
}

// SendPaused reports whether the send queue holds more than
// Config.SendPauseBytes: the node should not answer the peer's requests
// (getdata, getheaders) until it drains, as Core pauses processing.
func (p *Peer) SendPaused() bool { return p.SendQueueBytes() > p.cfg.SendPauseBytes }

func unixNano(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}
