// Package index holds bitnode's optional indexes, which follow the active
// chain: the transaction index (txid → block and position, Bitcoin Core's
// -txindex) and the BIP157/158 basic block filter index (Core's
// -blockfilterindex), together with the BIP158 filter code itself.
//
// Each index keeps its own LevelDB and a best-block marker written in the
// same batch as its entries, so it is always consistent with one block of
// its own chain. Base runs an index as Bitcoin Core's BaseIndex does: Run
// first catches up from the index's best block to the chain's tip through a
// Source (rewinding with its own per-height data if its best block left the
// main chain), then applies the connect and disconnect events the chain
// delivers through the Listener methods, which only queue.
//
// The package does not import package chain; the chain satisfies Source,
// and cmd subscribes the indexes to the chain's notifications.
package index
