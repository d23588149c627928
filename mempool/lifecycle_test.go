package mempool

import (
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/mempool/feeest"
	"github.com/bitnode/bitnode/mempool/mining"
	"github.com/bitnode/bitnode/mempool/policy"
	"github.com/bitnode/bitnode/wire"
)

// TestEviction fills a small pool: the worst chunk goes, the minimum fee
// rises to its feerate plus the incremental relay fee, and decays after a
// block.
func TestEviction(t *testing.T) {
	per := memUsage(spend([]coin{base.trueCoins[0]}, 1000))
	f := newFixture(t, func(c *Config) { c.MaxMempoolBytes = 10 * per })
	var txids []wire.Hash
	for i := range 10 {
		txids = append(txids, f.accept(spend([]coin{f.coin()}, int64(1000*(i+1)))).TxID)
	}
	if got := f.pool.GetMinFee(); got != 0 {
		t.Fatalf("min fee %v before the pool filled", got)
	}
	// Below everything in a full pool, with no minimum fee yet: accepted,
	// then trimmed away at once.
	re := f.expectReject(spend([]coin{f.coin()}, 500), "mempool full")
	if re.Result != ResultReconsiderable {
		t.Fatalf("result %v", re.Result)
	}
	want := policy.NewFeeRate(500, 96) + policy.DefaultIncrementalRelayFee
	if got := f.pool.GetMinFee(); got != want {
		t.Fatalf("min fee %v, want %v", got, want)
	}
	res := f.accept(spend([]coin{f.coin()}, 20_000))
	if f.pool.Contains(txids[0]) || !f.pool.Contains(res.TxID) || f.pool.Count() != 10 {
		t.Fatal("the cheapest transaction was not evicted")
	}
	want = policy.NewFeeRate(1000, 96) + policy.DefaultIncrementalRelayFee
	if got := f.pool.GetMinFee(); got != want {
		t.Fatalf("min fee %v, want %v", got, want)
	}
	f.expectReject(spend([]coin{f.coin()}, 1009), "mempool min fee not met")
	info := f.pool.Info()
	if info.MempoolMinFee != want || info.Usage > 10*per {
		t.Fatalf("info %+v", info)
	}
	// After a block the minimum fee halves every 12 hours (3 hours with
	// the pool under a quarter full).
	f.mine(1)
	f.clock.Advance(3 * time.Hour)
	if got := f.pool.GetMinFee(); got != policy.FeeRate(float64(want)/2+0.5) {
		t.Fatalf("min fee %v after one half-life, want %v", got, want/2)
	}
	f.clock.Advance(30 * time.Hour)
	if got := f.pool.GetMinFee(); got != 0 {
		t.Fatalf("min fee %v, want 0", got)
	}
}

// sideBlock builds and solves a block on prev holding txs.
func (f *fixture) sideBlock(prev wire.Hash, height int32, tag byte, txs ...*wire.Tx) *wire.Block {
	f.t.Helper()
	info, ok := f.ch.BlockInfo(prev)
	if !ok {
		f.t.Fatal("unknown parent")
	}
	p := f.ch.Params()
	cb := &wire.Tx{Version: 2, TxIn: []*wire.TxIn{{PreviousOutPoint: wire.OutPoint{Index: 0xffffffff},
		SignatureScript: append(consensus.ExpectedCoinbaseHeightPrefix(height), tag), Sequence: wire.MaxTxInSequenceNum,
		Witness: wire.TxWitness{make([]byte, 32)}}},
		TxOut: []*wire.TxOut{{Value: consensus.BlockSubsidy(height, p.SubsidyHalvingInterval), PkScript: p2wshTrue}}}
	blk := &wire.Block{Header: wire.BlockHeader{Version: mining.BlockVersion, PrevBlock: prev,
		Timestamp: info.Header.Timestamp + 1, Bits: p.PowLimitBits}, Transactions: append([]*wire.Tx{cb}, txs...)}
	root, _ := consensus.WitnessMerkleRoot(blk)
	var buf [64]byte
	copy(buf[:32], root[:])
	c := wire.DoubleSHA256(buf[:])
	cb.TxOut = append(cb.TxOut, &wire.TxOut{PkScript: append([]byte{0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed}, c[:]...)})
	blk.Header.MerkleRoot, _ = consensus.BlockMerkleRoot(blk)
	if found, err := mining.Mine(context.Background(), blk, p.PowLimit, 0); err != nil || !found {
		f.t.Fatalf("mine: %v", err)
	}
	return blk
}

