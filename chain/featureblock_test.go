package chain

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/bitnode/bitnode/chain/chaingen"
	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/wire"
)

// accept is the expected outcome of a block that must be accepted;
// buildOnly marks a step that builds a block without submitting it.
const (
	accept    = "accept"
	buildOnly = "build"
)

// testEnv is a chain in a temporary directory, a generator building its
// blocks, and the clock the chain judges future timestamps by.
type testEnv struct {
	t   testing.TB
	p   *params.Params
	g   *chaingen.Generator
	c   *Chain
	dir string
	now time.Time
	// cacheBytes is the UTXO cache budget; 1 flushes after every block.
	cacheBytes int64
}

func newTestEnv(t testing.TB, p *params.Params) *testEnv {
	t.Helper()
	e := &testEnv{t: t, p: p, g: chaingen.New(p), dir: t.TempDir(), cacheBytes: 8 << 20}
	e.now = time.Unix(int64(p.GenesisBlock.Header.Timestamp), 0).Add(24 * time.Hour)
	e.open()
	t.Cleanup(func() {
		if e.c != nil {
			e.c.Close()
		}
	})
	return e
}

func (e *testEnv) open() {
	e.t.Helper()
	c, err := New(Config{Params: e.p, DataDir: e.dir, AssumeValid: &wire.Hash{}, CacheBytes: e.cacheBytes,
		Now: func() time.Time { return e.now }})
	if err != nil {
		e.t.Fatal(err)
	}
	e.c = c
}

// reopen closes the chain and opens it again on the same directory.
func (e *testEnv) reopen() {
	e.t.Helper()
	if err := e.c.Close(); err != nil {
		e.t.Fatal(err)
	}
	e.c = nil
	e.open()
}

// submit processes blk and returns accept or the reject reason; a failure
// that is not a rule violation ends the test.
func (e *testEnv) submit(blk *wire.Block) string {
	e.t.Helper()
	err := e.c.ProcessBlock(blk)
	if err == nil {
		return accept
	}
	r := RejectReason(err)
	if r == "" {
		e.t.Fatalf("block %s: not a rule violation: %v", e.g.NameOf(blk.BlockHash()), err)
	}
	return r
}

// expect submits blk and reports (without stopping) an unexpected outcome.
func (e *testEnv) expect(blk *wire.Block, want string) bool {
	e.t.Helper()
	if got := e.submit(blk); got != want {
		e.t.Errorf("block %s (height %d): got %q, want %q", e.g.NameOf(blk.BlockHash()),
			e.g.Height(e.g.NameOf(blk.BlockHash())), got, want)
		return false
	}
	return true
}

// mine builds n blocks named prefix1..prefixN on the generator's tip; each
// must be accepted.
func (e *testEnv) mine(prefix string, n int, opts ...chaingen.Option) {
	e.t.Helper()
	for _, blk := range e.g.NextBlocks(prefix, n, opts...) {
		if got := e.submit(blk); got != accept {
			e.t.Fatalf("block %s: %s", e.g.NameOf(blk.BlockHash()), got)
		}
	}
}

// tipName is the generator's name for the chain's tip.
func (e *testEnv) tipName() string {
	h, _ := e.c.Tip()
	return e.g.NameOf(h)
}

func (e *testEnv) wantTip(name string) {
	e.t.Helper()
	if got := e.tipName(); got != name {
		e.t.Fatalf("tip %s, want %s", got, name)
	}
}

// blockCase is one step of the feature-block table: a block built on
// from (the generator's tip when empty) with opts, or made by block, and
// what the chain must say. tip is the active tip afterwards (by default
// the block when accepted, unchanged when rejected).
type blockCase struct {
	name  string
	from  string
	opts  func(e *fbEnv) []chaingen.Option
	block func(e *fbEnv) *wire.Block
	want  string
	tip   string
	// before runs first (to move the clock, say).
	before func(e *fbEnv)
}

// fbEnv adds the outputs the feature-block cases spend.
type fbEnv struct {
	*testEnv
	pool  []chaingen.Output            // 1-BTC-ish P2WPKH outputs, confirmed
	kinds map[string][]chaingen.Output // confirmed outputs by script kind
}

// out takes a fresh confirmed P2WPKH output.
func (e *fbEnv) out() chaingen.Output {
	o := e.pool[0]
	e.pool = e.pool[1:]
	return o
}

// kind takes a fresh confirmed output of a script kind.
func (e *fbEnv) kind(k string) chaingen.Output {
	o := e.kinds[k][0]
	e.kinds[k] = e.kinds[k][1:]
	return o
}

