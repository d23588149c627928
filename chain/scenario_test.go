package chain

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/bitnode/bitnode/chain/chaingen"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/wire"
)

// Helpers shared by the scenarios.

func (e *testEnv) stats(c *Chain) store.UTXOStats {
	e.t.Helper()
	st, err := c.UTXOStats()
	if err != nil {
		e.t.Fatal(err)
	}
	return st
}

// otherChain opens a second, empty chain on the same network and clock.
func (e *testEnv) otherChain() *Chain {
	e.t.Helper()
	c, err := New(Config{Params: e.p, DataDir: e.t.TempDir(), AssumeValid: &wire.Hash{}, CacheBytes: 8 << 20,
		Now: func() time.Time { return e.now }})
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { c.Close() })
	return c
}

// feed gives the named blocks to c, each of which must be accepted.
func (e *testEnv) feed(c *Chain, names ...string) {
	e.t.Helper()
	for _, n := range names {
		if err := c.ProcessBlock(e.g.Block(n)); err != nil {
			e.t.Fatalf("block %s: %v", n, err)
		}
	}
}

func (e *testEnv) coin(op wire.OutPoint) *store.Coin {
	e.t.Helper()
	c, err := e.c.FetchCoin(op)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// events records the chain's notifications as "+name" and "-name".
func (e *testEnv) events() *[]string {
	var ev []string
	e.c.Subscribe(func(n Notification) {
		sign := "+"
		if n.Kind == BlockDisconnected {
			sign = "-"
		}
		ev = append(ev, sign+e.g.NameOf(n.Hash))
	})
	return &ev
}

func names(prefix string, from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, fmt.Sprintf("%s%d", prefix, i))
	}
	return out
}

// (a) Competing branches: of two branches with equal work the first seen
// stays active; a branch with more work takes over.
func TestScenarioCompetingBranches(t *testing.T) {
	e := newTestEnv(t, params.RegTest)
	e.mine("c", 2)
	ev := e.events()
	e.mine("a", 1) // a1 on c2
	e.g.SetTip("c2")
	e.expect(e.g.NextBlock("b1"), accept)
	e.wantTip("a1")
	if info, _ := e.c.BlockInfo(e.g.Hash("b1")); info.InActive || info.Status&StatusHaveData == 0 {
		t.Fatalf("b1 status %v, active %v", info.Status, info.InActive)
	}
	e.expect(e.g.NextBlock("b2"), accept) // more work: reorganise
	e.wantTip("b2")
	e.g.SetTip("a1")
	e.expect(e.g.NextBlock("a2"), accept) // equal again: b2 was first
	e.wantTip("b2")
	e.expect(e.g.NextBlock("a3"), accept)
	e.wantTip("a3")
	want := []string{"+a1", "-a1", "+b1", "+b2", "-b2", "-b1", "+a1", "+a2", "+a3"}
	if fmt.Sprint(*ev) != fmt.Sprint(want) {
		t.Fatalf("notifications %v, want %v", *ev, want)
	}
	// A branch delivered children first: each is refused while its parent
	// is unknown, and accepted when sent again after it.
	e.g.SetTip("c2")
	d1 := e.g.NextBlock("d1")
	rest := e.g.NextBlocks("dd", 3) // dd1..dd3 on d1
	for i := len(rest) - 1; i >= 0; i-- {
		e.expect(rest[i], "prev-blk-not-found")
	}
	e.expect(d1, accept)
	for _, b := range rest {
		e.expect(b, accept)
	}
	e.wantTip("dd3")
}

