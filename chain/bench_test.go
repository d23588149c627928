package chain

import (
	"testing"

	"github.com/bitnode/bitnode/chain/chaingen"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/wire"
)

// p2wpkhSetup builds a regtest chain whose tip holds n P2WPKH outputs of
// the generator's key, and a block spending each of them in its own
// transaction.
func p2wpkhSetup(tb testing.TB, g *chaingen.Generator, c *Chain, n int) *wire.Block {
	tb.Helper()
	p := g.Params()
	blocks := g.NextBlocks("m", int(p.CoinbaseMaturity)+1)
	for _, blk := range blocks {
		if err := c.ProcessBlock(blk); err != nil {
			tb.Fatal(err)
		}
	}
	fund := g.Spend(g.CoinbaseOutput("m1"), chaingen.Split(n))
	if err := c.ProcessBlock(g.NextBlock("fund", chaingen.Txs(fund))); err != nil {
		tb.Fatal(err)
	}
	spends := make([]*wire.Tx, n)
	for i, out := range g.OutputsOf(fund) {
		spends[i] = g.Spend(out)
	}
	return g.NextBlock("spend", chaingen.Txs(spends...))
}

func regtestCopy() *params.Params {
	p := *params.RegTest
	return &p
}

// BenchmarkConnectBlockP2WPKH connects a regtest block of 2,000 one-input
// P2WPKH spends on top of the UTXO cache: with every script checked on all
// cores, and with scripts skipped (the cost of everything else). Each
// iteration validates the same block against the same tip in a throw-away
// view, as TestBlockValidity does.
func BenchmarkConnectBlockP2WPKH(b *testing.B) {
	const n = 2000
	for _, be := range script.AllBackends() {
		g := chaingen.New(regtestCopy())
		c := newTestChain(b, g.Params(), "")
		c.verifier.Backend = be
		blk := p2wpkhSetup(b, g, c, n)
		tip := c.active.tip()
		node := &blockNode{hash: blk.BlockHash(), header: blk.Header, parent: tip, height: tip.height + 1}
		for _, skip := range []bool{false, true} {
			name := be.Name() + "/scripts"
			if skip {
				name = be.Name() + "/no-scripts"
			}
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					if _, err := c.connectBlock(c.db.NewView(), blk, node, skip); err != nil {
						b.Fatal(err)
					}
				}
				perTx := float64(b.Elapsed().Nanoseconds()) / float64(b.N*n)
				b.ReportMetric(perTx/1000, "µs/tx")
				b.ReportMetric(1e9/perTx, "tx/s")
			})
		}
		c.Close()
	}
}
