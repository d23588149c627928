package peer

import (
	"errors"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/bitnode/bitnode/wire"
)

// TestHandshakeTCP connects two peers over loopback TCP: the handshake
// completes, pings are answered and the negotiated flags match.
func TestHandshakeTCP(t *testing.T) {
	client, server := tcpPair(t)
	ra, rb := newRecorder(), newRecorder()
	cfgA := testConfig(ra)
	cfgA.BestHeight = func() int32 { return 100 }
	cfgA.FeeFilter = func() int64 { return 1000 }
	cfgB := testConfig(rb)
	cfgB.UserAgent = "/other:1.0/"
	cfgB.Services = wire.SFNodeNetworkLimited | wire.SFNodeWitness
	cfgB.BestHeight = func() int32 { return 200 }
	cfgB.FeeFilter = func() int64 { return 2000 }
	a := start(t, New(client, false, wire.NetAddress{}, cfgA))
	b := start(t, New(server, true, wire.NetAddress{}, cfgB))
	ra.waitReady(t)
	rb.waitReady(t)
	pa, pb := a.p, b.p

	// The first ping goes out right after verack; feefilter just before.
	waitUntil(t, "first pongs", func() bool { return pa.PingTime() > 0 && pb.PingTime() > 0 })
	waitUntil(t, "feefilters", func() bool { return pa.FeeFilter() == 2000 && pb.FeeFilter() == 1000 })

	checkNegotiated(t, pa, pb, cfgA, cfgB, server)

	// Other messages reach the handler; an explicit ping is answered.
	inv := &wire.MsgInv{InvList: []wire.InvVect{{Type: wire.InvTypeWTx, Hash: wire.Hash{1}}}}
	if err := pa.Send(inv); err != nil {
		t.Fatal(err)
	}
	got := rb.nextMsg(t).(*wire.MsgInv)
	if !slices.Equal(got.InvList, inv.InvList) {
		t.Errorf("handler got %v", got.InvList)
	}
	if err := pb.Ping(); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "explicit pong", func() bool { return pb.Info().PingWait < 0 })

	info := pa.Info()
	if info.BytesSentPerMsg[wire.CmdVersion] == 0 || info.BytesRecvPerMsg[wire.CmdVerAck] != wire.MessageHeaderSize ||
		info.BytesSentPerMsg[wire.CmdInv] == 0 || info.SubVer != "/other:1.0/" || !info.Ready ||
		info.Version != wire.ProtocolVersion || info.TransportProtocolType != "v1" || info.MinFeeFilter != 2000 {
		t.Errorf("Info: %+v", info)
	}

	pa.Disconnect(nil)
	a.waitKind(t, ErrDisconnected)
	b.waitKind(t, ErrRemoteClosed)
	for _, r := range []*recorder{ra, rb} {
		ev := r.Events()
		if len(ev) == 0 || ev[0] != "ready" || ev[len(ev)-1] != "disconnect" {
			t.Errorf("handler events %v", ev)
		}
	}
	if _, err := pa.Send(inv), pa.Send(inv); !errors.Is(err, ErrNotConnected) || !errors.Is(err, ErrDisconnected) {
		t.Errorf("Send after disconnect: %v", err)
	}
}

