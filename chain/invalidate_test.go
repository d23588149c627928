package chain

import (
	"errors"
	"testing"

	"github.com/bitnode/bitnode/chain/chaingen"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/wire"
)

type invalidateFixture struct {
	t *testing.T
	p *params.Params
	g *chaingen.Generator
	c *Chain
}

func newInvalidateFixture(t *testing.T) *invalidateFixture {
	p := *params.RegTest
	f := &invalidateFixture{t: t, p: &p, g: chaingen.New(&p)}
	f.c = newTestChain(t, &p, "")
	t.Cleanup(func() { f.c.Close() })
	return f
}

func (f *invalidateFixture) process(names ...string) {
	f.t.Helper()
	for _, name := range names {
		if err := f.c.ProcessBlock(f.g.Block(name)); err != nil {
			f.t.Fatalf("block %s: %v", name, err)
		}
	}
}

func (f *invalidateFixture) wantTip(name string) {
	f.t.Helper()
	hash, height := f.c.Tip()
	if hash != f.g.Hash(name) || height != f.g.Height(name) {
		f.t.Fatalf("tip %s at %d, want %s (%s) at %d", hash, height, name, f.g.Hash(name), f.g.Height(name))
	}
}

// wantCleanUTXOs checks the UTXO set equals that of a fresh node given
// only the named blocks.
func (f *invalidateFixture) wantCleanUTXOs(names ...string) {
	f.t.Helper()
	clean := newTestChain(f.t, f.p, "")
	defer clean.Close()
	for _, name := range names {
		if err := clean.ProcessBlock(f.g.Block(name)); err != nil {
			f.t.Fatalf("clean node, block %s: %v", name, err)
		}
	}
	got, err := f.c.UTXOStats()
	if err != nil {
		f.t.Fatal(err)
	}
	want, err := clean.UTXOStats()
	if err != nil {
		f.t.Fatal(err)
	}
	got.DiskSize, want.DiskSize = 0, 0
	if got != want {
		f.t.Fatalf("UTXO set %+v, clean node has %+v", got, want)
	}
}

func TestInvalidateTip(t *testing.T) {
	f := newInvalidateFixture(t)
	f.g.NextBlocks("b", 5)
	f.process("b1", "b2", "b3", "b4", "b5")
	var disconnected []wire.Hash
	f.c.Subscribe(func(n Notification) {
		if n.Kind == BlockDisconnected {
			disconnected = append(disconnected, n.Hash)
		}
	})
	if err := f.c.InvalidateBlock(f.g.Hash("b5")); err != nil {
		t.Fatal(err)
	}
	f.wantTip("b4")
	f.wantCleanUTXOs("b1", "b2", "b3", "b4")
	if len(disconnected) != 1 || disconnected[0] != f.g.Hash("b5") {
		t.Fatalf("disconnected %v, want b5", disconnected)
	}
	if info, _ := f.c.BlockInfo(f.g.Hash("b5")); info.Status&StatusFailed == 0 {
		t.Fatalf("b5 status %v, want failed", info.Status)
	}
	// A block building on it is refused.
	f.g.NextBlock("b6")
	if err := f.c.ProcessBlock(f.g.Block("b6")); err == nil {
		t.Fatal("block on an invalidated block accepted")
	}
	f.wantTip("b4")

	if err := f.c.ReconsiderBlock(f.g.Hash("b5")); err != nil {
		t.Fatal(err)
	}
	// b6 was refused, not stored: b5 is the tip again, and b6 now builds
	// on a valid block.
	f.wantTip("b5")
	f.process("b6")
	f.wantTip("b6")
	f.wantCleanUTXOs("b1", "b2", "b3", "b4", "b5", "b6")
}

