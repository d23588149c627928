package policy

import (
	"fmt"

	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/wire"
)

// CheckInputsStandard checks what tx's inputs spend and how (Core's
// AreInputsStandard); spent holds the coin each input spends, in input
// order. It fails with "bad-txns-nonstandard-inputs" when:
//
//   - the potentially executed legacy signature operations (scriptSigs,
//     spent scriptPubKeys and P2SH redeem scripts, counted accurately)
//     exceed MaxTxLegacySigOps, checked before anything else (BIP54,
//     Core 30.0);
//   - an input spends a scriptPubKey of no standard template, or a witness
//     program of an unknown version or size (Core rejects these spends
//     early, though the script flags would catch them too);
//   - an input spends P2SH and its scriptSig does not evaluate to a
//     redeem script (a non-push opcode, a push above 520 bytes, an empty
//     stack), or the redeem script holds more than MaxP2SHSigOps signature
//     operations.
//
// Pay-to-anchor and every other standard output type may be spent. A
// coinbase passes. A nil coin, or spent shorter than the inputs, counts as
// an empty scriptPubKey, which is not standard (Core's AccessCoin of a
// missing coin).
func CheckInputsStandard(tx *wire.Tx, spent []*store.Coin) error {
	if tx.IsCoinBase() {
		return nil
	}
	if err := checkLegacySigOps(tx, spent); err != nil {
		return err
	}
	for i, in := range tx.TxIn {
		pkScript := spentScript(spent, i)
		switch script.Classify(pkScript).Class {
		case script.NonStandard:
			return ruleError(ErrNonstandardInputs, fmt.Sprintf("input %d: spends a non-standard script", i))
		case script.WitnessUnknown:
			return ruleError(ErrNonstandardInputs, fmt.Sprintf("input %d: spends a witness program of unknown version or size", i))
		case script.ScriptHash:
			stack, ok := evalPushes(in.SignatureScript)
			if !ok {
				return ruleError(ErrNonstandardInputs, fmt.Sprintf("input %d: P2SH scriptSig does not evaluate", i))
			}
			if len(stack) == 0 {
				return ruleError(ErrNonstandardInputs, fmt.Sprintf("input %d: P2SH scriptSig has no redeem script", i))
			}
			if n := script.SigOpCount(stack[len(stack)-1], true); n > MaxP2SHSigOps {
				return ruleError(ErrNonstandardInputs, fmt.Sprintf("input %d: P2SH redeem script has %d sigops > %d", i, n, MaxP2SHSigOps))
			}
		}
	}
	return nil
}

// checkLegacySigOps is Core's CheckSigopsBIP54.
func checkLegacySigOps(tx *wire.Tx, spent []*store.Coin) error {
	n := 0
	for i, in := range tx.TxIn {
		n += script.SigOpCount(in.SignatureScript, true)
		n += script.P2SHSigOpCount(in.SignatureScript, spentScript(spent, i))
		if n > MaxTxLegacySigOps {
			return ruleError(ErrNonstandardInputs, fmt.Sprintf("more than %d legacy sigops", MaxTxLegacySigOps))
		}
	}
	return nil
}

// CheckWitnessStandard checks tx's witnesses against the resource limits
// of standard spends (Core's IsWitnessStandard); spent is as for
// CheckInputsStandard. Inputs with an empty witness are skipped. It fails
// with "bad-witness-nonstandard" when an input with a witness:
//
//   - spends pay-to-anchor (whose spend must have an empty witness);
//   - spends P2SH whose scriptSig does not evaluate to a redeem script;
//   - spends (directly or through P2SH) something other than a witness
//     program;
//   - spends P2WSH (native or nested) with a witness script above
//     MaxStandardP2WSHScriptSize bytes, more than MaxStandardP2WSHStackItems
//     other items, or an item above MaxStandardP2WSHStackItemSize bytes;
//   - spends native taproot with an annex, with an empty control block, or
//     through a tapscript leaf (0xc0) with an initial stack item above
//     MaxStandardTapscriptStackItemSize bytes.
//
// A coinbase passes.
func CheckWitnessStandard(tx *wire.Tx, spent []*store.Coin) error {
	if tx.IsCoinBase() {
		return nil
	}
	for i, in := range tx.TxIn {
		if len(in.Witness) == 0 {
			continue
		}
		if err := checkInputWitness(in, spentScript(spent, i)); err != "" {
			return ruleError(ErrNonstandardWitness, fmt.Sprintf("input %d: %s", i, err))
		}
	}
	return nil
}

