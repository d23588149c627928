package chain

import (
	"testing"

	"github.com/bitnode/bitnode/chain/chaingen"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/wire"
)

// TestChainTips builds the active chain b1-b3, a fork f2 off b1 with a
// header-only tip h3, and an invalid branch x3-x4 off b2, and checks
// getchaintips' view of them.
func TestChainTips(t *testing.T) {
	p := *params.RegTest
	g := chaingen.New(&p)
	c := newTestChain(t, &p, "")
	defer c.Close()
	process := func(name string, wantErr bool) {
		t.Helper()
		err := c.ProcessBlock(g.Block(name))
		if (err != nil) != wantErr {
			t.Fatalf("block %s: err %v, want error %v", name, err, wantErr)
		}
	}
	g.NextBlocks("b", 3)
	for _, n := range []string{"b1", "b2", "b3"} {
		process(n, false)
	}
	g.SetTip("b1")
	g.NextBlock("f2")
	process("f2", false)
	g.NextBlock("h3")
	if err := c.ProcessHeaders([]wire.BlockHeader{g.Block("h3").Header}); err != nil {
		t.Fatal(err)
	}
	g.SetTip("b2")
	// x3 overpays its coinbase; that is only found when x4 makes its branch
	// the most-work one and the chain tries to connect it.
	g.NextBlock("x3", chaingen.CoinbaseValueDelta(1))
	process("x3", false)
	g.NextBlock("x4")
	process("x4", true)

	want := []ChainTip{
		{Hash: g.Hash("b3"), Height: 3, BranchLen: 0, Status: "active"},
		{Hash: g.Hash("h3"), Height: 3, BranchLen: 2, Status: "headers-only"},
		{Hash: g.Hash("x4"), Height: 4, BranchLen: 2, Status: "invalid"},
	}
	got := c.ChainTips()
	if len(got) != len(want) {
		t.Fatalf("got %d tips: %+v", len(got), got)
	}
	byHash := map[string]ChainTip{}
	for _, tip := range got {
		byHash[tip.Hash.String()] = tip
	}
	for _, w := range want {
		if g := byHash[w.Hash.String()]; g != w {
			t.Errorf("tip %s: got %+v, want %+v", w.Hash, g, w)
		}
	}
	if got[0].Height < got[len(got)-1].Height {
		t.Errorf("tips not sorted by height: %+v", got)
	}
	// A block stored off the active chain is "valid-headers"; once a
	// reorganisation leaves b3 behind, b3 is a "valid-fork".
	g.SetTip("b2")
	g.NextBlock("v3")
	process("v3", false)
	if s := tipStatus(c, g.Hash("v3")); s != "valid-headers/1" {
		t.Errorf("v3: %s, want valid-headers/1", s)
	}
	g.NextBlock("v4")
	process("v4", false)
	if s := tipStatus(c, g.Hash("b3")); s != "valid-fork/1" {
		t.Errorf("b3 after the reorganisation: %s, want valid-fork/1", s)
	}
	if s := tipStatus(c, g.Hash("v4")); s != "active/0" {
		t.Errorf("v4: %s, want active/0", s)
	}
}

// tipStatus returns "status/branchlen" of the tip with hash h, "" when it is
// not a tip.
func tipStatus(c *Chain, h wire.Hash) string {
	for _, tip := range c.ChainTips() {
		if tip.Hash == h {
			return tip.Status + "/" + string(rune('0'+tip.BranchLen))
		}
	}
	return ""
}
