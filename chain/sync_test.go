package chain

import (
	"testing"
	"time"

	"github.com/bitnode/bitnode/chain/chaingen"
	"github.com/bitnode/bitnode/wire"
)

func TestSyncHelpers(t *testing.T) {
	g := chaingen.New(regtestCopy())
	c := newTestChain(t, g.Params(), "")
	defer c.Close()
	blocks := g.NextBlocks("b", 50)
	for _, b := range blocks[:30] {
		if err := c.ProcessBlock(b); err != nil {
			t.Fatal(err)
		}
	}
	// Headers of all 50, data for 30: the next 20 are to fetch, lowest
	// first, within the window.
	hdrs := make([]wire.BlockHeader, len(blocks))
	for i, b := range blocks {
		hdrs[i] = b.Header
	}
	if err := c.ProcessHeaders(hdrs); err != nil {
		t.Fatal(err)
	}
	fetch := c.BlocksToFetch(1024, 100)
	if len(fetch) != 20 || fetch[0].Height != 31 || fetch[19].Height != 50 {
		t.Fatalf("to fetch: %d blocks from %v", len(fetch), fetch)
	}
	if got := c.BlocksToFetch(5, 100); len(got) != 5 || got[4].Height != 35 {
		t.Fatalf("window 5: %d blocks", len(got))
	}
	loc := c.Locator()
	if loc[0] != blocks[29].BlockHash() || loc[len(loc)-1] != g.Params().GenesisHash {
		t.Fatalf("locator %v", loc)
	}
	if len(loc) > 10+6 {
		t.Fatalf("locator of %d entries for 31 blocks", len(loc))
	}
	// A peer that knows block 10 gets headers 11.. from us.
	got := c.HeadersAfter(wire.BlockLocator{blocks[9].BlockHash()}, wire.Hash{}, 2000)
	if len(got) != 20 || got[0] != blocks[10].Header {
		t.Fatalf("headers after 10: %d", len(got))
	}
	if got := c.HeadersAfter(wire.BlockLocator{{1, 2, 3}}, blocks[4].BlockHash(), 2000); len(got) != 5 {
		t.Fatalf("unknown locator with stop at 5: %d headers", len(got))
	}
	if got := c.HashesAfter(wire.BlockLocator{blocks[27].BlockHash()}, wire.Hash{}, 500); len(got) != 2 {
		t.Fatalf("hashes after 28: %d", len(got))
	}
	// Regtest blocks are stamped in 2011: the node is in IBD until its
	// clock says the tip is recent.
	if !c.IsInitialBlockDownload() {
		t.Fatal("an old tip is not IBD")
	}
	c.cfg.Now = func() time.Time { return blocks[29].Header.Time().Add(time.Hour) }
	if c.IsInitialBlockDownload() {
		t.Fatal("a recent tip is still IBD")
	}
}
