package policy

import (
	"fmt"

	"github.com/bitnode/bitnode/wire"
)

// TRUC (topologically restricted until confirmation, BIP431; Core 28.0,
// src/policy/truc_policy.cpp). A transaction of version 3 opts in to:
//
//  1. only TRUC unconfirmed ancestors, and a non-TRUC transaction may not
//     spend an unconfirmed TRUC one;
//  2. at most one unconfirmed parent, itself without unconfirmed
//     ancestors (TRUCAncestorLimit);
//  3. at most one unconfirmed child (TRUCDescendantLimit), with sibling
//     eviction when a second arrives;
//  4. a sigop-adjusted virtual size of at most TRUCMaxVSize, and of at
//     most TRUCChildMaxVSize when it has an unconfirmed parent.
//
// The checks are pure functions: the mempool describes the in-mempool
// parents with TRUCParent. Every violation is a "TRUC-violation" error
// whose description is Core's debug string.

// TRUCParent describes an in-mempool parent of the transaction being
// checked: what Core's checks ask the mempool about it.
type TRUCParent struct {
	TxID, WTxID wire.Hash
	Version     int32
	// AncestorCount counts the parent and its in-mempool ancestors
	// (CTxMemPool::GetAncestorCount).
	AncestorCount int
	// DescendantCount counts the parent and its in-mempool descendants
	// (CTxMemPool::GetDescendantCount).
	DescendantCount int
	// Descendants are the parent's in-mempool descendants, the parent
	// excluded (CalculateDescendants). SingleTRUCChecks needs them only
	// for the first parent; PackageTRUCChecks not at all.
	Descendants []TRUCRelative
}

// TRUCRelative is an in-mempool descendant of a TRUCParent.
type TRUCRelative struct {
	TxID, WTxID wire.Hash
	// AncestorCount counts the descendant and its in-mempool ancestors.
	AncestorCount int
}

func trucError(format string, args ...any) error {
	return ruleError(ErrTRUCViolation, fmt.Sprintf(format, args...))
}

func tooManyAncestors(txid, wtxid wire.Hash) error {
	return trucError("tx %s (wtxid=%s) would have too many ancestors", txid, wtxid)
}

func exceedsDescendants(txid, wtxid wire.Hash) error {
	return trucError("tx %s (wtxid=%s) would exceed descendant count limit", txid, wtxid)
}

func trucTooBig(txid, wtxid wire.Hash, vsize int64) error {
	return trucError("version=3 tx %s (wtxid=%s) is too big: %d > %d virtual bytes", txid, wtxid, vsize, TRUCMaxVSize)
}

func trucChildTooBig(txid, wtxid wire.Hash, vsize int64) error {
	return trucError("version=3 child tx %s (wtxid=%s) is too big: %d > %d virtual bytes", txid, wtxid, vsize, TRUCChildMaxVSize)
}

func trucSpendsNonTRUC(txid, wtxid, ptxid, pwtxid wire.Hash) error {
	return trucError("version=3 tx %s (wtxid=%s) cannot spend from non-version=3 tx %s (wtxid=%s)", txid, wtxid, ptxid, pwtxid)
}

func nonTRUCSpendsTRUC(txid, wtxid, ptxid, pwtxid wire.Hash) error {
	return trucError("non-version=3 tx %s (wtxid=%s) cannot spend from version=3 tx %s (wtxid=%s)", txid, wtxid, ptxid, pwtxid)
}

// SingleTRUCChecks applies the TRUC rules to tx entering the mempool on its
// own (Core's SingleTRUCChecks); it must be called for every transaction,
// TRUC or not. vsize is tx's sigop-adjusted virtual size; parents are its
// in-mempool parents; directConflicts holds the txids of the mempool
// transactions tx replaces, so that a child about to be replaced does not
// count against its parent's descendant limit.
//
// It returns nil, nil when every rule holds. When tx would be a second
// child of a TRUC parent whose only child could be evicted instead, it
// returns that sibling together with the error: the caller may try sibling
// eviction under the replacement rules, or reject with the error.
func SingleTRUCChecks(tx *wire.Tx, vsize int64, parents []TRUCParent, directConflicts map[wire.Hash]bool) (*TRUCRelative, error) {
	txid, wtxid := tx.Hashes()
	for _, p := range parents {
		if tx.Version != TRUCVersion && p.Version == TRUCVersion {
			return nil, nonTRUCSpendsTRUC(txid, wtxid, p.TxID, p.WTxID)
		}
		if tx.Version == TRUCVersion && p.Version != TRUCVersion {
			return nil, trucSpendsNonTRUC(txid, wtxid, p.TxID, p.WTxID)
		}
	}
	if tx.Version != TRUCVersion {
		return nil, nil
	}
	if vsize > TRUCMaxVSize {
		return nil, trucTooBig(txid, wtxid, vsize)
	}
	if len(parents)+1 > TRUCAncestorLimit {
		return nil, tooManyAncestors(txid, wtxid)
	}
	if len(parents) == 0 {
		return nil, nil
	}
	parent := parents[0]
	if parent.AncestorCount+1 > TRUCAncestorLimit {
		return nil, tooManyAncestors(txid, wtxid)
	}
	if vsize > TRUCChildMaxVSize {
		return nil, trucChildTooBig(txid, wtxid, vsize)
	}
	childReplaced := false
	for _, d := range parent.Descendants {
		if directConflicts[d.TxID] {
			childReplaced = true
			break
		}
	}
	if parent.DescendantCount+1 > TRUCDescendantLimit && !childReplaced {
		// Sibling eviction applies only when the parent has exactly one
		// child and that child has no other ancestors (a reorg can leave
		// other shapes).
		var sibling *TRUCRelative
		if parent.DescendantCount == 2 && len(parent.Descendants) > 0 && parent.Descendants[0].AncestorCount == 2 {
			s := parent.Descendants[0]
			sibling = &s
		}
		return sibling, exceedsDescendants(parent.TxID, parent.WTxID)
	}
	return nil, nil
}

