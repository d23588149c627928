package mempool

import (
	"fmt"

	"github.com/bitnode/bitnode/mempool/policy"
	"github.com/bitnode/bitnode/wire"
)

// pkgPlan is the locked part of evaluating several transactions together.
type pkgPlan struct {
	wss        []*workspace
	cs         *changeset
	totalVSize int64
	totalFee   int64
	// failed is the transaction a rejection is attributed to (nil for a
	// package-wide rejection) and failErr its own error.
	failed  *workspace
	failErr error
}

// acceptMultiple is Core's AcceptMultipleTransactions with package
// feerates: PreChecks for each, the package TRUC rules, the package
// feerate against the minimum fees, package RBF, the cluster limits and
// ephemeral dust, then scripts outside the lock and submission. It
// returns per-transaction results (nil where not evaluated) and the
// package-level error.
func (p *Pool) acceptMultiple(txs []*wire.Tx, args acceptArgs) ([]*TxResult, error) {
	results := make([]*TxResult, len(txs))
	p.mu.Lock()
	plan, err := p.planPackage(txs, &args)
	gen := p.gen
	p.mu.Unlock()
	if err != nil {
		return p.planFailure(plan, results, err)
	}
	for i, ws := range plan.wss {
		if err := p.checkScripts(ws); err != nil {
			results[i] = &TxResult{TxID: ws.txid, WTxID: ws.wtxid, Err: err}
			return results, pkgReject(ErrPackageTxFailed, "")
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.gen != gen {
		verified := plan.wss
		if plan, err = p.planPackage(txs, &args); err != nil {
			return p.planFailure(plan, results, err)
		}
		for i, ws := range plan.wss {
			ws.verified, ws.flags = true, verified[i].flags
			if err := p.recheckFlags(ws); err != nil {
				results[i] = &TxResult{TxID: ws.txid, WTxID: ws.wtxid, Err: err}
				return results, pkgReject(ErrPackageTxFailed, "")
			}
		}
	}
	p.insert(plan.cs, &args, false)
	rate := policy.NewFeeRate(plan.totalFee, plan.totalVSize)
	var wtxids []wire.Hash
	for _, ws := range plan.wss {
		wtxids = append(wtxids, ws.wtxid)
	}
	for i, ws := range plan.wss {
		results[i] = &TxResult{TxID: ws.txid, WTxID: ws.wtxid, VSize: ws.e.vsize, Fee: ws.e.fee,
			EffectiveFeeRate: rate, EffectiveIncludes: wtxids}
	}
	// As in Core, the first result carries the replaced transactions.
	for r := range plan.cs.removed {
		results[0].Replaced = append(results[0].Replaced, r.txid)
	}
	return results, nil
}

// planFailure turns a planning failure into results.
func (p *Pool) planFailure(plan *pkgPlan, results []*TxResult, err error) ([]*TxResult, error) {
	if plan != nil && plan.failed != nil {
		for i, ws := range plan.wss {
			if ws == plan.failed {
				results[i] = &TxResult{TxID: ws.txid, WTxID: ws.wtxid, Err: plan.failErr}
			}
		}
	}
	return results, err
}

// planPackage runs the locked checks. Caller holds mu.
func (p *Pool) planPackage(txs []*wire.Tx, args *acceptArgs) (*pkgPlan, error) {
	plan := &pkgPlan{}
	pkg := make(map[wire.Hash]*workspace, len(txs))
	for _, tx := range txs {
		ws := newWorkspace(tx)
		ws.pkg = pkg
		plan.wss = append(plan.wss, ws)
		if err := p.preChecks(ws, args); err != nil {
			plan.failed, plan.failErr = ws, err
			return plan, pkgReject(ErrPackageTxFailed, "")
		}
		pkg[ws.txid] = ws
		plan.totalVSize += ws.e.vsize
		plan.totalFee += ws.e.modFee()
	}
	for _, ws := range plan.wss {
		if err := policy.PackageTRUCChecks(ws.tx, ws.e.vsize, txs, trucParents(ws.parents)); err != nil {
			return plan, fromPolicy(err, ResultMempoolPolicy)
		}
	}
	if err := p.checkFeeRate(plan.totalVSize, plan.totalFee); err != nil {
		plan.failed, plan.failErr = plan.wss[len(plan.wss)-1], err
		return plan, pkgReject(ErrPackageTxFailed, "")
	}
	adds := make([]*entry, len(plan.wss))
	for i, ws := range plan.wss {
		adds[i] = ws.e
	}
	var err error
	if plan.cs, err = p.packageRBF(plan, adds); err != nil {
		return plan, err
	}
	if !p.cfg.AcceptNonStandard {
		if _, err := policy.CheckEphemeralSpends(txs, p.cfg.Policy.DustRelayFee, p.poolTx); err != nil {
			plan.failed, plan.failErr = plan.wss[len(plan.wss)-1], fromPolicy(err, ResultMempoolPolicy)
			return plan, pkgReject(ErrPackageUnspentDust, "")
		}
	}
	return plan, nil
}

// packageRBF stages the package, applying Core's package RBF rules
// (PackageMempoolChecks) when it conflicts with pool transactions.
func (p *Pool) packageRBF(plan *pkgPlan, adds []*entry) (*changeset, error) {
	direct := make(map[wire.Hash]*entry)
	for _, ws := range plan.wss {
		for id, c := range ws.conflicts {
			direct[id] = c
		}
	}
	if len(direct) == 0 {
		return p.stage(nil, adds)
	}
	fail := func(kind string, format string, args ...any) error {
		return pkgReject(ErrorKind("package RBF failed: "+kind), format, args...)
	}
	if len(plan.wss) != 2 {
		return nil, fail("package must be 1-parent-1-child", "")
	}
	for _, ws := range plan.wss {
		if len(ws.parents) > 0 {
			return nil, fail("new transaction cannot have mempool ancestors", "")
		}
	}
	parent, child := plan.wss[0], plan.wss[1]
	list := conflictList(direct)
	if err := tooManyReplacements(child.txid, list, ""); err != nil {
		return nil, fail("too many potential replacements", "%s", err.(*RejectError).Debug)
	}
	all := descendantsOf(list)
	var fees int64
	for c := range all {
		fees += c.modFee()
	}
	if err := p.paysForRBF(fees, plan.totalFee, plan.totalVSize, child.txid); err != nil {
		return nil, fail("insufficient anti-DoS fees", "%v", err)
	}
	parentRate := policy.NewFeeRate(parent.e.modFee(), parent.e.vsize)
	pkgRate := policy.NewFeeRate(plan.totalFee, plan.totalVSize)
	if pkgRate <= parentRate {
		return nil, fail("package feerate is less than or equal to parent feerate",
			"package feerate %s <= parent feerate is %s", pkgRate, parentRate)
	}
	cs, err := p.stage(all, adds)
	if err != nil {
		return nil, err
	}
	if !improvesDiagram(cs) {
		return nil, fail("insufficient feerate: does not improve feerate diagram", "")
	}
	return cs, nil
}

// String renders a result for logs and test failures.
func (r *TxResult) String() string {
	if r == nil {
		return "<not evaluated>"
	}
	if r.Err != nil {
		return fmt.Sprintf("%s: %v", r.TxID, r.Err)
	}
	return fmt.Sprintf("%s: ok (vsize %d, fee %d, rate %s)", r.TxID, r.VSize, r.Fee, r.EffectiveFeeRate.SatPerVB())
}
