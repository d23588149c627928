package mempool

import "testing"

func TestSmoke(t *testing.T) {
	f := newFixture(t, nil)
	tx := spend([]coin{f.coin()}, 1000)
	res := f.accept(tx)
	if res.VSize != 96 {
		t.Fatalf("vsize %d", res.VSize)
	}
	if !f.pool.Contains(tx.TxHash()) {
		t.Fatal("not in pool")
	}
	f.mine(1)
	if f.pool.Count() != 0 {
		t.Fatal("not removed")
	}
}
