// Package mempool is bitnode's transaction memory pool, following Bitcoin
// Core 31's cluster mempool.
//
// # Acceptance
//
// AcceptTx runs Core's MemPoolAccept checks in Core's order and rejects
// with Core's reject reasons (a *RejectError whose Kind is the reason and
// whose Result is Core's TxValidationResult class):
//
//  1. CheckTransaction; no loose coinbase; IsStandardTx and the minimum
//     non-witness size; finality at the next block ("non-final");
//  2. already in the pool by wtxid ("txn-already-in-mempool") or txid
//     ("txn-same-nonwitness-data-in-mempool"); conflicts (full RBF: every
//     pool transaction may be replaced);
//  3. inputs from the pool or the chain ("missing-inputs", kept in the
//     orphan pool; "txn-already-known" when an output is already on the
//     chain); BIP68 at the next block with unconfirmed coins at its height
//     ("non-BIP68-final"); CheckTxInputs;
//  4. AreInputsStandard, IsWitnessStandard, the zero-fee rule of ephemeral
//     dust, sigop cost; the minimum relay fee (TRUC transactions excepted)
//     and the rolling minimum fee; TRUC topology with sibling eviction;
//  5. replacement: at most 100 conflicting clusters, fees covering the
//     evicted transactions plus the incremental relay fee, and a strictly
//     better feerate diagram; cluster limits (64 transactions, 101 kvB as
//     404,000 sigop-adjusted weight units); no spending of a replaced
//     transaction; ephemeral dust spent;
//  6. scripts under the standard flags, outside the pool's lock and through
//     the shared signature cache, told apart into policy
//     ("mempool-script-verify-flag-failed (...)") and consensus
//     ("mandatory-script-verify-flag-failed (...)") failures, then under the
//     next block's flags; then, if the pool changed meanwhile, steps 1-5
//     again under the lock, and insertion and trimming.
//
// AcceptPackage takes child-with-parents packages (submitpackage and 1p1c
// relay): transactions failing alone for fee reasons are evaluated with the
// package feerate, and a one-parent-one-child package may replace.
//
// # Clusters
//
// Every transaction belongs to a cluster, the connected component of the
// spend graph among pool transactions. Changes are staged on the affected
// clusters only (merged when a transaction joins several, split into
// components when transactions leave), each relinearized starting from its
// previous linearization and cut into chunks. Mining takes chunks by
// feerate (Chunks, a mining.ChunkSource); eviction removes the worst chunk
// and raises the rolling minimum fee, which decays with Core's half-life
// after blocks.
//
// # Life cycle
//
// New subscribes to the chain's notifications; connected blocks remove
// their transactions and conflicts (the fee estimator sees the block
// first), disconnected blocks' transactions are re-accepted as Core's
// MaybeUpdateMempoolForReorg does. Notifications are queued by the
// subscription and applied by Run, or by the next call into the pool. Save
// and Load keep the pool in <datadir>/mempool.dat across restarts.
package mempool
