package peer

import (
	"context"
	"errors"
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/bitnode/bitnode/wire"
)

// TestHostileFraming: framing errors that leave the stream unusable end
// the connection; a dropped message (bad checksum, malformed or unknown
// command) does not.
func TestHostileFraming(t *testing.T) {
	pingPayload := []byte{1, 2, 3, 4, 5, 6, 7, 8}
	fatal := []struct {
		name      string
		handshake bool
		raw       []byte
		kind      ErrorKind
		cause     error
	}{
		{"http request", false, []byte("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"), ErrFraming, wire.ErrBadMagic},
		{"bad magic", true, frame(0xd9b4bef9, "ping", pingPayload, 8, false), ErrFraming, wire.ErrBadMagic},
		{"oversize length", true, frame(testMagic, "block", nil, wire.MaxMessagePayload+1, false), ErrFraming, wire.ErrTooLarge},
		{"huge length", false, frame(testMagic, "version", nil, 0xffffffff, false), ErrFraming, wire.ErrTooLarge},
		{"truncated payload", true, frame(testMagic, "ping", pingPayload[:3], 8, false)[:27], ErrRemoteClosed, wire.ErrTruncated},
		{"truncated header", true, frame(testMagic, "ping", nil, 0, false)[:10], ErrRemoteClosed, wire.ErrTruncated},
		{"short ping", true, frame(testMagic, "ping", pingPayload[:3], 3, false), ErrMalformed, wire.ErrTruncated},
		{"long verack", true, frame(testMagic, "verack", []byte{0}, 1, false), ErrMalformed, wire.ErrTrailingData},
		{"inv count", true, frame(testMagic, "inv", []byte{0xfe, 0xff, 0xff, 0xff, 0xff}, 5, false), ErrMalformed, wire.ErrTooLarge},
		{"bad version", false, frame(testMagic, "version", []byte{1, 2, 3}, 3, false), ErrMalformed, wire.ErrTruncated},
	}
	for _, tc := range fatal {
		t.Run(tc.name, func(t *testing.T) {
			r, rem := pipePeer(t, true, testConfig(nil))
			if tc.handshake {
				rem.handshake(true)
			}
			rem.sendRaw(tc.raw)
			if tc.kind == ErrRemoteClosed {
				rem.conn.Close()
			}
			r.waitKind(t, tc.kind)
			if !errors.Is(r.err, tc.cause) {
				t.Errorf("error %v does not wrap %v", r.err, tc.cause)
			}
		})
	}

	dropped := []struct {
		name string
		raw  []byte
	}{
		{"bad checksum", frame(testMagic, "ping", pingPayload, 8, true)},
		{"bad checksum inv", frame(testMagic, "inv", []byte{0}, 1, true)},
		{"unknown command", frame(testMagic, "foo", []byte("bar"), 3, false)},
		{"sendtxrcncl", frame(testMagic, "sendtxrcncl", make([]byte, 12), 12, false)},
		{"unprintable command", frame(testMagic, "p\x01ng", pingPayload, 8, false)},
		{"garbage after nul", frame(testMagic, "ping\x00x", pingPayload, 8, false)},
	}
	for _, tc := range dropped {
		t.Run(tc.name, func(t *testing.T) {
			rec := newRecorder()
			r, rem := pipePeer(t, true, testConfig(rec))
			rem.handshake(true)
			rem.sendRaw(tc.raw)
			rem.sync()
			if err := r.p.Err(); err != nil {
				t.Fatalf("connection ended: %v", err)
			}
			if ev := rec.Events(); len(ev) != 1 {
				t.Errorf("handler events %v", ev)
			}
			if r.p.Info().BytesRecvPerMsg[otherMsg] != uint64(len(tc.raw)) {
				t.Errorf("bytes of dropped message not counted: %v", r.p.Info().BytesRecvPerMsg)
			}
		})
	}
}

