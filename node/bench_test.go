package node

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/chain/chaingen"
	"github.com/bitnode/bitnode/mempool/mining"
	"github.com/bitnode/bitnode/wire"
)

// Benchmarks of the P2P node over loopback. Run them with
//
//	go test ./node/ -run '^$' -bench . -benchtime 3x
//
// (each sync benchmark op is a whole initial download; -benchtime Nx fixes
// the number of ops). None is skipped in -short mode.

const (
	benchEmptyBlocks = 5000
	// The full-block chain: fullBlocks blocks of fullTxs transactions, each
	// spending one P2WSH(OP_TRUE) output to a new one.
	fullBlocks = 200
	fullTxs    = 500
	// benchSyncLimit bounds one sync op.
	benchSyncLimit = 2 * time.Minute
)

// fullChainCache is the full-block chain, built once per test binary.
var fullChainCache struct {
	once   sync.Once
	blocks []*wire.Block
}

// fullChain returns a regtest chain of 102 small blocks (coinbase
// maturity, then a transaction fanning a coinbase out to fullTxs
// P2WSH(OP_TRUE) outputs) followed by fullBlocks blocks each holding fullTxs
// transactions: transaction j of every block spends output j's latest
// descendant, one input and one output, both P2WSH(OP_TRUE). The spends
// need no signature (the witness is the script itself), so syncing these
// blocks measures networking, storage and validation (UTXO lookups,
// script execution, merkle and witness-commitment checks) without ECDSA.
func fullChain() []*wire.Block {
	c := &fullChainCache
	c.once.Do(func() {
		g := chaingen.New(regtest())
		blocks := g.NextBlocks("m", 101)
		opTrue := g.P2WSH(chaingen.OpTrue())
		fan := g.Spend(g.CoinbaseOutput("m1"), chaingen.Split(fullTxs), chaingen.To(opTrue))
		blocks = append(blocks, g.NextBlock("fan", chaingen.Txs(fan)))
		outs := g.OutputsOf(fan)
		for i := range fullBlocks {
			txs := make([]*wire.Tx, fullTxs)
			for j := range txs {
				txs[j] = g.Spend(outs[j], chaingen.To(opTrue))
				outs[j] = g.OutputsOf(txs[j])[0]
			}
			blocks = append(blocks, g.NextBlock(fmt.Sprintf("full%d", i+1), chaingen.Txs(txs...)))
		}
		c.blocks = blocks
	})
	return c.blocks
}

// benchSync serves blocks from one node and, b.N times, has a fresh node
// connected only to it download all of them. The timed part of an op runs
// from starting the fresh node (its empty chain store opens in a few ms)
// until its tip is the server's; stopping it is not timed. It reports
// blocks/s, and MB/s of serialized blocks through SetBytes.
func benchSync(b *testing.B, blocks []*wire.Block) {
	setup := time.Now()
	p := regtest()
	server := startNodeWith(b, p, nodeOpts{blocks: blocks})
	var size int64
	txs := 0
	for _, blk := range blocks {
		size += int64(blk.SerializeSize())
		txs += len(blk.Transactions)
	}
	target := int32(len(blocks))
	if tipHeight(server) != target {
		b.Fatalf("server at height %d, want %d", tipHeight(server), target)
	}
	b.Logf("setup: %d blocks, %d transactions, %.1f MB served after %s", len(blocks), txs, float64(size)/1e6,
		time.Since(setup).Round(time.Millisecond))
	b.SetBytes(size)
	b.ResetTimer()
	for range b.N {
		fresh := startNodeWith(b, p, nodeOpts{connect: []string{server.addr}})
		deadline := time.Now().Add(benchSyncLimit)
		for tipHeight(fresh) < target {
			if time.Now().After(deadline) {
				b.Fatalf("fresh node at height %d of %d after %s", tipHeight(fresh), target, benchSyncLimit)
			}
			time.Sleep(time.Millisecond)
		}
		b.StopTimer()
		if !sameTip(fresh, server) {
			b.Fatal("fresh node synced a different chain")
		}
		fresh.stop()
		b.StartTimer()
	}
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(len(blocks)*b.N)/secs, "blocks/s")
	b.ReportMetric(float64(txs*b.N)/secs, "txs/s")
}

// BenchmarkSyncEmptyBlocks: initial download of 5,000 coinbase-only
// regtest blocks from one serving node over loopback.
func BenchmarkSyncEmptyBlocks(b *testing.B) {
	benchSync(b, emptyChain(benchEmptyBlocks))
}

// BenchmarkSyncFullBlocks: initial download of 302 blocks, 200 of them
// holding 500 one-in, one-out P2WSH(OP_TRUE) spends (about 10 MB), from one
// serving node over loopback. Scripts are verified (assume-valid is off),
// but no signature is checked: see fullChain.
func BenchmarkSyncFullBlocks(b *testing.B) {
	benchSync(b, fullChain())
}

// BenchmarkPropagation10: ten nodes in a line, each dialling the one
// before. Each op submits one freshly mined block (an empty template,
// solved before the timer runs) to the head and waits until the tail has
// connected it: nine hops of headers announcement, getdata, block and
// validation. Reports ms/block.
func BenchmarkPropagation10(b *testing.B) {
	const length = 10
	p := regtest()
	opTrue := p2wshOpTrue()
	nodes := make([]*testNode, length)
	nodes[0] = startNodeWith(b, p, nodeOpts{})
	for i := 1; i < length; i++ {
		nodes[i] = startNodeWith(b, p, nodeOpts{connect: []string{nodes[i-1].addr}})
	}
	head, tail := nodes[0], nodes[length-1]
	connected := make(chan wire.Hash, 64)
	unsubscribe := tail.chain.Subscribe(func(ev chain.Notification) {
		if ev.Kind == chain.BlockConnected {
			select {
			case connected <- ev.Hash:
			default:
			}
		}
	})
	defer unsubscribe()
	waitTail := func(want wire.Hash) {
		timeout := time.After(20 * time.Second)
		for {
			select {
			case h := <-connected:
				if h == want {
					return
				}
			case <-timeout:
				b.Fatalf("block %s did not reach the tail (height %d) in 20 s", want, tipHeight(tail))
			}
		}
	}
	// Warm up: the first block takes every node out of initial block
	// download, after which they announce.
	waitTail(mineTB(b, head, 1, opTrue)[0])
	for _, n := range nodes {
		if !sameTip(n, head) {
			b.Fatal("the line did not converge")
		}
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		tmpl, err := mining.NewTemplate(head.chain, head.pool, mining.Options{CoinbaseScript: opTrue})
		if err != nil {
			b.Fatal(err)
		}
		chaingen.Solve(&tmpl.Block.Header, false)
		b.StartTimer()
		if err := head.chain.ProcessBlock(tmpl.Block); err != nil {
			b.Fatal(err)
		}
		waitTail(tmpl.Block.BlockHash())
	}
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/block")
}
