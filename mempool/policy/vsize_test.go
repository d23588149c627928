package policy

import (
	"testing"

	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/wire"
)

func TestGetVirtualTransactionSize(t *testing.T) {
	tests := []struct {
		weight, sigOpCost, bytesPerSigOp, want int64
	}{
		{400, 0, 20, 100},
		{401, 0, 20, 101}, // rounded up
		{403, 0, 20, 101},
		{404, 0, 20, 101},
		{400, 80, 20, 400},  // 80 × 20 = 1600 weight
		{1000, 50, 20, 250}, // a tie
		{1001, 50, 20, 251},
		{999, 50, 20, 250},
		{400, 80, 0, 100}, // -bytespersigop=0 ignores sigops
		{0, 0, 20, 0},
	}
	for _, tc := range tests {
		if got := GetVirtualTransactionSize(tc.weight, tc.sigOpCost, tc.bytesPerSigOp); got != tc.want {
			t.Errorf("GetVirtualTransactionSize(%d, %d, %d) = %d, want %d", tc.weight, tc.sigOpCost, tc.bytesPerSigOp, got, tc.want)
		}
	}
	tx := stdTx(func(tx *wire.Tx) { tx.TxIn[0].Witness = wire.TxWitness{make([]byte, 71), pubKey(1)} })
	if got := TxVirtualSize(tx, 0, DefaultBytesPerSigOp); got != int64(tx.VSize()) {
		t.Fatalf("TxVirtualSize %d, VSize %d", got, tx.VSize())
	}
	if got := TxVirtualSize(tx, 4000, DefaultBytesPerSigOp); got != 20_000 {
		t.Fatalf("TxVirtualSize with 4000 sigop cost: %d, want 20000", got)
	}
}

func TestTxSigOpCost(t *testing.T) {
	redeem := script.MultiSigScript(2, [][]byte{pubKey(1), pubKey(2), pubKey(3)}) // 3 accurate sigops
	witnessScript := append(push(pubKey(4)), byte(script.OpCheckSig))             // 1 sigop
	nested := script.PayToWitness(0, hash20(7))
	tx, coins := spendTx(
		[][]byte{p2pkh, p2sh, p2wpkh, p2wsh, p2sh},
		[][]byte{append(push(make([]byte, 71)), push(pubKey(1))...), append([]byte{0}, push(redeem)...), nil, nil, push(nested)},
		[]wire.TxWitness{nil, nil, {make([]byte, 71), pubKey(2)}, {make([]byte, 71), witnessScript}, {make([]byte, 71), pubKey(3)}},
	)
	tx.TxOut = append(tx.TxOut, &wire.TxOut{Value: 1000, PkScript: p2pkh})
	// Legacy: one output P2PKH (1) = 4; P2SH redeem: 3 × 4 = 12; P2WPKH 1;
	// P2WSH 1; P2SH-P2WPKH 1.
	if got := TxSigOpCost(tx, coins, script.StandardFlags); got != 4+12+1+1+1 {
		t.Fatalf("sigop cost %d, want 19", got)
	}
	if got := TxSigOpCost(tx, coins, script.VerifyNone); got != 4 {
		t.Fatalf("sigop cost without P2SH and witness %d, want 4", got)
	}
	coinbase := &wire.Tx{Version: 1,
		TxIn:  []*wire.TxIn{{PreviousOutPoint: wire.OutPoint{Index: 0xffffffff}, SignatureScript: []byte{byte(script.OpCheckSig), 0}}},
		TxOut: []*wire.TxOut{{Value: 50, PkScript: p2pkh}}}
	if got := TxSigOpCost(coinbase, []*store.Coin{nil}, script.StandardFlags); got != 8 {
		t.Fatalf("coinbase sigop cost %d, want 8", got)
	}
}

func TestCheckSigOpsCost(t *testing.T) {
	wantKind(t, CheckSigOpsCost(16_000), "")
	err := CheckSigOpsCost(16_001)
	wantKind(t, err, ErrTooManySigOps)
	if err.Error() != "bad-txns-too-many-sigops, 16001" {
		t.Fatalf("error %q", err)
	}
}
