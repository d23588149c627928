package peer

import (
	"errors"
	"net/netip"
	"strings"
	"time"

	"github.com/bitnode/bitnode/wire"
)

// handleMessage processes one received message, in the order of Core's
// ProcessMessage: version; nothing else before version; verack, wtxidrelay
// and sendaddrv2; nothing else before verack; then the control messages,
// and everything else goes to the handler. A non-nil result ends the
// connection.
func (p *Peer) handleMessage(msg wire.Message) *Error {
	if m, ok := msg.(*wire.MsgVersion); ok {
		return p.onVersion(m)
	}
	if !p.st.versionRecvd {
		p.log.Debug("non-version message before version handshake", "cmd", msg.Command())
		return nil
	}
	switch msg.(type) {
	case *wire.MsgVerAck:
		return p.onVerAck()
	case *wire.MsgWTxIDRelay:
		return p.onWTxIDRelay()
	case *wire.MsgSendAddrV2:
		return p.onSendAddrV2()
	}
	if !p.st.ready {
		p.log.Debug("unsupported message prior to verack", "cmd", msg.Command())
		return nil
	}
	switch m := msg.(type) {
	case *wire.MsgPing:
		if p.st.common > wire.BIP0031Version {
			return asError(p.queue(&wire.MsgPong{Nonce: m.Nonce}))
		}
	case *wire.MsgPong:
		p.onPong(m)
	case *wire.MsgSendHeaders:
		p.locked(func(s *state) { s.wantsHeaders = true })
	case *wire.MsgFeeFilter:
		if m.FeeRate >= 0 && m.FeeRate <= MaxMoney {
			p.locked(func(s *state) { s.feeFilter = m.FeeRate })
		}
	case *wire.MsgSendCmpct:
		if m.Version == CompactBlocksVersion {
			p.locked(func(s *state) { s.cmpct, s.cmpctHB = true, m.Announce })
		}
	default:
		p.cfg.Handler.OnMessage(p, msg)
	}
	return nil
}

// onVersion checks the peer's version, answers with ours if the peer is
// inbound, then sends wtxidrelay, sendaddrv2 and verack.
func (p *Peer) onVersion(m *wire.MsgVersion) *Error {
	if p.st.versionRecvd {
		return newError(ErrProtocol, nil, "redundant version message")
	}
	if want := p.cfg.RequiredServices; !p.inbound && m.Services&want != want {
		return newError(ErrMissingServices, nil, "peer offers services %s, want %s", m.Services, want)
	}
	if m.ProtocolVersion < wire.MinPeerProtoVersion {
		return newError(ErrObsolete, nil, "peer uses obsolete version %d (minimum %d)",
			m.ProtocolVersion, wire.MinPeerProtoVersion)
	}
	if p.inbound && p.cfg.NonceSet != nil && p.cfg.NonceSet.Contains(m.Nonce) {
		return newError(ErrSelfConnection, nil, "connected to self (nonce %016x)", m.Nonce)
	}
	common := min(uint32(m.ProtocolVersion), p.cfg.ProtocolVersion)
	remoteTime := time.Unix(max(m.Timestamp, 0), 0)
	p.locked(func(s *state) {
		s.remote = *m
		s.remote.UserAgent = sanitize(m.UserAgent)
		s.versionRecvd = true
		s.common = common
		s.timeOffset = remoteTime.Sub(p.cfg.Now()).Truncate(time.Second)
	})
	p.log.Debug("received version", "version", m.ProtocolVersion, "subver", p.st.remote.UserAgent,
		"height", m.StartHeight, "services", m.Services, "relay", m.Relay)
	if p.inbound {
		if err := p.sendVersion(); err != nil {
			return asError(err)
		}
	}
	if common >= wire.WTxIDRelayVersion {
		if err := p.queue(&wire.MsgWTxIDRelay{}); err != nil {
			return asError(err)
		}
	}
	// BIP155 allows sendaddrv2 at any version; Core, as a courtesy to
	// implementations that reject unknown messages, sends it from 70016.
	if common >= wire.WTxIDRelayVersion {
		if err := p.queue(&wire.MsgSendAddrV2{}); err != nil {
			return asError(err)
		}
	}
	return asError(p.queue(&wire.MsgVerAck{}))
}

