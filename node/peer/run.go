package peer

import (
	"context"
	"sync"
	"time"

	"github.com/bitnode/bitnode/wire"
)

// Run drives the connection: an outbound peer sends its version at once,
// an inbound one waits for the peer's. Run returns when the connection has
// ended, with the reason (an *Error), after the read and write loops have
// stopped, the connection is closed and Handler.OnDisconnect has returned.
// Cancelling ctx ends the connection with ErrDisconnected wrapping
// ctx.Err(). Run may be called once.
func (p *Peer) Run(ctx context.Context) error {
	if !p.started.CompareAndSwap(false, true) {
		return newError(ErrMisuse, nil, "Run called twice")
	}
	p.log.Debug("connected")
	if !p.inbound {
		if e := asError(p.sendVersion()); e != nil {
			p.fail(e)
		}
	}
	var wg sync.WaitGroup
	wg.Go(p.readLoop)
	wg.Go(p.writeLoop)
	p.maintain(ctx)
	wg.Wait()

	p.mu.Lock()
	nonce := p.st.localNonce
	p.mu.Unlock()
	if !p.inbound && p.cfg.NonceSet != nil && nonce != 0 {
		p.cfg.NonceSet.Remove(nonce)
	}
	p.sendMu.Lock()
	p.sendQueue, p.sendBytes = nil, 0
	p.sendMu.Unlock()

	err := p.err.Load()
	p.log.Debug("disconnected", "reason", err)
	p.cfg.Handler.OnDisconnect(p, err)
	return err
}

// Send queues msg for the peer without blocking. It fails with ErrNotReady
// before the handshake completed, ErrNotConnected after the connection
// ended, ErrMisuse for the handshake messages (the peer sends those
// itself) and messages that do not encode, and ErrSendQueueFull when the
// queue would exceed Config.MaxSendQueueBytes, which also ends the
// connection. The message is encoded before Send returns; the caller may
// reuse it.
func (p *Peer) Send(msg wire.Message) error {
	if e := p.err.Load(); e != nil {
		return newError(ErrNotConnected, e, "peer %d", p.id)
	}
	switch msg.Command() {
	case wire.CmdVersion, wire.CmdVerAck, wire.CmdWTxIDRelay, wire.CmdSendAddrV2:
		return newError(ErrMisuse, nil, "%s is sent by the peer itself", msg.Command())
	}
	p.mu.Lock()
	ready := p.st.ready
	p.mu.Unlock()
	if !ready {
		return newError(ErrNotReady, nil, "handshake with peer %d not complete", p.id)
	}
	return p.queue(msg)
}

// Ping sends a ping now, replacing any outstanding one (Core's ping RPC).
func (p *Peer) Ping() error {
	if !p.Ready() {
		return newError(ErrNotReady, nil, "handshake with peer %d not complete", p.id)
	}
	if e := p.sendPing(); e != nil {
		return e
	}
	return nil
}

// Disconnect ends the connection with ErrDisconnected wrapping reason
// (which may be nil). It does not wait; Run returns once everything has
// stopped. Only the first reason a connection ends for is kept.
func (p *Peer) Disconnect(reason error) {
	p.fail(newError(ErrDisconnected, reason, "disconnected locally"))
}

// fail ends the connection for the first reason given.
func (p *Peer) fail(e *Error) {
	p.quitOnce.Do(func() {
		p.err.Store(e)
		close(p.quit)
		_ = p.conn.Close()
		p.log.Debug("disconnecting", "reason", e)
	})
}

func (p *Peer) closed() bool {
	select {
	case <-p.quit:
		return true
	default:
		return false
	}
}

// maintain checks the deadlines until the connection ends.
func (p *Peer) maintain(ctx context.Context) {
	t := time.NewTicker(p.cfg.tickInterval())
	defer t.Stop()
	for {
		select {
		case <-p.quit:
			return
		case <-ctx.Done():
			p.fail(newError(ErrDisconnected, context.Cause(ctx), "context done"))
			return
		case <-t.C:
			if e := p.checkDeadlines(p.cfg.Now()); e != nil {
				p.fail(e)
				return
			}
		}
	}
}

// checkDeadlines applies Core's InactivityCheck and MaybeSendPing.
func (p *Peer) checkDeadlines(now time.Time) *Error {
	p.mu.Lock()
	ready, pingNonce, pingStart := p.st.ready, p.st.pingNonce, p.st.pingStart
	p.mu.Unlock()
	if !ready {
		if waited := now.Sub(p.created); waited > p.cfg.HandshakeTimeout {
			return newError(ErrHandshakeTimeout, nil, "no verack after %s", waited.Round(time.Millisecond))
		}
		return nil
	}
	if idle := now.Sub(p.since(&p.lastRecv)); idle > p.cfg.InactivityTimeout {
		return newError(ErrInactive, nil, "nothing received for %s", idle.Round(time.Millisecond))
	}
	if idle := now.Sub(p.since(&p.lastSend)); idle > p.cfg.InactivityTimeout {
		return newError(ErrInactive, nil, "nothing sent for %s", idle.Round(time.Millisecond))
	}
	if pingNonce != 0 {
		if waited := now.Sub(pingStart); waited > p.cfg.PingTimeout {
			return newError(ErrPingTimeout, nil, "no pong after %s", waited.Round(time.Millisecond))
		}
		return nil
	}
	if now.Sub(pingStart) >= p.cfg.PingInterval {
		return p.sendPing()
	}
	return nil
}

// since returns the time in an atomic timestamp, or the connection time if
// it was never set.
func (p *Peer) since(t interface{ Load() int64 }) time.Time {
	if n := t.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return p.created
}

// sendPing sends a ping with a fresh nonce; a peer of version
// BIP0031Version or older gets one without, and no pong is awaited.
func (p *Peer) sendPing() *Error {
	now := p.cfg.Now()
	var nonce uint64
	p.locked(func(s *state) {
		if s.common > wire.BIP0031Version {
			nonce = randomNonce()
		}
		s.pingNonce, s.pingStart = nonce, now
	})
	return asError(p.queue(&wire.MsgPing{Nonce: nonce}))
}

// onPong matches a pong to the outstanding ping as Core does: a mismatch is
// normal when pings overlap and is ignored; a zero nonce cancels the ping.
func (p *Peer) onPong(m *wire.MsgPong) {
	now := p.cfg.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	s := &p.st
	switch {
	case s.pingNonce == 0:
		p.log.Debug("unsolicited pong without ping", "nonce", m.Nonce)
	case m.Nonce == s.pingNonce:
		s.pingNonce = 0
		rtt := now.Sub(s.pingStart)
		if rtt < 0 {
			p.log.Debug("pong before ping: timing mishap")
			return
		}
		s.pingTime = rtt
		if s.minPingTime < 0 || rtt < s.minPingTime {
			s.minPingTime = rtt
		}
	case m.Nonce == 0:
		s.pingNonce = 0
		p.log.Debug("pong with nonce zero cancels the ping")
	default:
		p.log.Debug("pong nonce mismatch", "got", m.Nonce, "want", s.pingNonce)
	}
}
