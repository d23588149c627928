package script

import (
	"testing"

	"github.com/bitnode/bitnode/internal/testvec"
	"github.com/bitnode/bitnode/wire"
)

func loadBlocks1To255(t testing.TB) []*wire.Block {
	t.Helper()
	var blocks []*wire.Block
	for _, raw := range testvec.MainnetBlocks1To255(t) {
		blk, err := wire.DecodeBlock(raw)
		if err != nil {
			t.Fatal(err)
		}
		blocks = append(blocks, blk)
	}
	return blocks
}

// TestEarlyMainnetSpends verifies every non-coinbase input of mainnet
// blocks 1–255 (the first bitcoin payments, P2PK spends) against the
// outputs they spend, with the verifier, and checks that a tampered
// signature fails.
func TestEarlyMainnetSpends(t *testing.T) {
	utxos := map[wire.OutPoint]*wire.TxOut{}
	var checks []InputCheck
	for _, blk := range loadBlocks1To255(t) {
		for _, tx := range blk.Transactions {
			if !tx.IsCoinBase() {
				spent := make([]*wire.TxOut, len(tx.TxIn))
				for i, in := range tx.TxIn {
					spent[i] = utxos[in.PreviousOutPoint]
					if spent[i] == nil {
						t.Fatalf("tx %s spends unknown %s", tx.TxHash(), in.PreviousOutPoint)
					}
				}
				hashes := NewTxSigHashes(tx, spent)
				for i := range tx.TxIn {
					checks = append(checks, InputCheck{Tx: tx, Idx: i, Spent: spent, Hashes: hashes, Flags: MandatoryFlags})
				}
			}
			id := tx.TxHash()
			for i, out := range tx.TxOut {
				utxos[wire.OutPoint{Hash: id, Index: uint32(i)}] = out
			}
		}
	}
	if len(checks) == 0 {
		t.Fatal("no inputs found")
	}
	v := &Verifier{Workers: 2}
	if err := v.Verify(checks); err != nil {
		t.Fatal(err)
	}
	// Flip a bit of one signature: the input must fail with EVAL_FALSE
	// (CHECKSIG pushes false) and the verifier must name it.
	bad := checks[len(checks)-1]
	tx := bad.Tx.Copy()
	sig := tx.TxIn[bad.Idx].SignatureScript
	sig[10] ^= 1
	bad.Tx, bad.Hashes = tx, nil
	err := v.Verify(append(checks[:len(checks)-1:len(checks)-1], bad))
	if ErrorName(unwrapInput(err)) != string(ErrEvalFalse) {
		t.Fatalf("tampered signature: %v", err)
	}
	t.Logf("verified %d inputs of mainnet blocks 1-255", len(checks))
}

func unwrapInput(err error) error {
	if ie, ok := err.(*InputError); ok {
		return ie.Err
	}
	return err
}
