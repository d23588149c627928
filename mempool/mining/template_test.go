package mining

import (
	"bytes"
	"errors"
	"testing"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/wire"
)

func TestEmptyTemplateMinesAndConnects(t *testing.T) {
	ch := newChain(t, nil)
	next := ch.NextBlock()
	tmpl, err := NewTemplate(ch, nil, Options{CoinbaseScript: opTrue})
	if err != nil {
		t.Fatal(err)
	}
	blk := tmpl.Block
	h := blk.Header
	if h.Version != 0x20000000 || h.PrevBlock != next.PrevHash || h.Bits != next.Bits || h.Nonce != 0 {
		t.Fatalf("header %+v, next %+v", h, next)
	}
	if int64(h.Timestamp) < tmpl.MinTime || tmpl.MinTime != next.MedianTimePast+1 {
		t.Fatalf("time %d, mintime %d, mtp %d", h.Timestamp, tmpl.MinTime, next.MedianTimePast)
	}
	if len(blk.Transactions) != 1 || len(tmpl.Txs) != 0 || tmpl.Height != 1 {
		t.Fatalf("%d transactions at height %d", len(blk.Transactions), tmpl.Height)
	}
	cb := blk.Transactions[0]
	in := cb.TxIn[0]
	// Core 30: CScript() << height << OP_0, sequence MAX_SEQUENCE_NONFINAL,
	// lock time height-1, version 2.
	if !bytes.Equal(in.SignatureScript, []byte{0x51, 0x00}) || in.Sequence != 0xfffffffe || cb.LockTime != 0 || cb.Version != 2 {
		t.Fatalf("coinbase scriptSig %x sequence %x locktime %d version %d", in.SignatureScript, in.Sequence, cb.LockTime, cb.Version)
	}
	if len(in.Witness) != 1 || !bytes.Equal(in.Witness[0], make([]byte, 32)) {
		t.Fatalf("coinbase witness %x", in.Witness)
	}
	if len(cb.TxOut) != 2 || cb.TxOut[0].Value != 50*consensus.SatoshiPerBitcoin || !bytes.Equal(cb.TxOut[0].PkScript, opTrue) {
		t.Fatalf("coinbase outputs %+v", cb.TxOut)
	}
	if !bytes.Equal(cb.TxOut[1].PkScript, tmpl.WitnessCommitment) || cb.TxOut[1].Value != 0 ||
		!bytes.HasPrefix(tmpl.WitnessCommitment, []byte{0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed}) || len(tmpl.WitnessCommitment) != 38 {
		t.Fatalf("commitment %x", tmpl.WitnessCommitment)
	}
	if err := consensus.CheckMerkleRoot(blk); err != nil {
		t.Fatal(err)
	}
	if err := consensus.CheckWitnessCommitment(blk); err != nil {
		t.Fatal(err)
	}
	if tmpl.Fees[0] != 0 || tmpl.SigOpCosts[0] != 0 || tmpl.Weight != DefaultReservedWeight || tmpl.SigOpCost != DefaultCoinbaseSigOps {
		t.Fatalf("fees %v sigops %v weight %d sigop cost %d", tmpl.Fees, tmpl.SigOpCosts, tmpl.Weight, tmpl.SigOpCost)
	}
	mineAndSubmit(t, ch, blk)

	// Heights above 16 push the height as a number; the extra nonce follows.
	if _, err := GenerateToScript(t.Context(), ch, nil, opTrue, 20, 0); err != nil {
		t.Fatal(err)
	}
	tmpl, err = NewTemplate(ch, nil, Options{CoinbaseScript: opTrue, ExtraNonce: 300})
	if err != nil {
		t.Fatal(err)
	}
	if got := tmpl.Block.Transactions[0].TxIn[0].SignatureScript; !bytes.Equal(got, []byte{0x01, 22, 0x02, 0x2c, 0x01}) {
		t.Fatalf("height 22 scriptSig %x", got)
	}
	if tmpl.Block.Transactions[0].LockTime != 21 {
		t.Fatalf("lock time %d", tmpl.Block.Transactions[0].LockTime)
	}
	mineAndSubmit(t, ch, tmpl.Block)
}