// static wraps options that need nothing from the environment.
func static(opts ...chaingen.Option) func(*fbEnv) []chaingen.Option {
	return func(*fbEnv) []chaingen.Option { return opts }
}

func txs(t ...*wire.Tx) []chaingen.Option { return []chaingen.Option{chaingen.Txs(t...)} }

// setupFeatureBlock mines 110 blocks, then a block that splits two mature
// coinbases into the outputs the cases spend.
func setupFeatureBlock(t *testing.T) *fbEnv {
	e := &fbEnv{testEnv: newTestEnv(t, params.RegTest), kinds: map[string][]chaingen.Output{}}
	e.mine("s", 110)
	g := e.g
	split := g.Spend(g.CoinbaseOutput("s1"), chaingen.Split(40))
	kinds := []struct {
		name string
		pk   []byte
		n    int
	}{{"p2sh-p2pk", g.P2SH(g.P2PK()), 3}, {"p2tr", g.P2TR(), 3}, {"optrue", chaingen.OpTrue(), 4},
		{"p2pkh", g.P2PKH(), 3}, {"p2wsh", g.P2WSH(chaingen.OpTrue()), 2}}
	var outs []*wire.TxOut
	for _, k := range kinds {
		for range k.n {
			outs = append(outs, &wire.TxOut{Value: 100_000_000, PkScript: k.pk})
		}
	}
	byKind := g.Spend(g.CoinbaseOutput("s2"), chaingen.Outputs(outs...))
	e.mine("fund", 1, chaingen.Txs(split, byKind))
	e.pool = g.OutputsOf(split)
	all := g.OutputsOf(byKind)
	for _, k := range kinds {
		e.kinds[k.name], all = all[:k.n], all[k.n:]
	}
	return e
}

// run plays the cases in order and returns how many blocks it submitted.
func (e *fbEnv) run(cases []blockCase) int {
	t := e.t
	submitted := 0
	for i, bc := range cases {
		if bc.before != nil {
			bc.before(e)
		}
		genTip, chainTip := e.g.TipName(), e.tipName()
		if bc.from != "" {
			e.g.SetTip(bc.from)
		}
		var blk *wire.Block
		if bc.block != nil {
			blk = bc.block(e)
		} else {
			var opts []chaingen.Option
			if bc.opts != nil {
				opts = bc.opts(e)
			}
			blk = e.g.NextBlock(bc.name, opts...)
		}
		if bc.want == buildOnly {
			continue
		}
		submitted++
		got := e.submit(blk)
		if got != bc.want {
			t.Errorf("case %d %s: got %q, want %q", i, bc.name, got, bc.want)
		}
		wantTip := bc.tip
		switch {
		case wantTip != "":
		case bc.want == accept:
			wantTip = bc.name
		default:
			wantTip = chainTip
		}
		if got == accept {
			e.g.SetTip(bc.name)
		} else {
			e.g.SetTip(genTip)
		}
		if tip := e.tipName(); tip != wantTip {
			t.Errorf("case %d %s: tip %s, want %s", i, bc.name, tip, wantTip)
		}
	}
	return submitted
}

// TestFeatureBlock plays Bitcoin Core's feature_block.py in spirit: every
// block rule broken once, each block next to one that is just valid,
// against a real chain on LevelDB.
func TestFeatureBlock(t *testing.T) {
	e := setupFeatureBlock(t)
	var all []blockCase
	for _, part := range [][]blockCase{headerCases(), structureCases(), transactionCases(), contextCases(),
		witnessCases(), weightCases(), utxoCases(), sigOpCases()} {
		all = append(all, part...)
	}
	n := e.run(all)
	t.Logf("feature-block table: %d cases, %d blocks submitted; tip %s at height %d",
		len(all), n, e.tipName(), e.g.Height(e.tipName()))
}

// opt builds options from the environment at the time the case runs (the
// outputs a case spends are taken then).
func opt(fn func(e *fbEnv) []chaingen.Option) func(*fbEnv) []chaingen.Option { return fn }

// nextHeight is the height of the block the generator builds next.
func (e *fbEnv) nextHeight() int32 { return e.g.Height(e.g.TipName()) + 1 }

// tipMTP is the median time past of the generator's tip.
func (e *fbEnv) tipMTP() int64 { return e.g.MedianTimePast(e.g.TipName()) }

