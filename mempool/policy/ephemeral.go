package policy

import (
	"fmt"

	"github.com/bitnode/bitnode/wire"
)

// Ephemeral dust (Core 29.0, src/policy/ephemeral_policy.cpp). CheckStandard
// lets a transaction carry one dust output (MaxDustOutputsPerTx). Two more
// rules make that dust ephemeral, spent before anything is mined:
//
//  1. a transaction with dust must pay no fee, neither base nor modified by
//     prioritisetransaction, so that no miner is paid to mine it alone
//     (PreCheckEphemeralTx);
//  2. every child of such a transaction, in the same package or arriving
//     later, must spend all of its parents' dust (CheckEphemeralSpends).

// PreCheckEphemeralTx fails with "dust" when tx has a dust output and a
// base or modified fee other than zero (Core's PreCheckEphemeralTx).
func PreCheckEphemeralTx(tx *wire.Tx, dustRelayFee FeeRate, baseFee, modifiedFee int64) error {
	if (baseFee != 0 || modifiedFee != 0) && len(DustOutputs(tx, dustRelayFee)) != 0 {
		return ruleError(ErrDust, "tx with dust output must be 0-fee")
	}
	return nil
}

// CheckEphemeralSpends checks that every transaction of pkg spends all the
// dust outputs of each of its parents, found in pkg or, through
// mempoolTx, in the mempool (Core's CheckEphemeralSpends). mempoolTx
// returns the in-mempool transaction with the given txid, or nil; it may be
// nil itself when the pool is empty. On failure it returns the wtxid of the
// first child that leaves dust unspent and a "missing-ephemeral-spends"
// error naming it.
func CheckEphemeralSpends(pkg []*wire.Tx, dustRelayFee FeeRate, mempoolTx func(txid wire.Hash) *wire.Tx) (wire.Hash, error) {
	byTxid := make(map[wire.Hash]*wire.Tx, len(pkg))
	for _, tx := range pkg {
		byTxid[tx.TxHash()] = tx
	}
	for _, tx := range pkg {
		seen := make(map[wire.Hash]bool)
		unspentDust := make(map[wire.OutPoint]bool)
		for _, in := range tx.TxIn {
			parentID := in.PreviousOutPoint.Hash
			if seen[parentID] {
				continue
			}
			seen[parentID] = true
			parent := byTxid[parentID]
			if parent == nil && mempoolTx != nil {
				parent = mempoolTx(parentID)
			}
			if parent == nil {
				continue
			}
			for _, idx := range DustOutputs(parent, dustRelayFee) {
				unspentDust[wire.OutPoint{Hash: parentID, Index: uint32(idx)}] = true
			}
		}
		if len(unspentDust) == 0 {
			continue
		}
		for _, in := range tx.TxIn {
			delete(unspentDust, in.PreviousOutPoint)
		}
		if len(unspentDust) != 0 {
			txid, wtxid := tx.Hashes()
			return wtxid, ruleError(ErrMissingEphemeralSpends,
				fmt.Sprintf("tx %s (wtxid=%s) did not spend parent's ephemeral dust", txid, wtxid))
		}
	}
	return wire.Hash{}, nil
}
