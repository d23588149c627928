package mempool

import (
	"crypto/sha256"
	"errors"
	"strings"
	"testing"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/mempool/policy"
	"github.com/bitnode/bitnode/wire"
)

// tipCoinbase returns the coinbase output of the chain's tip (immature).
func (f *fixture) tipCoinbase() coin {
	f.t.Helper()
	h, _ := f.ch.Tip()
	blk, err := f.ch.ReadBlock(h)
	if err != nil {
		f.t.Fatal(err)
	}
	cb := blk.Transactions[0]
	return coin{op: wire.OutPoint{Hash: cb.TxHash()}, value: cb.TxOut[0].Value, script: cb.TxOut[0].PkScript}
}

// ruleCase is one acceptance rule: a transaction that passes it and one
// that breaks it with Core's reject reason.
type ruleCase struct {
	name   string
	edit   func(*Config)
	pass   func(f *fixture) *wire.Tx
	fail   func(f *fixture) *wire.Tx
	reason string
	result Result
	count  int // pool size afterwards, when not 1
}

func multisigScript() []byte {
	keys := [][]byte{testPub.SerializeCompressed(), testPub.SerializeCompressed(), testPub.SerializeCompressed()}
	return script.MultiSigScript(1, keys)
}

// withOutputs returns a spend of c paying fee with n outputs of value v
// to pk, the change to P2WSH(OP_TRUE).
func withOutputs(c coin, fee int64, n int, v int64, pk []byte) *wire.Tx {
	tx := spend([]coin{c}, fee)
	for range n {
		tx.TxOut = append(tx.TxOut, &wire.TxOut{Value: v, PkScript: pk})
		tx.TxOut[0].Value -= v
	}
	return tx
}