func headerCases() []blockCase {
	twoHours := int64(maxFutureBlockTime)
	return []blockCase{
		{name: "h1", want: accept},
		{name: "high-hash", opts: static(chaingen.HighHash()), want: "high-hash"},
		{name: "bits-harder", opts: static(chaingen.Bits(0x207ffffe)), want: "bad-diffbits"},
		{name: "bits-above-limit", opts: static(chaingen.Bits(0x2100ffff)), want: "bad-diffbits"},
		{name: "time-at-mtp", want: "time-too-old", opts: opt(func(e *fbEnv) []chaingen.Option {
			return []chaingen.Option{chaingen.Timestamp(uint32(e.tipMTP()))}
		})},
		{name: "time-mtp+1", want: accept, opts: opt(func(e *fbEnv) []chaingen.Option {
			return []chaingen.Option{chaingen.Timestamp(uint32(e.tipMTP() + 1))}
		})},
		{name: "time-future", want: "time-too-new", opts: opt(func(e *fbEnv) []chaingen.Option {
			return []chaingen.Option{chaingen.Timestamp(uint32(e.now.Unix() + twoHours + 1))}
		})},
		{name: "time-future-edge", want: accept, opts: opt(func(e *fbEnv) []chaingen.Option {
			return []chaingen.Option{chaingen.Timestamp(uint32(e.now.Unix() + twoHours))}
		})},
		// A block too far in the future is not remembered as invalid:
		// once the clock has moved on it is accepted (as a side block of
		// equal work here, so the tip stays).
		{name: "time-future", want: accept, tip: "time-future-edge",
			before: func(e *fbEnv) { e.now = e.now.Add(24 * time.Hour) },
			block:  func(e *fbEnv) *wire.Block { return e.g.Block("time-future") }},
		{name: "version-3", opts: static(chaingen.Version(3)), want: "bad-version"},
		{name: "version-negative", opts: static(chaingen.Version(-1)), want: "bad-version"},
		{name: "version-4", opts: static(chaingen.Version(4)), want: accept},
		{name: "orphan", want: "prev-blk-not-found", block: func(e *fbEnv) *wire.Block {
			e.g.NextBlock("orphan-parent")
			return e.g.NextBlock("orphan")
		}},
	}
}

func structureCases() []blockCase {
	return []blockCase{
		{name: "bad-merkle", opts: static(chaingen.BadMerkleRoot()), want: "bad-txnmrklroot"},
		// CVE-2012-2459: [cb a b b] has the merkle root of [cb a b].
		{name: "cve-2012-2459", want: "bad-txns-duplicate", block: func(e *fbEnv) *wire.Block {
			v := e.g.NextBlock("cve-valid", chaingen.Txs(e.g.Spend(e.out()), e.g.Spend(e.out())))
			m := &wire.Block{Header: v.Header, Transactions: append(slices.Clone(v.Transactions), v.Transactions[2])}
			e.g.Register("cve-2012-2459", m)
			return m
		}},
		{name: "cve-valid", want: accept, block: func(e *fbEnv) *wire.Block { return e.g.Block("cve-valid") }},
		{name: "no-transactions", want: "bad-blk-length",
			opts: static(chaingen.MungeTxs(func(b *wire.Block) { b.Transactions = nil }))},
		{name: "no-coinbase", want: "bad-cb-missing", opts: opt(func(e *fbEnv) []chaingen.Option {
			return []chaingen.Option{chaingen.Txs(e.g.Spend(e.out())), chaingen.DropCoinbase()}
		})},
		// A block failing the context-free checks leaves no trace (as in
		// Core's ProcessNewBlock): its child's parent is unknown.
		{name: "no-coinbase-child", from: "no-coinbase", want: "prev-blk-not-found"},
		{name: "two-coinbases", opts: static(chaingen.ExtraCoinbase()), want: "bad-cb-multiple"},
		{name: "cb-length", want: "bad-cb-length", opts: static(chaingen.MungeTxs(func(b *wire.Block) {
			in := b.Transactions[0].TxIn[0]
			in.SignatureScript = append(in.SignatureScript, make([]byte, 101-len(in.SignatureScript))...)
		}))},
		{name: "cb-length-max", want: accept, opts: static(chaingen.MungeTxs(func(b *wire.Block) {
			in := b.Transactions[0].TxIn[0]
			in.SignatureScript = append(in.SignatureScript, make([]byte, 100-len(in.SignatureScript))...)
		}))},
	}
}