// TestReorg mines pool transactions, then reorganises to a longer chain
// without them: they come back (re-attached under the child that stayed
// in the pool), except one whose input the new chain spends, which takes
// its child along.
func TestReorg(t *testing.T) {
	f := newFixture(t, nil)
	forkPoint, height := f.ch.Tip()
	ca := f.coin()
	a := f.accept(spend([]coin{ca}, 1000))
	parent := spend([]coin{f.coin()}, 1000)
	f.accept(parent)
	f.mine(1)
	if f.pool.Count() != 0 {
		t.Fatal("block transactions still in the pool")
	}
	child := f.accept(spend(outputs(parent), 1000))
	aChild := f.accept(spend(outputs(f.txByID(t, a.TxID)), 1000))

	doubleSpend := spend([]coin{ca}, 5000)
	b1 := f.sideBlock(forkPoint, height+1, 1, doubleSpend)
	if err := f.ch.ProcessBlock(b1); err != nil {
		t.Fatal(err)
	}
	b2 := f.sideBlock(b1.BlockHash(), height+2, 2)
	if err := f.ch.ProcessBlock(b2); err != nil {
		t.Fatal(err)
	}
	if tip, _ := f.ch.Tip(); tip != b2.BlockHash() {
		t.Fatal("no reorganisation")
	}
	if !f.pool.Contains(parent.TxHash()) || !f.pool.Contains(child.TxID) {
		t.Fatal("disconnected transaction not back")
	}
	if f.pool.Contains(a.TxID) || f.pool.Contains(aChild.TxID) {
		t.Fatal("double-spent transaction or its child kept")
	}
	if f.clusterSize(child.TxID) != 2 {
		t.Fatal("child not re-attached to its returning parent")
	}
	if anc, _ := f.pool.Ancestors(child.TxID); !hasAll(anc, parent.TxHash()) {
		t.Fatalf("ancestors %v", anc)
	}
	// The restored pool mines into a valid block.
	f.mine(1)
	if f.pool.Count() != 0 {
		t.Fatal("pool not emptied")
	}
}

func (f *fixture) txByID(t *testing.T, txid wire.Hash) *wire.Tx {
	t.Helper()
	h, _ := f.ch.Tip()
	blk, err := f.ch.ReadBlock(h)
	if err != nil {
		t.Fatal(err)
	}
	for _, tx := range blk.Transactions {
		if tx.TxHash() == txid {
			return tx
		}
	}
	t.Fatalf("%s not in the tip block", txid)
	return nil
}

func TestPersistence(t *testing.T) {
	f := newFixture(t, nil)
	parent := spend([]coin{f.coin()}, 1000)
	f.accept(parent)
	child := f.accept(spend(outputs(parent), 1000))
	f.accept(spend([]coin{f.coin()}, 3000))
	f.pool.PrioritiseTransaction(child.TxID, 777)
	absent := wire.Hash{9}
	f.pool.PrioritiseTransaction(absent, -5)
	before, _ := f.pool.Get(child.TxID)
	if err := f.pool.Save(); err != nil {
		t.Fatal(err)
	}
	f.pool.Close()

	p2 := New(f.cfg)
	defer p2.Close()
	if p2.IsLoaded() {
		t.Fatal("loaded before Load")
	}
	st, err := p2.Load()
	if err != nil || st.Accepted != 3 || !p2.IsLoaded() {
		t.Fatalf("load %+v %v", st, err)
	}
	after, ok := p2.Get(child.TxID)
	if !ok || after.ModifiedFee != 1777 || !after.Time.Equal(before.Time.Truncate(time.Second)) {
		t.Fatalf("child after reload %+v", after)
	}
	if p2.FeeDelta(absent) != -5 {
		t.Fatal("delta of an absent transaction lost")
	}

	// Expired entries are skipped.
	p3 := New(f.cfg)
	defer p3.Close()
	f.clock.Advance(DefaultExpiry + time.Hour)
	if st, err := p3.Load(); err != nil || st.Expired != 3 {
		t.Fatalf("load %+v %v", st, err)
	}

	// A damaged file is refused whole.
	path := filepath.Join(f.cfg.DataDir, fileName)
	raw, _ := os.ReadFile(path)
	raw[len(raw)/2] ^= 0xff
	os.WriteFile(path, raw, 0o600)
	if _, err := New(f.cfg).Load(); !errors.Is(err, ErrBadFile) {
		t.Fatalf("load of a damaged file: %v", err)
	}
	os.Remove(path)
	if st, err := New(f.cfg).Load(); err != nil || st != (LoadStats{}) {
		t.Fatalf("load without a file: %+v %v", st, err)
	}
}

