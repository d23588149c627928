package node

import (
	"context"
	"crypto/sha256"
	"net"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/chain/chaingen"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/mempool"
	"github.com/bitnode/bitnode/mempool/mining"
	"github.com/bitnode/bitnode/wire"
)

// testNode is one in-process node listening on 127.0.0.1.
type testNode struct {
	chain  *chain.Chain
	pool   *mempool.Pool
	node   *Node
	addr   string
	cancel context.CancelFunc
	done   chan error
}

func regtest() *params.Params {
	p := *params.RegTest
	return &p
}

// startNode runs a regtest node connecting only to the given peers.
func startNode(t *testing.T, p *params.Params, connect ...string) *testNode {
	t.Helper()
	ch, err := chain.New(chain.Config{Params: p, DataDir: t.TempDir(), AssumeValid: &wire.Hash{}, CacheBytes: 16 << 20})
	if err != nil {
		t.Fatal(err)
	}
	pool := mempool.New(mempool.Config{Chain: ch})
	n, err := New(Config{Chain: ch, Mempool: pool, Listen: []string{"127.0.0.1:0"},
		Connect: append([]string{}, connect...), TrickleInterval: 50 * time.Millisecond, StallTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	tn := &testNode{chain: ch, pool: pool, node: n, cancel: cancel, done: make(chan error, 1)}
	go func() { tn.done <- n.Run(ctx) }()
	deadline := time.Now().Add(5 * time.Second)
	for len(n.ListenAddrs()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	tn.addr = n.ListenAddrs()[0].String()
	t.Cleanup(tn.stop)
	return tn
}

func (tn *testNode) stop() {
	if tn.cancel == nil {
		return
	}
	tn.cancel()
	<-tn.done
	tn.pool.Close()
	tn.chain.Close()
	tn.cancel = nil
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func mine(t *testing.T, tn *testNode, n int, payTo []byte) {
	t.Helper()
	if _, err := mining.GenerateToScript(context.Background(), tn.chain, tn.pool, payTo, n, 0); err != nil {
		t.Fatal(err)
	}
}

func sameTip(nodes ...*testNode) bool {
	h0, _ := nodes[0].chain.Tip()
	for _, n := range nodes[1:] {
		if h, _ := n.chain.Tip(); h != h0 {
			return false
		}
	}
	return true
}

// TestSyncAndRelay: three nodes in a line (A ← B ← C); blocks mined on A
// reach C, and a transaction given to A reaches every mempool.
func TestSyncAndRelay(t *testing.T) {
	before := runtime.NumGoroutine()
	p := regtest()
	a := startNode(t, p)
	b := startNode(t, p, a.addr)
	c := startNode(t, p, b.addr)
	// Coinbases pay to P2WSH(OP_TRUE): standard, and spent without keys.
	opTrue := p2wshOpTrue()
	mine(t, a, 110, opTrue)
	waitFor(t, "three nodes at height 110", func() bool {
		_, h := c.chain.Tip()
		return h == 110 && sameTip(a, b, c)
	})
	// Spend a mature OP_TRUE coinbase on A and relay it.
	cbHash, _ := a.chain.MainChainHash(1)
	blk, err := a.chain.ReadBlock(cbHash)
	if err != nil {
		t.Fatal(err)
	}
	cb := blk.Transactions[0]
	tx := &wire.Tx{Version: 2, TxIn: []*wire.TxIn{{PreviousOutPoint: wire.OutPoint{Hash: cb.TxHash()}, Sequence: wire.MaxTxInSequenceNum}},
		TxOut: []*wire.TxOut{{Value: cb.TxOut[0].Value - 10_000, PkScript: []byte{0x00, 0x14, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}}}}
	tx.TxIn[0].Witness = wire.TxWitness{{0x51}}
	res, err := a.pool.AcceptTx(tx)
	if err != nil {
		t.Fatalf("accept on A: %v", err)
	}
	a.node.RelayTransaction(tx, res.Fee, res.VSize)
	waitFor(t, "the transaction in every mempool", func() bool {
		return b.pool.Contains(tx.TxHash()) && c.pool.Contains(tx.TxHash())
	})
	// C mines it; A and B see the block and drop it from their pools.
	mine(t, c, 1, opTrue)
	waitFor(t, "the block with the transaction everywhere", func() bool {
		return sameTip(a, b, c) && !a.pool.Contains(tx.TxHash()) && !b.pool.Contains(tx.TxHash())
	})
	a.stop()
	b.stop()
	c.stop()
	waitFor(t, "goroutines to end", func() bool { return runtime.NumGoroutine() <= before+2 })
}

func p2wshOpTrue() []byte {
	h := sha256.Sum256([]byte{0x51})
	return append([]byte{0x00, 0x20}, h[:]...)
}

// TestPartitionConverges: two halves mine separately, then reconnect; all
// end on the chain with the most work (the shorter half reorganises).
func TestPartitionConverges(t *testing.T) {
	p := regtest()
	a := startNode(t, p)
	b := startNode(t, p, a.addr)
	c := startNode(t, p)
	d := startNode(t, p, c.addr)
	mine(t, a, 20, chaingen.OpTrue())
	mine(t, c, 25, chaingen.OpTrue())
	waitFor(t, "halves in sync", func() bool { return sameTip(a, b) && sameTip(c, d) })
	// Join the halves: B dials C.
	var wg sync.WaitGroup
	conn, err := net.Dial("tcp", c.addr)
	if err != nil {
		t.Fatal(err)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		b.node.runPeer(context.Background(), conn, false, netAddrOf(conn.RemoteAddr()), true)
	}()
	waitFor(t, "all four on the 25-block chain", func() bool {
		_, h := a.chain.Tip()
		return h == 25 && sameTip(a, b, c, d)
	})
	conn.Close()
	wg.Wait()
}