// badTx is a case whose one transaction breaks a context-free rule.
func badTx(name, want string, opts ...chaingen.TxOption) blockCase {
	return blockCase{name: name, want: want, opts: opt(func(e *fbEnv) []chaingen.Option {
		return txs(e.g.Spend(e.out(), opts...))
	})}
}

func transactionCases() []blockCase {
	p2wpkh := chaingen.New(params.RegTest).P2WPKH()
	out := func(v int64) *wire.TxOut { return &wire.TxOut{Value: v, PkScript: p2wpkh} }
	return []blockCase{
		badTx("vin-empty", "bad-txns-vin-empty", chaingen.MungeTx(func(tx *wire.Tx) { tx.TxIn = nil })),
		badTx("vout-empty", "bad-txns-vout-empty", chaingen.MungeTx(func(tx *wire.Tx) { tx.TxOut = nil })),
		badTx("vout-negative", "bad-txns-vout-negative", chaingen.Outputs(out(-1))),
		badTx("vout-toolarge", "bad-txns-vout-toolarge", chaingen.Outputs(out(consensus.MaxMoney+1))),
		badTx("txouttotal-toolarge", "bad-txns-txouttotal-toolarge", chaingen.Outputs(out(consensus.MaxMoney), out(1))),
		{name: "inputs-duplicate", want: "bad-txns-inputs-duplicate", opts: opt(func(e *fbEnv) []chaingen.Option {
			o := e.out()
			return txs(e.g.SpendMany([]chaingen.Output{o, o}))
		})},
		{name: "prevout-null", want: "bad-txns-prevout-null", opts: opt(func(e *fbEnv) []chaingen.Option {
			null := chaingen.Output{OutPoint: wire.OutPoint{Index: 0xffffffff}, Value: 1, PkScript: chaingen.OpTrue()}
			return txs(e.g.SpendMany([]chaingen.Output{e.out(), null}))
		})},
		{name: "zero-value-output", want: accept, opts: opt(func(e *fbEnv) []chaingen.Option {
			o := e.out()
			return txs(e.g.Spend(o, chaingen.Outputs(out(0), out(o.Value-chaingen.DefaultFee))))
		})},
	}
}

// lockCase spends a fresh output with a lock time computed when the case
// runs.
func lockCase(name, want string, lockTime func(e *fbEnv) uint32, seq uint32) blockCase {
	return blockCase{name: name, want: want, opts: opt(func(e *fbEnv) []chaingen.Option {
		return txs(e.g.Spend(e.out(), chaingen.LockTime(lockTime(e)), chaingen.Sequence(seq)))
	})}
}

func contextCases() []blockCase {
	height := func(d int32) func(e *fbEnv) uint32 {
		return func(e *fbEnv) uint32 { return uint32(e.nextHeight() + d) }
	}
	mtp := func(d int64) func(e *fbEnv) uint32 { return func(e *fbEnv) uint32 { return uint32(e.tipMTP() + d) } }
	return []blockCase{
		{name: "cb-height", want: "bad-cb-height", opts: opt(func(e *fbEnv) []chaingen.Option {
			return []chaingen.Option{chaingen.CoinbaseHeight(e.nextHeight() + 1)}
		})},
		// A contextual failure is remembered: the child builds on an
		// invalid block.
		{name: "cb-height-child", from: "cb-height", want: "bad-prevblk"},
		{name: "cb-height-short", want: "bad-cb-height", opts: static(chaingen.MungeTxs(func(b *wire.Block) {
			b.Transactions[0].TxIn[0].SignatureScript = []byte{0x51, 0x51} // OP_1 OP_1
		}))},
		lockCase("locktime-height", "bad-txns-nonfinal", height(0), 0),
		lockCase("locktime-height-1", accept, height(-1), 0),
		lockCase("locktime-final-sequences", accept, height(1000), wire.MaxTxInSequenceNum),
		// BIP113: time locks are judged against the median time past.
		lockCase("locktime-mtp", "bad-txns-nonfinal", mtp(0), 0),
		lockCase("locktime-mtp-1", accept, mtp(-1), 0),
	}
}

