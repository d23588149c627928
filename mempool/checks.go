package mempool

import (
	"fmt"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/mempool/policy"
	"github.com/bitnode/bitnode/wire"
)

// maxAlreadyKnownLookups bounds the outputs looked up to tell an
// already-confirmed transaction from an orphan.
const maxAlreadyKnownLookups = 32

// preChecks is Core's MemPoolAccept::PreChecks: every check short of
// scripts, in Core's order. On success ws holds the coins, the staged
// entry, the in-pool parents and the direct conflicts. Caller holds mu.
func (p *Pool) preChecks(ws *workspace, args *acceptArgs) error {
	ws.next = p.cfg.Chain.NextBlock()
	if err := p.checkContextFree(ws); err != nil {
		return err
	}
	if err := p.checkAlreadyInPool(ws); err != nil {
		return err
	}
	if err := p.findConflicts(ws, args); err != nil {
		return err
	}
	if err := p.fetchInputs(ws); err != nil {
		return err
	}
	if !p.cfg.Chain.SequenceLocksMet(ws.tx, coinHeights(ws.coins)) {
		return reject(policy.ErrNonBIP68Final, ResultPrematureSpend, "")
	}
	fee, err := p.checkTxInputs(ws)
	if err != nil {
		return err
	}
	if err := p.checkInputsPolicy(ws, fee, args); err != nil {
		return err
	}
	if err := p.checkFees(ws, args); err != nil {
		return err
	}
	ws.parents = p.parentsOf(ws.tx, nil)
	if !args.bypassLimits {
		return p.checkTRUC(ws, args)
	}
	return nil
}

// checkContextFree: CheckTransaction, no coinbase, IsStandardTx, the
// minimum non-witness size and finality at the next block.
func (p *Pool) checkContextFree(ws *workspace) error {
	tx := ws.tx
	if err := consensus.CheckTransaction(tx); err != nil {
		return fromConsensus(err)
	}
	if tx.IsCoinBase() {
		return reject(policy.ErrCoinbase, ResultConsensus, "")
	}
	if !p.cfg.AcceptNonStandard {
		if err := policy.CheckStandard(tx, p.cfg.Policy); err != nil {
			return fromPolicy(err, ResultNotStandard)
		}
	} else if n := tx.BaseSize(); n < policy.MinStandardTxNonWitnessSize {
		return reject(policy.ErrTxSizeSmall, ResultNotStandard, "non-witness size %d < %d", n, policy.MinStandardTxNonWitnessSize)
	}
	if !consensus.IsFinalTx(tx, ws.next.Height, ws.next.MedianTimePast) {
		return reject(policy.ErrNonFinal, ResultPrematureSpend, "")
	}
	return nil
}

// checkAlreadyInPool: the same wtxid, or the same txid with another
// witness, is already in the pool.
func (p *Pool) checkAlreadyInPool(ws *workspace) error {
	if p.byWtxid[ws.wtxid] != nil {
		return reject(policy.ErrAlreadyInMempool, ResultConflict, "")
	}
	if p.byTxid[ws.txid] != nil {
		return reject(policy.ErrSameNonWitnessData, ResultConflict, "")
	}
	return nil
}

// findConflicts collects the pool transactions spending an input of ws
// (full RBF: any of them may be replaced).
func (p *Pool) findConflicts(ws *workspace, args *acceptArgs) error {
	for _, in := range ws.tx.TxIn {
		c := p.spends[in.PreviousOutPoint]
		if c == nil {
			continue
		}
		if !args.allowReplacement {
			return reject(ErrReplacementDisallowed, ResultMempoolPolicy, "")
		}
		if ws.conflicts == nil {
			ws.conflicts = make(map[wire.Hash]*entry)
		}
		ws.conflicts[c.txid] = c
	}
	return nil
}

// fetchInputs finds the coin of every input: an output of an earlier
// package transaction, of a pool transaction (at the next block's height)
// or of the chain's UTXO set.
func (p *Pool) fetchInputs(ws *workspace) error {
	ws.coins = make([]*store.Coin, len(ws.tx.TxIn))
	for i, in := range ws.tx.TxIn {
		coin, err := p.coinFor(ws, in.PreviousOutPoint)
		if err != nil {
			return fmt.Errorf("mempool: reading coin %s: %w", in.PreviousOutPoint, err)
		}
		if coin == nil {
			return p.missingInput(ws, i)
		}
		ws.coins[i] = coin
	}
	return nil
}

// coinFor looks one outpoint up.
func (p *Pool) coinFor(ws *workspace, op wire.OutPoint) (*store.Coin, error) {
	var parent *wire.Tx
	if w := ws.pkg[op.Hash]; w != nil {
		parent = w.tx
	} else if e := p.byTxid[op.Hash]; e != nil {
		parent = e.tx
	}
	if parent != nil {
		if int(op.Index) >= len(parent.TxOut) {
			return nil, nil
		}
		out := parent.TxOut[op.Index]
		return &store.Coin{Value: out.Value, PkScript: out.PkScript, Height: ws.next.Height}, nil
	}
	return p.cfg.Chain.FetchCoin(op)
}