// branchSpends builds n blocks on the generator's tip, named prefix1..,
// each spending a mature coinbase, the previous block's spend, and an
// output created earlier in the same block; the spends carry OP_RETURN
// outputs, and the coinbases an unspendable output too large for the UTXO
// set. shared, when not nil, goes into the second block.
func branchSpends(e *testEnv, prefix string, n int, coinbases []string, fee int64, shared *wire.Tx) []string {
	var prev *wire.Tx
	huge := chaingen.CoinbaseOutputs(&wire.TxOut{Value: 0, PkScript: bytes.Repeat([]byte{0x51}, 10_001)})
	for i := range n {
		first := e.g.Spend(e.g.CoinbaseOutput(coinbases[i]), chaingen.Fee(fee), chaingen.Split(3))
		txs := []*wire.Tx{first}
		outs := e.g.OutputsOf(first)
		opReturn := &wire.TxOut{PkScript: []byte{0x6a, 0x01, byte(i)}}
		txs = append(txs, e.g.Spend(outs[2], chaingen.Outputs(opReturn, &wire.TxOut{Value: outs[2].Value - fee, PkScript: e.g.P2PKH()})))
		if prev != nil {
			txs = append(txs, e.g.SpendMany(e.g.OutputsOf(prev)[:2], chaingen.Fee(fee), chaingen.To(e.g.P2TR())))
		}
		if i == 1 && shared != nil {
			txs = append(txs, shared)
		}
		e.g.NextBlock(fmt.Sprintf("%s%d", prefix, i+1), chaingen.Txs(txs...), huge)
		prev = first
	}
	return names(prefix, 1, n)
}

// (b) A ten-block-deep reorganisation leaves the UTXO set a node fed only
// the winning branch has; with a UTXO cache large enough for everything
// and with one that flushes after every block.
func TestScenarioDeepReorgUTXOSet(t *testing.T) {
	for _, cache := range []int64{8 << 20, 1} {
		t.Run(fmt.Sprintf("cache=%d", cache), func(t *testing.T) { deepReorg(t, cache) })
	}
}

func deepReorg(t *testing.T, cacheBytes int64) {
	e := newTestEnv(t, params.RegTest)
	e.mine("base", 110)
	e.cacheBytes = cacheBytes
	e.reopen()
	before := e.stats(e.c)
	// Both branches spend the coinbases of base1..base11, with different
	// fees (so different transactions), and chains of spends; both confirm
	// one transaction, at different heights.
	shared := e.g.Spend(e.g.CoinbaseOutput("base12"), chaingen.Fee(777))
	a := branchSpends(e, "a", 10, names("base", 1, 10), 1000, shared)
	e.g.SetTip("base110")
	b := branchSpends(e, "b", 11, names("base", 1, 11), 2000, nil)
	e.g.SetTip("b11")
	b = append(b, "b12")
	e.g.NextBlock("b12", chaingen.Txs(shared))
	ev := e.events()
	e.feed(e.c, a...)
	e.wantTip("a10")
	e.feed(e.c, b[:10]...)
	e.wantTip("a10")
	e.feed(e.c, b[10:]...)
	e.wantTip("b12")
	if len(*ev) != 10+10+12 {
		t.Fatalf("%d notifications: %v", len(*ev), *ev)
	}
	got := e.stats(e.c)
	clean := e.otherChain()
	e.feed(clean, names("base", 1, 110)...)
	e.feed(clean, b...)
	want := e.stats(clean)
	if got.HashSerialized != want.HashSerialized || got.TxOuts != want.TxOuts || got.TotalAmount != want.TotalAmount ||
		got.BestBlock != want.BestBlock {
		t.Fatalf("after reorg %+v\nclean node  %+v", got, want)
	}
	if got.HashSerialized == before.HashSerialized {
		t.Fatal("UTXO set unchanged by 12 blocks")
	}
	if c := e.coin(wire.OutPoint{Hash: shared.TxHash()}); c == nil || c.Height != 122 {
		t.Fatalf("shared transaction's output %+v, want it at height 122", c)
	}
	t.Logf("10-deep reorg: %d UTXOs, hash_serialized_3 %s on both nodes", got.TxOuts, got.HashSerialized)
}