// FuzzDecodeFile feeds mempool.dat bodies behind a valid header and
// checksum, so the parser itself is exercised.
func FuzzDecodeFile(f *testing.F) {
	tx := spend([]coin{{op: wire.OutPoint{Hash: wire.Hash{1}}, value: 1e6, script: p2wshTrue}}, 1000)
	good := encodeFile([]savedTx{{tx: tx, time: 1, delta: -3}}, map[wire.Hash]int64{{2}: 7})
	header := len(fileMagic) + 4
	f.Add(good[header : len(good)-32])
	f.Add([]byte{0, 0})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, body []byte) {
		b := append([]byte(fileMagic), 1, 0, 0, 0)
		b = append(b, body...)
		sum := sha256.Sum256(b)
		txs, deltas, err := decodeFile(append(b, sum[:]...))
		if err != nil && (txs != nil || deltas != nil) {
			t.Fatal("results with an error")
		}
		if err == nil {
			again := encodeFile(txs, deltas)
			if _, _, err := decodeFile(again); err != nil {
				t.Fatalf("re-encoding does not decode: %v", err)
			}
		}
	})
}

// TestTemplateCPFP builds a block template from a pool with a CPFP chain
// and a signed spend; the mined block passes full validation.
func TestTemplateCPFP(t *testing.T) {
	f := newFixture(t, nil)
	parent := spend([]coin{f.coin()}, 96)
	f.accept(parent)
	child := f.accept(spend(outputs(parent), 30_000))
	signed := spend([]coin{base.keyCoins[0]}, 2000)
	signP2WPKH(signed, []coin{base.keyCoins[0]})
	f.accept(signed)
	tmpl, err := mining.NewTemplate(f.ch, f.pool, mining.Options{CoinbaseScript: p2wshTrue})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[wire.Hash]int{}
	for i, tx := range tmpl.Block.Transactions {
		ids[tx.TxHash()] = i
	}
	pi, okP := ids[parent.TxHash()]
	ci, okC := ids[child.TxID]
	if !okP || !okC || pi > ci || len(tmpl.Block.Transactions) != 4 {
		t.Fatalf("template order %v", ids)
	}
	if tmpl.TotalFees != 96+30_000+2000 {
		t.Fatalf("fees %d", tmpl.TotalFees)
	}
	if err := f.ch.TestBlockValidity(tmpl.Block, false); err != nil {
		t.Fatal(err)
	}
	f.mine(1)
	if f.pool.Count() != 0 {
		t.Fatal("pool not emptied by the block")
	}
}

// TestEstimatorFeed: the estimator tracks accepted transactions and sees
// each block before the pool removes its transactions.
func TestEstimatorFeed(t *testing.T) {
	est := feeest.New()
	f := newFixture(t, func(c *Config) { c.Estimator = est })
	f.mine(1) // the estimator counts from the first block it sees
	parent := spend([]coin{f.coin()}, 1000)
	f.accept(parent)
	f.accept(spend(outputs(parent), 1000)) // has a pool parent: not counted
	replaced := spend([]coin{f.coin()}, 1000)
	f.accept(replaced)
	if n := est.Tracked(); n != 2 {
		t.Fatalf("tracked %d, want 2", n)
	}
	f.accept(spend([]coin{{op: replaced.TxIn[0].PreviousOutPoint, value: base.trueCoins[0].value, script: p2wshTrue}}, 3000))
	if n := est.Tracked(); n != 2 {
		t.Fatalf("tracked %d after a replacement, want 2", n)
	}
	f.mine(1)
	if n := est.Tracked(); n != 0 {
		t.Fatalf("tracked %d after the block, want 0", n)
	}
	if est.BestHeight() != 123 {
		t.Fatalf("estimator at %d", est.BestHeight())
	}
}

// TestManualNotifications: with NoSubscribe the node forwards blocks.
func TestManualNotifications(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.NoSubscribe = true })
	tx := f.accept(spend([]coin{f.coin()}, 1000))
	hashes := f.mine(1)
	if !f.pool.Contains(tx.TxID) {
		t.Fatal("removed without a notification")
	}
	blk, _ := f.ch.ReadBlock(hashes[0])
	_, height := f.ch.Tip()
	f.pool.BlockConnected(blk, height)
	if f.pool.Contains(tx.TxID) {
		t.Fatal("not removed")
	}
	f.pool.BlockDisconnected(blk, height)
	if f.pool.Contains(tx.TxID) {
		t.Fatal("re-added though still confirmed")
	}
}
