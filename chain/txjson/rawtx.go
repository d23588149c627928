package txjson

import (
	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/wire"
)

// ParseRawTx decodes a raw transaction the way decoderawtransaction does
// (Core's DecodeTx). A serialization can be valid both with and without
// BIP144 witness framing: a transaction with no inputs is legacy-encoded
// as 00 (no inputs) 01 (one output), the same bytes as the witness marker
// and flag. Core tries both readings that fill the data exactly and
// prefers the one whose scripts pass a sanity check (every script parses,
// uses no opcode above OP_NOP10, pushes at most 520 bytes, and is at most
// 10,000 bytes), the witness reading when both or neither do.
//
// tryLegacy and tryWitness restrict the readings tried, like
// decoderawtransaction's iswitness argument (false: legacy only; true:
// witness only; absent: both). With both false, both are tried.
func ParseRawTx(data []byte, tryLegacy, tryWitness bool) (*wire.Tx, error) {
	if !tryLegacy && !tryWitness {
		tryLegacy, tryWitness = true, true
	}
	var extended, legacy *wire.Tx
	var extErr, legErr error
	if tryWitness {
		extended, extErr = wire.DecodeTx(data)
		if extErr == nil && txScriptsSane(extended) {
			return extended, nil
		}
	}
	if tryLegacy {
		legacy, legErr = wire.DecodeTxNoWitness(data)
		if legErr == nil && txScriptsSane(legacy) {
			return legacy, nil
		}
	}
	switch {
	case extended != nil:
		return extended, nil
	case legacy != nil:
		return legacy, nil
	case extErr != nil:
		return nil, extErr
	default:
		return nil, legErr
	}
}

// txScriptsSane is Core's CheckTxScriptsSanity: the input scripts (unless
// the transaction is a coinbase) and the output scripts all have valid
// opcodes and are at most MaxScriptSize bytes.
func txScriptsSane(tx *wire.Tx) bool {
	if !tx.IsCoinBase() {
		for _, in := range tx.TxIn {
			if !hasValidOps(in.SignatureScript) {
				return false
			}
		}
	}
	for _, out := range tx.TxOut {
		if !hasValidOps(out.PkScript) {
			return false
		}
	}
	return true
}

// hasValidOps is Core's CScript::HasValidOps plus the size limit
// CheckTxScriptsSanity adds.
func hasValidOps(s []byte) bool {
	if len(s) > script.MaxScriptSize {
		return false
	}
	t := script.MakeTokenizer(s)
	for t.Next() {
		if t.Opcode() > script.MaxOpcode || len(t.Data()) > script.MaxScriptElementSize {
			return false
		}
	}
	return t.Err() == nil
}
