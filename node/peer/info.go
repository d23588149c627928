package peer

import (
	"maps"
	"time"

	"github.com/bitnode/bitnode/wire"
)

// Info is a snapshot of the peer, the part of Core's getpeerinfo a single
// connection knows. Times are zero and durations -1 where Core omits the
// field.
type Info struct {
	ID             int64
	Addr           string // host:port
	AddrLocal      string // our address as the peer sees it; "" if unknown
	Inbound        bool
	Services       wire.ServiceFlag
	RelayTxes      bool // the relay flag of the peer's version
	LastSend       time.Time
	LastRecv       time.Time
	BytesSent      uint64
	BytesRecv      uint64
	ConnTime       time.Time
	TimeOffset     time.Duration
	PingTime       time.Duration // last round trip; -1 before the first
	MinPing        time.Duration // -1 before the first
	PingWait       time.Duration // age of the outstanding ping; -1 if none
	Version        int32         // the peer's protocol version
	CommonVersion  uint32        // the negotiated one
	SubVer         string
	StartingHeight int32
	Ready          bool // the handshake is complete
	WantsHeaders   bool
	WTxIDRelay     bool
	AddrV2         bool
	// BIP152HBFrom: the peer asked us for high-bandwidth compact blocks.
	BIP152HBFrom bool
	MinFeeFilter int64 // the peer's feefilter, sat/kvB
	// SendQueueBytes is what is queued and not yet written.
	SendQueueBytes        int
	BytesSentPerMsg       map[string]uint64
	BytesRecvPerMsg       map[string]uint64
	TransportProtocolType string // always "v1"
}

// Info returns a snapshot of the peer.
func (p *Peer) Info() Info {
	now := p.cfg.Now()
	info := Info{
		ID:                    p.id,
		Addr:                  p.addrString(),
		Inbound:               p.inbound,
		LastSend:              p.LastSend(),
		LastRecv:              p.LastRecv(),
		BytesSent:             p.BytesSent(),
		BytesRecv:             p.BytesRecv(),
		ConnTime:              p.created,
		SendQueueBytes:        p.SendQueueBytes(),
		TransportProtocolType: "v1",
		PingTime:              -1,
		PingWait:              -1,
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	s := &p.st
	if s.versionRecvd {
		info.AddrLocal = s.remote.AddrRecv.String()
	}
	info.Services = s.remote.Services
	info.RelayTxes = s.versionRecvd && s.remote.Relay
	info.TimeOffset = s.timeOffset
	if s.minPingTime >= 0 {
		info.PingTime = s.pingTime
	}
	info.MinPing = s.minPingTime
	if s.pingNonce != 0 {
		info.PingWait = now.Sub(s.pingStart)
	}
	info.Version = s.remote.ProtocolVersion
	info.CommonVersion = s.common
	info.SubVer = s.remote.UserAgent
	info.StartingHeight = s.remote.StartHeight
	info.Ready = s.ready
	info.WantsHeaders = s.wantsHeaders
	info.WTxIDRelay = s.wtxidRelay
	info.AddrV2 = s.addrV2
	info.BIP152HBFrom = s.cmpctHB
	info.MinFeeFilter = s.feeFilter
	info.BytesSentPerMsg = maps.Clone(s.sentPerMsg)
	info.BytesRecvPerMsg = maps.Clone(s.recvPerMsg)
	return info
}

// addrString prints the peer's address, or the connection's remote address
// when the peer's is not an IP address.
func (p *Peer) addrString() string {
	if _, ok := p.addr.AddrPort(); ok {
		return p.addr.String()
	}
	return p.conn.RemoteAddr().String()
}