// checkInputWitness applies IsWitnessStandard to one input with a
// non-empty witness; it returns what is wrong, or "".
func checkInputWitness(in *wire.TxIn, pkScript []byte) string {
	if version, program, ok := script.WitnessProgram(pkScript); ok && isAnchor(version, program) {
		return "pay-to-anchor spend with a witness"
	}
	p2sh := false
	if script.IsPayToScriptHash(pkScript) {
		stack, ok := evalPushes(in.SignatureScript)
		if !ok {
			return "P2SH scriptSig does not evaluate"
		}
		if len(stack) == 0 {
			return "P2SH scriptSig has no redeem script"
		}
		pkScript = stack[len(stack)-1]
		p2sh = true
	}
	version, program, ok := script.WitnessProgram(pkScript)
	if !ok {
		return "witness on a non-witness input"
	}
	w := in.Witness
	if version == 0 && len(program) == 32 {
		if n := len(w[len(w)-1]); n > MaxStandardP2WSHScriptSize {
			return fmt.Sprintf("witness script of %d bytes > %d", n, MaxStandardP2WSHScriptSize)
		}
		items := w[:len(w)-1]
		if len(items) > MaxStandardP2WSHStackItems {
			return fmt.Sprintf("%d P2WSH stack items > %d", len(items), MaxStandardP2WSHStackItems)
		}
		for _, item := range items {
			if len(item) > MaxStandardP2WSHStackItemSize {
				return fmt.Sprintf("P2WSH stack item of %d bytes > %d", len(item), MaxStandardP2WSHStackItemSize)
			}
		}
	}
	if version == 1 && len(program) == 32 && !p2sh {
		if len(w) >= 2 && len(w[len(w)-1]) > 0 && w[len(w)-1][0] == script.AnnexTag {
			return "taproot annex"
		}
		switch {
		case len(w) >= 2: // script path
			control := w[len(w)-1]
			if len(control) == 0 {
				return "empty taproot control block"
			}
			if control[0]&script.TaprootLeafMask == script.TaprootLeafTapscript {
				for _, item := range w[:len(w)-2] {
					if len(item) > MaxStandardTapscriptStackItemSize {
						return fmt.Sprintf("tapscript stack item of %d bytes > %d", len(item), MaxStandardTapscriptStackItemSize)
					}
				}
			}
		case len(w) == 1: // key path: no policy rules
		}
	}
	return ""
}

// isAnchor reports Core's IsPayToAnchor: OP_1 <0x4e73>.
func isAnchor(version int, program []byte) bool {
	return version == 1 && len(program) == 2 && program[0] == 0x4e && program[1] == 0x73
}

// spentScript returns the scriptPubKey input i spends, nil when unknown.
func spentScript(spent []*store.Coin, i int) []byte {
	if i < len(spent) && spent[i] != nil {
		return spent[i].PkScript
	}
	return nil
}

// evalPushes runs a scriptSig the way Core's EvalScript with no flags runs
// a push-only script, to find the redeem script: it returns the resulting
// stack, or false where EvalScript would fail (a malformed or non-push
// instruction, OP_RESERVED, a push above 520 bytes, a script above 10,000
// bytes, more than 1,000 stack items). Core would execute a non-push
// scriptSig; CheckStandard has rejected those before this is reached.
func evalPushes(scriptSig []byte) ([][]byte, bool) {
	if len(scriptSig) > script.MaxScriptSize {
		return nil, false
	}
	var stack [][]byte
	t := script.MakeTokenizer(scriptSig)
	for t.Next() {
		op := t.Opcode()
		switch {
		case op.IsPush():
			if len(t.Data()) > script.MaxScriptElementSize {
				return nil, false
			}
			stack = append(stack, t.Data())
		case op == script.Op1Negate:
			stack = append(stack, []byte{0x81})
		case op >= script.Op1 && op <= script.Op16:
			stack = append(stack, []byte{byte(op.SmallInt())})
		default:
			return nil, false
		}
		if len(stack) > script.MaxStackSize {
			return nil, false
		}
	}
	return stack, t.Err() == nil
}

// TxSigOpCost returns tx's signature-operation cost (Core's
// GetTransactionSigOpCost): legacy sigops in its scripts times the witness
// scale factor, plus, with VerifyP2SH, P2SH redeem-script sigops times the
// factor, plus witness sigops (with VerifyWitness). spent is as for
// CheckInputsStandard.
func TxSigOpCost(tx *wire.Tx, spent []*store.Coin, flags script.Flags) int64 {
	n := 0
	for _, in := range tx.TxIn {
		n += script.SigOpCount(in.SignatureScript, false)
	}
	for _, out := range tx.TxOut {
		n += script.SigOpCount(out.PkScript, false)
	}
	cost := int64(n) * wire.WitnessScaleFactor
	if tx.IsCoinBase() {
		return cost
	}
	for i, in := range tx.TxIn {
		pkScript := spentScript(spent, i)
		if flags&script.VerifyP2SH != 0 && script.IsPayToScriptHash(pkScript) {
			cost += int64(script.P2SHSigOpCount(in.SignatureScript, pkScript)) * wire.WitnessScaleFactor
		}
		cost += int64(script.WitnessSigOpCount(in.SignatureScript, pkScript, in.Witness, flags))
	}
	return cost
}

// CheckSigOpsCost fails with "bad-txns-too-many-sigops" when a
// transaction's signature-operation cost exceeds MaxStandardTxSigOpsCost,
// as PreChecks does; the description is the cost, as Core gives it.
func CheckSigOpsCost(sigOpCost int64) error {
	if sigOpCost > MaxStandardTxSigOpsCost {
		return ruleError(ErrTooManySigOps, fmt.Sprintf("%d", sigOpCost))
	}
	return nil
}

// GetVirtualTransactionSize is Core's sigop-adjusted virtual size: the
// larger of the weight and sigOpCost × bytesPerSigOp, divided by four and
// rounded up. With a zero sigOpCost it is the BIP141 virtual size.
func GetVirtualTransactionSize(weight, sigOpCost, bytesPerSigOp int64) int64 {
	w := max(weight, sigOpCost*bytesPerSigOp)
	return (w + wire.WitnessScaleFactor - 1) / wire.WitnessScaleFactor
}

// TxVirtualSize is GetVirtualTransactionSize of tx's weight.
func TxVirtualSize(tx *wire.Tx, sigOpCost, bytesPerSigOp int64) int64 {
	return GetVirtualTransactionSize(int64(tx.Weight()), sigOpCost, bytesPerSigOp)
}
