// Package node is the P2P side of a full node: it accepts and makes
// connections (node/peer speaks the protocol on each), keeps the chain in
// sync with its peers headers-first, downloads blocks in parallel within a
// moving window, relays blocks and transactions, serves what peers ask for,
// and disconnects and discourages peers that misbehave.
//
// Ownership: Node owns its peers; per-peer sync state lives in a syncPeer
// guarded by the Node's mutex, held briefly, never while calling into the
// chain or the mempool (which have their own locks). Each peer's messages
// arrive on that peer's own goroutine, so a slow peer holds up only itself.
//
// node may import wire, chain, chain/..., mempool and node/...; it must not
// import rpc, wallet or cmd.
package node