func witnessCases() []blockCase {
	return []blockCase{
		{name: "witness-no-commitment", want: "unexpected-witness", opts: opt(func(e *fbEnv) []chaingen.Option {
			return []chaingen.Option{chaingen.Txs(e.g.Spend(e.out())), chaingen.NoWitnessCommitment()}
		})},
		{name: "no-witness-no-commitment", want: accept, opts: opt(func(e *fbEnv) []chaingen.Option {
			return []chaingen.Option{chaingen.Txs(e.g.Spend(e.kind("p2pkh"))), chaingen.NoWitnessCommitment()}
		})},
		{name: "coinbase-witness-no-commitment", want: "unexpected-witness", opts: static(chaingen.NoWitnessCommitment(),
			chaingen.Munge(func(b *wire.Block) { b.Transactions[0].TxIn[0].Witness = wire.TxWitness{make([]byte, 32)} }))},
		{name: "commitment-corrupt", want: "bad-witness-merkle-match", opts: opt(func(e *fbEnv) []chaingen.Option {
			return []chaingen.Option{chaingen.Txs(e.g.Spend(e.out())), chaingen.CorruptWitnessCommitment()}
		})},
		{name: "commitment-corrupt-no-witness", want: "bad-witness-merkle-match",
			opts: static(chaingen.CorruptWitnessCommitment())},
		{name: "witness-nonce-33", want: "bad-witness-nonce-size", opts: static(chaingen.WitnessNonce(make([]byte, 33)))},
		{name: "witness-nonce-missing", want: "bad-witness-nonce-size", opts: static(chaingen.Munge(func(b *wire.Block) {
			b.Transactions[0].TxIn[0].Witness = nil
		}))},
		{name: "witness-nonce-nonzero", want: accept, opts: static(chaingen.WitnessNonce(bytes.Repeat([]byte{7}, 32)))},
		// A block whose witness a peer changed has the valid block's header;
		// rejecting it must not mark that header invalid.
		{name: "witness-malleated", want: "bad-witness-merkle-match", block: func(e *fbEnv) *wire.Block {
			v := e.g.NextBlock("witness-valid", chaingen.Txs(e.g.Spend(e.out())))
			m := &wire.Block{Header: v.Header, Transactions: slices.Clone(v.Transactions)}
			m.Transactions[1] = v.Transactions[1].Copy()
			m.Transactions[1].TxIn[0].Witness[0][10] ^= 1
			e.g.Register("witness-malleated", m)
			return m
		}},
		{name: "witness-valid", want: accept, block: func(e *fbEnv) *wire.Block { return e.g.Block("witness-valid") }},
	}
}

// annexBlock builds a block whose one transaction spends a P2TR output
// with an annex sized so that the block weighs wire.MaxBlockWeight+extra.
func annexBlock(e *fbEnv, name string, extra int) *wire.Block {
	o := e.kinds["p2tr"][0]
	tip := e.g.TipName()
	const trialSize = 3_990_000
	annex := func(n int) chaingen.TxOption {
		return chaingen.Annex(append([]byte{0x50}, make([]byte, n-1)...))
	}
	trial := e.g.NextBlock(name+"-trial", chaingen.Txs(e.g.Spend(o, annex(trialSize))))
	e.g.SetTip(tip)
	n := trialSize + wire.MaxBlockWeight - trial.Weight() + extra
	blk := e.g.NextBlock(name, chaingen.Txs(e.g.Spend(o, annex(n))))
	if w := blk.Weight(); w != wire.MaxBlockWeight+extra || blk.BaseSize()*4 > 10_000 {
		e.t.Fatalf("%s: weight %d, base size %d", name, w, blk.BaseSize())
	}
	return blk
}

func weightCases() []blockCase {
	// The coinbase's witness (the 32-byte reserved value) weighs 36, so a
	// block of base size b weighs 4b+36: 999,991 base bytes weigh exactly
	// the limit, 1,000,001 break the base-size rule.
	return []blockCase{
		{name: "weight-max", opts: static(chaingen.PadToWeight(wire.MaxBlockWeight)), want: accept},
		{name: "weight-over", opts: static(chaingen.PadToWeight(wire.MaxBlockWeight + 4)), want: "bad-blk-weight"},
		{name: "base-size-over", opts: static(chaingen.PadToWeight(4*1_000_001 + 36)), want: "bad-blk-length"},
		{name: "annex-weight-over", want: "bad-blk-weight",
			block: func(e *fbEnv) *wire.Block { return annexBlock(e, "annex-weight-over", 1) }},
		{name: "annex-weight-max", want: accept,
			block: func(e *fbEnv) *wire.Block {
				blk := annexBlock(e, "annex-weight-max", 0)
				e.kind("p2tr") // spent now
				return blk
			}},
	}
}

