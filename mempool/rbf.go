package mempool

import (
	"fmt"
	"sort"

	"github.com/bitnode/bitnode/mempool/cluster"
	"github.com/bitnode/bitnode/mempool/policy"
	"github.com/bitnode/bitnode/wire"
)

// replacementChecks is Core's ReplacementChecks under full RBF (Core 31,
// cluster mempool): at most MaxReplacementCandidates distinct clusters
// conflict directly; the replacement pays at least the fees of everything
// it evicts plus the incremental relay fee for its own size; the resulting
// clusters respect the limits; and the pool's feerate diagram strictly
// improves. It returns the staged change. Caller holds mu.
func (p *Pool) replacementChecks(ws *workspace) (*changeset, error) {
	suffix := ""
	if ws.sibling {
		suffix = " (including sibling eviction)"
	}
	direct := conflictList(ws.conflicts)
	if err := tooManyReplacements(ws.txid, direct, suffix); err != nil {
		return nil, err
	}
	all := descendantsOf(direct)
	var fees int64
	for c := range all {
		fees += c.modFee()
	}
	if err := p.paysForRBF(fees, ws.e.modFee(), ws.e.vsize, ws.txid); err != nil {
		kind := policy.ErrInsufficientFee
		return nil, &RejectError{Kind: kind, Reason: string(kind) + suffix, Debug: err.Error(), Result: ResultReconsiderable}
	}
	cs, err := p.stage(all, []*entry{ws.e})
	if err != nil {
		return nil, err
	}
	if !improvesDiagram(cs) {
		return nil, reject(ErrReplacementFailed, ResultReconsiderable, "insufficient feerate: does not improve feerate diagram")
	}
	return cs, nil
}

// conflictList returns the conflicts in a deterministic order.
func conflictList(m map[wire.Hash]*entry) []*entry {
	out := make([]*entry, 0, len(m))
	for _, e := range m {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].sequence < out[j].sequence })
	return out
}

// tooManyReplacements is rule 5: the direct conflicts may span at most
// MaxReplacementCandidates clusters.
func tooManyReplacements(txid wire.Hash, direct []*entry, suffix string) error {
	clusters := make(map[*poolCluster]bool)
	for _, c := range direct {
		clusters[c.cl] = true
	}
	if n := len(clusters); n > MaxReplacementCandidates {
		kind := policy.ErrTooManyReplacements
		return &RejectError{Kind: kind, Reason: string(kind) + suffix, Result: ResultMempoolPolicy,
			Debug: fmt.Sprintf("rejecting replacement %s; too many conflicting clusters (%d > %d)", txid, n, MaxReplacementCandidates)}
	}
	return nil
}

// paysForRBF is Core's PaysForRBF (rules 3 and 4).
func (p *Pool) paysForRBF(original, replacement, vsize int64, txid wire.Hash) error {
	if replacement < original {
		return fmt.Errorf("rejecting replacement %s, less fees than conflicting txs; %s < %s",
			txid, formatMoney(replacement), formatMoney(original))
	}
	additional := replacement - original
	if need := p.cfg.IncrementalRelayFee.Fee(vsize); additional < need {
		return fmt.Errorf("rejecting replacement %s, not enough additional fees to relay; %s < %s",
			txid, formatMoney(additional), formatMoney(need))
	}
	return nil
}

// improvesDiagram reports whether the staged clusters' feerate diagram is
// strictly better than the diagram of the clusters they replace (Core's
// ImprovesFeerateDiagram over CalculateChunksForRBF).
func improvesDiagram(cs *changeset) bool {
	cmp, ok := cluster.CompareChunkFeerates(sortedChunks(cs.new), sortedChunks(cs.old))
	return ok && cmp > 0
}

// sortedChunks lists the chunk feerates of clusters, highest first.
func sortedChunks(cls []*poolCluster) []cluster.FeeFrac {
	var out []cluster.FeeFrac
	for _, cl := range cls {
		for _, ch := range cl.chunks {
			out = append(out, ch.FeeFrac)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Cmp(out[j]) > 0 })
	return out
}

// trucParent describes a pool parent for the TRUC rules.
func trucParent(e *entry) policy.TRUCParent {
	c := e.cl.c
	anc, desc := c.Ancestors(e.pos), c.Descendants(e.pos)
	tp := policy.TRUCParent{TxID: e.txid, WTxID: e.wtxid, Version: e.tx.Version,
		AncestorCount: anc.Count(), DescendantCount: desc.Count()}
	for _, i := range e.cl.lin {
		if i == e.pos || !desc.Has(i) {
			continue
		}
		d := e.cl.txs[i]
		tp.Descendants = append(tp.Descendants, policy.TRUCRelative{TxID: d.txid, WTxID: d.wtxid,
			AncestorCount: c.Ancestors(i).Count()})
	}
	return tp
}

func trucParents(parents []*entry) []policy.TRUCParent {
	out := make([]policy.TRUCParent, len(parents))
	for i, e := range parents {
		out[i] = trucParent(e)
	}
	return out
}

// checkTRUC applies Core's SingleTRUCChecks; a second child of a TRUC
// parent may evict the first (sibling eviction) when args allow, under the
// replacement rules.
func (p *Pool) checkTRUC(ws *workspace, args *acceptArgs) error {
	direct := make(map[wire.Hash]bool, len(ws.conflicts))
	for id := range ws.conflicts {
		direct[id] = true
	}
	sibling, err := policy.SingleTRUCChecks(ws.tx, ws.e.vsize, trucParents(ws.parents), direct)
	if err == nil {
		return nil
	}
	if args.allowSibling && sibling != nil {
		if s := p.byTxid[sibling.TxID]; s != nil {
			if ws.conflicts == nil {
				ws.conflicts = make(map[wire.Hash]*entry)
			}
			ws.conflicts[s.txid] = s
			ws.sibling = true
			return nil
		}
	}
	return fromPolicy(err, ResultMempoolPolicy)
}
