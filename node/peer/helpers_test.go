package peer

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bitnode/bitnode/wire"
)

// testMagic is regtest's message start.
const testMagic = 0xdab5bffa

// waitLimit bounds every wait in these tests.
const waitLimit = 5 * time.Second

// recorder is a Handler that records what it is told.
type recorder struct {
	mu        sync.Mutex
	events    []string
	ready     chan struct{}
	readyOnce sync.Once
	msgs      chan wire.Message
	onMessage func(*Peer, wire.Message)
}

func newRecorder() *recorder {
	return &recorder{ready: make(chan struct{}), msgs: make(chan wire.Message, 1024)}
}

func (r *recorder) event(e string) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func (r *recorder) OnReady(*Peer) {
	r.event("ready")
	r.readyOnce.Do(func() { close(r.ready) })
}

func (r *recorder) OnMessage(p *Peer, msg wire.Message) {
	r.event("msg:" + msg.Command())
	if r.onMessage != nil {
		r.onMessage(p, msg)
		return
	}
	select {
	case r.msgs <- msg:
	default:
	}
}

func (r *recorder) OnDisconnect(*Peer, error) { r.event("disconnect") }

func (r *recorder) Events() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.events...)
}

func (r *recorder) waitReady(t *testing.T) {
	t.Helper()
	select {
	case <-r.ready:
	case <-time.After(waitLimit):
		t.Fatal("handshake did not complete")
	}
}

func (r *recorder) nextMsg(t *testing.T) wire.Message {
	t.Helper()
	select {
	case m := <-r.msgs:
		return m
	case <-time.After(waitLimit):
		t.Fatal("handler got no message")
		return nil
	}
}

// testConfig is a Config for tests: regtest magic, a relaying node.
func testConfig(h Handler) Config {
	return Config{
		Magic:            testMagic,
		Services:         wire.SFNodeNetwork | wire.SFNodeWitness,
		Relay:            true,
		Handler:          h,
		HandshakeTimeout: waitLimit,
	}
}

// running is a peer whose Run is in a goroutine.
type running struct {
	p    *Peer
	done chan struct{}
	err  error
}

// start runs p until the test ends.
func start(t *testing.T, p *Peer) *running {
	return startCtx(t, context.Background(), p)
}

func startCtx(t *testing.T, ctx context.Context, p *Peer) *running {
	r := &running{p: p, done: make(chan struct{})}
	go func() {
		r.err = p.Run(ctx)
		close(r.done)
	}()
	t.Cleanup(func() {
		p.Disconnect(nil)
		r.wait(t)
	})
	return r
}

// wait returns Run's result.
func (r *running) wait(t *testing.T) error {
	t.Helper()
	select {
	case <-r.done:
		return r.err
	case <-time.After(waitLimit):
		t.Fatalf("peer %d: Run did not return", r.p.ID())
		return nil
	}
}

// waitKind waits for Run and checks the kind of its error.
func (r *running) waitKind(t *testing.T, kind ErrorKind) *Error {
	t.Helper()
	err := r.wait(t)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Run returned %v (%T), want *Error", err, err)
	}
	if e.Kind != kind || !errors.Is(err, kind) {
		t.Fatalf("Run returned %v, want kind %s", err, kind)
	}
	return e
}

// tcpPair returns the two ends of a loopback TCP connection.
func tcpPair(t testing.TB) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- c
	}()
	client, err = net.DialTimeout("tcp", ln.Addr().String(), waitLimit)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case server = <-accepted:
	case <-time.After(waitLimit):
	}
	if server == nil {
		client.Close()
		t.Fatal("accept failed")
	}
	t.Cleanup(func() {
		client.Close()
		server.Close()
	})
	return client, server
}

// remote is a scripted peer on the other end of a connection: it writes
// raw messages and reads, in a goroutine, everything our peer sends.
type remote struct {
	t    *testing.T
	conn net.Conn
	pver atomic.Uint32
	stop atomic.Bool
	msgs chan wire.Message
	quit chan struct{}
	done chan struct{}
}

func newRemote(t *testing.T, conn net.Conn) *remote {
	r := &remote{t: t, conn: conn, msgs: make(chan wire.Message, 4096),
		quit: make(chan struct{}), done: make(chan struct{})}
	r.pver.Store(wire.ProtocolVersion)
	go r.readLoop()
	t.Cleanup(func() {
		close(r.quit)
		conn.Close()
		<-r.done
	})
	return r
}

func (r *remote) readLoop() {
	defer close(r.done)
	defer close(r.msgs)
	for !r.stop.Load() {
		msg, _, err := wire.ReadMessage(r.conn, r.pver.Load(), testMagic)
		if err != nil {
			return
		}
		select {
		case r.msgs <- msg:
		case <-r.quit:
			return
		}
	}
}

// stopReading makes the remote stop reading after the message it is
// reading now, so that our peer's writes block.
func (r *remote) stopReading() { r.stop.Store(true) }

