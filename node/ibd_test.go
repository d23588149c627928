package node

import (
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"net"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/bitnode/bitnode/chain/chaingen"
	"github.com/bitnode/bitnode/wire"
)

// emptyChainCache holds regtest blocks with only a coinbase, generated
// once per test binary and extended on demand (the IBD test and the sync
// benchmark share them).
var emptyChainCache struct {
	mu     sync.Mutex
	g      *chaingen.Generator
	blocks []*wire.Block
}

// emptyChain returns the first n blocks (heights 1..n) of a chaingen
// regtest chain of empty blocks. Their timestamps are the genesis block's
// plus one second per block, so a node holding them stays in initial block
// download (it serves them but announces nothing).
func emptyChain(n int) []*wire.Block {
	c := &emptyChainCache
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.g == nil {
		c.g = chaingen.New(regtest())
	}
	for len(c.blocks) < n {
		c.blocks = append(c.blocks, c.g.NextBlock(fmt.Sprintf("e%d", len(c.blocks)+1)))
	}
	return c.blocks[:n:n]
}

// stallProxy sits between a syncing node and a serving node. It forwards
// everything the client sends, and the server's messages until it has
// passed passBlocks block messages; then it forwards half of the next block
// and nothing more, on that connection or any later one, while keeping the
// client's connections open: a peer that stops serving mid-block.
type stallProxy struct {
	ln         net.Listener
	target     string
	passBlocks int
	addr       string

	mu      sync.Mutex
	blocks  int
	cut     bool
	stalled chan struct{}
	conns   []net.Conn
	closed  bool
	wg      sync.WaitGroup
}

func newStallProxy(tb testing.TB, target string, passBlocks int) *stallProxy {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	sp := &stallProxy{ln: ln, target: target, passBlocks: passBlocks, addr: ln.Addr().String(), stalled: make(chan struct{})}
	sp.wg.Add(1)
	go func() { defer sp.wg.Done(); sp.acceptLoop() }()
	tb.Cleanup(sp.close)
	return sp
}

func (sp *stallProxy) track(c net.Conn) bool {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.closed {
		c.Close()
		return false
	}
	sp.conns = append(sp.conns, c)
	return true
}

func (sp *stallProxy) acceptLoop() {
	for {
		client, err := sp.ln.Accept()
		if err != nil {
			return
		}
		if !sp.track(client) {
			return
		}
		server, err := net.DialTimeout("tcp", sp.target, rawWait)
		if err != nil {
			client.Close()
			continue
		}
		if !sp.track(server) {
			return
		}
		sp.wg.Add(2)
		go func() {
			defer sp.wg.Done()
			io.Copy(server, client)
			server.Close()
		}()
		go func() {
			defer sp.wg.Done()
			if sp.forward(client, server) {
				client.Close()
			}
			io.Copy(io.Discard, server) // a stalled client still drains the server
		}()
	}
}

// forward copies the server's messages to the client until the cut. It
// reports whether the client's connection should be closed (the server
// went away before the cut).
func (sp *stallProxy) forward(client, server net.Conn) bool {
	var hdr [wire.MessageHeaderSize]byte
	for {
		sp.mu.Lock()
		cut := sp.cut
		sp.mu.Unlock()
		if cut {
			return false
		}
		if _, err := io.ReadFull(server, hdr[:]); err != nil {
			return true
		}
		payload := make([]byte, binary.LittleEndian.Uint32(hdr[16:20]))
		if _, err := io.ReadFull(server, payload); err != nil {
			return true
		}
		out := append(hdr[:], payload...)
		if string(hdr[4:9]) == "block" && hdr[9] == 0 {
			sp.mu.Lock()
			if sp.blocks >= sp.passBlocks {
				sp.cut = true
				close(sp.stalled)
				out = out[:wire.MessageHeaderSize+len(payload)/2]
			} else {
				sp.blocks++
			}
			sp.mu.Unlock()
		}
		if _, err := client.Write(out); err != nil {
			return true
		}
	}
}

func (sp *stallProxy) close() {
	sp.mu.Lock()
	sp.closed = true
	conns := sp.conns
	sp.mu.Unlock()
	sp.ln.Close()
	for _, c := range conns {
		c.Close()
	}
	sp.wg.Wait()
}

var (
	stallLogRE     = regexp.MustCompile(`msg="peer stalling block download, disconnecting" peer=(\d+)`)
	connectedLogRE = regexp.MustCompile(`msg=connected peer=(\d+) addr=(\S+) inbound=false`)
)