// TestCPFPChunk: a low-fee parent and its high-fee child come as one chunk
// and are mined together, in order, the coinbase claiming both fees.
func TestCPFPChunk(t *testing.T) {
	ch, coins := matureChain(t, 2)
	parent := spendTx(coins[:1], 100, opTrue)
	child := spendTx(outputs(parent), 200_000, opTrue)
	other := spendTx(coins[1:2], 5_000, opTrue, opTrue)
	src := SliceSource{
		{desc(parent, 100), desc(child, 200_000, parent)},
		{desc(other, 5_000)},
	}
	tmpl, err := NewTemplate(ch, src, Options{CoinbaseScript: opTrue})
	if err != nil {
		t.Fatal(err)
	}
	txs := tmpl.Block.Transactions
	if len(txs) != 4 || txs[1] != parent || txs[2] != child || txs[3] != other {
		t.Fatalf("block has %d transactions in the wrong order", len(txs))
	}
	wantFees := int64(100 + 200_000 + 5_000)
	subsidy := consensus.BlockSubsidy(tmpl.Height, ch.Params().SubsidyHalvingInterval)
	if tmpl.TotalFees != wantFees || tmpl.CoinbaseValue != subsidy+wantFees || txs[0].TxOut[0].Value != subsidy+wantFees {
		t.Fatalf("fees %d, coinbase value %d", tmpl.TotalFees, tmpl.CoinbaseValue)
	}
	if got := tmpl.Fees; len(got) != 4 || got[0] != -wantFees || got[1] != 100 || got[2] != 200_000 || got[3] != 5_000 {
		t.Fatalf("fees %v", got)
	}
	mineAndSubmit(t, ch, tmpl.Block)
}

// TestWeightLimitRealBlock mines many real transactions under a small
// weight limit: the template takes exactly what the greedy rule predicts
// (skipping a chunk that does not fit and going on with smaller ones), so
// the fees are the most the order allows, and the chain accepts it.
func TestWeightLimitRealBlock(t *testing.T) {
	ch, coins := matureChain(t, 1)
	fan := spendTx(coins, 10_000, repeat(opTrue, 60)...)
	if _, err := GenerateBlock(t.Context(), ch, opTrue, []*wire.Tx{fan}); err != nil {
		t.Fatal(err)
	}
	var src SliceSource
	for i, c := range outputs(fan) {
		n := 1 // every fourth transaction is large
		if i%4 == 1 {
			n = 40
		}
		tx := spendTx([]coin{c}, 0, repeat(opTrue, n)...)
		fee := int64(60-i) * int64(tx.VSize()) // falling feerates
		tx.TxOut[0].Value -= fee
		src = append(src, []TxDesc{desc(tx, fee)})
	}
	opts := Options{CoinbaseScript: opTrue, MaxWeight: DefaultReservedWeight + 12_000}
	tmpl, err := NewTemplate(ch, src, opts)
	if err != nil {
		t.Fatal(err)
	}
	// Core's rule: take a chunk while reserved + taken + chunk < MaxWeight.
	weight, fees := DefaultReservedWeight, int64(0)
	var want []*wire.Tx
	skippedThenTaken := false
	skipped := false
	for _, chunk := range src {
		d := chunk[0]
		if weight+d.Weight >= opts.MaxWeight {
			skipped = true
			continue
		}
		skippedThenTaken = skippedThenTaken || skipped
		weight += d.Weight
		fees += d.Fee
		want = append(want, d.Tx)
	}
	if !skippedThenTaken {
		t.Fatal("test does not exercise skipping")
	}
	got := tmpl.Block.Transactions[1:]
	if len(got) != len(want) {
		t.Fatalf("took %d transactions, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("transaction %d differs", i)
		}
	}
	if tmpl.TotalFees != fees || tmpl.Weight != weight {
		t.Fatalf("fees %d weight %d, want %d %d", tmpl.TotalFees, tmpl.Weight, fees, weight)
	}
	if w := tmpl.Block.Weight(); w >= opts.MaxWeight {
		t.Fatalf("block weight %d, limit %d", w, opts.MaxWeight)
	}
	t.Logf("%d of %d transactions, assembler weight %d, block weight %d, fees %d",
		len(got), len(src), tmpl.Weight, tmpl.Block.Weight(), fees)
	mineAndSubmit(t, ch, tmpl.Block)
}