// checkNegotiated checks what the handshake of TestHandshakeTCP established.
func checkNegotiated(t *testing.T, pa, pb *Peer, cfgA, cfgB Config, server net.Conn) {
	t.Helper()
	for _, p := range []*Peer{pa, pb} {
		if v := p.Version(); v != wire.ProtocolVersion {
			t.Errorf("peer %d: Version %d", p.ID(), v)
		}
		if !p.Ready() || !p.WantsHeaders() || !p.WTxIDRelay() || !p.AddrV2() || !p.Relay() {
			t.Errorf("peer %d: ready %v headers %v wtxid %v addrv2 %v relay %v", p.ID(),
				p.Ready(), p.WantsHeaders(), p.WTxIDRelay(), p.AddrV2(), p.Relay())
		}
		if ok, hb := p.CompactBlocks(); !ok || hb {
			t.Errorf("peer %d: CompactBlocks %v %v, want true false", p.ID(), ok, hb)
		}
		if p.MinPingTime() <= 0 || p.BytesSent() == 0 || p.BytesRecv() == 0 ||
			p.LastSend().IsZero() || p.LastRecv().IsZero() {
			t.Errorf("peer %d: statistics not kept: %+v", p.ID(), p.Info())
		}
	}
	if pa.Inbound() || !pb.Inbound() {
		t.Error("Inbound wrong")
	}
	if pa.UserAgent() != "/other:1.0/" || pb.UserAgent() != DefaultUserAgent {
		t.Errorf("user agents %q %q", pa.UserAgent(), pb.UserAgent())
	}
	if pa.StartHeight() != 200 || pb.StartHeight() != 100 {
		t.Errorf("start heights %d %d", pa.StartHeight(), pb.StartHeight())
	}
	if pa.Services() != cfgB.Services || pb.Services() != cfgA.Services {
		t.Errorf("services %s %s", pa.Services(), pb.Services())
	}
	if addr := pa.Addr(); addr.String() != server.LocalAddr().String() {
		t.Errorf("Addr %s, want %s", addr.String(), server.LocalAddr())
	}
	if d := pa.TimeOffset(); d < -2*time.Second || d > 2*time.Second {
		t.Errorf("TimeOffset %s", d)
	}

}