func utxoCases() []blockCase {
	return []blockCase{
		{name: "missing-input", want: "bad-txns-inputs-missingorspent", opts: opt(func(e *fbEnv) []chaingen.Option {
			return txs(e.g.Spend(e.g.MissingOutput(100_000_000)))
		})},
		{name: "double-spend-in-block", want: "bad-txns-inputs-missingorspent", opts: opt(func(e *fbEnv) []chaingen.Option {
			o := e.out()
			return txs(e.g.Spend(o), e.g.Spend(o, chaingen.Fee(2000)))
		})},
		{name: "spend-x", want: accept, opts: opt(func(e *fbEnv) []chaingen.Option {
			return txs(e.g.Spend(e.pool[0]))
		})},
		{name: "spend-x-again", want: "bad-txns-inputs-missingorspent", opts: opt(func(e *fbEnv) []chaingen.Option {
			return txs(e.g.Spend(e.out(), chaingen.Fee(3000)))
		})},
		// [cb a a]: the copy is not a merkle sibling of the original, so
		// the tree is not mutated; the copy's inputs are spent.
		{name: "same-tx-twice", want: "bad-txns-inputs-missingorspent", opts: opt(func(e *fbEnv) []chaingen.Option {
			return []chaingen.Option{chaingen.Txs(e.g.Spend(e.out())), chaingen.DuplicateTx(1)}
		})},
		{name: "chain-in-block", want: accept, opts: opt(func(e *fbEnv) []chaingen.Option {
			a := e.g.Spend(e.out())
			return txs(a, e.g.Spend(e.g.OutputsOf(a)[0]))
		})},
		{name: "chain-in-block-reversed", want: "bad-txns-inputs-missingorspent", opts: opt(func(e *fbEnv) []chaingen.Option {
			a := e.g.Spend(e.out())
			return txs(e.g.Spend(e.g.OutputsOf(a)[0]), a)
		})},
		{name: "premature-coinbase", want: "bad-txns-premature-spend-of-coinbase", opts: opt(func(e *fbEnv) []chaingen.Option {
			return txs(e.g.Spend(e.g.CoinbaseOutput(e.g.TipName())))
		})},
		// Without a witness commitment (and so without witnesses) the
		// coinbase's txid is final before the spend is added.
		{name: "spend-own-coinbase", want: "bad-txns-premature-spend-of-coinbase", opts: opt(func(e *fbEnv) []chaingen.Option {
			return []chaingen.Option{chaingen.PayTo(e.g.P2PKH()), chaingen.NoWitnessCommitment(), chaingen.MungeTxs(func(b *wire.Block) {
				b.Transactions = append(b.Transactions, e.g.Spend(e.g.OutputsOf(b.Transactions[0])[0]))
			})}
		})},
		{name: "in-belowout", want: "bad-txns-in-belowout", opts: opt(func(e *fbEnv) []chaingen.Option {
			o := e.out()
			return txs(e.g.Spend(o, chaingen.Outputs(&wire.TxOut{Value: o.Value + 1, PkScript: e.g.P2WPKH()})))
		})},
		{name: "bad-signature", want: "mandatory-script-verify-flag-failed", opts: opt(func(e *fbEnv) []chaingen.Option {
			return txs(e.g.Spend(e.out(), chaingen.BadSignature()))
		})},
		{name: "every-script-kind", want: accept, opts: opt(func(e *fbEnv) []chaingen.Option {
			ins := []chaingen.Output{e.kind("p2sh-p2pk"), e.kind("p2tr"), e.kind("optrue"), e.kind("p2pkh"), e.kind("p2wsh"), e.out()}
			return txs(e.g.SpendMany(ins))
		})},
		{name: "cb-amount", want: "bad-cb-amount", opts: opt(func(e *fbEnv) []chaingen.Option {
			return []chaingen.Option{chaingen.Txs(e.g.Spend(e.out())), chaingen.CoinbaseValueDelta(1)}
		})},
		{name: "cb-amount-child", from: "cb-amount", want: "bad-prevblk"},
		{name: "cb-amount", want: "duplicate-invalid", block: func(e *fbEnv) *wire.Block { return e.g.Block("cb-amount") }},
		{name: "cb-amount-exact", want: accept, opts: opt(func(e *fbEnv) []chaingen.Option {
			return txs(e.g.Spend(e.out()))
		})},
		{name: "cb-amount-under", want: accept, opts: static(chaingen.CoinbaseValueDelta(-1))},
		{name: "bip30-first", want: accept, opts: opt(func(e *fbEnv) []chaingen.Option {
			return txs(e.g.Spend(e.out()))
		})},
		// The same transaction again, its outputs still unspent.
		{name: "bip30", want: "bad-txns-BIP30", opts: opt(func(e *fbEnv) []chaingen.Option {
			return txs(e.g.Block("bip30-first").Transactions[1])
		})},
	}
}

