package node

import (
	"math/big"
	"testing"
	"time"

	"github.com/bitnode/bitnode/chain/chaingen"
	"github.com/bitnode/bitnode/chain/consensus"
)

// TestHeadersPresync: with a minimum chain work above a peer's chain, the
// peer's headers are never stored; with a chain above it, they are stored
// after the presync and redownload, and the blocks follow.
func TestHeadersPresync(t *testing.T) {
	for _, tc := range []struct {
		name        string
		serverChain int
		wantSync    bool
	}{
		{"low-work chain never stored", 2020, false},
		{"enough work: presync, redownload, sync", 2100, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := regtest()
			// Minimum chain work: 2,050 regtest blocks after genesis.
			w := consensus.CalcWork(p.GenesisBlock.Header.Bits)
			p.MinimumChainWork = new(big.Int).Mul(w, big.NewInt(2051))
			server := startNode(t, p)
			g := chaingen.New(p)
			for _, b := range g.NextBlocks("b", tc.serverChain) {
				if err := server.chain.ProcessBlock(b); err != nil {
					t.Fatal(err)
				}
			}
			client := startNode(t, p, server.addr)
			if !tc.wantSync {
				time.Sleep(1500 * time.Millisecond)
				if _, h := client.chain.BestHeader(); h != 0 {
					t.Fatalf("low-work headers stored: best header at %d", h)
				}
				return
			}
			waitFor(t, "the client to sync", func() bool {
				_, h := client.chain.Tip()
				return h == int32(tc.serverChain)
			})
		})
	}
}