var ruleCases = []ruleCase{
	{name: "CheckTransaction", reason: "bad-txns-vout-empty", result: ResultConsensus,
		pass: func(f *fixture) *wire.Tx { return spend([]coin{f.coin()}, 1000) },
		fail: func(f *fixture) *wire.Tx { tx := spend([]coin{f.coin()}, 1000); tx.TxOut = nil; return tx }},
	{name: "coinbase", reason: "coinbase", result: ResultConsensus,
		pass: func(f *fixture) *wire.Tx { return spend([]coin{f.coin()}, 1000) },
		fail: func(f *fixture) *wire.Tx {
			return &wire.Tx{Version: 2, TxIn: []*wire.TxIn{{PreviousOutPoint: wire.OutPoint{Index: 0xffffffff},
				SignatureScript: []byte{1, 2, 3}}}, TxOut: []*wire.TxOut{{Value: 1000, PkScript: p2wshTrue}}}
		}},
	{name: "version", reason: "version", result: ResultNotStandard,
		pass: func(f *fixture) *wire.Tx { tx := spend([]coin{f.coin()}, 1000); tx.Version = 1; return tx },
		fail: func(f *fixture) *wire.Tx { tx := spend([]coin{f.coin()}, 1000); tx.Version = 4; return tx }},
	{name: "scriptpubkey", reason: "scriptpubkey", result: ResultNotStandard,
		pass: func(f *fixture) *wire.Tx { return spend([]coin{f.coin()}, 1000, testP2WPKH) },
		fail: func(f *fixture) *wire.Tx { return spend([]coin{f.coin()}, 1000, opTrue) }},
	{name: "dust", reason: "dust", result: ResultNotStandard,
		pass: func(f *fixture) *wire.Tx { return withOutputs(f.coin(), 1000, 2, 330, p2wshTrue) },
		fail: func(f *fixture) *wire.Tx { return withOutputs(f.coin(), 1000, 2, 329, p2wshTrue) }},
	{name: "ephemeral dust needs zero fee", reason: "dust", result: ResultNotStandard,
		pass: func(f *fixture) *wire.Tx { return withOutputs(f.coin(), 1000, 1, 330, p2wshTrue) },
		fail: func(f *fixture) *wire.Tx { return withOutputs(f.coin(), 1000, 1, 329, p2wshTrue) }},
	{name: "tx-size-small", reason: "tx-size-small", result: ResultNotStandard,
		pass: func(f *fixture) *wire.Tx {
			return spend([]coin{f.coin()}, 1000, script.NullDataScript(make([]byte, 6)), p2wshTrue)
		},
		fail: func(f *fixture) *wire.Tx {
			tx := spend([]coin{f.coin()}, 0, []byte{0x6a})
			tx.TxOut[0].Value = 0
			return tx
		}},
	{name: "non-final", reason: "non-final", result: ResultPrematureSpend,
		pass: func(f *fixture) *wire.Tx { tx := spend([]coin{f.coin()}, 1000); tx.LockTime = 121; return tx },
		fail: func(f *fixture) *wire.Tx { tx := spend([]coin{f.coin()}, 1000); tx.LockTime = 122; return tx }},
	{name: "non-BIP68-final", reason: "non-BIP68-final", result: ResultPrematureSpend,
		pass: func(f *fixture) *wire.Tx {
			tx := spend([]coin{f.coin()}, 1000)
			tx.TxIn[0].Sequence = 1
			return tx
		},
		fail: func(f *fixture) *wire.Tx {
			tx := spend([]coin{f.coin()}, 1000)
			tx.TxIn[0].Sequence = 2
			return tx
		}},
	{name: "premature coinbase", reason: "bad-txns-premature-spend-of-coinbase", result: ResultPrematureSpend,
		pass: func(f *fixture) *wire.Tx { return spend([]coin{base.cbCoins[0]}, 1000) },
		fail: func(f *fixture) *wire.Tx { return spend([]coin{f.tipCoinbase()}, 1000) }},
	{name: "in-belowout", reason: "bad-txns-in-belowout", result: ResultConsensus,
		pass: func(f *fixture) *wire.Tx { return spend([]coin{f.coin()}, 1000) },
		fail: func(f *fixture) *wire.Tx { return spend([]coin{f.coin()}, -1) }},
	{name: "nonstandard inputs", reason: "bad-txns-nonstandard-inputs", result: ResultInputsNotStandard,
		pass: func(f *fixture) *wire.Tx { return spend([]coin{f.coin()}, 1000) },
		fail: func(f *fixture) *wire.Tx { return spend([]coin{base.bareCoins[0]}, 1000) }},
	{name: "nonstandard witness", reason: "bad-witness-nonstandard", result: ResultWitnessMutated,
		pass: func(f *fixture) *wire.Tx { return spend([]coin{f.coin()}, 1000) },
		fail: func(f *fixture) *wire.Tx {
			tx := spend([]coin{f.coin()}, 1000)
			tx.TxIn[0].Witness = wire.TxWitness{make([]byte, 81), opTrue}
			return tx
		}},
	{name: "too many sigops", reason: "bad-txns-too-many-sigops", result: ResultNotStandard,
		pass: func(f *fixture) *wire.Tx { return withOutputs(f.coin(), 200_000, 199, 1000, multisigScript()) },
		fail: func(f *fixture) *wire.Tx { return withOutputs(f.coin(), 200_000, 201, 1000, multisigScript()) }},
	{name: "min relay fee", reason: "min relay fee not met", result: ResultMempoolPolicy,
		pass: func(f *fixture) *wire.Tx { return spend([]coin{f.coin()}, 10) },
		fail: func(f *fixture) *wire.Tx { return spend([]coin{f.coin()}, 9) }},
	{name: "policy script flags", reason: "mempool-script-verify-flag-failed (NOPx reserved for soft-fork upgrades)",
		result: ResultNotStandard, count: 2,
		pass: func(f *fixture) *wire.Tx { return spend([]coin{f.coin()}, 1000) },
		fail: func(f *fixture) *wire.Tx {
			nop := []byte{0xb0, 0x51} // OP_NOP1 OP_TRUE
			h := sha256.Sum256(nop)
			parent := spend([]coin{f.coin()}, 1000, script.PayToWitness(0, h[:]))
			f.accept(parent)
			tx := spend(outputs(parent), 1000)
			tx.TxIn[0].Witness = wire.TxWitness{nop}
			return tx
		}},
	{name: "consensus script flags", reason: "mandatory-script-verify-flag-failed (Witness program hash mismatch)",
		result: ResultConsensus,
		pass:   func(f *fixture) *wire.Tx { return spend([]coin{f.coin()}, 1000) },
		fail: func(f *fixture) *wire.Tx {
			tx := spend([]coin{f.coin()}, 1000)
			tx.TxIn[0].Witness = wire.TxWitness{{0x52}}
			return tx
		}},
	{name: "witness stripped", reason: "mandatory-script-verify-flag-failed (Witness program was passed an empty witness)",
		result: ResultWitnessStripped,
		pass:   func(f *fixture) *wire.Tx { return spend([]coin{f.coin()}, 1000) },
		fail: func(f *fixture) *wire.Tx {
			tx := spend([]coin{f.coin()}, 1000)
			tx.TxIn[0].Witness = nil
			return tx
		}},
}