// (c) A double spend across branches: the losing branch's spend leaves the
// UTXO set, the winning one's enters, and back again.
func TestScenarioDoubleSpendAcrossBranches(t *testing.T) {
	e := newTestEnv(t, params.RegTest)
	e.mine("base", 101)
	x := e.g.CoinbaseOutput("base1")
	ta := e.g.Spend(x, chaingen.Fee(1000))
	e.mine("a", 1, chaingen.Txs(ta))
	e.g.SetTip("base101")
	tb := e.g.Spend(x, chaingen.Fee(5000), chaingen.To(e.g.P2PKH()))
	e.expect(e.g.NextBlock("b1", chaingen.Txs(tb)), accept)
	e.wantTip("a1")
	aOut, bOut := wire.OutPoint{Hash: ta.TxHash()}, wire.OutPoint{Hash: tb.TxHash()}
	if e.coin(aOut) == nil || e.coin(bOut) != nil || e.coin(x.OutPoint) != nil {
		t.Fatal("before the reorg: want A's output only")
	}
	e.expect(e.g.NextBlock("b2"), accept)
	e.wantTip("b2")
	if e.coin(aOut) != nil || e.coin(x.OutPoint) != nil {
		t.Fatal("after the reorg to B, A's spend is still in the UTXO set (or X is unspent)")
	}
	if c := e.coin(bOut); c == nil || c.Value != x.Value-5000 || c.Height != 102 || c.CoinBase {
		t.Fatalf("B's output %+v", c)
	}
	// Back to A: A's spend returns, B's leaves.
	e.g.SetTip("a1")
	e.expect(e.g.NextBlock("a2"), accept)
	e.expect(e.g.NextBlock("a3"), accept)
	e.wantTip("a3")
	if e.coin(aOut) == nil || e.coin(bOut) != nil {
		t.Fatal("after the reorg back to A")
	}
	// A block spending X on A's branch again is a double spend there.
	e.expect(e.g.NextBlock("a4", chaingen.Txs(tb)), "bad-txns-inputs-missingorspent")
}

// (d) A coinbase output can be spent 100 blocks after its own, not 99.
func TestScenarioCoinbaseMaturity(t *testing.T) {
	e := newTestEnv(t, params.RegTest)
	e.mine("b", 99) // b1 is at height 1; the tip at 99
	spend := e.g.Spend(e.g.CoinbaseOutput("b1"))
	// Height 100: 99 blocks after b1.
	e.expect(e.g.NextBlock("early", chaingen.Txs(spend)), "bad-txns-premature-spend-of-coinbase")
	e.g.SetTip("b99")
	e.mine("c", 1)
	e.expect(e.g.NextBlock("mature", chaingen.Txs(spend)), accept) // height 101
	// The maturity rule applies to coinbases only: a spend's output can
	// be spent in the block that creates it.
	next := e.g.Spend(e.g.OutputsOf(spend)[0])
	e.expect(e.g.NextBlock("chained", chaingen.Txs(e.g.Spend(e.g.CoinbaseOutput("b2")), next)), accept)
}

// BIP68 sequence fields.
const (
	seqDisable = 1 << 31
	seqTime    = 1 << 22
)

// (e) BIP68 relative lock times, by height and by time, and
// OP_CHECKSEQUENCEVERIFY in a witness script.
func TestScenarioRelativeLockTimes(t *testing.T) {
	e := newTestEnv(t, params.RegTest)
	e.mine("base", 101)
	g := e.g
	fund := g.Spend(g.CoinbaseOutput("base1"), chaingen.Split(4))
	e.mine("fund", 1, chaingen.Txs(fund)) // height 102
	coins := g.OutputsOf(fund)
	locked := g.Spend(coins[0], chaingen.Sequence(10)) // version 2
	// Version 1 and the disable flag switch BIP68 off.
	e.expect(g.NextBlock("v1", chaingen.Txs(g.Spend(coins[1], chaingen.Sequence(10), chaingen.TxVersion(1)))), accept)
	e.expect(g.NextBlock("disabled", chaingen.Txs(g.Spend(coins[2], chaingen.Sequence(seqDisable|10)))), accept)
	e.mine("h", 6)                                                                        // tip at 110
	e.expect(g.NextBlock("lock-height-early", chaingen.Txs(locked)), "bad-txns-nonfinal") // 111: 9 blocks on
	g.SetTip("h6")
	e.mine("h7-", 1)
	e.expect(g.NextBlock("lock-height", chaingen.Txs(locked)), accept) // 112
	relativeTimeLock(e, coins[3])
	checkSequenceVerify(e)
}