// TestNegotiation checks what our outbound peer sends, in order, to remote
// peers of each protocol version.
func TestNegotiation(t *testing.T) {
	for _, tc := range []struct {
		pver int32
		want []string
	}{
		{70016, []string{"wtxidrelay", "sendaddrv2", "verack", "sendcmpct", "sendheaders", "feefilter", "ping"}},
		{70017, []string{"wtxidrelay", "sendaddrv2", "verack", "sendcmpct", "sendheaders", "feefilter", "ping"}},
		{70015, []string{"verack", "sendcmpct", "sendheaders", "feefilter", "ping"}},
		{70014, []string{"verack", "sendcmpct", "sendheaders", "feefilter", "ping"}},
		{70013, []string{"verack", "sendheaders", "feefilter", "ping"}},
		{70012, []string{"verack", "sendheaders", "ping"}},
		{60001, []string{"verack", "ping"}},
		{60000, []string{"verack", "ping"}},
		{wire.MinPeerProtoVersion, []string{"verack", "ping"}},
	} {
		t.Run("", func(t *testing.T) {
			cfg := testConfig(nil)
			cfg.FeeFilter = func() int64 { return 1234 }
			r, rem := pipePeer(t, false, cfg)
			rem.expect(wire.CmdVersion)
			rem.pver.Store(uint32(min(tc.pver, wire.ProtocolVersion)))
			rem.send(remoteVersion(tc.pver), &wire.MsgVerAck{})
			var got []string
			for len(got) < len(tc.want) {
				m := rem.next()
				got = append(got, m.Command())
				if ping, ok := m.(*wire.MsgPing); ok && (ping.Nonce == 0) != (tc.pver <= wire.BIP0031Version) {
					t.Errorf("ping nonce %d to version %d", ping.Nonce, tc.pver)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("version %d: sent %v, want %v", tc.pver, got, tc.want)
			}
			if v := r.p.Version(); v != uint32(min(tc.pver, wire.ProtocolVersion)) {
				t.Errorf("Version %d", v)
			}
			if tc.pver <= wire.BIP0031Version {
				// No nonce, no pong awaited: no ping timeout either.
				if w := r.p.Info().PingWait; w >= 0 {
					t.Errorf("PingWait %s for a nonce-less ping", w)
				}
			}
		})
	}
}

// TestInboundWaitsForVersion: an inbound peer says nothing until the
// remote's version, then answers with version, wtxidrelay, sendaddrv2 and
// verack; verack completes the handshake.
func TestInboundWaitsForVersion(t *testing.T) {
	rec := newRecorder()
	cfg := testConfig(rec)
	cfg.DeferSendHeaders = true
	r, rem := pipePeer(t, true, cfg)
	rem.expectNone(50 * time.Millisecond)
	v := remoteVersion(wire.ProtocolVersion)
	v.Relay = false
	rem.send(v)
	ours := rem.expect(wire.CmdVersion).(*wire.MsgVersion)
	if ours.ProtocolVersion != wire.ProtocolVersion || ours.UserAgent != DefaultUserAgent || !ours.Relay ||
		ours.Nonce == 0 || ours.Services != cfg.Services || ours.StartHeight != 0 {
		t.Errorf("our version: %+v", ours)
	}
	rem.expect(wire.CmdWTxIDRelay)
	rem.expect(wire.CmdSendAddrV2)
	rem.expect(wire.CmdVerAck)
	rem.expectNone(20 * time.Millisecond)
	if r.p.Ready() {
		t.Fatal("ready before verack")
	}
	rem.send(&wire.MsgWTxIDRelay{}, &wire.MsgSendAddrV2{}, &wire.MsgVerAck{})
	rem.expect(wire.CmdSendCmpct)
	rem.expect(wire.CmdPing) // sendheaders deferred, no feefilter configured
	rec.waitReady(t)
	if !r.p.WTxIDRelay() || !r.p.AddrV2() || r.p.Relay() || r.p.WantsHeaders() {
		t.Errorf("flags: wtxid %v addrv2 %v relay %v headers %v",
			r.p.WTxIDRelay(), r.p.AddrV2(), r.p.Relay(), r.p.WantsHeaders())
	}
}

// TestBlockRelayOnly: a connection that does not relay transactions says
// relay=false and sends no feefilter.
func TestBlockRelayOnly(t *testing.T) {
	for _, cfg := range []Config{
		{Relay: false},
		{Relay: true, DisableRelayTx: true},
	} {
		cfg.Magic, cfg.FeeFilter = testMagic, func() int64 { return 1000 }
		_, rem := pipePeer(t, false, cfg)
		if v := rem.expect(wire.CmdVersion).(*wire.MsgVersion); v.Relay {
			t.Error("version says relay")
		}
		rem.send(remoteVersion(wire.ProtocolVersion), &wire.MsgVerAck{})
		for _, cmd := range []string{"wtxidrelay", "sendaddrv2", "verack", "sendcmpct", "sendheaders", "ping"} {
			rem.expect(cmd)
		}
	}
}

// TestObsoleteVersion: versions below 31800 are refused.
func TestObsoleteVersion(t *testing.T) {
	for _, pver := range []int32{wire.MinPeerProtoVersion - 1, 209, 0, -1} {
		r, rem := pipePeer(t, true, testConfig(nil))
		rem.send(remoteVersion(pver))
		r.waitKind(t, ErrObsolete)
		rem.expectClosed()
	}
}

// TestMissingServices: an outbound peer without the required services is
// dropped; an inbound one is not judged.
func TestMissingServices(t *testing.T) {
	cfg := testConfig(nil)
	cfg.RequiredServices = wire.SFNodeNetwork | wire.SFNodeWitness
	v := remoteVersion(wire.ProtocolVersion)
	v.Services = wire.SFNodeNetwork

	r, rem := pipePeer(t, false, cfg)
	rem.expect(wire.CmdVersion)
	rem.send(v)
	r.waitKind(t, ErrMissingServices)

	_, rem = pipePeer(t, true, cfg)
	rem.send(v)
	rem.expect(wire.CmdVersion)
}

// TestSelfConnection: a node connecting to itself (two peers sharing one
// NonceSet) is detected by the inbound side.
func TestSelfConnection(t *testing.T) {
	client, server := tcpPair(t)
	nonces := NewNonceSet()
	cfg := testConfig(nil)
	cfg.NonceSet = nonces
	a := start(t, New(client, false, wire.NetAddress{}, cfg))
	b := start(t, New(server, true, wire.NetAddress{}, cfg))
	b.waitKind(t, ErrSelfConnection)
	err := a.wait(t)
	if !errors.Is(err, ErrRemoteClosed) && !errors.Is(err, ErrConnection) {
		t.Errorf("outbound side: %v", err)
	}
	if n := nonces.Len(); n != 0 {
		t.Errorf("%d nonces left in the set", n)
	}
}

// TestNonceSetReleased: the outbound nonce leaves the set once the
// handshake completes, and a remote that echoes it is not self.
func TestNonceSetReleased(t *testing.T) {
	nonces := NewNonceSet()
	cfg := testConfig(nil)
	cfg.NonceSet = nonces
	_, rem := pipePeer(t, false, cfg)
	ours := rem.expect(wire.CmdVersion).(*wire.MsgVersion)
	if !nonces.Contains(ours.Nonce) {
		t.Fatal("outbound nonce not in the set")
	}
	v := remoteVersion(wire.ProtocolVersion)
	v.Nonce = ours.Nonce // only an inbound peer checks
	rem.send(v, &wire.MsgVerAck{})
	rem.waitFor(wire.CmdPing)
	if nonces.Contains(ours.Nonce) {
		t.Error("nonce still in the set after the handshake")
	}
}

// TestHandshakeTimeout: a remote that says nothing, or never sends verack,
// is dropped after HandshakeTimeout.
func TestHandshakeTimeout(t *testing.T) {
	for _, tc := range []struct {
		name    string
		inbound bool
		script  func(*remote)
	}{
		{"silent inbound", true, func(*remote) {}},
		{"silent outbound", false, func(*remote) {}},
		{"no verack", false, func(r *remote) {
			r.expect(wire.CmdVersion)
			r.send(remoteVersion(wire.ProtocolVersion))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(nil)
			cfg.HandshakeTimeout = 50 * time.Millisecond
			r, rem := pipePeer(t, tc.inbound, cfg)
			tc.script(rem)
			began := time.Now()
			r.waitKind(t, ErrHandshakeTimeout)
			if time.Since(began) > 2*time.Second {
				t.Error("timeout took too long")
			}
		})
	}
}

// TestPingTimeout: an unanswered ping ends the connection.
func TestPingTimeout(t *testing.T) {
	cfg := testConfig(nil)
	cfg.PingTimeout = 80 * time.Millisecond
	r, rem := pipePeer(t, true, cfg)
	rem.handshake(true)
	r.waitKind(t, ErrPingTimeout)
}

// TestPingInterval: pings repeat every PingInterval and answered pings
// keep the connection up past PingTimeout.
func TestPingInterval(t *testing.T) {
	cfg := testConfig(nil)
	cfg.PingInterval = 20 * time.Millisecond
	cfg.PingTimeout = 200 * time.Millisecond
	r, rem := pipePeer(t, false, cfg)
	nonce := rem.handshake(false)
	for range 5 {
		rem.send(&wire.MsgPong{Nonce: nonce})
		nonce = rem.waitFor(wire.CmdPing).(*wire.MsgPing).Nonce
	}
	if r.p.Err() != nil || r.p.MinPingTime() < 0 {
		t.Errorf("err %v, min ping %s", r.p.Err(), r.p.MinPingTime())
	}
}

// TestPongMatching: a pong with another nonce is ignored, one with nonce
// zero cancels the ping, the right one completes it.
func TestPongMatching(t *testing.T) {
	r, rem := pipePeer(t, true, testConfig(nil))
	nonce := rem.handshake(true)
	rem.send(&wire.MsgPong{Nonce: nonce + 1})
	rem.sync()
	if r.p.Info().PingWait < 0 || r.p.PingTime() != 0 {
		t.Fatal("mismatched pong completed the ping")
	}
	rem.send(&wire.MsgPong{Nonce: nonce})
	rem.sync()
	if r.p.Info().PingWait >= 0 || r.p.MinPingTime() < 0 {
		t.Fatal("matching pong did not complete the ping")
	}
	if err := r.p.Ping(); err != nil {
		t.Fatal(err)
	}
	rem.waitFor(wire.CmdPing)
	rem.send(&wire.MsgPong{Nonce: 0})
	rem.sync()
	if r.p.Info().PingWait >= 0 {
		t.Fatal("zero pong did not cancel the ping")
	}
}

// TestInactivity: a peer that sends nothing after the handshake is
// dropped after InactivityTimeout.
func TestInactivity(t *testing.T) {
	cfg := testConfig(nil)
	cfg.InactivityTimeout = 80 * time.Millisecond
	r, rem := pipePeer(t, true, cfg)
	rem.handshake(true)
	e := r.waitKind(t, ErrInactive)
	if e.Description == "" {
		t.Error("no description")
	}
}