func TestAcceptanceRules(t *testing.T) {
	for _, rc := range ruleCases {
		t.Run(rc.name, func(t *testing.T) {
			f := newFixture(t, rc.edit)
			f.accept(rc.pass(f))
			re := f.expectReject(rc.fail(f), rc.reason)
			if re.Result != rc.result {
				t.Fatalf("result %v, want %v", re.Result, rc.result)
			}
			want := max(rc.count, 1)
			if f.pool.Count() != want {
				t.Fatalf("pool holds %d, want %d", f.pool.Count(), want)
			}
		})
	}
}

// TestBIP68UnconfirmedParent: a pool parent's coins count at the next
// block's height.
func TestBIP68UnconfirmedParent(t *testing.T) {
	f := newFixture(t, nil)
	parent := spend([]coin{f.coin()}, 1000, p2wshTrue, p2wshTrue)
	f.accept(parent)
	locked := spend(outputs(parent)[:1], 1000)
	locked.TxIn[0].Sequence = 1
	f.expectReject(locked, "non-BIP68-final")
	free := spend(outputs(parent)[1:], 1000)
	free.TxIn[0].Sequence = 0
	f.accept(free)
}

func TestAcceptNonStandard(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.AcceptNonStandard = true })
	f.accept(spend([]coin{base.bareCoins[0]}, 1000, opTrue, p2wshTrue))
	tx := spend([]coin{f.coin()}, 0, []byte{0x6a})
	tx.TxOut[0].Value = 0
	f.expectReject(tx, "tx-size-small")
}

func TestAlreadyInPool(t *testing.T) {
	f := newFixture(t, nil)
	tx := spend([]coin{f.coin()}, 1000)
	f.accept(tx)
	f.expectReject(tx, "txn-already-in-mempool")
	other := tx.Copy()
	other.TxIn[0].Witness = wire.TxWitness{{1}, opTrue}
	if other.TxHash() != tx.TxHash() || other.WitnessHash() == tx.WitnessHash() {
		t.Fatal("bad malleation")
	}
	f.expectReject(other, "txn-same-nonwitness-data-in-mempool")
	if !f.pool.ContainsWTxID(tx.WitnessHash()) {
		t.Fatal("lost the original")
	}
}

func TestAlreadyKnownAndMissingInputs(t *testing.T) {
	f := newFixture(t, nil)
	tx := spend([]coin{f.coin()}, 1000)
	f.accept(tx)
	f.mine(1)
	f.expectReject(tx, "txn-already-known")

	orphan := spend([]coin{{op: wire.OutPoint{Hash: wire.Hash{1}}, value: 1e6, script: p2wshTrue}}, 1000)
	re := f.expectReject(orphan, "missing-inputs")
	if re.Result != ResultMissingInputs || !errors.Is(re, ErrMissingInputs) {
		t.Fatalf("result %v", re.Result)
	}
}

func TestErrorsIsPolicyAndConsensusKinds(t *testing.T) {
	f := newFixture(t, nil)
	_, err := f.pool.AcceptTx(withOutputs(f.coin(), 1000, 2, 1, p2wshTrue))
	if !errors.Is(err, policy.ErrDust) {
		t.Fatalf("errors.Is(%v, policy.ErrDust) false", err)
	}
	_, err = f.pool.AcceptTx(spend([]coin{f.coin()}, -5))
	if !errors.Is(err, ErrorKind(consensus.ErrInBelowOut)) {
		t.Fatalf("errors.Is(%v, in-belowout) false", err)
	}
	if !strings.HasPrefix(err.Error(), "bad-txns-in-belowout, value in (") {
		t.Fatalf("message %q", err)
	}
}

