package mempool

import "testing"

// TestMineSeveralBlocks: between the blocks of one GenerateToScript call
// the pool drops what the previous block confirmed.
func TestMineSeveralBlocks(t *testing.T) {
	f := newFixture(t, nil)
	for _, tx := range chainOf(f.coin(), 30, 1000) {
		f.accept(tx)
	}
	tx := spend([]coin{f.coin()}, 1000)
	if res := f.accept(tx); res.VSize != 96 || res.Fee != 1000 {
		t.Fatalf("result %+v", res)
	}
	hashes := f.mine(3)
	blk, err := f.ch.ReadBlock(hashes[0])
	if err != nil || len(blk.Transactions) != 32 {
		t.Fatalf("first block holds %d transactions", len(blk.Transactions))
	}
	for _, h := range hashes[1:] {
		if blk, _ := f.ch.ReadBlock(h); len(blk.Transactions) != 1 {
			t.Fatal("later block not empty")
		}
	}
	if f.pool.Count() != 0 || f.pool.Info().Bytes != 0 || f.pool.Info().Usage != 0 {
		t.Fatalf("pool not empty: %+v", f.pool.Info())
	}
}
