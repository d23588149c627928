package policy

import (
	"bytes"
	"errors"
	"testing"

	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/wire"
)

// Test keys and hashes: valid shapes, arbitrary content.

func pubKey(b byte) []byte { return append([]byte{0x02}, bytes.Repeat([]byte{b}, 32)...) }
func hash20(b byte) []byte { return bytes.Repeat([]byte{b}, 20) }
func hash32(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

var (
	p2pkh  = script.PayToPubKeyHash(hash20(1))
	p2sh   = script.PayToScriptHash(hash20(2))
	p2wpkh = script.PayToWitness(0, hash20(3))
	p2wsh  = script.PayToWitness(0, hash32(4))
	p2tr   = script.PayToWitness(1, hash32(5))
	p2a    = []byte{0x51, 0x02, 0x4e, 0x73}
	p2pk   = script.PayToPubKey(pubKey(6))
)

// push returns a minimal push of data.
func push(data []byte) []byte {
	n := len(data)
	switch {
	case n < int(script.OpPushData1):
		return append([]byte{byte(n)}, data...)
	case n <= 0xff:
		return append([]byte{byte(script.OpPushData1), byte(n)}, data...)
	case n <= 0xffff:
		return append([]byte{byte(script.OpPushData2), byte(n), byte(n >> 8)}, data...)
	}
	return append([]byte{byte(script.OpPushData4), byte(n), byte(n >> 8), byte(n >> 16), byte(n >> 24)}, data...)
}

// opReturn returns OP_RETURN followed by a push of n bytes.
func opReturn(n int) []byte {
	return append([]byte{byte(script.OpReturn)}, push(make([]byte, n))...)
}

func outpoint(b byte, n uint32) wire.OutPoint {
	var h wire.Hash
	h[0] = b
	return wire.OutPoint{Hash: h, Index: n}
}

// stdTx is a standard version 2 transaction: one input, one P2WPKH output
// of 10,000 satoshis; 82 bytes without witness.
func stdTx(edits ...func(*wire.Tx)) *wire.Tx {
	tx := &wire.Tx{
		Version: 2,
		TxIn:    []*wire.TxIn{{PreviousOutPoint: outpoint(0xaa, 0), Sequence: wire.MaxTxInSequenceNum}},
		TxOut:   []*wire.TxOut{{Value: 10_000, PkScript: p2wpkh}},
	}
	for _, e := range edits {
		e(tx)
	}
	return tx
}

func addOutput(value int64, pkScript []byte) func(*wire.Tx) {
	return func(tx *wire.Tx) { tx.TxOut = append(tx.TxOut, &wire.TxOut{Value: value, PkScript: pkScript}) }
}

func setOutputs(outs ...*wire.TxOut) func(*wire.Tx) {
	return func(tx *wire.Tx) { tx.TxOut = outs }
}

// spendTx spends one coin per scriptPubKey, with the given scriptSigs and
// witnesses (nil entries for none), and returns the coins too.
func spendTx(prev [][]byte, sigs [][]byte, wits []wire.TxWitness) (*wire.Tx, []*store.Coin) {
	tx := stdTx()
	tx.TxIn = nil
	var coins []*store.Coin
	for i, pk := range prev {
		in := &wire.TxIn{PreviousOutPoint: outpoint(0xbb, uint32(i)), Sequence: wire.MaxTxInSequenceNum}
		if i < len(sigs) {
			in.SignatureScript = sigs[i]
		}
		if i < len(wits) {
			in.Witness = wits[i]
		}
		tx.TxIn = append(tx.TxIn, in)
		coins = append(coins, &store.Coin{Value: 100_000, PkScript: pk, Height: 1})
	}
	return tx, coins
}

// wantKind checks err against an expected reject reason ("" for none).
func wantKind(t *testing.T, err error, want ErrorKind) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("unexpected error %v", err)
		}
		return
	}
	var re *RuleError
	if !errors.As(err, &re) {
		t.Fatalf("error %v, want a *RuleError of kind %q", err, want)
	}
	if re.Err != want || !errors.Is(err, want) {
		t.Fatalf("reject reason %q (%v), want %q", re.Err, err, want)
	}
}