// TestSignedSpends accepts real P2WPKH spends through the signature cache
// and rejects a bad signature as Core does.
func TestSignedSpends(t *testing.T) {
	f := newFixture(t, nil)
	cache := f.cfg.SigCache
	c := base.keyCoins[0]
	tx := spend([]coin{c}, 1000)
	signP2WPKH(tx, []coin{c})
	if _, err := f.pool.TestAccept(tx); err != nil {
		t.Fatal(err)
	}
	if cache.Len() != 1 {
		t.Fatalf("signature cache holds %d, want 1", cache.Len())
	}
	f.accept(tx)

	bad := spend([]coin{base.keyCoins[1]}, 1000)
	signP2WPKH(bad, []coin{base.keyCoins[1]})
	sig := bad.TxIn[0].Witness[0]
	sig[len(sig)-2] ^= 1 // corrupt s
	f.expectReject(bad, "mandatory-script-verify-flag-failed (Signature must be zero for failed CHECK(MULTI)SIG operation)")

	// A valid signature with high S breaks only policy.
	hs := spend([]coin{base.keyCoins[2]}, 1000)
	signP2WPKH(hs, []coin{base.keyCoins[2]})
	hs.TxIn[0].Witness[0] = highS(hs.TxIn[0].Witness[0])
	f.expectReject(hs, "mempool-script-verify-flag-failed (Non-canonical signature: S value is unnecessarily high)")
}

func TestOrphans(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.MaxOrphans = 3 })
	parent := spend([]coin{f.coin()}, 1000)
	child := spend(outputs(parent), 1000)
	grandchild := spend(outputs(child), 1000)
	f.expectReject(grandchild, "missing-inputs")
	f.expectReject(child, "missing-inputs")
	if f.pool.OrphanCount() != 2 || !f.pool.HaveOrphan(child.WitnessHash()) {
		t.Fatalf("orphans %d", f.pool.OrphanCount())
	}
	res := f.accept(parent)
	if len(res.Unorphaned) != 2 || res.Unorphaned[0] != child.TxHash() || res.Unorphaned[1] != grandchild.TxHash() {
		t.Fatalf("unorphaned %v", res.Unorphaned)
	}
	if f.pool.OrphanCount() != 0 || f.pool.Count() != 3 {
		t.Fatalf("orphans %d, pool %d", f.pool.OrphanCount(), f.pool.Count())
	}
	// Bounded: a fourth orphan evicts one at random.
	for i := range 4 {
		o := spend([]coin{{op: wire.OutPoint{Hash: wire.Hash{byte(i + 1)}}, value: 1e6, script: p2wshTrue}}, 1000)
		f.expectReject(o, "missing-inputs")
	}
	if n := f.pool.OrphanCount(); n != 3 {
		t.Fatalf("orphans %d, want 3", n)
	}
	// Expiry after 20 minutes.
	f.clock.Advance(OrphanExpiry + 1)
	f.pool.orphans.expire(f.clock.Now())
	if n := f.pool.OrphanCount(); n != 0 {
		t.Fatalf("orphans %d after expiry", n)
	}
}

func TestExpiry(t *testing.T) {
	f := newFixture(t, nil)
	parent := f.accept(spend([]coin{f.coin()}, 1000))
	f.clock.Advance(DefaultExpiry / 2)
	fresh := f.accept(spend([]coin{f.coin()}, 1000))
	tx := f.pool.Tx(parent.TxID)
	kid := f.accept(spend(outputs(tx), 1000))
	f.clock.Advance(DefaultExpiry/2 + 1)
	if n := f.pool.Expire(); n != 2 {
		t.Fatalf("expired %d, want the parent and its child", n)
	}
	if f.pool.Contains(kid.TxID) || !f.pool.Contains(fresh.TxID) {
		t.Fatal("wrong entries expired")
	}
}
