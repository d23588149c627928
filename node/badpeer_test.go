package node

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/chain/chaingen"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/mempool"
	"github.com/bitnode/bitnode/mempool/mining"
	"github.com/bitnode/bitnode/node/addrman"
	"github.com/bitnode/bitnode/wire"
)

// This file holds the "scripted bad peer" tests and the helpers the other
// new test files share: a node started with more options than startNode
// offers, and rawPeer, a hand-driven protocol client.

// rawWait bounds every single wait of a raw peer.
const rawWait = 5 * time.Second

// nodeOpts is what startNodeWith adds to startNode's defaults.
type nodeOpts struct {
	connect []string
	bans    *addrman.Bans
	logger  *slog.Logger
	// stall is Config.StallTimeout (startNode's 1 s when zero).
	stall time.Duration
	// blocks are processed before the node starts (a serving node's
	// chain).
	blocks []*wire.Block
}

// startNodeWith runs a regtest node on 127.0.0.1 as startNode does, with
// the options of o; it works for benchmarks too.
func startNodeWith(tb testing.TB, p *params.Params, o nodeOpts) *testNode {
	tb.Helper()
	ch, err := chain.New(chain.Config{Params: p, DataDir: tb.TempDir(), AssumeValid: &wire.Hash{}, CacheBytes: 32 << 20})
	if err != nil {
		tb.Fatal(err)
	}
	for _, blk := range o.blocks {
		if err := ch.ProcessBlock(blk); err != nil {
			ch.Close()
			tb.Fatalf("feeding block %s: %v", blk.BlockHash(), err)
		}
	}
	if o.stall == 0 {
		o.stall = time.Second
	}
	pool := mempool.New(mempool.Config{Chain: ch})
	n, err := New(Config{Chain: ch, Mempool: pool, Bans: o.bans, Logger: o.logger, Listen: []string{"127.0.0.1:0"},
		Connect: append([]string{}, o.connect...), TrickleInterval: 50 * time.Millisecond, StallTimeout: o.stall})
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	tn := &testNode{chain: ch, pool: pool, node: n, cancel: cancel, done: make(chan error, 1)}
	go func() { tn.done <- n.Run(ctx) }()
	deadline := time.Now().Add(5 * time.Second)
	for len(n.ListenAddrs()) == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if len(n.ListenAddrs()) == 0 {
		tn.stop()
		tb.Fatal("node did not start listening")
	}
	tn.addr = n.ListenAddrs()[0].String()
	tb.Cleanup(tn.stop)
	return tn
}

// mineTB mines n blocks on tn paying to payTo.
func mineTB(tb testing.TB, tn *testNode, n int, payTo []byte) []wire.Hash {
	tb.Helper()
	hashes, err := mining.GenerateToScript(context.Background(), tn.chain, tn.pool, payTo, n, 0)
	if err != nil {
		tb.Fatal(err)
	}
	return hashes
}

func tipHeight(tn *testNode) int32 {
	_, h := tn.chain.Tip()
	return h
}

// hasReadyPeer reports whether tn has a ready peer whose address is addr.
func hasReadyPeer(tn *testNode, addr string) bool {
	for _, pi := range tn.node.Peers() {
		if pi.Addr == addr && pi.Ready {
			return true
		}
	}
	return false
}

// logBuffer collects a node's text logs for inspection.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *logBuffer) logger(level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: level}))
}

// rawPeer is a protocol client driven by hand: it frames every message
// itself with wire.WriteMessage (or writes raw bytes) and reads with
// wire.ReadMessage, so it can break any rule a real peer would keep.
type rawPeer struct {
	tb    testing.TB
	conn  net.Conn
	r     *bufio.Reader
	magic uint32
}

// dialRaw connects a raw peer to addr; the test's cleanup closes it.
func dialRaw(tb testing.TB, addr string, magic uint32) *rawPeer {
	tb.Helper()
	conn, err := net.DialTimeout("tcp", addr, rawWait)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { conn.Close() })
	return &rawPeer{tb: tb, conn: conn, r: bufio.NewReader(conn), magic: magic}
}

func (rp *rawPeer) send(msg wire.Message) {
	rp.tb.Helper()
	buf, err := wire.AppendMessage(nil, msg, wire.ProtocolVersion, rp.magic)
	if err != nil {
		rp.tb.Fatalf("encode %s: %v", msg.Command(), err)
	}
	rp.sendRaw(buf)
}

func (rp *rawPeer) sendRaw(b []byte) {
	rp.tb.Helper()
	rp.conn.SetWriteDeadline(time.Now().Add(rawWait))
	if _, err := rp.conn.Write(b); err != nil {
		rp.tb.Fatalf("write: %v", err)
	}
}