// relativeTimeLock confirms a spend of coin, then spends that with a
// relative lock of two 512-second units, which counts from the median time
// past of the block before the confirming one and is judged against the
// median time past of the new block's parent.
func relativeTimeLock(e *testEnv, coin chaingen.Output) {
	g := e.g
	before := e.tipName()
	fund := g.Spend(coin)
	e.mine("tfund", 1, chaingen.Txs(fund))
	base := g.MedianTimePast(before)
	spend := g.Spend(g.OutputsOf(fund)[0], chaingen.Sequence(seqTime|2))
	// Eleven blocks at base+1018.. put the median at base+1023.
	for k := range 11 {
		e.mine(fmt.Sprintf("t%d-", k), 1, chaingen.Timestamp(uint32(base+1018+int64(k))))
	}
	if mtp := g.MedianTimePast(e.tipName()); mtp != base+1023 {
		e.t.Fatalf("median time past %d, want %d", mtp, base+1023)
	}
	e.expect(g.NextBlock("lock-time-early", chaingen.Txs(spend)), "bad-txns-nonfinal")
	g.SetTip(e.tipName())
	e.mine("t11-", 1, chaingen.Timestamp(uint32(base+1029)))
	e.expect(g.NextBlock("lock-time", chaingen.Txs(spend)), accept)
}

// checkSequenceVerify spends P2WSH(10 OP_CHECKSEQUENCEVERIFY OP_DROP
// OP_TRUE) outputs: the script wants nSequence ≥ 10 and version 2, BIP68
// then wants ten confirmations.
func checkSequenceVerify(e *testEnv) {
	g := e.g
	ws := append(append(chaingen.PushNumber(10), 0xb2, 0x75), chaingen.OpTrue()...)
	fund := g.Spend(g.CoinbaseOutput("base2"), chaingen.To(g.P2WSH(ws)), chaingen.Split(3))
	e.mine("cfund", 1, chaingen.Txs(fund))
	coins := g.OutputsOf(fund)
	e.mine("c", 8)
	// Nine blocks on: a sequence of 9 satisfies BIP68 but not the script;
	// a sequence of 10 satisfies the script but not BIP68.
	e.expect(g.NextBlock("csv-9", chaingen.Txs(g.Spend(coins[0], chaingen.Sequence(9)))), "mandatory-script-verify-flag-failed")
	g.SetTip(e.tipName())
	e.expect(g.NextBlock("csv-bip68", chaingen.Txs(g.Spend(coins[0], chaingen.Sequence(10)))), "bad-txns-nonfinal")
	g.SetTip(e.tipName())
	e.mine("c9-", 1)
	e.expect(g.NextBlock("csv-v1", chaingen.Txs(g.Spend(coins[0], chaingen.Sequence(10), chaingen.TxVersion(1)))),
		"mandatory-script-verify-flag-failed")
	g.SetTip(e.tipName())
	e.expect(g.NextBlock("csv-disabled", chaingen.Txs(g.Spend(coins[0], chaingen.Sequence(seqDisable|10)))),
		"mandatory-script-verify-flag-failed")
	g.SetTip(e.tipName())
	// Bits outside the type flag and the 16-bit value mean nothing to
	// either rule; both read the version as unsigned, so -1 is above 2.
	e.expect(g.NextBlock("csv", chaingen.Txs(g.Spend(coins[0], chaingen.Sequence(10)),
		g.Spend(coins[1], chaingen.Sequence(1<<23|10)), g.Spend(coins[2], chaingen.Sequence(10), chaingen.TxVersion(-1)))), accept)
}