// PackageTRUCChecks applies the TRUC rules to tx as a member of pkg, a
// topologically sorted package (Core's PackageTRUCChecks); it must be
// called for every transaction of a package, TRUC or not. vsize is tx's
// sigop-adjusted virtual size; parents are tx's in-mempool parents (only
// their TxID, WTxID, Version, AncestorCount and DescendantCount are used).
// tx is found in pkg by pointer.
func PackageTRUCChecks(tx *wire.Tx, vsize int64, pkg []*wire.Tx, parents []TRUCParent) error {
	txid, wtxid := tx.Hashes()
	ids := make([][2]wire.Hash, len(pkg))
	for i, ptx := range pkg {
		ids[i][0], ids[i][1] = ptx.Hashes()
	}
	// In-package parents: the transactions before tx whose outputs it
	// spends.
	spends := make(map[wire.Hash]bool, len(tx.TxIn))
	for _, in := range tx.TxIn {
		spends[in.PreviousOutPoint.Hash] = true
	}
	var pkgParents []int
	for i, ptx := range pkg {
		if ptx == tx {
			break
		}
		if spends[ids[i][0]] {
			pkgParents = append(pkgParents, i)
		}
	}

	if tx.Version != TRUCVersion {
		for _, p := range parents {
			if p.Version == TRUCVersion {
				return nonTRUCSpendsTRUC(txid, wtxid, p.TxID, p.WTxID)
			}
		}
		for _, i := range pkgParents {
			if pkg[i].Version == TRUCVersion {
				return nonTRUCSpendsTRUC(txid, wtxid, ids[i][0], ids[i][1])
			}
		}
		return nil
	}

	if vsize > TRUCMaxVSize {
		return trucTooBig(txid, wtxid, vsize)
	}
	if len(parents)+len(pkgParents)+1 > TRUCAncestorLimit {
		return tooManyAncestors(txid, wtxid)
	}
	if len(parents) > 0 && parents[0].AncestorCount+len(pkgParents)+1 > TRUCAncestorLimit {
		return tooManyAncestors(txid, wtxid)
	}
	if len(parents)+len(pkgParents) == 0 {
		return nil
	}
	if vsize > TRUCChildMaxVSize {
		return trucChildTooBig(txid, wtxid, vsize)
	}

	// Exactly one parent, in the mempool or in the package.
	var (
		parentID, parentWID wire.Hash
		parentVersion       int32
		parentHasChild      bool
	)
	if len(parents) > 0 {
		p := parents[0]
		parentID, parentWID, parentVersion = p.TxID, p.WTxID, p.Version
		parentHasChild = p.DescendantCount > 1
	} else {
		i := pkgParents[0]
		parentID, parentWID, parentVersion = ids[i][0], ids[i][1], pkg[i].Version
	}
	if parentVersion != TRUCVersion {
		return trucSpendsNonTRUC(txid, wtxid, parentID, parentWID)
	}
	for i, other := range pkg {
		if other == tx {
			continue
		}
		for _, in := range other.TxIn {
			// A sibling in the package.
			if in.PreviousOutPoint.Hash == parentID {
				return exceedsDescendants(parentID, parentWID)
			}
			// A child in the package: tx would be a middle generation.
			if in.PreviousOutPoint.Hash == txid {
				return tooManyAncestors(ids[i][0], ids[i][1])
			}
		}
	}
	if parentHasChild {
		return exceedsDescendants(parentID, parentWID)
	}
	return nil
}