// read returns the next message the node sends; an error when the
// connection ended or nothing came within rawWait.
func (rp *rawPeer) read() (wire.Message, error) {
	rp.conn.SetReadDeadline(time.Now().Add(rawWait))
	msg, _, err := wire.ReadMessage(rp.r, wire.ProtocolVersion, rp.magic)
	return msg, err
}

// expect reads until a message satisfies ok, skipping the others.
func (rp *rawPeer) expect(what string, ok func(wire.Message) bool) wire.Message {
	rp.tb.Helper()
	for {
		msg, err := rp.read()
		if err != nil {
			rp.tb.Fatalf("waiting for %s: %v", what, err)
		}
		if ok(msg) {
			return msg
		}
	}
}

// handshake does the version/verack exchange as an outbound peer would,
// with or without asking for headers announcements (BIP130).
func (rp *rawPeer) handshake(sendHeaders bool) {
	rp.tb.Helper()
	var nonce [8]byte
	rand.Read(nonce[:])
	zero := wire.NetAddress{Network: wire.NetIPv6, Addr: make([]byte, 16)}
	rp.send(&wire.MsgVersion{ProtocolVersion: wire.ProtocolVersion, Services: wire.SFNodeNetwork | wire.SFNodeWitness,
		Timestamp: time.Now().Unix(), AddrRecv: zero, AddrFrom: zero, Nonce: binary.LittleEndian.Uint64(nonce[:]) | 1,
		UserAgent: "/badpeer:0.1/", StartHeight: 0, Relay: true})
	rp.expect("version", func(m wire.Message) bool { _, ok := m.(*wire.MsgVersion); return ok })
	rp.expect("verack", func(m wire.Message) bool { _, ok := m.(*wire.MsgVerAck); return ok })
	rp.send(&wire.MsgVerAck{})
	if sendHeaders {
		rp.send(&wire.MsgSendHeaders{})
	}
	// A pong proves the node has taken our verack (and sendheaders):
	// pings are only answered once the handshake is complete.
	rp.pingPong()
}

// pingPong sends a ping and waits for its pong: the connection is up and
// every message sent before has been processed.
func (rp *rawPeer) pingPong() {
	rp.tb.Helper()
	var b [8]byte
	rand.Read(b[:])
	nonce := binary.LittleEndian.Uint64(b[:])
	rp.send(&wire.MsgPing{Nonce: nonce})
	rp.expect("pong", func(m wire.Message) bool { pong, ok := m.(*wire.MsgPong); return ok && pong.Nonce == nonce })
}

// expectClosed reads until the node closes the connection; it fails if the
// connection is still up after rawWait of silence.
func (rp *rawPeer) expectClosed() {
	rp.tb.Helper()
	for {
		_, err := rp.read()
		if err == nil {
			continue
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			rp.tb.Fatalf("connection still open after %s: %v", rawWait, err)
		}
		// Undecodable bytes cannot come from the node; anything else is
		// the end of the connection (EOF, reset).
		return
	}
}

// frame returns a message frame with a correct checksum for any payload,
// including payloads that do not decode.
func frame(magic uint32, cmd string, payload []byte) []byte {
	b := make([]byte, wire.MessageHeaderSize, wire.MessageHeaderSize+len(payload))
	binary.LittleEndian.PutUint32(b[0:4], magic)
	copy(b[4:16], cmd)
	binary.LittleEndian.PutUint32(b[16:20], uint32(len(payload)))
	sum := wire.DoubleSHA256(payload)
	copy(b[20:24], sum[:4])
	return append(b, payload...)
}

// unconnectingHeader returns a header with valid regtest proof of work on
// a random, unknown parent.
func unconnectingHeader(p *params.Params) wire.BlockHeader {
	h := wire.BlockHeader{Version: chaingen.DefaultBlockVersion, Timestamp: uint32(time.Now().Unix()), Bits: p.PowLimitBits}
	rand.Read(h.PrevBlock[:])
	rand.Read(h.MerkleRoot[:])
	chaingen.Solve(&h, false)
	return h
}

// badPeerEnv is one scenario's world: a serving node s that keeps a ban
// list and an honest node h connected to it.
type badPeerEnv struct {
	p    *params.Params
	s, h *testNode
	bans *addrman.Bans
}

var localhost = netip.MustParseAddr("127.0.0.1")