// commitmentScript returns the coinbase's witness commitment output
// script, or nil.
func commitmentOutput(cb *wire.Tx) *wire.TxOut {
	for i := len(cb.TxOut) - 1; i >= 0; i-- {
		if pk := cb.TxOut[i].PkScript; len(pk) >= 38 && pk[0] == 0x6a && pk[1] == 0x24 {
			return cb.TxOut[i]
		}
	}
	return nil
}

// (f) Witness commitments: the last matching output is the commitment, it
// may carry trailing bytes, a 37-byte look-alike is no commitment, and a
// rejected mutated copy does not taint the valid block.
func TestScenarioWitnessCommitment(t *testing.T) {
	e := newTestEnv(t, params.RegTest)
	e.mine("base", 101)
	g := e.g
	fund := g.Spend(g.CoinbaseOutput("base1"), chaingen.Split(10))
	e.mine("fund", 1, chaingen.Txs(fund))
	coins := g.OutputsOf(fund)
	decoy := func(b *wire.Block) *wire.TxOut {
		real := commitmentOutput(b.Transactions[0])
		pk := append([]byte(nil), real.PkScript...)
		pk[10] ^= 0xff
		return &wire.TxOut{PkScript: pk}
	}
	steps := []struct {
		name, want string
		fn         func(*wire.Block)
	}{
		{"decoy-first", accept, func(b *wire.Block) {
			cb := b.Transactions[0]
			cb.TxOut = append([]*wire.TxOut{cb.TxOut[0], decoy(b)}, cb.TxOut[1:]...)
		}},
		{"decoy-last", "bad-witness-merkle-match", func(b *wire.Block) {
			b.Transactions[0].TxOut = append(b.Transactions[0].TxOut, decoy(b))
		}},
		{"trailing-bytes", accept, func(b *wire.Block) {
			c := commitmentOutput(b.Transactions[0])
			c.PkScript = append(append([]byte(nil), c.PkScript...), 0x01, 0x02)
		}},
		{"short-lookalike", "unexpected-witness", func(b *wire.Block) {
			c := commitmentOutput(b.Transactions[0])
			c.PkScript = c.PkScript[:37]
		}},
		{"commitment-in-second-tx-only", "unexpected-witness", func(b *wire.Block) {
			cb := b.Transactions[0]
			c := commitmentOutput(cb)
			cb.TxOut = cb.TxOut[:len(cb.TxOut)-1]
			cb.TxIn[0].Witness = nil
			b.Transactions[1].TxOut = append(b.Transactions[1].TxOut, c)
		}},
	}
	for i, s := range steps {
		tip := e.tipName()
		blk := g.NextBlock(s.name, chaingen.Txs(g.Spend(coins[i])), chaingen.Munge(s.fn))
		e.expect(blk, s.want)
		g.SetTip(e.tipName())
		if s.want != accept && e.tipName() != tip {
			t.Fatalf("%s moved the tip", s.name)
		}
	}
}

func (e *testEnv) status(name string) BlockStatus {
	e.t.Helper()
	info, ok := e.c.BlockInfo(e.g.Hash(name))
	if !ok {
		e.t.Fatalf("block %s not indexed", name)
	}
	return info.Status
}

// (g) An overweight block is refused wherever it is, is remembered as
// invalid (weight is not a malleation: the commitment binds the witness),
// and so are its descendants.
func TestScenarioOversizeBlock(t *testing.T) {
	e := newTestEnv(t, params.RegTest)
	e.mine("m", 3)
	g := e.g
	g.SetTip("m1")
	e.mine("s", 1)
	e.expect(g.NextBlock("heavy", chaingen.PadToWeight(wire.MaxBlockWeight+4)), "bad-blk-weight")
	e.wantTip("m3")
	if st := e.status("heavy"); st&StatusFailed == 0 || st&StatusHaveData != 0 {
		t.Fatalf("heavy: status %b", st)
	}
	e.expect(g.NextBlock("heavy-child"), "bad-prevblk")
	e.expect(g.Block("heavy"), "duplicate-invalid")
	g.SetTip("s1")
	e.expect(g.NextBlock("light", chaingen.PadToWeight(wire.MaxBlockWeight)), accept)
	e.wantTip("m3")
	e.expect(g.NextBlock("s3"), accept)
	e.wantTip("s3")
}

