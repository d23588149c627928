package policy

import (
	"fmt"

	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/wire"
)

// Options are the relay settings CheckStandard and the dust rules depend
// on, Core's command-line options of the same names. DefaultOptions gives
// Core 30.0/31.0's defaults.
type Options struct {
	// PermitBareMultisig is -permitbaremultisig: whether bare multisig
	// outputs are standard.
	PermitBareMultisig bool
	// DataCarrier is -datacarrier: whether OP_RETURN outputs are standard
	// at all.
	DataCarrier bool
	// MaxDataCarrierBytes is -datacarriersize: the most scriptPubKey bytes
	// all OP_RETURN outputs of a transaction may hold together.
	MaxDataCarrierBytes int
	// DustRelayFee is -dustrelayfee, the rate dust is defined by.
	DustRelayFee FeeRate
	// MinRelayFee is -minrelaytxfee (used by the mempool, not here).
	MinRelayFee FeeRate
	// IncrementalRelayFee is -incrementalrelayfee (used by the mempool).
	IncrementalRelayFee FeeRate
	// BytesPerSigOp is -bytespersigop, for the sigop-adjusted virtual size.
	BytesPerSigOp int64
}

// DefaultOptions returns Core's default relay settings.
func DefaultOptions() Options {
	return Options{
		PermitBareMultisig:  DefaultPermitBareMultisig,
		DataCarrier:         DefaultAcceptDataCarrier,
		MaxDataCarrierBytes: MaxOpReturnRelay,
		DustRelayFee:        DustRelayFee,
		MinRelayFee:         DefaultMinRelayFee,
		IncrementalRelayFee: DefaultIncrementalRelayFee,
		BytesPerSigOp:       DefaultBytesPerSigOp,
	}
}

// CheckStandard applies the context-free standardness rules to tx: Core's
// IsStandardTx followed by PreChecks' minimum non-witness size. In Core's
// order, the first broken rule is reported:
//
//   - "version": the version is outside 1..3;
//   - "tx-size": the weight is above MaxStandardTxWeight;
//   - "scriptsig-size", "scriptsig-not-pushonly": a scriptSig is longer
//     than MaxStandardScriptSigSize or holds a non-push opcode;
//   - "scriptpubkey": an output script matches no standard template, or is
//     a multisig with more than 3 keys;
//   - "datacarrier": the OP_RETURN outputs together hold more than
//     MaxDataCarrierBytes of scriptPubKey, or any exists with DataCarrier
//     off;
//   - "bare-multisig": a bare multisig output with PermitBareMultisig off;
//   - "dust": more than MaxDustOutputsPerTx outputs are dust;
//   - "tx-size-small": the serialization without witnesses is shorter than
//     MinStandardTxNonWitnessSize.
//
// A coinbase is not treated specially: the mempool refuses it earlier.
func CheckStandard(tx *wire.Tx, opts Options) error {
	if tx.Version < TxMinStandardVersion || tx.Version > TxMaxStandardVersion {
		return ruleError(ErrVersion, fmt.Sprintf("version %d is not standard", tx.Version))
	}
	if w := tx.Weight(); w > MaxStandardTxWeight {
		return ruleError(ErrTxSize, fmt.Sprintf("weight %d > %d", w, MaxStandardTxWeight))
	}
	for i, in := range tx.TxIn {
		if n := len(in.SignatureScript); n > MaxStandardScriptSigSize {
			return ruleError(ErrScriptSigSize, fmt.Sprintf("input %d: scriptSig of %d bytes > %d", i, n, MaxStandardScriptSigSize))
		}
		if !script.IsPushOnly(in.SignatureScript) {
			return ruleError(ErrScriptSigNotPushOnly, fmt.Sprintf("input %d: scriptSig is not push-only", i))
		}
	}
	dataLeft := 0
	if opts.DataCarrier {
		dataLeft = max(opts.MaxDataCarrierBytes, 0)
	}
	for i, out := range tx.TxOut {
		class, ok := StandardOutput(out.PkScript)
		if !ok {
			return ruleError(ErrScriptPubKey, fmt.Sprintf("output %d: %s scriptPubKey is not standard", i, class))
		}
		switch class {
		case script.NullData:
			n := len(out.PkScript)
			if n > dataLeft {
				return ruleError(ErrDataCarrier, fmt.Sprintf("output %d: OP_RETURN outputs exceed the data carrier limit", i))
			}
			dataLeft -= n
		case script.MultiSig:
			if !opts.PermitBareMultisig {
				return ruleError(ErrBareMultisig, fmt.Sprintf("output %d: bare multisig", i))
			}
		}
	}
	if dust := DustOutputs(tx, opts.DustRelayFee); len(dust) > MaxDustOutputsPerTx {
		return ruleError(ErrDust, fmt.Sprintf("%d dust outputs > %d", len(dust), MaxDustOutputsPerTx))
	}
	return CheckNonWitnessSize(tx)
}

