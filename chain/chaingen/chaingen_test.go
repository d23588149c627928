package chaingen

import (
	"bytes"
	"testing"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/wire"
)

const allFlags = script.VerifyP2SH | script.VerifyWitness | script.VerifyTaproot | script.VerifyDERSignatures |
	script.VerifyCheckLockTimeVerify | script.VerifyCheckSequenceVerify | script.VerifyNullDummy |
	script.VerifyStrictEncoding | script.VerifyLowS | script.VerifyNullFail | script.VerifyCleanStack

func verify(t *testing.T, tx *wire.Tx, prev []Output) error {
	t.Helper()
	outs := make([]*wire.TxOut, len(prev))
	for i, o := range prev {
		outs[i] = &wire.TxOut{Value: o.Value, PkScript: o.PkScript}
	}
	hashes := script.NewTxSigHashes(tx, outs)
	for i, in := range tx.TxIn {
		c := script.NewTxChecker(tx, i, outs[i].Value, hashes, outs)
		if err := script.VerifyScript(in.SignatureScript, outs[i].PkScript, in.Witness, allFlags, c); err != nil {
			return err
		}
	}
	return nil
}

// TestSpendsVerify signs a spend of every script kind the generator
// supports and runs it through the interpreter with every rule on.
func TestSpendsVerify(t *testing.T) {
	g := New(params.RegTest)
	g.NextBlock("b1")
	cb := g.CoinbaseOutput("b1")
	kinds := map[string][]byte{
		"p2wpkh": g.P2WPKH(), "p2pkh": g.P2PKH(), "p2pk": g.P2PK(), "p2tr": g.P2TR(), "optrue": OpTrue(),
		"p2sh-optrue": g.P2SH(OpTrue()), "p2sh-p2pk": g.P2SH(g.P2PK()), "p2sh-p2wpkh": g.P2SH(g.P2WPKH()),
		"p2wsh-optrue": g.P2WSH(OpTrue()), "p2wsh-p2pk": g.P2WSH(g.P2PK()),
	}
	var outs []*wire.TxOut
	var names []string
	for name, pk := range kinds {
		outs = append(outs, &wire.TxOut{Value: 1_000_000, PkScript: pk})
		names = append(names, name)
	}
	fund := g.Spend(cb, Outputs(outs...))
	if err := verify(t, fund, []Output{cb}); err != nil {
		t.Fatalf("funding spend: %v", err)
	}
	funded := g.OutputsOf(fund)
	for i, o := range funded {
		tx := g.Spend(o)
		if err := verify(t, tx, []Output{o}); err != nil {
			t.Errorf("%s: %v", names[i], err)
		}
		bad := g.Spend(o, Fee(2000), BadSignature())
		if names[i] != "optrue" && names[i] != "p2sh-optrue" && names[i] != "p2wsh-optrue" {
			if err := verify(t, bad, []Output{o}); err == nil {
				t.Errorf("%s: corrupted signature verifies", names[i])
			}
		}
	}
	all := g.SpendMany(funded, Annex([]byte{0x50, 1, 2, 3}))
	if err := verify(t, all, funded); err != nil {
		t.Errorf("spend of every kind with an annex: %v", err)
	}
	if fee, ok := g.Fee(all); !ok || fee != DefaultFee {
		t.Errorf("fee %d %v", fee, ok)
	}
}

// TestBlockShape checks a generated block's coinbase, commitment, merkle
// root, proof of work and the munging options.
func TestBlockShape(t *testing.T) {
	p := params.RegTest
	g := New(p)
	b1 := g.NextBlock("b1")
	if err := consensus.CheckMerkleRoot(b1); err != nil {
		t.Fatal(err)
	}
	if err := consensus.CheckWitnessCommitment(b1); err != nil {
		t.Fatal(err)
	}
	if err := consensus.CheckProofOfWork(b1.BlockHash(), b1.Header.Bits, p.PowLimit); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b1.Transactions[0].TxIn[0].SignatureScript, consensus.ExpectedCoinbaseHeightPrefix(1)) {
		t.Fatal("no BIP34 height")
	}
	if b1.Transactions[0].TxOut[0].Value != g.Subsidy(1) || b1.Header.PrevBlock != p.GenesisHash {
		t.Fatal("coinbase value or parent")
	}
	b2 := g.NextBlock("b2", CorruptWitnessCommitment(), HighHash())
	if consensus.CheckWitnessCommitment(b2) == nil || consensus.CheckMerkleRoot(b2) != nil {
		t.Fatal("CorruptWitnessCommitment")
	}
	if consensus.CheckProofOfWork(b2.BlockHash(), b2.Header.Bits, p.PowLimit) == nil {
		t.Fatal("HighHash")
	}
	g.SetTip("b1")
	b3 := g.NextBlock("b3", PadToWeight(40_000))
	if b3.Weight() != 40_000 || g.Height("b3") != 2 || g.NameOf(b3.BlockHash()) != "b3" {
		t.Fatalf("weight %d height %d", b3.Weight(), g.Height("b3"))
	}
	if consensus.CheckMerkleRoot(g.NextBlock("b4", BadMerkleRoot())) == nil {
		t.Fatal("BadMerkleRoot")
	}
}

// TestFinishAndSign changes a generated block by hand, re-signs and
// finishes it, and checks it is consistent again.
func TestFinishAndSign(t *testing.T) {
	p := params.RegTest
	g := New(p)
	g.NextBlock("b1")
	blk := g.NextBlock("b2")
	cb := g.CoinbaseOutput("b1")
	tx := &wire.Tx{Version: 2, TxIn: []*wire.TxIn{{PreviousOutPoint: cb.OutPoint, Sequence: 0xffffffff}},
		TxOut: []*wire.TxOut{{Value: cb.Value - 500, PkScript: g.P2PKH()}}}
	g.Sign(tx, []Output{cb})
	if err := verify(t, tx, []Output{cb}); err != nil {
		t.Fatal(err)
	}
	blk.Transactions = append(blk.Transactions, tx)
	Finish(blk)
	if consensus.CheckMerkleRoot(blk) != nil || consensus.CheckWitnessCommitment(blk) != nil ||
		consensus.CheckProofOfWork(blk.BlockHash(), blk.Header.Bits, p.PowLimit) != nil {
		t.Fatal("finished block inconsistent")
	}
	for _, n := range []int64{0, 1, 16, 17, 127, 128, 255, 256, 32767, 32768, -1, -2} {
		s := PushNumber(n)
		if n > 0 && n <= 16 && len(s) != 1 {
			t.Errorf("PushNumber(%d) = %x", n, s)
		}
	}
	if got := PushNumber(128); !bytes.Equal(got, []byte{2, 0x80, 0}) {
		t.Errorf("PushNumber(128) = %x", got)
	}
	if got := PushData(make([]byte, 300))[:3]; !bytes.Equal(got, []byte{0x4d, 0x2c, 0x01}) {
		t.Errorf("PushData(300 bytes) starts %x", got)
	}
}
