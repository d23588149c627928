package mempool

import (
	"errors"
	"time"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/mempool/policy"
	"github.com/bitnode/bitnode/wire"
)

// AcceptResult describes a transaction the pool accepted.
type AcceptResult struct {
	TxID, WTxID wire.Hash
	VSize       int64 // sigop-adjusted virtual size
	Fee         int64 // base fee
	ModifiedFee int64
	// EffectiveFeeRate is the feerate the fee checks used: the
	// transaction's own, or its package's.
	EffectiveFeeRate policy.FeeRate
	// Replaced are the transactions it evicted (conflicts, their
	// descendants and any evicted sibling).
	Replaced []wire.Hash
	// Unorphaned are orphans accepted because this transaction arrived.
	Unorphaned []wire.Hash
}

// acceptArgs are Core's ATMPArgs.
type acceptArgs struct {
	now               time.Time
	bypassLimits      bool // a transaction from a disconnected block
	allowReplacement  bool
	allowSibling      bool
	packageFeerates   bool // fee checks use the package's feerate
	packageSubmission bool // trimming happens once, after the package
	testAccept        bool
}

func (p *Pool) singleArgs(now time.Time) acceptArgs {
	return acceptArgs{now: now, allowReplacement: true, allowSibling: true}
}

// workspace is the state of one transaction under evaluation (Core's
// Workspace).
type workspace struct {
	tx          *wire.Tx
	txid, wtxid wire.Hash
	e           *entry
	coins       []*store.Coin
	parents     []*entry // in-pool parents
	conflicts   map[wire.Hash]*entry
	sibling     bool
	next        chain.NextBlock
	pkg         map[wire.Hash]*workspace // earlier package transactions
	verified    bool                     // scripts checked
	flags       script.Flags             // consensus script flags the scripts were checked under
}

func newWorkspace(tx *wire.Tx) *workspace {
	txid, wtxid := tx.Hashes()
	return &workspace{tx: tx, txid: txid, wtxid: wtxid}
}

// reset clears what the locked checks computed, keeping the script result.
func (ws *workspace) reset() {
	ws.e, ws.coins, ws.parents, ws.conflicts, ws.sibling = nil, nil, nil, nil, false
}

// AcceptTx validates tx against the chain tip and the pool and adds it, as
// Bitcoin Core's AcceptToMemoryPool with its MemPoolAccept checks in
// order. A rejection is a *RejectError whose Kind is Core's reject reason.
// A transaction whose inputs are missing is kept in the orphan pool (and
// rejected with "missing-inputs"); when a transaction is accepted, the
// orphans it unblocks are retried.
func (p *Pool) AcceptTx(tx *wire.Tx) (*AcceptResult, error) {
	p.sync()
	res, err := p.acceptSingle(tx, p.singleArgs(p.cfg.Now()))
	if err != nil {
		if errors.Is(err, ErrMissingInputs) {
			p.orphans.add(tx, p.cfg.Now())
		}
		return nil, err
	}
	res.Unorphaned = p.processOrphans(tx)
	return res, nil
}

// TestAccept runs every check AcceptTx runs, scripts included, without
// changing the pool (testmempoolaccept).
func (p *Pool) TestAccept(tx *wire.Tx) (*AcceptResult, error) {
	p.sync()
	args := p.singleArgs(p.cfg.Now())
	args.testAccept = true
	return p.acceptSingle(tx, args)
}

// acceptSingle is Core's AcceptSingleTransaction: the checks under the
// lock, the scripts outside it, then the checks again if the pool changed
// meanwhile, and the insertion.
func (p *Pool) acceptSingle(tx *wire.Tx, args acceptArgs) (*AcceptResult, error) {
	ws := newWorkspace(tx)
	p.mu.Lock()
	cs, err := p.planSingle(ws, &args)
	gen := p.gen
	p.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if err := p.checkScripts(ws); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.gen != gen {
		ws.reset()
		if cs, err = p.planSingle(ws, &args); err != nil {
			return nil, err
		}
		if err := p.recheckFlags(ws); err != nil {
			return nil, err
		}
	}
	return p.commitSingle(ws, cs, &args)
}

// planSingle runs PreChecks, the replacement checks, the cluster limits
// and the ephemeral-dust rule, and returns the staged change. Caller holds
// mu.
func (p *Pool) planSingle(ws *workspace, args *acceptArgs) (*changeset, error) {
	if err := p.preChecks(ws, args); err != nil {
		return nil, err
	}
	var cs *changeset
	var err error
	if len(ws.conflicts) > 0 {
		cs, err = p.replacementChecks(ws)
	} else {
		cs, err = p.stage(nil, []*entry{ws.e})
	}
	if err != nil {
		return nil, err
	}
	if len(ws.conflicts) > 0 {
		if err := p.checkSpendsConflicting(ws); err != nil {
			return nil, err
		}
	}
	if !p.cfg.AcceptNonStandard {
		if _, err := policy.CheckEphemeralSpends([]*wire.Tx{ws.tx}, p.cfg.Policy.DustRelayFee, p.poolTx); err != nil {
			return nil, fromPolicy(err, ResultMempoolPolicy)
		}
	}
	return cs, nil
}

// poolTx looks a pool transaction up by txid. Caller holds mu.
func (p *Pool) poolTx(txid wire.Hash) *wire.Tx {
	if e := p.byTxid[txid]; e != nil {
		return e.tx
	}
	return nil
}

// commitSingle applies the staged change and trims the pool. Caller holds
// mu.
func (p *Pool) commitSingle(ws *workspace, cs *changeset, args *acceptArgs) (*AcceptResult, error) {
	e := ws.e
	res := &AcceptResult{TxID: ws.txid, WTxID: ws.wtxid, VSize: e.vsize, Fee: e.fee, ModifiedFee: e.modFee(),
		EffectiveFeeRate: policy.NewFeeRate(e.modFee(), e.vsize)}
	for r := range cs.removed {
		res.Replaced = append(res.Replaced, r.txid)
	}
	if args.testAccept {
		return res, nil
	}
	p.insert(cs, args, len(ws.parents) == 0 && !args.packageSubmission)
	if len(res.Replaced) > 0 {
		p.log.Debug("mempool: replaced transactions", "txid", ws.txid, "replaced", len(res.Replaced))
	}
	if !args.packageSubmission && !args.bypassLimits {
		p.limitSize()
		if p.byTxid[ws.txid] == nil {
			return nil, reject(ErrNoSpace, ResultReconsiderable, "")
		}
	}
	return res, nil
}

// insert applies a staged addition, numbers the new entries and tells the
// fee estimator. Caller holds mu.
func (p *Pool) insert(cs *changeset, args *acceptArgs, validForEstimation bool) {
	for _, a := range cs.adds {
		p.nextSeq++
		a.sequence = p.nextSeq
	}
	p.apply(cs)
	est := p.cfg.Estimator
	if est == nil {
		return
	}
	for r := range cs.removed {
		est.TxRemoved(r.txid, false)
	}
	for _, a := range cs.adds {
		valid := validForEstimation && !args.bypassLimits
		est.TxAdded(a.txid, a.height, int64(policy.NewFeeRate(a.fee, a.vsize)), valid)
	}
}