func TestInvalidateDeep(t *testing.T) {
	f := newInvalidateFixture(t)
	f.g.NextBlocks("b", 6)
	f.process("b1", "b2", "b3", "b4", "b5", "b6")
	if err := f.c.InvalidateBlock(f.g.Hash("b3")); err != nil {
		t.Fatal(err)
	}
	f.wantTip("b2")
	f.wantCleanUTXOs("b1", "b2")
	for _, name := range []string{"b3", "b4", "b5", "b6"} {
		info, ok := f.c.BlockInfo(f.g.Hash(name))
		if !ok || info.Status&statusFailedMask == 0 {
			t.Errorf("%s: status %v, want failed", name, info.Status)
		}
	}
	if h, _ := f.c.BestHeader(); h != f.g.Hash("b2") {
		t.Errorf("best header %s, want b2", h)
	}
	// Reconsidering a descendant clears its ancestors too.
	if err := f.c.ReconsiderBlock(f.g.Hash("b5")); err != nil {
		t.Fatal(err)
	}
	f.wantTip("b6")
	f.wantCleanUTXOs("b1", "b2", "b3", "b4", "b5", "b6")
	if h, _ := f.c.BestHeader(); h != f.g.Hash("b6") {
		t.Errorf("best header %s, want b6", h)
	}
}

func TestInvalidateSwitchesBranch(t *testing.T) {
	f := newInvalidateFixture(t)
	f.g.NextBlocks("b", 4)
	f.process("b1", "b2", "b3", "b4")
	f.g.SetTip("b1")
	f.g.NextBlocks("f", 2) // f1 at height 2, f2 at height 3
	f.process("f1", "f2")
	f.wantTip("b4")

	if err := f.c.InvalidateBlock(f.g.Hash("b2")); err != nil {
		t.Fatal(err)
	}
	f.wantTip("f2")
	f.wantCleanUTXOs("b1", "f1", "f2")

	if err := f.c.ReconsiderBlock(f.g.Hash("b2")); err != nil {
		t.Fatal(err)
	}
	f.wantTip("b4")
	f.wantCleanUTXOs("b1", "b2", "b3", "b4")

	// Invalidating a block off the active chain leaves the tip alone.
	if err := f.c.InvalidateBlock(f.g.Hash("f1")); err != nil {
		t.Fatal(err)
	}
	f.wantTip("b4")
}

func TestInvalidateErrors(t *testing.T) {
	f := newInvalidateFixture(t)
	f.g.NextBlocks("b", 1)
	f.process("b1")
	unknown := wire.Hash{1}
	for name, fn := range map[string]func(wire.Hash) error{
		"invalidate": f.c.InvalidateBlock, "reconsider": f.c.ReconsiderBlock, "precious": f.c.PreciousBlock,
	} {
		if err := fn(unknown); !errors.Is(err, ErrBlockNotFound) {
			t.Errorf("%s unknown: %v, want ErrBlockNotFound", name, err)
		}
	}
	if err := f.c.InvalidateBlock(f.p.GenesisHash); !errors.Is(err, ErrInvalidateGenesis) {
		t.Errorf("invalidate genesis: %v", err)
	}
	f.wantTip("b1")
}

func TestPreciousBlock(t *testing.T) {
	f := newInvalidateFixture(t)
	f.g.NextBlocks("a", 2)
	f.process("a1", "a2")
	f.g.SetTip("a1")
	f.g.NextBlock("b2")
	f.process("b2")
	f.wantTip("a2") // first seen wins

	if err := f.c.PreciousBlock(f.g.Hash("b2")); err != nil {
		t.Fatal(err)
	}
	f.wantTip("b2")
	f.wantCleanUTXOs("a1", "b2")
	if err := f.c.PreciousBlock(f.g.Hash("a2")); err != nil {
		t.Fatal(err)
	}
	f.wantTip("a2")
	// Less work than the tip: nothing happens.
	if err := f.c.PreciousBlock(f.g.Hash("a1")); err != nil {
		t.Fatal(err)
	}
	f.wantTip("a2")

	// Once the chain grows, a new equal-work fork can be made precious.
	f.g.SetTip("a2")
	f.g.NextBlock("a3")
	f.process("a3")
	f.g.SetTip("b2")
	f.g.NextBlock("b3")
	f.process("b3")
	f.wantTip("a3")
	if err := f.c.PreciousBlock(f.g.Hash("b3")); err != nil {
		t.Fatal(err)
	}
	f.wantTip("b3")
}
