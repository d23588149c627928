package mempool

import (
	"errors"
	"fmt"

	"github.com/bitnode/bitnode/mempool/policy"
	"github.com/bitnode/bitnode/wire"
)

// TxResult is the outcome for one transaction of a package (an entry of
// submitpackage's tx-results).
type TxResult struct {
	TxID, WTxID wire.Hash
	// OtherWTxID is set when a transaction with the same txid but another
	// witness was already in the pool (and is kept).
	OtherWTxID *wire.Hash
	VSize      int64
	Fee        int64 // base fee
	// EffectiveFeeRate and EffectiveIncludes: the feerate the fee checks
	// used and the wtxids it was computed over (the package's, for
	// transactions accepted together).
	EffectiveFeeRate  policy.FeeRate
	EffectiveIncludes []wire.Hash
	Replaced          []wire.Hash
	// AlreadyInPool reports a transaction that was in the pool before.
	AlreadyInPool bool
	// Err is nil for a transaction now in the pool.
	Err error
}

// PackageResult is the outcome of AcceptPackage (submitpackage).
type PackageResult struct {
	// Message is "success" or Core's package_msg.
	Message string
	// Err is the package-level rejection, nil on success.
	Err error
	// Results are per transaction, in package order; a transaction not
	// evaluated (validation stopped early) has a nil entry.
	Results []*TxResult
}

// AcceptPackage validates and adds a child-with-parents package (Core's
// ProcessNewPackage / submitpackage): parents first, the child last,
// spending every parent. Each transaction is first tried alone; those
// failing only for fee reasons or missing (package) inputs are then
// evaluated together, with the package feerate standing in for their own
// against the pool's minimum fee, so a child can pay for a parent below
// it. Package replacement is limited to one parent and one child without
// pool ancestors. Transactions below the minimum relay fee are refused
// unless TRUC (version 3).
func (p *Pool) AcceptPackage(txs []*wire.Tx) *PackageResult {
	res := &PackageResult{Results: make([]*TxResult, len(txs))}
	if err := checkWellFormed(txs); err != nil {
		return res.fail(err)
	}
	if len(txs) > 1 && !isChildWithParents(txs) {
		return res.fail(pkgReject(ErrPackageNotChildParent, ""))
	}
	p.sync()
	now := p.cfg.Now()
	args := acceptArgs{now: now, allowReplacement: true, allowSibling: true, packageSubmission: true}
	var eval []int
	quitEarly := false
	for i, tx := range txs {
		r, retry := p.acceptInPackage(tx, args)
		res.Results[i] = r
		switch {
		case r.Err == nil:
		case len(txs) == 1 || !retry:
			quitEarly = true
		default:
			eval = append(eval, i)
		}
	}
	if quitEarly {
		res.Err = pkgReject(ErrPackageTxFailed, "")
	} else if len(eval) > 0 {
		sub := make([]*wire.Tx, len(eval))
		for k, i := range eval {
			sub[k] = txs[i]
		}
		multi, err := p.acceptMultiple(sub, acceptArgs{now: now, allowReplacement: true,
			packageFeerates: true, packageSubmission: true})
		res.Err = err
		for k, i := range eval {
			if multi[k] != nil {
				res.Results[i] = multi[k]
			}
		}
	}
	p.finishPackage(res)
	return res
}

// acceptInPackage handles one package transaction on its own. retry
// reports a failure package evaluation might overcome (fees, or inputs
// from the package).
func (p *Pool) acceptInPackage(tx *wire.Tx, args acceptArgs) (*TxResult, bool) {
	txid, wtxid := tx.Hashes()
	r := &TxResult{TxID: txid, WTxID: wtxid}
	p.mu.Lock()
	e, other := p.byWtxid[wtxid], p.byTxid[txid]
	p.mu.Unlock()
	switch {
	case e != nil:
		r.AlreadyInPool, r.VSize, r.Fee = true, e.vsize, e.fee
		return r, false
	case other != nil:
		w := other.wtxid
		r.OtherWTxID, r.AlreadyInPool, r.VSize, r.Fee = &w, true, other.vsize, other.fee
		return r, false
	}
	ar, err := p.acceptSingle(tx, args)
	if err != nil {
		r.Err = err
		var re *RejectError
		retry := errors.As(err, &re) && (re.Result == ResultReconsiderable || re.Result == ResultMissingInputs)
		return r, retry
	}
	r.VSize, r.Fee, r.Replaced = ar.VSize, ar.Fee, ar.Replaced
	r.EffectiveFeeRate, r.EffectiveIncludes = ar.EffectiveFeeRate, []wire.Hash{wtxid}
	return r, false
}

// finishPackage trims the pool once and reports transactions it evicted
// as "mempool full".
func (p *Pool) finishPackage(res *PackageResult) {
	p.mu.Lock()
	p.limitSize()
	for _, r := range res.Results {
		if r == nil || r.Err != nil || r.OtherWTxID != nil {
			continue
		}
		if p.byWtxid[r.WTxID] == nil {
			r.Err = reject(ErrNoSpace, ResultMempoolPolicy, "")
			if res.Err == nil {
				res.Err = pkgReject(ErrPackageTxFailed, "")
			}
		}
	}
	p.mu.Unlock()
	res.Message = "success"
	if res.Err != nil {
		res.Message = res.Err.Error()
	}
}

func (r *PackageResult) fail(err error) *PackageResult {
	r.Err, r.Message = err, err.Error()
	return r
}

// pkgReject is a package-level rejection.
func pkgReject(kind ErrorKind, format string, args ...any) *RejectError {
	return &RejectError{Kind: kind, Reason: string(kind), Debug: fmt.Sprintf(format, args...), Result: ResultMempoolPolicy}
}

// checkWellFormed is Core's IsWellFormedPackage with sorting required.
func checkWellFormed(txs []*wire.Tx) error {
	if len(txs) == 0 {
		return pkgReject(ErrPackageTooMany, "empty package")
	}
	if len(txs) > policy.MaxPackageCount {
		return pkgReject(ErrPackageTooMany, "")
	}
	weight := 0
	ids := make(map[wire.Hash]int, len(txs))
	for i, tx := range txs {
		weight += tx.Weight()
		ids[tx.TxHash()] = i
	}
	if len(txs) > 1 && weight > policy.MaxPackageWeight {
		return pkgReject(ErrPackageTooLarge, "")
	}
	if len(ids) != len(txs) {
		return pkgReject(ErrPackageDuplicates, "")
	}
	spent := make(map[wire.OutPoint]bool)
	for i, tx := range txs {
		for _, in := range tx.TxIn {
			if j, ok := ids[in.PreviousOutPoint.Hash]; ok && j >= i {
				return pkgReject(ErrPackageNotSorted, "")
			}
		}
	}
	for _, tx := range txs {
		for _, in := range tx.TxIn {
			if spent[in.PreviousOutPoint] {
				return pkgReject(ErrPackageConflict, "")
			}
			spent[in.PreviousOutPoint] = true
		}
	}
	return nil
}

// isChildWithParents reports whether the last transaction spends every
// other one (Core's IsChildWithParents).
func isChildWithParents(txs []*wire.Tx) bool {
	child := txs[len(txs)-1]
	inputs := make(map[wire.Hash]bool, len(child.TxIn))
	for _, in := range child.TxIn {
		inputs[in.PreviousOutPoint.Hash] = true
	}
	for _, tx := range txs[:len(txs)-1] {
		if !inputs[tx.TxHash()] {
			return false
		}
	}
	return true
}