func sigOpCases() []blockCase {
	// Legacy sigops cost four each: 20,000 in the coinbase reach the
	// 80,000 limit. A P2SH(P2PK) input adds 4 (counted when connecting),
	// a P2WPKH input 1.
	return []blockCase{
		{name: "sigops-max", opts: static(chaingen.CoinbaseSigOps(20_000)), want: accept},
		{name: "sigops-over", opts: static(chaingen.CoinbaseSigOps(20_001)), want: "bad-blk-sigops"},
		{name: "sigops-p2sh-max", want: accept, opts: opt(func(e *fbEnv) []chaingen.Option {
			return []chaingen.Option{chaingen.CoinbaseSigOps(19_999), chaingen.Txs(e.g.Spend(e.kind("p2sh-p2pk")))}
		})},
		{name: "sigops-p2sh-over", want: "bad-blk-sigops", opts: opt(func(e *fbEnv) []chaingen.Option {
			ins := []chaingen.Output{e.kinds["p2sh-p2pk"][0], e.out()}
			return []chaingen.Option{chaingen.CoinbaseSigOps(19_999), chaingen.Txs(e.g.SpendMany(ins))}
		})},
	}
}

// TestTimewarpBIP94 checks testnet4's rule on regtest parameters with
// BIP94 on: the first block of a retarget period may not be more than 600
// seconds older than its parent.
func TestTimewarpBIP94(t *testing.T) {
	p := *params.RegTest
	p.EnforceBIP94 = true
	e := newTestEnv(t, &p)
	e.now = time.Unix(int64(p.GenesisBlock.Header.Timestamp), 0).Add(30 * 24 * time.Hour)
	interval := int(p.PowTargetTimespan / p.PowTargetSpacing)
	// Ten minutes apart, so the median time past stays well behind.
	e.mine("b", interval-1, chaingen.TimeDelta(600))
	e.expect(e.g.NextBlock("warp", chaingen.TimeDelta(-601)), "time-timewarp-attack")
	e.g.SetTip(e.tipName())
	e.expect(e.g.NextBlock("warp-edge", chaingen.TimeDelta(-600)), accept)
	// Elsewhere in the period the rule does not apply.
	e.expect(e.g.NextBlock("after", chaingen.TimeDelta(-601)), accept)
	e.wantTip("after")
}

// TestInputsMissingBeforeMaturity: Core's CheckTxInputs first asks
// whether every input exists (HaveInputs) and only then looks at coinbase
// maturity, so a transaction spending an immature coinbase and a missing
// output is rejected with bad-txns-inputs-missingorspent. (bitnode's
// spendInputs used to check input by input and report the immature
// coinbase.)
func TestInputsMissingBeforeMaturity(t *testing.T) {
	e := newTestEnv(t, params.RegTest)
	e.mine("b", 5)
	g := e.g
	tx := g.SpendMany([]chaingen.Output{g.CoinbaseOutput("b5"), g.MissingOutput(100_000_000)})
	if got := e.submit(g.NextBlock("mixed", chaingen.Txs(tx))); got != "bad-txns-inputs-missingorspent" {
		t.Errorf("BUG: immature coinbase input then missing input: got %q, want %q (Core checks HaveInputs before maturity)",
			got, "bad-txns-inputs-missingorspent")
	}
}

