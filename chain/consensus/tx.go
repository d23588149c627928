package consensus

import (
	"fmt"

	"github.com/bitnode/bitnode/wire"
)

// MaxMoney is the largest amount, in satoshis, any output or sum of outputs
// may hold: 21 million bitcoin (Core's MAX_MONEY). It is a sanity bound, not
// the supply.
const MaxMoney int64 = 21_000_000 * 100_000_000

// MoneyRange reports whether v is a valid amount: 0 ≤ v ≤ MaxMoney.
func MoneyRange(v int64) bool { return v >= 0 && v <= MaxMoney }

// CheckTransaction runs the checks on tx that need nothing but the
// transaction itself, as Bitcoin Core's CheckTransaction does and in its
// order: inputs and outputs present, stripped size within the block weight
// limit, every output value and the running sum within MaxMoney, no two
// inputs spending the same outpoint, a coinbase scriptSig of 2..100 bytes
// and no null prevout in any other transaction. The error is a *RuleError
// whose Err is Core's reject reason.
func CheckTransaction(tx *wire.Tx) error {
	if len(tx.TxIn) == 0 {
		return ruleError(ErrTxVinEmpty, "transaction has no inputs")
	}
	if len(tx.TxOut) == 0 {
		return ruleError(ErrTxVoutEmpty, "transaction has no outputs")
	}
	// The stripped size is what counts: witness data is paid for in the
	// block's weight, not here.
	if size := tx.BaseSize(); size*wire.WitnessScaleFactor > wire.MaxBlockWeight {
		return ruleError(ErrTxOversize, fmt.Sprintf("transaction stripped size %d bytes exceeds %d",
			size, wire.MaxBlockWeight/wire.WitnessScaleFactor))
	}

	var total int64
	for i, out := range tx.TxOut {
		if out.Value < 0 {
			return ruleError(ErrTxVoutNegative, fmt.Sprintf("output %d has negative value %d", i, out.Value))
		}
		if out.Value > MaxMoney {
			return ruleError(ErrTxVoutTooLarge, fmt.Sprintf("output %d value %d exceeds %d", i, out.Value, MaxMoney))
		}
		// Both terms are in [0, MaxMoney], so the sum cannot overflow.
		total += out.Value
		if !MoneyRange(total) {
			return ruleError(ErrTxOutTotalTooLarge, fmt.Sprintf("total output value %d through output %d exceeds %d",
				total, i, MaxMoney))
		}
	}

	if err := checkDuplicateInputs(tx); err != nil {
		return err
	}

	if tx.IsCoinBase() {
		if n := len(tx.TxIn[0].SignatureScript); n < 2 || n > 100 {
			return ruleError(ErrBadCoinbaseLength, fmt.Sprintf("coinbase scriptSig is %d bytes, want 2..100", n))
		}
		return nil
	}
	for i, in := range tx.TxIn {
		if isNullOutPoint(in.PreviousOutPoint) {
			return ruleError(ErrTxPrevoutNull, fmt.Sprintf("input %d spends the null outpoint", i))
		}
	}
	return nil
}

// checkDuplicateInputs rejects a transaction two of whose inputs spend the
// same outpoint (CVE-2018-17144 is what happens when this is skipped).
func checkDuplicateInputs(tx *wire.Tx) error {
	// Small transactions dominate; a quadratic scan avoids the map.
	if len(tx.TxIn) <= 8 {
		for i := 1; i < len(tx.TxIn); i++ {
			for j := range i {
				if tx.TxIn[i].PreviousOutPoint == tx.TxIn[j].PreviousOutPoint {
					return duplicateInput(tx.TxIn[i].PreviousOutPoint, j, i)
				}
			}
		}
		return nil
	}
	seen := make(map[wire.OutPoint]int, len(tx.TxIn))
	for i, in := range tx.TxIn {
		if j, dup := seen[in.PreviousOutPoint]; dup {
			return duplicateInput(in.PreviousOutPoint, j, i)
		}
		seen[in.PreviousOutPoint] = i
	}
	return nil
}

func duplicateInput(op wire.OutPoint, first, second int) error {
	return ruleError(ErrTxInputsDuplicate, fmt.Sprintf("inputs %d and %d both spend %s", first, second, op))
}

// isNullOutPoint reports whether op is the null outpoint (zero hash, index
// 0xffffffff) that only a coinbase input may name.
func isNullOutPoint(op wire.OutPoint) bool {
	return op.Index == 0xffffffff && op.Hash.IsZero()
}