// TestScriptedBadPeer connects a hand-driven client to a node, completes
// the handshake and breaks one rule per scenario. Each time the node must
// disconnect or not (and discourage or not) as its rules say, and keep
// serving: an honest node connected to it still gets the next block.
//
// Where discouragement follows this node's documented policy rather than
// Core's (framing errors, undecodable payloads and a redundant version are
// ErrFraming/ErrMalformed/ErrProtocol, which node/peer tells nodes to count
// as misbehaviour, while Core only disconnects or ignores them), the case
// says so.
func TestScriptedBadPeer(t *testing.T) {
	before := runtime.NumGoroutine()
	opTrue := p2wshOpTrue()
	cases := []struct {
		name string
		// misbehave runs on a peer whose handshake is complete.
		misbehave   func(t *testing.T, env *badPeerEnv, rp *rawPeer)
		disconnect  bool
		discouraged bool
		// logged is in the serving node's (debug) log when the node
		// reacted for the intended reason.
		logged string
	}{
		{
			name: "bad magic",
			misbehave: func(t *testing.T, env *badPeerEnv, rp *rawPeer) {
				rp.sendRaw(frame(env.p.Net^0x01010101, wire.CmdPing, make([]byte, 8)))
			},
			disconnect: true, discouraged: true, // ErrFraming; Core disconnects only
			logged: "bad-framing: header error: message magic",
		},
		{
			name: "oversized length header",
			misbehave: func(t *testing.T, env *badPeerEnv, rp *rawPeer) {
				hdr := frame(env.p.Net, wire.CmdBlock, nil)
				binary.LittleEndian.PutUint32(hdr[16:20], wire.MaxMessagePayload+1)
				rp.sendRaw(hdr)
			},
			disconnect: true, discouraged: true, // ErrFraming; Core disconnects only
			logged: "payload length 4000001 exceeds",
		},
		{
			name: "garbage bytes",
			misbehave: func(t *testing.T, env *badPeerEnv, rp *rawPeer) {
				garbage := make([]byte, 300)
				rand.Read(garbage)
				garbage[0] = ^byte(env.p.Net) // never the magic
				rp.sendRaw(garbage)
			},
			disconnect: true, discouraged: true, // read as a bad magic
			logged: "bad-framing: header error: message magic",
		},
		{
			name: "undecodable inv (count beyond payload)",
			misbehave: func(t *testing.T, env *badPeerEnv, rp *rawPeer) {
				payload := wire.AppendCompactSize(nil, 5)
				payload = binary.LittleEndian.AppendUint32(payload, uint32(wire.InvTypeBlock))
				payload = append(payload, make([]byte, wire.HashSize)...)
				rp.sendRaw(frame(env.p.Net, wire.CmdInv, payload))
			},
			disconnect: true, discouraged: true, // ErrMalformed; Core ignores
			logged: "malformed-message",
		},
		{
			name: "unconnecting headers more than 10 times",
			misbehave: func(t *testing.T, env *badPeerEnv, rp *rawPeer) {
				for range maxUnconnectingHeaders {
					rp.send(&wire.MsgHeaders{Headers: []wire.BlockHeader{unconnectingHeader(env.p)}})
					// Each one is answered with a getheaders from our
					// best header, as Core does.
					rp.expect("getheaders", func(m wire.Message) bool { _, ok := m.(*wire.MsgGetHeaders); return ok })
				}
				// Ten are tolerated.
				rp.pingPong()
				if env.bans.IsDiscouraged(localhost) {
					t.Fatal("discouraged after only 10 unconnecting headers messages")
				}
				rp.send(&wire.MsgHeaders{Headers: []wire.BlockHeader{unconnectingHeader(env.p)}})
			},
			disconnect: true, discouraged: true,
			logged: "too many unconnecting headers",
		},
		{
			name: "non-continuous headers",
			misbehave: func(t *testing.T, env *badPeerEnv, rp *rawPeer) {
				rp.send(&wire.MsgHeaders{Headers: []wire.BlockHeader{unconnectingHeader(env.p), unconnectingHeader(env.p)}})
			},
			disconnect: true, discouraged: true,
			logged: "non-continuous headers sequence",
		},
		{
			name: "unrequested invalid block (bad coinbase amount)",
			misbehave: func(t *testing.T, env *badPeerEnv, rp *rawPeer) {
				// Build on the serving node's own chain, so the block
				// extends its tip and is fully validated.
				g := chaingen.New(env.p)
				for h := int32(1); h <= tipHeight(env.s); h++ {
					hash, _ := env.s.chain.MainChainHash(h)
					blk, err := env.s.chain.ReadBlock(hash)
					if err != nil {
						t.Fatal(err)
					}
					g.Register(hash.String(), blk)
				}
				bad := g.NextBlock("bad", chaingen.CoinbaseValueDelta(1))
				rp.send(bad)
			},
			disconnect: true, discouraged: true,
			logged: "invalid block: bad-cb-amount",
		},
		{
			name: "oversized addr (1001 addresses)",
			misbehave: func(t *testing.T, env *badPeerEnv, rp *rawPeer) {
				addrs := make([]wire.NetAddress, wire.MaxAddrPerMsg+1)
				for i := range addrs {
					ip := netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)})
					addrs[i] = wire.NewNetAddress(netip.AddrPortFrom(ip, 8333), wire.SFNodeNetwork)
					addrs[i].Timestamp = uint32(time.Now().Unix())
				}
				rp.send(&wire.MsgAddr{AddrList: addrs})
			},
			disconnect: true, discouraged: true, // Core: Misbehaving
			logged: "addr count",
		},
		{
			name: "mempool without bloom filters",
			misbehave: func(t *testing.T, env *badPeerEnv, rp *rawPeer) {
				rp.send(&wire.MsgMemPool{})
			},
			disconnect: true, discouraged: false, // Core disconnects, does not punish
			logged: "mempool request with bloom filters disabled",
		},
		{
			name: "redundant version",
			misbehave: func(t *testing.T, env *badPeerEnv, rp *rawPeer) {
				zero := wire.NetAddress{Network: wire.NetIPv6, Addr: make([]byte, 16)}
				rp.send(&wire.MsgVersion{ProtocolVersion: wire.ProtocolVersion, Services: wire.SFNodeNetwork,
					Timestamp: time.Now().Unix(), AddrRecv: zero, AddrFrom: zero, Nonce: 42})
			},
			disconnect: true, discouraged: true, // ErrProtocol
			logged: "redundant version message",
		},
		{
			name: "wtxidrelay after verack",
			misbehave: func(t *testing.T, env *badPeerEnv, rp *rawPeer) {
				rp.send(&wire.MsgWTxIDRelay{})
			},
			disconnect: true, discouraged: true, // ErrProtocol; Core disconnects
			logged: "wtxidrelay received after verack",
		},
		{
			name: "bad checksum is dropped",
			misbehave: func(t *testing.T, env *badPeerEnv, rp *rawPeer) {
				f := frame(env.p.Net, wire.CmdPing, make([]byte, 8))
				f[20] ^= 0xff
				rp.sendRaw(f)
			},
			disconnect: false, discouraged: false,
			logged: "checksum",
		},
		{
			name: "unknown command is ignored",
			misbehave: func(t *testing.T, env *badPeerEnv, rp *rawPeer) {
				rp.sendRaw(frame(env.p.Net, "bogus", []byte("whatever")))
			},
			disconnect: false, discouraged: false,
			logged: "unknown command",
		},
		{
			name: "non-printable command is dropped",
			misbehave: func(t *testing.T, env *badPeerEnv, rp *rawPeer) {
				rp.sendRaw(frame(env.p.Net, "pi\x01g", make([]byte, 8)))
			},
			disconnect: false, discouraged: false,
			logged: "not printable",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := regtest()
			env := &badPeerEnv{p: p, bans: addrman.NewBans(addrman.BansConfig{})}
			var logs logBuffer
			env.s = startNodeWith(t, p, nodeOpts{bans: env.bans, logger: logs.logger(slog.LevelDebug)})
			env.h = startNodeWith(t, p, nodeOpts{connect: []string{env.s.addr}})
			mineTB(t, env.s, 1, opTrue)
			waitFor(t, "the honest node synced", func() bool { return tipHeight(env.h) == 1 && sameTip(env.s, env.h) })

			rp := dialRaw(t, env.s.addr, p.Net)
			rp.handshake(true)
			tc.misbehave(t, env, rp)
			if tc.disconnect {
				rp.expectClosed()
				waitFor(t, "the bad peer dropped", func() bool { return len(env.s.node.Peers()) == 1 })
			} else {
				rp.pingPong() // still answered: the message was dropped, not fatal
				if n := len(env.s.node.Peers()); n != 2 {
					t.Fatalf("serving node has %d peers, want 2", n)
				}
			}

			// The node keeps serving: its honest peer gets the next block.
			hashes := mineTB(t, env.s, 1, opTrue)
			waitFor(t, "the honest node syncing the new block", func() bool {
				tip, _ := env.h.chain.Tip()
				return tip == hashes[0]
			})
			if !tc.disconnect {
				// And so does the peer that was forgiven: it is announced
				// the block by headers, as it asked.
				rp.expect("headers announcement", func(m wire.Message) bool {
					hm, ok := m.(*wire.MsgHeaders)
					return ok && len(hm.Headers) == 1 && hm.Headers[0].BlockHash() == hashes[0]
				})
			}

			// Stopping the node waits for every peer's OnDisconnect, so
			// the ban list is final.
			env.h.stop()
			env.s.stop()
			if got := env.bans.IsDiscouraged(localhost); got != tc.discouraged {
				t.Errorf("127.0.0.1 discouraged = %v, want %v", got, tc.discouraged)
			}
			if !strings.Contains(logs.String(), tc.logged) {
				t.Errorf("serving node's log does not mention %q:\n%s", tc.logged, logs.String())
			}
		})
	}
	waitFor(t, "goroutines to end", func() bool { return runtime.NumGoroutine() <= before+2 })
}
