package policy

import (
	"errors"
	"testing"

	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/wire"
)

// knownKinds are the reject reasons the checks below may give.
var knownKinds = map[ErrorKind]bool{
	ErrVersion: true, ErrTxSize: true, ErrTxSizeSmall: true, ErrScriptSigSize: true,
	ErrScriptSigNotPushOnly: true, ErrScriptPubKey: true, ErrBareMultisig: true,
	ErrDataCarrier: true, ErrDust: true, ErrNonstandardInputs: true,
	ErrNonstandardWitness: true, ErrTRUCViolation: true, ErrMissingEphemeralSpends: true,
	ErrTooManySigOps: true,
}

func checkFuzzError(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var re *RuleError
	if !errors.As(err, &re) || !knownKinds[re.Err] {
		t.Fatalf("%s: unexpected error %#v", what, err)
	}
}

// FuzzCheckStandard decodes a transaction and runs every check on it, with
// coins made of its own outputs; none may panic, and every failure must be
// a *RuleError with one of the package's reject reasons.
func FuzzCheckStandard(f *testing.F) {
	seeds := []*wire.Tx{
		stdTx(),
		stdTx(func(tx *wire.Tx) { tx.Version = 3 }, addOutput(0, p2a)),
		stdTx(addOutput(0, opReturn(80)), addOutput(0, opReturn(20)), addOutput(546, p2pkh)),
		stdTx(addOutput(1000, script.MultiSigScript(1, [][]byte{pubKey(1), pubKey(2)})), addOutput(1000, p2sh)),
		stdTx(func(tx *wire.Tx) {
			tx.TxIn[0].SignatureScript = p2shSpend(script.PayToWitness(0, hash32(1)))
			tx.TxIn[0].Witness = wire.TxWitness{make([]byte, 72), make([]byte, 40)}
		}, addOutput(330, p2tr), addOutput(1000, p2wsh)),
		stdTx(func(tx *wire.Tx) {
			tx.TxIn[0].Witness = wire.TxWitness{make([]byte, 64), {0x51}, append([]byte{0xc0}, hash32(1)...), {script.AnnexTag}}
		}, addOutput(1000, p2tr)),
		stdTx(func(tx *wire.Tx) { tx.TxIn[0].SignatureScript = []byte{byte(script.OpDup)}; tx.Version = 0 }),
		stdTx(setOutputs(&wire.TxOut{PkScript: opReturn(1)})),
	}
	for _, tx := range seeds {
		f.Add(tx.Serialize())
	}
	f.Add([]byte{})
	f.Add([]byte{0x02, 0, 0, 0, 0, 1, 1})
	f.Fuzz(fuzzCheckStandard)
}

// fuzzCheckStandard is FuzzCheckStandard's body.
func fuzzCheckStandard(t *testing.T, data []byte) {
	tx, err := wire.DecodeTx(data)
	if err != nil {
		return
	}
	restrictive := Options{MaxDataCarrierBytes: 83, DustRelayFee: 1_000_000}
	for _, opts := range []Options{DefaultOptions(), restrictive} {
		checkFuzzError(t, "CheckStandard", CheckStandard(tx, opts))
	}
	// The coins spent: the transaction's own outputs, round robin,
	// with a missing one at the end.
	spent := make([]*store.Coin, len(tx.TxIn))
	for i := range spent {
		if len(tx.TxOut) > 0 && i < len(tx.TxIn)-1 {
			out := tx.TxOut[i%len(tx.TxOut)]
			spent[i] = &store.Coin{Value: out.Value, PkScript: out.PkScript}
		}
	}
	checkFuzzError(t, "CheckInputsStandard", CheckInputsStandard(tx, spent))
	checkFuzzError(t, "CheckWitnessStandard", CheckWitnessStandard(tx, spent))
	cost := TxSigOpCost(tx, spent, script.StandardFlags)
	checkFuzzError(t, "CheckSigOpsCost", CheckSigOpsCost(cost))
	vsize := TxVirtualSize(tx, cost, DefaultBytesPerSigOp)
	if vsize < int64(tx.VSize()) {
		t.Fatalf("sigop-adjusted vsize %d below vsize %d", vsize, tx.VSize())
	}
	for _, out := range tx.TxOut {
		if DustThreshold(out, DustRelayFee) < 0 {
			t.Fatal("negative dust threshold")
		}
	}
	checkFuzzError(t, "PreCheckEphemeralTx", PreCheckEphemeralTx(tx, DustRelayFee, 1, 1))
	parent := stdTx(addOutput(0, p2a))
	// The transaction is its own mempool parent through its first
	// input (one lookup hit, as a real mempool holds each parent once).
	lookup := func(txid wire.Hash) *wire.Tx {
		if len(tx.TxIn) > 0 && txid == tx.TxIn[0].PreviousOutPoint.Hash {
			return tx
		}
		return nil
	}
	_, err = CheckEphemeralSpends([]*wire.Tx{parent, tx}, DustRelayFee, lookup)
	checkFuzzError(t, "CheckEphemeralSpends", err)
	parents := []TRUCParent{mempoolParent(parent, 1, 2, relative(tx, 2)), mempoolParent(tx, 3, 1)}
	for n := range 3 {
		_, err = SingleTRUCChecks(tx, vsize, parents[:n], map[wire.Hash]bool{tx.TxHash(): true})
		checkFuzzError(t, "SingleTRUCChecks", err)
		checkFuzzError(t, "PackageTRUCChecks", PackageTRUCChecks(tx, vsize, []*wire.Tx{parent, tx}, parents[:n]))
	}
	_ = NewFeeRate(int64(len(data))-100, vsize).String()
}
