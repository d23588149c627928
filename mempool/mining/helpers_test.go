package mining

import (
	"context"
	"crypto/sha256"
	"testing"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/wire"
)

// opTrue is the payout script of the test chains: its outputs are spent
// with an empty scriptSig, no signature needed.
var opTrue = []byte{0x51}

// p2wshTrue is P2WSH(OP_TRUE), spent with the witness [OP_TRUE].
var p2wshTrue = func() []byte {
	h := sha256.Sum256(opTrue)
	return script.PayToWitness(0, h[:])
}()

// newChain opens a regtest chain (a private copy of the parameters,
// edited by edit when given) in a fresh directory, checking every script.
func newChain(t testing.TB, edit func(*params.Params)) *chain.Chain {
	t.Helper()
	p := *params.RegTest
	if edit != nil {
		edit(&p)
	}
	ch, err := chain.New(chain.Config{Params: &p, DataDir: t.TempDir(), AssumeValid: &wire.Hash{}, CacheBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ch.Close() })
	return ch
}

// coin is a spendable output.
type coin struct {
	op     wire.OutPoint
	value  int64
	script []byte
}

// matureChain mines 100+n blocks to OP_TRUE and returns the n coinbase
// outputs that the next block may spend.
func matureChain(t testing.TB, n int) (*chain.Chain, []coin) {
	t.Helper()
	ch := newChain(t, nil)
	hashes, err := GenerateToScript(context.Background(), ch, nil, opTrue, 100+n, 0)
	if err != nil {
		t.Fatal(err)
	}
	coins := make([]coin, n)
	for i := range coins {
		blk, err := ch.ReadBlock(hashes[i])
		if err != nil {
			t.Fatal(err)
		}
		cb := blk.Transactions[0]
		coins[i] = coin{op: wire.OutPoint{Hash: cb.TxHash()}, value: cb.TxOut[0].Value, script: cb.TxOut[0].PkScript}
	}
	return ch, coins
}

// spendTx spends in to outputs of the given scripts, splitting the value
// less fee evenly (the first output takes the remainder).
func spendTx(in []coin, fee int64, scripts ...[]byte) *wire.Tx {
	tx := &wire.Tx{Version: 2}
	var total int64
	for _, c := range in {
		txIn := &wire.TxIn{PreviousOutPoint: c.op, Sequence: wire.MaxTxInSequenceNum}
		if string(c.script) == string(p2wshTrue) {
			txIn.Witness = wire.TxWitness{opTrue}
		}
		tx.TxIn = append(tx.TxIn, txIn)
		total += c.value
	}
	left := total - fee
	each := left / int64(len(scripts))
	for i, s := range scripts {
		v := each
		if i == 0 {
			v += left - each*int64(len(scripts))
		}
		tx.TxOut = append(tx.TxOut, &wire.TxOut{Value: v, PkScript: s})
	}
	return tx
}

// outputs returns tx's outputs as coins.
func outputs(tx *wire.Tx) []coin {
	id := tx.TxHash()
	cs := make([]coin, len(tx.TxOut))
	for i, out := range tx.TxOut {
		cs[i] = coin{op: wire.OutPoint{Hash: id, Index: uint32(i)}, value: out.Value, script: out.PkScript}
	}
	return cs
}

// desc describes tx as the pool would (legacy sigops suffice for the
// scripts these tests spend).
func desc(tx *wire.Tx, fee int64, parents ...*wire.Tx) TxDesc {
	txid, wtxid := tx.Hashes()
	d := TxDesc{Tx: tx, TxID: txid, WTxID: wtxid, Fee: fee, Weight: tx.Weight(),
		SigOpCost: wire.WitnessScaleFactor * legacySigOps(tx)}
	for _, p := range parents {
		d.Parents = append(d.Parents, p.TxHash())
	}
	return d
}

// repeat returns n copies of s.
func repeat(s []byte, n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// mineAndSubmit solves a template's block and gives it to the chain.
func mineAndSubmit(t testing.TB, ch *chain.Chain, blk *wire.Block) {
	t.Helper()
	found, err := Mine(context.Background(), blk, ch.Params().PowLimit, 0)
	if err != nil || !found {
		t.Fatalf("mine: %v %v", found, err)
	}
	if err := ch.ProcessBlock(blk); err != nil {
		t.Fatalf("ProcessBlock: %v", err)
	}
	if tip, _ := ch.Tip(); tip != blk.BlockHash() {
		t.Fatalf("tip %s, want %s", tip, blk.BlockHash())
	}
}

// fakeTx is a distinct, structurally plausible transaction for assembly
// tests that never reach validation.
func fakeTx(i int, lockTime uint32) *wire.Tx {
	var prev wire.Hash
	prev[0], prev[1], prev[2], prev[3] = byte(i), byte(i>>8), byte(i>>16), byte(i>>24)
	prev[31] = 0xfe
	return &wire.Tx{Version: 2, LockTime: lockTime,
		TxIn:  []*wire.TxIn{{PreviousOutPoint: wire.OutPoint{Hash: prev}, Sequence: wire.MaxTxInSequenceNum - 1}},
		TxOut: []*wire.TxOut{{Value: 1000 + int64(i), PkScript: opTrue}}}
}

// fakeDesc describes fakeTx(i) with a chosen weight, fee and sigop cost.
func fakeDesc(i int, weight int, fee int64, sigOps int) TxDesc {
	tx := fakeTx(i, 0)
	txid := tx.TxHash()
	return TxDesc{Tx: tx, TxID: txid, WTxID: txid, Fee: fee, Weight: weight, SigOpCost: sigOps}
}
