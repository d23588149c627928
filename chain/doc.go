// Package chain is the heart of the node: it keeps the block index (every
// known header with its status and chain work), validates headers and
// blocks against every consensus rule, connects and disconnects blocks on
// the UTXO set in chain/store, follows the most-work valid chain through
// reorganisations, and tells subscribers (mempool, wallet, indexes, RPC)
// what happened.
//
// Ownership: one mutex serialises every change (processing a header or a
// block, connecting, flushing); a read-write lock guards the index and the
// active chain for readers. Notifications are delivered after the state
// lock is released, in chain order.
//
// Pure rules (proof of work, merkle roots, transaction sanity, subsidy)
// live in chain/consensus; scripts in chain/script; storage in chain/store.
// chain must not import mempool, node, wallet, rpc or cmd.
package chain
