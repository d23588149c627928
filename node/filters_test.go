package node

import (
	"context"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/bitnode/bitnode/chain/index"
	"github.com/bitnode/bitnode/node/peer"
	"github.com/bitnode/bitnode/wire"
)

// collector is a peer.Handler that records messages.
type collector struct {
	mu    sync.Mutex
	msgs  []wire.Message
	ready chan struct{}
	once  sync.Once
}

func (c *collector) OnReady(*peer.Peer) { c.once.Do(func() { close(c.ready) }) }
func (c *collector) OnMessage(_ *peer.Peer, m wire.Message) {
	c.mu.Lock()
	c.msgs = append(c.msgs, m)
	c.mu.Unlock()
}
func (c *collector) OnDisconnect(*peer.Peer, error) {}

func (c *collector) find(cmd string) []wire.Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []wire.Message
	for _, m := range c.msgs {
		if m.Command() == cmd {
			out = append(out, m)
		}
	}
	return out
}

// TestServeCompactFilters: a node with the filter index advertises
// NODE_COMPACT_FILTERS and answers getcfcheckpt, getcfheaders and
// getcfilters with the index's values (BIP157).
func TestServeCompactFilters(t *testing.T) {
	p := regtest()
	a := startNode(t, p)
	mine(t, a, 30, p2wshOpTrue())
	fi, err := index.OpenFilterIndex(index.Config{Dir: filepath.Join(t.TempDir(), "filters"), Source: a.chain})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan error, 1)
	go func() { runDone <- fi.Run(ctx) }()
	defer func() { cancel(); <-runDone; fi.Close() }()
	waitFor(t, "the filter index to catch up", func() bool { return fi.BestHeight() == 30 })
	// A second node object on the same chain serving filters.
	srv, err := New(Config{Chain: a.chain, Filters: fi, Listen: []string{"127.0.0.1:0"}, Connect: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	sctx, scancel := context.WithCancel(context.Background())
	srvDone := make(chan error, 1)
	go func() { srvDone <- srv.Run(sctx) }()
	defer func() { scancel(); <-srvDone }()
	waitFor(t, "listening", func() bool { return len(srv.ListenAddrs()) > 0 })
	conn, err := net.Dial("tcp", srv.ListenAddrs()[0].String())
	if err != nil {
		t.Fatal(err)
	}
	col := &collector{ready: make(chan struct{})}
	cp := peer.New(conn, false, netAddrOf(conn.RemoteAddr()), peer.Config{Magic: p.Net, Handler: col, NonceSet: &peer.NonceSet{}})
	cctx, ccancel := context.WithCancel(context.Background())
	peerDone := make(chan error, 1)
	go func() { peerDone <- cp.Run(cctx) }()
	defer func() { ccancel(); <-peerDone }()
	select {
	case <-col.ready:
	case <-time.After(10 * time.Second):
		t.Fatal("handshake timed out")
	}
	if cp.Services()&wire.SFNodeCompactFilters == 0 {
		t.Fatalf("services %v lack NODE_COMPACT_FILTERS", cp.Services())
	}
	stop, _ := a.chain.MainChainHash(30)
	cp.Send(&wire.MsgGetCFCheckpt{FilterType: wire.GCSFilterRegular, StopHash: stop})
	cp.Send(&wire.MsgGetCFHeaders{FilterType: wire.GCSFilterRegular, StartHeight: 1, StopHash: stop})
	cp.Send(&wire.MsgGetCFilters{FilterType: wire.GCSFilterRegular, StartHeight: 21, StopHash: stop})
	waitFor(t, "the filter answers", func() bool {
		return len(col.find(wire.CmdCFCheckpt)) == 1 && len(col.find(wire.CmdCFHeaders)) == 1 && len(col.find(wire.CmdCFilter)) == 10
	})
	hdrs := col.find(wire.CmdCFHeaders)[0].(*wire.MsgCFHeaders)
	if len(hdrs.FilterHashes) != 30 {
		t.Fatalf("cfheaders with %d hashes, want 30", len(hdrs.FilterHashes))
	}
	for _, m := range col.find(wire.CmdCFilter) {
		f := m.(*wire.MsgCFilter)
		want, err := fi.Filter(f.BlockHash)
		if err != nil || string(want) != string(f.FilterBytes) {
			t.Fatalf("filter for %s differs from the index: %v", f.BlockHash, err)
		}
	}
}

// TestAddrRateLimit: an inbound peer starts with a budget of one address;
// a flood of 1,000 is mostly dropped, not stored.
func TestAddrRateLimit(t *testing.T) {
	p := regtest()
	a := startNode(t, p)
	n := a.node
	conn, err := net.Dial("tcp", a.addr)
	if err != nil {
		t.Fatal(err)
	}
	col := &collector{ready: make(chan struct{})}
	cp := peer.New(conn, false, netAddrOf(conn.RemoteAddr()), peer.Config{Magic: p.Net, Handler: col, NonceSet: &peer.NonceSet{}, Relay: true})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cp.Run(ctx) }()
	defer func() { cancel(); <-done }()
	<-col.ready
	waitFor(t, "the node to register the peer", func() bool { return len(n.Peers()) == 1 })
	var sp *syncPeer
	n.mu.Lock()
	for _, s := range n.peers {
		sp = s
	}
	n.mu.Unlock()
	srv := sp.p
	addrs := make([]wire.NetAddress, 1000)
	for i := range addrs {
		addrs[i] = wire.NewNetAddressIP(net.IPv4(10, 0, byte(i>>8), byte(i)), 18444, wire.SFNodeNetwork)
		addrs[i].Timestamp = uint32(time.Now().Unix())
	}
	n.onAddr(srv, addrs)
	n.mu.Lock()
	left := sp.addrTokens
	n.mu.Unlock()
	if left >= 1 {
		t.Fatalf("budget %.2f after a 1,000-address flood from an inbound peer", left)
	}
}