// TestIBDStallingPeer: a fresh node downloads 3,000 blocks from two
// serving nodes, one of which stops serving in the middle of a block after
// 600 blocks (through stallProxy). The fresh node must drop the staller
// (Core's block-download stall detection), fetch the rest from the honest
// server, and finish.
func TestIBDStallingPeer(t *testing.T) {
	const numBlocks, passBlocks = 3000, 600
	before := runtime.NumGoroutine()
	p := regtest()
	begin := time.Now()
	blocks := emptyChain(numBlocks)
	s1 := startNodeWith(t, p, nodeOpts{blocks: blocks})
	s2 := startNodeWith(t, p, nodeOpts{blocks: blocks})
	t.Logf("generated and served %d blocks in %s", numBlocks, time.Since(begin).Round(time.Millisecond))
	if tipHeight(s1) != numBlocks || !sameTip(s1, s2) {
		t.Fatalf("servers at %d and %d, want %d", tipHeight(s1), tipHeight(s2), numBlocks)
	}
	proxy := newStallProxy(t, s2.addr, passBlocks)

	var logs logBuffer
	start := time.Now()
	fresh := startNodeWith(t, p, nodeOpts{connect: []string{s1.addr, proxy.addr}, logger: logs.logger(slog.LevelDebug),
		stall: 500 * time.Millisecond})
	deadline := time.Now().Add(30 * time.Second)
	for !sameTip(fresh, s1) {
		if time.Now().After(deadline) {
			t.Fatalf("fresh node at height %d of %d after 30 s; log:\n%s", tipHeight(fresh), numBlocks, logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("synced %d blocks in %s", numBlocks, time.Since(start).Round(time.Millisecond))

	select {
	case <-proxy.stalled:
	default:
		t.Fatal("the proxy never stalled: the test did not exercise a staller")
	}
	// Which connections were dropped for stalling: peer ids from the stall
	// lines, their addresses from the peers' "connected" lines.
	log := logs.String()
	addrOf := map[string]string{}
	for _, m := range connectedLogRE.FindAllStringSubmatch(log, -1) {
		addrOf[m[1]] = m[2]
	}
	var stallers []int64
	for _, m := range stallLogRE.FindAllStringSubmatch(log, -1) {
		if addrOf[m[1]] == proxy.addr {
			id, _ := strconv.ParseInt(m[1], 10, 64)
			stallers = append(stallers, id)
		}
	}
	if len(stallers) == 0 {
		t.Fatalf("the connection through the stalling proxy was not dropped for stalling; log:\n%s", log)
	}
	for _, pi := range fresh.node.Peers() {
		if slices.Contains(stallers, pi.ID) {
			t.Fatalf("staller (peer %d) still connected", pi.ID)
		}
		if pi.Addr == proxy.addr && pi.Ready {
			t.Fatalf("a connection through the stalled proxy (peer %d) is ready", pi.ID)
		}
	}
	// The honest server stays a peer (on a slow machine it may itself
	// have been dropped once and redialled).
	waitFor(t, "the honest server a ready peer", func() bool { return hasReadyPeer(fresh, s1.addr) })

	fresh.stop()
	s1.stop()
	s2.stop()
	proxy.close()
	waitFor(t, "goroutines to end", func() bool { return runtime.NumGoroutine() <= before+2 })
}

// TestAnnounceNewBlocks: a node that dials nobody (-connect=0) and is ahead
// of its peers serves them and announces each new block: with headers to
// peers that sent sendheaders (BIP130: an in-process node, a raw peer), with
// an inv of MSG_BLOCK to a raw peer that did not, which then fetches the
// block with getdata.
func TestAnnounceNewBlocks(t *testing.T) {
	p := regtest()
	opTrue := p2wshOpTrue()
	a := startNodeWith(t, p, nodeOpts{}) // Connect is empty: dials nobody
	mineTB(t, a, 20, opTrue)
	b := startNodeWith(t, p, nodeOpts{connect: []string{a.addr}})
	waitFor(t, "B catching up with A", func() bool { return tipHeight(b) == 20 && sameTip(a, b) })

	hp := dialRaw(t, a.addr, p.Net)
	hp.handshake(true)
	ip := dialRaw(t, a.addr, p.Net)
	ip.handshake(false)
	wants := map[bool]int{}
	for _, pi := range a.node.Peers() {
		wants[pi.WantsHeaders]++
	}
	if wants[true] != 2 || wants[false] != 1 {
		t.Fatalf("A's peers wanting headers announcements: %v, want 2 yes (B, raw) and 1 no", wants)
	}

	hashes := mineTB(t, a, 1, opTrue)
	hp.expect("headers announcement", func(m wire.Message) bool {
		hm, ok := m.(*wire.MsgHeaders)
		return ok && len(hm.Headers) == 1 && hm.Headers[0].BlockHash() == hashes[0]
	})
	ip.expect("inv announcement", func(m wire.Message) bool {
		inv, ok := m.(*wire.MsgInv)
		return ok && len(inv.InvList) == 1 && inv.InvList[0] == wire.InvVect{Type: wire.InvTypeBlock, Hash: hashes[0]}
	})
	ip.send(&wire.MsgGetData{InvList: []wire.InvVect{{Type: wire.InvTypeWitnessBlock, Hash: hashes[0]}}})
	ip.expect("the announced block", func(m wire.Message) bool {
		blk, ok := m.(*wire.Block)
		return ok && blk.BlockHash() == hashes[0]
	})
	waitFor(t, "B getting the new block", func() bool {
		tip, _ := b.chain.Tip()
		return tip == hashes[0]
	})
}