// missingInput tells a transaction already confirmed (one of its outputs
// is unspent on the chain) from an orphan.
func (p *Pool) missingInput(ws *workspace, idx int) error {
	for i := range min(len(ws.tx.TxOut), maxAlreadyKnownLookups) {
		if c, _ := p.cfg.Chain.FetchCoin(wire.OutPoint{Hash: ws.txid, Index: uint32(i)}); c != nil {
			return reject(policy.ErrAlreadyKnown, ResultConflict, "")
		}
	}
	return reject(ErrMissingInputs, ResultMissingInputs, "bad-txns-inputs-missingorspent: input %d spends %s",
		idx, ws.tx.TxIn[idx].PreviousOutPoint)
}

func coinHeights(coins []*store.Coin) []int32 {
	h := make([]int32, len(coins))
	for i, c := range coins {
		h[i] = c.Height
	}
	return h
}

// checkTxInputs is Core's Consensus::CheckTxInputs at the next block's
// height; it returns the fee.
func (p *Pool) checkTxInputs(ws *workspace) (int64, error) {
	maturity := p.cfg.Chain.Params().CoinbaseMaturity
	var in int64
	for _, c := range ws.coins {
		if c.CoinBase && ws.next.Height-c.Height < maturity {
			return 0, reject(ErrorKind(consensus.ErrPrematureCoinbase), ResultPrematureSpend,
				"tried to spend coinbase at depth %d", ws.next.Height-c.Height)
		}
		in += c.Value
		if !consensus.MoneyRange(c.Value) || !consensus.MoneyRange(in) {
			return 0, reject(ErrorKind(consensus.ErrInputValuesRange), ResultConsensus, "")
		}
	}
	var out int64
	for _, o := range ws.tx.TxOut {
		out += o.Value
	}
	if in < out {
		return 0, reject(ErrorKind(consensus.ErrInBelowOut), ResultConsensus, "value in (%s) < value out (%s)",
			formatMoney(in), formatMoney(out))
	}
	if !consensus.MoneyRange(in - out) {
		return 0, reject(ErrorKind(consensus.ErrFeeOutOfRange), ResultConsensus, "")
	}
	return in - out, nil
}

// checkInputsPolicy applies AreInputsStandard and IsWitnessStandard,
// counts sigops and stages the entry.
func (p *Pool) checkInputsPolicy(ws *workspace, fee int64, args *acceptArgs) error {
	tx := ws.tx
	if !p.cfg.AcceptNonStandard {
		if err := policy.CheckInputsStandard(tx, ws.coins); err != nil {
			return fromPolicy(err, ResultInputsNotStandard)
		}
		if tx.HasWitness() {
			if err := policy.CheckWitnessStandard(tx, ws.coins); err != nil {
				return fromPolicy(err, ResultWitnessMutated)
			}
		}
	}
	sigOps := policy.TxSigOpCost(tx, ws.coins, script.StandardFlags)
	weight := tx.Weight()
	bps := p.cfg.Policy.BytesPerSigOp
	e := &entry{tx: tx, txid: ws.txid, wtxid: ws.wtxid, fee: fee, delta: p.deltas[ws.txid],
		weight: weight, sigOpCost: sigOps, time: args.now, height: ws.next.Height - 1,
		vsize:     policy.GetVirtualTransactionSize(int64(weight), sigOps, bps),
		adjWeight: int32(min(max(int64(weight), sigOps*bps), 1<<31-1)), usage: memUsage(tx)}
	for _, c := range ws.coins {
		e.spendsCoinbase = e.spendsCoinbase || c.CoinBase
	}
	ws.e = e
	return nil
}

// checkFees: the zero-fee rule of ephemeral dust, the sigop limit, the
// minimum relay fee and the pool's minimum fee.
func (p *Pool) checkFees(ws *workspace, args *acceptArgs) error {
	e := ws.e
	if !p.cfg.AcceptNonStandard {
		if err := policy.PreCheckEphemeralTx(ws.tx, p.cfg.Policy.DustRelayFee, e.fee, e.modFee()); err != nil {
			return fromPolicy(err, ResultNotStandard)
		}
	}
	if err := policy.CheckSigOpsCost(e.sigOpCost); err != nil {
		return fromPolicy(err, ResultNotStandard)
	}
	if args.bypassLimits {
		return nil
	}
	if ws.tx.Version != policy.TRUCVersion {
		if need := p.cfg.MinRelayFee.Fee(e.vsize); e.modFee() < need {
			return reject(policy.ErrMinRelayFee, ResultMempoolPolicy, "%d < %d", e.modFee(), need)
		}
	}
	if !args.packageFeerates {
		return p.checkFeeRate(e.vsize, e.modFee())
	}
	return nil
}

// checkFeeRate is Core's CheckFeeRate: a fee for size virtual bytes
// against the pool's minimum fee and the minimum relay fee. Caller holds
// mu.
func (p *Pool) checkFeeRate(size, fee int64) error {
	if need := p.minFeeLocked().Fee(size); need > 0 && fee < need {
		return reject(policy.ErrMempoolMinFee, ResultReconsiderable, "%d < %d", fee, need)
	}
	if need := p.cfg.MinRelayFee.Fee(size); fee < need {
		return reject(policy.ErrMinRelayFee, ResultReconsiderable, "%d < %d", fee, need)
	}
	return nil
}

// checkSpendsConflicting rejects a transaction spending an output of one
// it would replace.
func (p *Pool) checkSpendsConflicting(ws *workspace) error {
	for a := range ancestorsOf(ws.parents) {
		if ws.conflicts[a.txid] != nil {
			return reject(ErrSpendsConflicting, ResultConsensus, "%s spends conflicting transaction %s", ws.txid, a.txid)
		}
	}
	return nil
}