// TestAssemblyRules drives the selection loop with synthetic chunks (the
// assembler validates nothing, so the transactions need not be real).
func TestAssemblyRules(t *testing.T) {
	ch := newChain(t, nil)
	ids := func(tmpl *Template) []int {
		var out []int
		for _, d := range tmpl.Txs {
			out = append(out, int(d.Tx.TxOut[0].Value-1000)) // fakeTx(i) pays 1000+i
		}
		return out
	}
	same := func(a, b []int) bool {
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			if a[i] != b[i] {
				return false
			}
		}
		return true
	}

	t.Run("weight", func(t *testing.T) {
		// Budget below 20,000: 8,000 + 6,000 + 5,000 = 19,000 fits, the
		// 2,000 chunk would reach 21,000, the 999 one fits (19,999); the
		// last would make exactly 20,000 and is refused (the limit is
		// exclusive).
		src := SliceSource{{fakeDesc(1, 6000, 6000, 0)}, {fakeDesc(2, 5000, 5000, 0)},
			{fakeDesc(3, 2000, 1900, 0)}, {fakeDesc(4, 999, 900, 0)}, {fakeDesc(5, 1, 1, 0)}}
		tmpl, err := NewTemplate(ch, src, Options{MaxWeight: 20_000})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(tmpl); !same(got, []int{1, 2, 4}) || tmpl.Weight != 19_999 {
			t.Fatalf("took %v, weight %d", got, tmpl.Weight)
		}
	})
	t.Run("sigops", func(t *testing.T) {
		// 400 reserved + 3 × 20,000 = 60,400; a fourth would make 80,400.
		src := SliceSource{{fakeDesc(1, 400, 400, 20_000)}, {fakeDesc(2, 400, 400, 20_000)},
			{fakeDesc(3, 400, 400, 20_000)}, {fakeDesc(4, 400, 400, 20_000)}, {fakeDesc(5, 400, 300, 19_599)},
			{fakeDesc(6, 400, 300, 1)}}
		tmpl, err := NewTemplate(ch, src, Options{})
		if err != nil {
			t.Fatal(err)
		}
		// 60,400 + 19,599 = 79,999 fits; then 1 more would make 80,000.
		if got := ids(tmpl); !same(got, []int{1, 2, 3, 5}) || tmpl.SigOpCost != 79_999 {
			t.Fatalf("took %v, sigop cost %d", got, tmpl.SigOpCost)
		}
	})
	t.Run("min feerate", func(t *testing.T) {
		// 400 weight = 100 vB: 100 sat is exactly 1 sat/vB.
		src := SliceSource{{fakeDesc(1, 400, 200, 0)}, {fakeDesc(2, 400, 100, 0)}, {fakeDesc(3, 400, 99, 0)}, {fakeDesc(4, 400, 500, 0)}}
		tmpl, err := NewTemplate(ch, src, Options{MinFeeRate: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(tmpl); !same(got, []int{1, 2}) {
			t.Fatalf("took %v", got)
		}
		// The default (1 sat/kvB) stops at a zero-fee chunk; a negative
		// rate admits it.
		zero := SliceSource{{fakeDesc(1, 400, 1, 0)}, {fakeDesc(2, 400, 0, 0)}}
		if tmpl, _ := NewTemplate(ch, zero, Options{}); !same(ids(tmpl), []int{1}) {
			t.Fatalf("default took %v", ids(tmpl))
		}
		if tmpl, _ := NewTemplate(ch, zero, Options{MinFeeRate: -1}); !same(ids(tmpl), []int{1, 2}) {
			t.Fatalf("no minimum took %v", ids(tmpl))
		}
		// The fee delta counts for the check, not for the coinbase.
		d := fakeDesc(1, 400, 0, 0)
		d.FeeDelta = 1000
		tmpl, _ = NewTemplate(ch, SliceSource{{d}}, Options{})
		if !same(ids(tmpl), []int{1}) || tmpl.TotalFees != 0 {
			t.Fatalf("prioritised took %v, fees %d", ids(tmpl), tmpl.TotalFees)
		}
		// A sigop-heavy chunk is charged 20 weight per sigop cost:
		// 400 weight, 100 sigops = 2,000 adjusted weight = 500 vB.
		d = fakeDesc(1, 400, 499, 100)
		if tmpl, _ := NewTemplate(ch, SliceSource{{d}}, Options{MinFeeRate: 1000}); len(tmpl.Txs) != 0 {
			t.Fatal("sigop-adjusted size ignored")
		}
	})
	t.Run("descendants of skipped", func(t *testing.T) {
		big := fakeDesc(1, 30_000, 30_000, 0)
		// The child spends big; it is its own chunk (as after a skipped
		// parent chunk) and must be skipped too, with or without Parents.
		child := fakeDesc(2, 400, 400, 0)
		child.Tx.TxIn[0].PreviousOutPoint.Hash = big.TxID
		orphan := fakeDesc(3, 400, 400, 0)
		orphan.Parents = []wire.Hash{{9}} // a parent never offered
		src := SliceSource{{big}, {child}, {orphan}, {fakeDesc(4, 400, 300, 0)}}
		tmpl, err := NewTemplate(ch, src, Options{MaxWeight: 20_000})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(tmpl); !same(got, []int{4}) {
			t.Fatalf("took %v", got)
		}
		// Inside a chunk, a parent listed earlier is fine; a duplicate
		// offer of a taken transaction is not.
		p, c := fakeDesc(5, 400, 400, 0), fakeDesc(6, 400, 1000, 0)
		c.Parents = []wire.Hash{p.TxID}
		late := fakeDesc(7, 400, 400, 0) // spends p after p's duplicate offer was refused
		late.Tx.TxIn[0].PreviousOutPoint.Hash = p.TxID
		tmpl, _ = NewTemplate(ch, SliceSource{{p, c}, {p}, {late}}, Options{})
		if got := ids(tmpl); !same(got, []int{5, 6, 7}) {
			t.Fatalf("took %v", got)
		}
	})
	t.Run("finality", func(t *testing.T) {
		next := ch.NextBlock()
		locked := fakeDesc(1, 400, 400, 0)
		locked.Tx.LockTime = uint32(next.Height) // final only above its height
		byTime := fakeDesc(2, 400, 400, 0)
		byTime.Tx.LockTime = uint32(next.MedianTimePast) // MTP must exceed it
		ok := fakeDesc(3, 400, 400, 0)
		ok.Tx.LockTime = uint32(next.Height - 1)
		allFinal := fakeDesc(4, 400, 400, 0)
		allFinal.Tx.LockTime = 1 << 30
		allFinal.Tx.TxIn[0].Sequence = wire.MaxTxInSequenceNum
		tmpl, err := NewTemplate(ch, SliceSource{{locked}, {byTime}, {ok}, {allFinal}}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(tmpl); !same(got, []int{3, 4}) {
			t.Fatalf("took %v", got)
		}
	})
	t.Run("consecutive failures", func(t *testing.T) {
		// Fill to within 4,000 of the limit, then offer 1,001 chunks that
		// do not fit: the assembler stops and never sees the last one.
		src := SliceSource{{fakeDesc(0, 9_000, 9_000, 0)}}
		for i := 1; i <= 1001; i++ {
			src = append(src, []TxDesc{fakeDesc(i, 14_000, 14_000, 0)})
		}
		src = append(src, []TxDesc{fakeDesc(5000, 400, 400, 0)})
		seen := 0
		counting := ChunkFunc(func(yield func([]TxDesc) bool) {
			for _, c := range src {
				seen++
				if !yield(c) {
					return
				}
			}
		})
		tmpl, err := NewTemplate(ch, counting, Options{MaxWeight: 20_000})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(tmpl); !same(got, []int{0}) || seen != 1002 {
			t.Fatalf("took %v after %d chunks", got, seen)
		}
		// Far from full, the assembler keeps looking.
		seen = 0
		tmpl, _ = NewTemplate(ch, counting, Options{MaxWeight: 30_000})
		if got := ids(tmpl); !same(got, []int{0, 5000}) || seen != len(src) {
			t.Fatalf("took %v after %d chunks", got, seen)
		}
	})
}

func TestOptions(t *testing.T) {
	ch := newChain(t, nil)
	for _, o := range []Options{{ReservedWeight: 1999}, {ReservedWeight: 4_000_001}, {CoinbaseSigOps: 80_001}, {BytesPerSigOp: -1}} {
		if _, err := NewTemplate(ch, nil, o); !errors.Is(err, ErrBadOptions) {
			t.Errorf("%+v: %v", o, err)
		}
	}
	o, err := Options{MaxWeight: 10}.withDefaults()
	if err != nil || o.MaxWeight != DefaultReservedWeight || o.MinFeeRate != 1 || !bytes.Equal(o.CoinbaseScript, opTrue) {
		t.Fatalf("%+v %v", o, err)
	}
	if o, _ := (Options{MaxWeight: 5_000_000}).withDefaults(); o.MaxWeight != wire.MaxBlockWeight {
		t.Fatalf("max weight %d", o.MaxWeight)
	}
	// A payout script too big for any block.
	if _, err := NewTemplate(ch, nil, Options{CoinbaseScript: make([]byte, 1_000_000)}); !errors.Is(err, ErrTemplateTooLarge) {
		t.Fatal(err)
	}
}

func TestPreSegwitTemplate(t *testing.T) {
	ch := newChain(t, func(p *params.Params) { p.SegwitHeight = 1000 })
	tmpl, err := NewTemplate(ch, nil, Options{CoinbaseScript: opTrue})
	if err != nil {
		t.Fatal(err)
	}
	cb := tmpl.Block.Transactions[0]
	if tmpl.WitnessCommitment != nil || len(cb.TxOut) != 1 || cb.HasWitness() {
		t.Fatalf("pre-segwit coinbase %+v", cb)
	}
	mineAndSubmit(t, ch, tmpl.Block)
}

func TestMinimumTime(t *testing.T) {
	p := params.RegTest // retarget interval 144
	if got := minimumTime(p, 143, 1000, 5000); got != 1001 {
		t.Fatalf("off boundary: %d", got)
	}
	if got := minimumTime(p, 144, 1000, 5000); got != 4400 {
		t.Fatalf("on boundary: %d", got)
	}
	if got := minimumTime(p, 288, 9000, 5000); got != 9001 {
		t.Fatalf("on boundary, old parent: %d", got)
	}
}

func TestFeeRateBelow(t *testing.T) {
	for _, c := range []struct {
		fee, vsize, rate int64
		below            bool
	}{
		{100, 100, 1000, false}, // exactly 1 sat/vB
		{99, 100, 1000, true},
		{0, 100, 1, true},
		{0, 100, 0, false},
		{0, 100, -1, false},
		{-1, 100, -1, true}, // -1000/100 < -1/1000
		{-1, 100, 0, true},
		{1000, 1_000_000, 1, false},
		{999, 1_000_000, 1, true},
		{consensus.MaxMoney, 1, 1 << 62, true},
		{1 << 62, 1, 1 << 62, false},
	} {
		if got := feeRateBelow(c.fee, c.vsize, c.rate); got != c.below {
			t.Errorf("feeRateBelow(%d, %d, %d) = %v", c.fee, c.vsize, c.rate, got)
		}
	}
}