// (h) The coinbase may claim the subsidy plus the fees, not one satoshi
// more, on both sides of the first halving (height 150 on regtest).
func TestScenarioSubsidy(t *testing.T) {
	e := newTestEnv(t, params.RegTest)
	e.mine("b", 148)
	g := e.g
	for height, subsidy := range map[int32]int64{149: 50_0000_0000, 150: 25_0000_0000} {
		if g.Subsidy(height) != subsidy {
			t.Fatalf("generator subsidy at %d: %d", height, g.Subsidy(height))
		}
	}
	for _, height := range []int32{149, 150} {
		h := int(height)
		spends := []*wire.Tx{g.Spend(g.CoinbaseOutput(fmt.Sprintf("b%d", h-140)), chaingen.Fee(1234)),
			g.Spend(g.CoinbaseOutput(fmt.Sprintf("b%d", h-130)), chaingen.Fee(98_765))}
		exact := g.Subsidy(height) + 1234 + 98_765
		tip := e.tipName()
		e.expect(g.NextBlock(fmt.Sprintf("over%d", h), chaingen.Txs(spends...), chaingen.CoinbaseValue(exact+1)), "bad-cb-amount")
		g.SetTip(tip)
		if height == 150 {
			e.expect(g.NextBlock("unhalved", chaingen.Txs(spends...), chaingen.CoinbaseValue(2*g.Subsidy(height))), "bad-cb-amount")
			g.SetTip(tip)
		}
		e.expect(g.NextBlock(fmt.Sprintf("exact%d", h), chaingen.Txs(spends...), chaingen.CoinbaseValue(exact)), accept)
	}
	e.wantTip("exact150")
}

// (i) A block that fails when its branch is connected is marked failed,
// its descendants failed-child, their children refused, and the chain
// stays on (or goes to) the most-work valid tip.
func TestScenarioInvalidBranch(t *testing.T) {
	e := newTestEnv(t, params.RegTest)
	e.mine("base", 101)
	g := e.g
	e.mine("m", 3)
	before := e.stats(e.c)
	// s1 overpays its coinbase; as a side block it is stored unchecked.
	g.SetTip("base101")
	e.expect(g.NextBlock("s1", chaingen.CoinbaseValueDelta(1)), accept)
	e.expect(g.NextBlock("s2"), accept)
	e.expect(g.NextBlock("s3"), accept)
	e.wantTip("m3")
	e.expect(g.NextBlock("s4"), "bad-cb-amount") // more work: connecting s1 fails
	e.wantTip("m3")
	if st := e.status("s1"); st&StatusFailed == 0 {
		t.Fatalf("s1 status %b", st)
	}
	for _, n := range []string{"s2", "s3", "s4"} {
		if st := e.status(n); st&StatusFailedChild == 0 {
			t.Fatalf("%s status %b", n, st)
		}
	}
	if h, _ := e.c.BestHeader(); h != g.Hash("m3") {
		t.Fatalf("best header %s", g.NameOf(h))
	}
	e.expect(g.NextBlock("s5"), "bad-prevblk")
	if after := e.stats(e.c); after.HashSerialized != before.HashSerialized {
		t.Fatal("the failed reorganisation changed the UTXO set")
	}
	// Headers first, then the blocks out of order: against m1..m4 the
	// branch t1..t7 has more work from t5 on; t6 spends a missing output.
	// The chain must connect t1..t5 and stay there.
	g.SetTip("m3")
	e.expect(g.NextBlock("m4"), accept)
	g.SetTip("base101")
	var headers []wire.BlockHeader
	for i := 1; i <= 7; i++ {
		var opts []chaingen.Option
		if i == 6 {
			opts = append(opts, chaingen.Txs(g.Spend(g.MissingOutput(1000))))
		}
		headers = append(headers, g.NextBlock(fmt.Sprintf("t%d", i), opts...).Header)
	}
	if err := e.c.ProcessHeaders(headers); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"t7", "t6", "t1", "t2", "t3", "t4"} {
		e.expect(g.Block(n), accept) // stored; not connectable or not more work yet
	}
	e.wantTip("m4")
	e.expect(g.Block("t5"), accept) // valid itself; the reorganisation fails at t6
	e.wantTip("t5")
	if st := e.status("t6"); st&StatusFailed == 0 {
		t.Fatalf("t6 status %b", st)
	}
	if st := e.status("t7"); st&StatusFailedChild == 0 {
		t.Fatalf("t7 status %b", st)
	}
	e.expect(g.NextBlock("t8"), "bad-prevblk")
}