// onVerAck completes the handshake: it sends the post-verack announcements
// and the first ping, then tells the handler.
func (p *Peer) onVerAck() *Error {
	if p.st.ready {
		p.log.Debug("ignoring redundant verack")
		return nil
	}
	common := p.st.common
	var msgs []wire.Message
	if common >= wire.ShortIDsBlocksVersion {
		// Willing to provide version 2 compact blocks, not asking for
		// high-bandwidth announcements.
		msgs = append(msgs, &wire.MsgSendCmpct{Announce: false, Version: CompactBlocksVersion})
	}
	if common >= wire.SendHeadersVersion && !p.cfg.DeferSendHeaders {
		msgs = append(msgs, &wire.MsgSendHeaders{})
	}
	if common >= wire.FeeFilterVersion && p.relayTxs() && p.cfg.FeeFilter != nil {
		msgs = append(msgs, &wire.MsgFeeFilter{FeeRate: p.cfg.FeeFilter()})
	}
	for _, m := range msgs {
		if err := p.queue(m); err != nil {
			return asError(err)
		}
	}
	if e := p.sendPing(); e != nil {
		return e
	}
	// Ready only now, so that nothing the node sends overtakes the
	// announcements above.
	var nonce uint64
	p.locked(func(s *state) { s.ready, nonce = true, s.localNonce })
	if !p.inbound && p.cfg.NonceSet != nil {
		p.cfg.NonceSet.Remove(nonce)
	}
	p.log.Debug("handshake complete", "version", common)
	p.cfg.Handler.OnReady(p)
	return nil
}

func (p *Peer) onWTxIDRelay() *Error {
	if p.st.ready {
		return newError(ErrProtocol, nil, "wtxidrelay received after verack")
	}
	if p.st.common >= wire.WTxIDRelayVersion {
		p.locked(func(s *state) { s.wtxidRelay = true })
	} else {
		p.log.Debug("ignoring wtxidrelay due to old common version", "version", p.st.common)
	}
	return nil
}

func (p *Peer) onSendAddrV2() *Error {
	if p.st.ready {
		return newError(ErrProtocol, nil, "sendaddrv2 received after verack")
	}
	p.locked(func(s *state) { s.addrV2 = true })
	return nil
}

// relayTxs is the relay flag of our version message.
func (p *Peer) relayTxs() bool { return p.cfg.Relay && !p.cfg.DisableRelayTx }

// sendVersion queues our version message. An outbound peer takes its nonce
// from the node's NonceSet, so that a connection to ourselves is seen by
// the inbound side.
func (p *Peer) sendVersion() error {
	var nonce uint64
	if !p.inbound && p.cfg.NonceSet != nil {
		nonce = p.cfg.NonceSet.Generate()
	} else {
		nonce = randomNonce()
	}
	p.locked(func(s *state) { s.localNonce = nonce })
	var height int32
	if p.cfg.BestHeight != nil {
		height = p.cfg.BestHeight()
	}
	return p.queue(&wire.MsgVersion{
		ProtocolVersion: int32(p.cfg.ProtocolVersion),
		Services:        p.cfg.Services,
		Timestamp:       p.cfg.Now().Unix(),
		AddrRecv:        p.addrYou(),
		AddrFrom:        zeroAddr(p.cfg.Services),
		Nonce:           nonce,
		UserAgent:       p.cfg.UserAgent,
		StartHeight:     height,
		Relay:           p.relayTxs(),
	})
}

// addrYou is the addr_recv of our version: the peer's address if it is
// routable, the all-zero address otherwise, as Core's PushNodeVersion.
func (p *Peer) addrYou() wire.NetAddress {
	if ap, ok := p.addr.AddrPort(); ok && routable(ap.Addr()) {
		return wire.NewNetAddress(ap, p.addr.Services)
	}
	return zeroAddr(p.addr.Services)
}

func zeroAddr(services wire.ServiceFlag) wire.NetAddress {
	return wire.NetAddress{Services: services, Network: wire.NetIPv6, Addr: make([]byte, 16)}
}

// unroutable are the ranges Core's CNetAddr::IsRoutable excludes besides
// the private, loopback, link-local and unspecified ones netip knows.
var unroutable = []netip.Prefix{
	netip.MustParsePrefix("198.18.0.0/15"),   // RFC2544
	netip.MustParsePrefix("100.64.0.0/10"),   // RFC6598
	netip.MustParsePrefix("192.0.2.0/24"),    // RFC5737
	netip.MustParsePrefix("198.51.100.0/24"), // RFC5737
	netip.MustParsePrefix("203.0.113.0/24"),  // RFC5737
	netip.MustParsePrefix("2001:db8::/32"),   // RFC3849
	netip.MustParsePrefix("2001:10::/28"),    // RFC4843
	netip.MustParsePrefix("2001:20::/28"),    // RFC7343
}

// routable approximates Core's IsRoutable for IP addresses.
func routable(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsGlobalUnicast() || ip.IsPrivate() {
		return false
	}
	for _, pfx := range unroutable {
		if pfx.Contains(ip) {
			return false
		}
	}
	return true
}

// safeChars are the characters Core's SanitizeString keeps in a user agent.
const safeChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,;-_/:?@()"

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(safeChars, r) {
			return r
		}
		return -1
	}, s)
}

// asError returns err as an *Error: queue fails with one, or with nil.
func asError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return newError(ErrConnection, err, "")
}