// TestMalleatedCopyDoesNotPoisonHeader: Core never marks a block invalid
// when CheckBlock fails in ProcessNewBlock ("protective against consensus
// failure if there are any unknown forms of block malleability"), and its
// net_processing treats a coinbase-less block with a 64-byte transaction
// as mutated. (bitnode's acceptBlock used to mark the header failed on any
// CheckBlock error outside its mutation list.) A peer can exploit the merkle
// tree's 64-byte ambiguity: for a valid block [cb, t1], the 64 bytes
// txid(cb)||txid(t1) parse as a transaction (with cheap grinding: 2^16
// tries of t1's lock time, 2^8 of the coinbase's extra nonce) whose txid is
// the block's merkle root, so a one-transaction block under the same
// header passes the merkle check and fails with bad-cb-missing; had that
// marked the header, the real, valid block would be rejected as
// duplicate-invalid for good.
func TestMalleatedCopyDoesNotPoisonHeader(t *testing.T) {
	e := newTestEnv(t, params.RegTest)
	e.mine("b", 101)
	g := e.g
	fund := g.Spend(g.CoinbaseOutput("b1"), chaingen.To(chaingen.OpTrue()))
	e.mine("fund", 1, chaingen.Txs(fund))
	// The fake transaction reads: version (cb[0:4]), one input (cb[4] =
	// 1), prevout (cb[5:32] t1[0:9]), a 13-byte scriptSig (t1[9] = 13),
	// sequence, no outputs (t1[27] = 0), lock time.
	t1 := g.Spend(g.OutputsOf(fund)[0])
	for lt := uint32(1); ; lt++ {
		t1.LockTime = lt // OP_TRUE: nothing signed; inputs final
		if id := t1.TxHash(); id[9] == 13 && id[27] == 0 {
			break
		}
		if lt == 1<<24 {
			t.Fatal("no lock time found")
		}
	}
	var real *wire.Block
	for i := 0; real == nil; i++ {
		g.SetTip("fund1")
		blk := g.NextBlock(fmt.Sprintf("real%d", i), chaingen.Txs(t1))
		if id := blk.Transactions[0].TxHash(); id[4] == 1 {
			real = blk
		}
	}
	cbID, t1ID := real.Transactions[0].TxHash(), t1.TxHash()
	fakeTx, err := wire.DecodeTx(append(cbID[:], t1ID[:]...))
	if err != nil {
		t.Fatalf("the 64 bytes do not parse: %v", err)
	}
	fake := &wire.Block{Header: real.Header, Transactions: []*wire.Tx{fakeTx}}
	if root, _ := consensus.BlockMerkleRoot(fake); root != real.Header.MerkleRoot {
		t.Fatal("fake block's merkle root differs")
	}
	if _, err := wire.DecodeBlock(fake.Serialize()); err != nil {
		t.Fatalf("fake block does not decode: %v", err)
	}
	got := e.submit(fake)
	if got == accept {
		t.Fatal("fake block accepted")
	}
	t.Logf("64-byte-transaction copy of %s rejected with %s", real.BlockHash(), got)
	if got := e.submit(real); got != accept {
		t.Errorf("BUG: after a malleated copy failed CheckBlock, the valid block %s is rejected: %q "+
			"(Core does not cache CheckBlock failures)", real.BlockHash(), got)
	}
}

// TestBIP30AtBIP34Block: Core skips BIP30 once BIP34 is active on the
// chain, looking up the BIP34 block from the new block's parent
// (pindex->pprev->GetAncestor(BIP34Height)), so the BIP34 block itself is
// still checked. bitnode's checkBIP30 uses n.ancestor(BIP34Height), which
// is the block itself at that height, and skips the check there. On a
// network whose BIP34Hash names a block that overwrites an earlier
// coinbase (a pre-BIP34 block may push any height), Core rejects the
// block with bad-txns-BIP30 and bitnode accepts it.
func TestBIP30AtBIP34Block(t *testing.T) {
	// Control: when the network's BIP34 hash is another block, BIP30 is
	// enforced and the overwrite refused.
	if got := bip30AtBIP34Block(t, false); got != "bad-txns-BIP30" {
		t.Fatalf("control: got %q", got)
	}
	if got := bip30AtBIP34Block(t, true); got != "bad-txns-BIP30" {
		t.Errorf("BUG: the BIP34 activation block overwriting an unspent coinbase: got %q, want %q "+
			"(BIP30 is skipped at the BIP34 block itself; Core looks the BIP34 block up from the parent)", got, "bad-txns-BIP30")
	}
}

// bip30AtBIP34Block builds a block at the BIP34 height (5) whose coinbase
// repeats block 2's, which pushed height 5 before BIP34, and returns what
// the chain says of it; isBIP34Block makes it the network's BIP34 block.
func bip30AtBIP34Block(t *testing.T, isBIP34Block bool) string {
	p := *params.RegTest
	p.BIP34Height = 5
	e := newTestEnv(t, &p)
	g := e.g
	e.mine("b1-", 1)
	e.mine("b2-", 1, chaingen.CoinbaseHeight(5))
	e.mine("b", 2) // heights 3, 4
	early := g.Block("b2-1").Transactions[0]
	dup := g.NextBlock("dup5", chaingen.MungeTxs(func(b *wire.Block) { b.Transactions[0] = early }))
	if dup.Transactions[0].TxHash() != early.TxHash() {
		t.Fatal("coinbases differ")
	}
	if isBIP34Block {
		p.BIP34Hash = dup.BlockHash()
	}
	return e.submit(dup)
}