// (j) Close and reopen: the tip, the UTXO set, stored side branches and
// what is known to be invalid all survive, and a reorganisation onto a
// branch stored before the restart works from the block and undo files.
func TestScenarioRestart(t *testing.T) {
	e := newTestEnv(t, params.RegTest)
	e.mine("base", 101)
	g := e.g
	a := branchSpends(e, "a", 5, names("base", 1, 5), 1000, nil)
	e.feed(e.c, a...)
	g.SetTip("base101")
	b := branchSpends(e, "b", 5, names("base", 1, 5), 3000, nil)
	e.feed(e.c, b...) // equal work: stored, a5 stays
	g.SetTip("a5")
	e.expect(g.NextBlock("bad", chaingen.CoinbaseValueDelta(1)), "bad-cb-amount")
	e.wantTip("a5")
	tip, height := e.c.Tip()
	stats := e.stats(e.c)
	e.reopen()
	if h, ht := e.c.Tip(); h != tip || ht != height {
		t.Fatalf("after reopen tip %s at %d, want a5 at %d", g.NameOf(h), ht, height)
	}
	if again := e.stats(e.c); again.HashSerialized != stats.HashSerialized || again.TxOuts != stats.TxOuts {
		t.Fatalf("after reopen UTXO set %+v, want %+v", again, stats)
	}
	e.expect(g.Block("bad"), "duplicate-invalid")
	g.SetTip("bad")
	e.expect(g.NextBlock("bad-child"), "bad-prevblk")
	if !e.c.HaveBlock(g.Hash("b5")) {
		t.Fatal("side branch lost")
	}
	// b6 makes the stored branch the best: five blocks disconnected
	// (undo data from disk), six connected.
	g.SetTip("b5")
	e.expect(g.NextBlock("b6"), accept)
	e.wantTip("b6")
	clean := e.otherChain()
	e.feed(clean, names("base", 1, 101)...)
	e.feed(clean, append(b, "b6")...)
	if got, want := e.stats(e.c), e.stats(clean); got.HashSerialized != want.HashSerialized {
		t.Fatalf("after restart and reorg %s, clean node %s", got.HashSerialized, want.HashSerialized)
	}
	// Once more, right after the reorganisation.
	e.reopen()
	e.wantTip("b6")
	e.mine("c", 2)
}