func (r *remote) next() wire.Message {
	r.t.Helper()
	select {
	case m, ok := <-r.msgs:
		if !ok {
			r.t.Fatal("remote: connection closed")
		}
		return m
	case <-time.After(waitLimit):
		r.t.Fatal("remote: no message")
		return nil
	}
}

// expect reads the next message and checks its command.
func (r *remote) expect(cmd string) wire.Message {
	r.t.Helper()
	m := r.next()
	if m.Command() != cmd {
		r.t.Fatalf("remote got %s, want %s", m.Command(), cmd)
	}
	return m
}

// waitFor skips messages until one with the command arrives.
func (r *remote) waitFor(cmd string) wire.Message {
	r.t.Helper()
	for {
		if m := r.next(); m.Command() == cmd {
			return m
		}
	}
}

// expectNone checks that nothing arrives for d.
func (r *remote) expectNone(d time.Duration) {
	r.t.Helper()
	select {
	case m, ok := <-r.msgs:
		if ok {
			r.t.Fatalf("remote got unexpected %s", m.Command())
		}
	case <-time.After(d):
	}
}

// expectClosed waits for our peer to close the connection.
func (r *remote) expectClosed() {
	r.t.Helper()
	for {
		select {
		case _, ok := <-r.msgs:
			if !ok {
				return
			}
		case <-time.After(waitLimit):
			r.t.Fatal("remote: connection not closed")
		}
	}
}

func (r *remote) sendErr(msg wire.Message) error {
	_ = r.conn.SetWriteDeadline(time.Now().Add(waitLimit))
	_, err := wire.WriteMessage(r.conn, msg, r.pver.Load(), testMagic)
	return err
}

func (r *remote) send(msgs ...wire.Message) {
	r.t.Helper()
	for _, m := range msgs {
		if err := r.sendErr(m); err != nil {
			r.t.Fatalf("remote: send %s: %v", m.Command(), err)
		}
	}
}

// sendRaw writes bytes as they are, ignoring errors (our peer may already
// have closed the connection).
func (r *remote) sendRaw(b []byte) {
	_ = r.conn.SetWriteDeadline(time.Now().Add(waitLimit))
	_, _ = r.conn.Write(b)
}

// version is a version message of the given protocol version.
func remoteVersion(pver int32) *wire.MsgVersion {
	return &wire.MsgVersion{
		ProtocolVersion: pver,
		Services:        wire.SFNodeNetwork | wire.SFNodeWitness,
		Timestamp:       time.Now().Unix(),
		AddrRecv:        zeroAddr(0),
		AddrFrom:        zeroAddr(0),
		Nonce:           randomNonce(),
		UserAgent:       "/remote:1.0/",
		StartHeight:     7,
		Relay:           true,
	}
}

// handshake completes the handshake with our peer (inbound or outbound)
// and returns the nonce of the first ping, which it leaves unanswered.
func (r *remote) handshake(ourPeerInbound bool) uint64 {
	r.t.Helper()
	if ourPeerInbound {
		r.send(remoteVersion(wire.ProtocolVersion))
		r.expect(wire.CmdVersion)
	} else {
		r.expect(wire.CmdVersion)
		r.send(remoteVersion(wire.ProtocolVersion))
	}
	r.send(&wire.MsgVerAck{})
	return r.waitFor(wire.CmdPing).(*wire.MsgPing).Nonce
}

// sync sends a ping and waits for its pong: everything sent before has
// been processed.
func (r *remote) sync() {
	r.t.Helper()
	nonce := randomNonce()
	r.send(&wire.MsgPing{Nonce: nonce})
	for {
		if m, ok := r.waitFor(wire.CmdPong).(*wire.MsgPong); ok && m.Nonce == nonce {
			return
		}
	}
}

// pipePeer starts a peer on one end of a net.Pipe and a remote on the other.
func pipePeer(t *testing.T, inbound bool, cfg Config) (*running, *remote) {
	a, b := net.Pipe()
	rem := newRemote(t, b)
	return start(t, New(a, inbound, wire.NetAddress{}, cfg)), rem
}

// frame builds a raw message: header fields as given around payload.
func frame(magic uint32, cmd string, payload []byte, length int, badChecksum bool) []byte {
	b := make([]byte, wire.MessageHeaderSize, wire.MessageHeaderSize+len(payload))
	b[0], b[1], b[2], b[3] = byte(magic), byte(magic>>8), byte(magic>>16), byte(magic>>24)
	copy(b[4:16], cmd)
	b[16], b[17], b[18], b[19] = byte(length), byte(length>>8), byte(length>>16), byte(length>>24)
	sum := wire.DoubleSHA256(payload)
	copy(b[20:24], sum[:4])
	if badChecksum {
		b[20] ^= 0xff
	}
	return append(b, payload...)
}

// waitUntil polls cond until it holds.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