// TestBeforeVerack: messages before version, and before verack other than
// the handshake ones, are ignored, as Core does; after verack they reach
// the handler.
func TestBeforeVerack(t *testing.T) {
	rec := newRecorder()
	r, rem := pipePeer(t, true, testConfig(rec))
	early := &wire.MsgInv{InvList: []wire.InvVect{{Type: wire.InvTypeTx, Hash: wire.Hash{1}}}}
	late := &wire.MsgInv{InvList: []wire.InvVect{{Type: wire.InvTypeTx, Hash: wire.Hash{2}}}}
	rem.send(early, &wire.MsgVerAck{}, &wire.MsgPing{Nonce: 1}, &wire.MsgWTxIDRelay{})
	rem.expectNone(20 * time.Millisecond)
	rem.send(remoteVersion(wire.ProtocolVersion))
	for _, cmd := range []string{"version", "wtxidrelay", "sendaddrv2", "verack"} {
		rem.expect(cmd)
	}
	rem.send(early, &wire.MsgPing{Nonce: 2}, &wire.MsgSendHeaders{}, &wire.MsgFeeFilter{FeeRate: 5})
	rem.expectNone(20 * time.Millisecond) // no pong before verack
	rem.send(&wire.MsgVerAck{}, late)
	rem.sync()
	got := rec.nextMsg(t).(*wire.MsgInv)
	if got.InvList[0].Hash != late.InvList[0].Hash {
		t.Errorf("handler got the inv sent before verack")
	}
	if r.p.WantsHeaders() || r.p.FeeFilter() != 0 {
		t.Error("control messages before verack were processed")
	}
	if ev := rec.Events(); len(ev) != 2 || ev[0] != "ready" {
		t.Errorf("handler events %v", ev)
	}
}