// TestScenarioRetarget runs regtest with retargeting switched on and a
// ten-block interval: fast blocks make each retarget four times harder
// (the clamp), and testnet's rule lets a block more than twenty minutes
// after its parent use the minimum difficulty, after which the last real
// difficulty applies again.
func TestScenarioRetarget(t *testing.T) {
	p := *params.RegTest
	p.PowNoRetargeting = false
	p.PowTargetTimespan = 10 * p.PowTargetSpacing
	e := newTestEnv(t, &p)
	g := e.g
	e.mine("b", 9)
	steps := []struct {
		name  string
		bits  uint32 // 0: the generator's
		delta int64
		want  string
	}{
		{"r10-unchanged", 0x207fffff, 1, "bad-diffbits"},
		{"r10", 0x201fffff, 1, accept},
		{"min11-real", 0x201fffff, 1201, "bad-diffbits"},
		{"min11", 0x207fffff, 1201, accept},
		{"b12-min", 0x207fffff, 1, "bad-diffbits"},
		{"b12", 0x201fffff, 1, accept},
	}
	for _, s := range steps {
		blk := g.NextBlock(s.name, chaingen.Bits(s.bits), chaingen.TimeDelta(s.delta))
		e.expect(blk, s.want)
		g.SetTip(e.tipName())
		if s.want == accept {
			if def := g.NextBlock(s.name+"-gen", chaingen.TimeDelta(s.delta)); def.Header.Bits != s.bits {
				t.Fatalf("%s: generator chose bits %08x, want %08x", s.name, def.Header.Bits, s.bits)
			}
			g.SetTip(s.name)
		}
	}
	e.mine("c", 7) // heights 13..19
	// The span from block 10 to 19 is 1209 s, clamped to a quarter of the
	// 6000 s timespan: the target shrinks four times again.
	e.expect(g.NextBlock("r20-old", chaingen.Bits(0x201fffff)), "bad-diffbits")
	g.SetTip("c7")
	r20 := g.NextBlock("r20")
	if r20.Header.Bits != 0x2007ffff {
		t.Fatalf("generator bits at 20: %08x", r20.Header.Bits)
	}
	e.expect(r20, accept)
	// The chain's template agrees, at a time close to the tip's and at
	// one more than twenty minutes later.
	e.now = time.Unix(int64(r20.Header.Timestamp)+1, 0)
	if nb := e.c.NextBlock(); nb.Bits != 0x2007ffff {
		t.Fatalf("chain's next bits %08x, want 2007ffff", nb.Bits)
	}
	e.now = e.now.Add(20 * time.Minute)
	if nb := e.c.NextBlock(); nb.Bits != 0x207fffff {
		t.Fatalf("chain's next bits %08x twenty minutes on, want 207fffff", nb.Bits)
	}
}

// TestUnconnectableBlocksNotRetained: blocks that are not connected must
// not stay in memory. (Chain.recent used to keep every accepted block until
// it was connected and never dropped the others: stale side branches and
// the descendants of an invalid block stayed for the life of the process,
// so memory grew with every side block received. Core keeps no block
// bodies in memory past validation.)
func TestUnconnectableBlocksNotRetained(t *testing.T) {
	e := newTestEnv(t, params.RegTest)
	e.mine("m", 5)
	g := e.g
	g.SetTip("m1")
	e.mine("s", 2) // a stale branch, s2 at height 3
	g.SetTip("m3")
	e.expect(g.NextBlock("x4", chaingen.CoinbaseValueDelta(1)), accept) // stored, less work
	e.expect(g.NextBlock("x5"), accept)
	e.expect(g.NextBlock("x6"), "bad-cb-amount") // more work: x4 fails, x5, x6 failed-child
	e.wantTip("m5")
	e.c.mu.RLock()
	defer e.c.mu.RUnlock()
	tipWork := e.c.active.tip().chainWork
	var failed, stale []string
	for h := range e.c.recent {
		switch n := e.c.index.lookup(h); {
		case n == nil || n.failed():
			failed = append(failed, g.NameOf(h))
		case n.chainWork.Cmp(tipWork) < 0:
			stale = append(stale, g.NameOf(h))
		}
	}
	slices.Sort(failed)
	slices.Sort(stale)
	if len(failed)+len(stale) > 0 {
		t.Errorf("BUG: Chain.recent keeps, with nothing to ever evict them, invalid blocks %v and stale side blocks %v",
			failed, stale)
	}
}
