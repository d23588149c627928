package chain

import (
	"errors"
	"testing"

	"github.com/bitnode/bitnode/chain/chaingen"
	"github.com/bitnode/bitnode/wire"
)

// TestPruning connects 400 regtest blocks into 8 KiB block files with a
// 40 KiB budget: old files go, the last 288 blocks stay readable, the UTXO
// set is untouched, and the pruned state survives a restart.
func TestPruning(t *testing.T) {
	g := chaingen.New(regtestCopy())
	dir := t.TempDir()
	cfg := Config{Params: g.Params(), DataDir: dir, AssumeValid: &wire.Hash{}, CacheBytes: 1 << 20,
		MaxBlockFileSize: 8 << 10, PruneTarget: 40 << 10}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, blk := range g.NextBlocks("b", 400) {
		if err := c.ProcessBlock(blk); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	before, err := c.UTXOStats()
	if err != nil {
		t.Fatal(err)
	}
	old, _ := c.MainChainHash(5)
	if _, err := c.ReadBlock(old); !errors.Is(err, ErrBlockNotStored) {
		t.Fatalf("block 5 still readable after pruning: %v", err)
	}
	for h := int32(400 - 288 + 1); h <= 400; h += 50 {
		hash, _ := c.MainChainHash(h)
		if _, err := c.ReadBlock(hash); err != nil {
			t.Fatalf("recent block %d pruned: %v", h, err)
		}
	}
	var total int64
	for _, f := range c.files.Files() {
		total += f.Size + f.UndoSize
	}
	t.Logf("%d block files remain, %d bytes", len(c.files.Files()), total)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	c, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	after, err := c.UTXOStats()
	if err != nil || after.HashSerialized != before.HashSerialized {
		t.Fatalf("UTXO set changed across restart: %v", err)
	}
	// The pruned chain still grows.
	if err := c.ProcessBlock(g.NextBlock("c1")); err != nil {
		t.Fatal(err)
	}
}

// TestAssumeValid: below the assumed-valid block (with enough work on top
// of it) scripts are not checked, so a block carrying a bad signature is
// accepted; with assumed-valid disabled the same chain is rejected.
func TestAssumeValid(t *testing.T) {
	build := func() (*chaingen.Generator, []*wire.Block) {
		g := chaingen.New(regtestCopy())
		blocks := g.NextBlocks("m", 101)
		bad := g.Spend(g.CoinbaseOutput("m1"), chaingen.BadSignature())
		blocks = append(blocks, g.NextBlock("bad", chaingen.Txs(bad)))
		// More than two weeks of work on top (2,016 blocks at 600 s).
		blocks = append(blocks, g.NextBlocks("t", 2100)...)
		return g, blocks
	}
	g, blocks := build()
	av := g.Hash("t2100")
	run := func(assumeValid wire.Hash) (string, int32) {
		c, err := New(Config{Params: g.Params(), DataDir: t.TempDir(), AssumeValid: &assumeValid, CacheBytes: 8 << 20})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		// Headers first, as a syncing node learns them, so the best
		// header is known before the bad block connects.
		hdrs := make([]wire.BlockHeader, len(blocks))
		for i, b := range blocks {
			hdrs[i] = b.Header
		}
		if err := c.ProcessHeaders(hdrs); err != nil {
			t.Fatal(err)
		}
		reason := ""
		for _, b := range blocks {
			if err := c.ProcessBlock(b); err != nil {
				reason = RejectReason(err)
				break
			}
		}
		_, h := c.Tip()
		return reason, h
	}
	if reason, h := run(av); reason != "" || h != int32(len(blocks)) {
		t.Fatalf("with assumed-valid: rejected %q at height %d", reason, h)
	}
	if reason, h := run(wire.Hash{}); reason != "mandatory-script-verify-flag-failed" || h != 101 {
		t.Fatalf("without assumed-valid: %q, tip %d", reason, h)
	}
}