// TestProtocolViolations: a second version, and wtxidrelay or sendaddrv2
// after verack, end the connection; a second verack is ignored.
func TestProtocolViolations(t *testing.T) {
	for _, tc := range []struct {
		name       string
		beforeAck  bool
		msg        wire.Message
		disconnect bool
	}{
		{"redundant version", false, remoteVersion(wire.ProtocolVersion), true},
		{"redundant version before verack", true, remoteVersion(wire.ProtocolVersion), true},
		{"wtxidrelay after verack", false, &wire.MsgWTxIDRelay{}, true},
		{"sendaddrv2 after verack", false, &wire.MsgSendAddrV2{}, true},
		{"redundant verack", false, &wire.MsgVerAck{}, false},
		{"duplicate wtxidrelay", true, &wire.MsgWTxIDRelay{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, rem := pipePeer(t, true, testConfig(nil))
			rem.send(remoteVersion(wire.ProtocolVersion))
			rem.waitFor(wire.CmdVerAck)
			if tc.beforeAck {
				rem.send(tc.msg)
				if tc.disconnect {
					r.waitKind(t, ErrProtocol)
					return
				}
				rem.send(tc.msg)
			}
			rem.send(&wire.MsgVerAck{})
			if !tc.beforeAck {
				rem.waitFor(wire.CmdPing)
				rem.send(tc.msg)
			}
			if tc.disconnect {
				r.waitKind(t, ErrProtocol)
				return
			}
			rem.sync()
			if err := r.p.Err(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestOldPeerWTxIDRelay: wtxidrelay from a peer below 70016 is ignored.
func TestOldPeerWTxIDRelay(t *testing.T) {
	r, rem := pipePeer(t, true, testConfig(nil))
	rem.send(remoteVersion(wire.InvalidCBNoBanVersion))
	rem.expect(wire.CmdVersion)
	rem.expect(wire.CmdVerAck)
	rem.send(&wire.MsgWTxIDRelay{}, &wire.MsgSendAddrV2{}, &wire.MsgVerAck{})
	rem.sync()
	if r.p.WTxIDRelay() || !r.p.AddrV2() {
		t.Errorf("wtxid %v addrv2 %v", r.p.WTxIDRelay(), r.p.AddrV2())
	}
}

// TestControlMessages: feefilter, sendcmpct and sendheaders are kept;
// out-of-range fee filters and other compact block versions are ignored.
func TestControlMessages(t *testing.T) {
	rec := newRecorder()
	r, rem := pipePeer(t, true, testConfig(rec))
	rem.handshake(true)
	p := r.p
	steps := []struct {
		msg   wire.Message
		check func() bool
	}{
		{&wire.MsgFeeFilter{FeeRate: 5000}, func() bool { return p.FeeFilter() == 5000 }},
		{&wire.MsgFeeFilter{FeeRate: -1}, func() bool { return p.FeeFilter() == 5000 }},
		{&wire.MsgFeeFilter{FeeRate: MaxMoney + 1}, func() bool { return p.FeeFilter() == 5000 }},
		{&wire.MsgFeeFilter{FeeRate: MaxMoney}, func() bool { return p.FeeFilter() == MaxMoney }},
		{&wire.MsgSendCmpct{Announce: true, Version: 1}, func() bool { ok, _ := p.CompactBlocks(); return !ok }},
		{&wire.MsgSendCmpct{Announce: true, Version: 2}, func() bool { ok, hb := p.CompactBlocks(); return ok && hb }},
		{&wire.MsgSendCmpct{Announce: false, Version: 2}, func() bool { ok, hb := p.CompactBlocks(); return ok && !hb }},
		{&wire.MsgSendHeaders{}, p.WantsHeaders},
	}
	for i, s := range steps {
		rem.send(s.msg)
		rem.sync()
		if !s.check() {
			t.Errorf("step %d (%s): state not as expected: %+v", i, s.msg.Command(), p.Info())
		}
	}
	if ev := rec.Events(); len(ev) != 1 {
		t.Errorf("control messages reached the handler: %v", ev)
	}
}

// TestSendQueueOverflow: a peer that stops reading is dropped once the
// send queue would exceed MaxSendQueueBytes, rather than growing memory.
func TestSendQueueOverflow(t *testing.T) {
	cfg := testConfig(nil)
	cfg.MaxSendQueueBytes = 4096
	cfg.SendPauseBytes = 1000
	r, rem := pipePeer(t, true, cfg)
	rem.handshake(true)
	rem.stopReading()
	inv := &wire.MsgInv{InvList: make([]wire.InvVect, 10)}
	var err error
	paused := false
	for i := 0; i < 100 && err == nil; i++ {
		err = r.p.Send(inv)
		if q := r.p.SendQueueBytes(); q > cfg.MaxSendQueueBytes {
			t.Fatalf("queue holds %d bytes", q)
		}
		paused = paused || r.p.SendPaused()
	}
	if !paused {
		t.Error("SendPaused never reported the queue over SendPauseBytes")
	}
	if !errors.Is(err, ErrSendQueueFull) {
		t.Fatalf("Send: %v", err)
	}
	r.waitKind(t, ErrSendQueueFull)
	if err := r.p.Send(inv); !errors.Is(err, ErrNotConnected) || !errors.Is(err, ErrSendQueueFull) {
		t.Errorf("Send after overflow: %v", err)
	}
}

// TestSendErrors: what Send refuses without ending the connection.
func TestSendErrors(t *testing.T) {
	r, rem := pipePeer(t, true, testConfig(nil))
	if err := r.p.Send(&wire.MsgGetAddr{}); !errors.Is(err, ErrNotReady) {
		t.Errorf("Send before handshake: %v", err)
	}
	if err := r.p.Ping(); !errors.Is(err, ErrNotReady) {
		t.Errorf("Ping before handshake: %v", err)
	}
	rem.handshake(true)
	for _, m := range []wire.Message{&wire.MsgVersion{}, &wire.MsgVerAck{}, &wire.MsgWTxIDRelay{}, &wire.MsgSendAddrV2{},
		&wire.MsgInv{InvList: make([]wire.InvVect, wire.MaxMessagePayload/36+1)}} {
		if err := r.p.Send(m); !errors.Is(err, ErrMisuse) {
			t.Errorf("Send(%s): %v", m.Command(), err)
		}
	}
	if err := r.p.Run(context.Background()); !errors.Is(err, ErrMisuse) {
		t.Errorf("second Run: %v", err)
	}
	if err := r.p.Send(&wire.MsgGetAddr{}); err != nil {
		t.Fatal(err)
	}
	rem.waitFor(wire.CmdGetAddr)
}

// TestContextCancel: cancelling Run's context ends the connection.
func TestContextCancel(t *testing.T) {
	a, b := net.Pipe()
	rem := newRemote(t, b)
	ctx, cancel := context.WithCancel(context.Background())
	r := startCtx(t, ctx, New(a, false, wire.NetAddress{}, testConfig(nil)))
	rem.handshake(false)
	cancel()
	r.waitKind(t, ErrDisconnected)
	if !errors.Is(r.err, context.Canceled) {
		t.Errorf("%v does not wrap context.Canceled", r.err)
	}
	rem.expectClosed()
}

// TestDisconnectBeforeRun: Disconnect before Run makes Run return at once.
func TestDisconnectBeforeRun(t *testing.T) {
	a, b := net.Pipe()
	defer b.Close()
	rec := newRecorder()
	p := New(a, false, wire.NetAddress{}, testConfig(rec))
	cause := errors.New("banned")
	p.Disconnect(cause)
	p.Disconnect(errors.New("second reason is dropped"))
	err := p.Run(context.Background())
	if !errors.Is(err, ErrDisconnected) || !errors.Is(err, cause) {
		t.Errorf("Run: %v", err)
	}
	if ev := rec.Events(); len(ev) != 1 || ev[0] != "disconnect" {
		t.Errorf("events %v", ev)
	}
}

// TestHandlerDisconnects: a handler may call Disconnect from OnMessage.
func TestHandlerDisconnects(t *testing.T) {
	rec := newRecorder()
	rec.onMessage = func(p *Peer, m wire.Message) { p.Disconnect(errors.New("misbehaving")) }
	r, rem := pipePeer(t, true, testConfig(rec))
	rem.handshake(true)
	rem.send(&wire.MsgGetAddr{})
	r.waitKind(t, ErrDisconnected)
	rem.expectClosed()
}

// TestErrorType checks the error convention: kinds, causes, messages.
func TestErrorType(t *testing.T) {
	cause := &wire.MessageError{Err: wire.ErrBadMagic, Description: "magic 1"}
	err := error(newError(ErrFraming, cause, "header error"))
	var e *Error
	if !errors.As(err, &e) || e.Kind != ErrFraming || !errors.Is(err, wire.ErrBadMagic) || !errors.Is(err, ErrFraming) {
		t.Fatal("errors.Is/As do not see kind and cause")
	}
	if got := err.Error(); got != "bad-framing: header error: magic 1" {
		t.Errorf("Error() = %q", got)
	}
	if got := (&Error{Kind: ErrInactive}).Error(); got != "inactivity-timeout" {
		t.Errorf("Error() = %q", got)
	}
}

// TestNoGoroutineLeak runs connections of every kind and checks that each
// goroutine Run started has ended when Run returns.
func TestNoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	t.Run("pairs", func(t *testing.T) {
		for range 5 {
			client, server := tcpPair(t)
			ra, rb := newRecorder(), newRecorder()
			a := start(t, New(client, false, wire.NetAddress{}, testConfig(ra)))
			start(t, New(server, true, wire.NetAddress{}, testConfig(rb)))
			ra.waitReady(t)
			rb.waitReady(t)
			a.p.Disconnect(nil)
		}
	})
	t.Run("hostile", func(t *testing.T) {
		for range 5 {
			r, rem := pipePeer(t, true, testConfig(nil))
			rem.sendRaw([]byte("garbage garbage garbage garbage"))
			r.wait(t)
		}
	})
	t.Run("stuck writer", func(t *testing.T) {
		cfg := testConfig(nil)
		cfg.PingTimeout = 30 * time.Millisecond
		r, rem := pipePeer(t, true, cfg)
		rem.handshake(true)
		rem.stopReading()
		for range 50 {
			_ = r.p.Send(&wire.MsgGetAddr{})
		}
		r.wait(t)
	})
	waitUntil(t, "goroutines to end", func() bool { return runtime.NumGoroutine() <= before })
}