// CheckNonWitnessSize fails with "tx-size-small" when tx's serialization
// without witnesses is shorter than MinStandardTxNonWitnessSize, so that no
// relayed transaction can pass for a 64-byte inner merkle node
// (CVE-2017-12842). CheckStandard ends with it; Core applies it even when
// standardness is off (-acceptnonstdtxn), so the mempool should too.
func CheckNonWitnessSize(tx *wire.Tx) error {
	if n := tx.BaseSize(); n < MinStandardTxNonWitnessSize {
		return ruleError(ErrTxSizeSmall, fmt.Sprintf("non-witness size %d < %d", n, MinStandardTxNonWitnessSize))
	}
	return nil
}

// StandardOutput classifies an output script and reports whether it is
// standard (Core's IsStandard): any template Classify knows, witness
// programs of unknown versions and pay-to-anchor included, except
// multisig with more than 3 keys. The class is returned either way.
func StandardOutput(pkScript []byte) (script.ScriptClass, bool) {
	sol := script.Classify(pkScript)
	switch sol.Class {
	case script.NonStandard:
		return sol.Class, false
	case script.MultiSig:
		n := len(sol.Data)
		if n < 1 || n > 3 || sol.Required < 1 || sol.Required > n {
			return sol.Class, false
		}
	}
	return sol.Class, true
}

// isUnspendable reports what Core's CScript::IsUnspendable does: a script
// starting with OP_RETURN, or one longer than the consensus script limit.
func isUnspendable(pkScript []byte) bool {
	return (len(pkScript) > 0 && pkScript[0] == byte(script.OpReturn)) || len(pkScript) > script.MaxScriptSize
}

// Sizes Core's GetDustThreshold charges for the input that would spend an
// output: outpoint (36), scriptSig length (1) and sequence (4), plus a
// 107-byte P2PKH-style scriptSig, or for witness programs the same 107
// bytes as witness at a quarter of the weight (rounded down).
const (
	dustSpendLegacy  = 32 + 4 + 1 + 107 + 4
	dustSpendWitness = 32 + 4 + 1 + 107/wire.WitnessScaleFactor + 4
)

// DustThreshold returns the smallest value out may carry without being
// dust at dustRelayFee (Core's GetDustThreshold): the fee, at that rate, of
// the output's serialization and of a minimal input spending it. Provably
// unspendable outputs have threshold zero. At the default 3,000 sat/kvB
// this is 546 for P2PKH, 540 for P2SH, 294 for P2WPKH, 330 for P2WSH and
// P2TR and 240 for pay-to-anchor.
func DustThreshold(out *wire.TxOut, dustRelayFee FeeRate) int64 {
	if isUnspendable(out.PkScript) {
		return 0
	}
	size := int64(8 + wire.CompactSizeLen(uint64(len(out.PkScript))) + len(out.PkScript))
	if _, _, ok := script.WitnessProgram(out.PkScript); ok {
		size += dustSpendWitness
	} else {
		size += dustSpendLegacy
	}
	return dustRelayFee.Fee(size)
}

// IsDust reports whether out carries less than its dust threshold.
func IsDust(out *wire.TxOut, dustRelayFee FeeRate) bool {
	return out.Value < DustThreshold(out, dustRelayFee)
}

// DustOutputs returns the indexes of tx's dust outputs (Core's GetDust).
func DustOutputs(tx *wire.Tx, dustRelayFee FeeRate) []int {
	var dust []int
	for i, out := range tx.TxOut {
		if IsDust(out, dustRelayFee) {
			dust = append(dust, i)
		}
	}
	return dust
}
