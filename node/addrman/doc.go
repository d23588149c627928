// Package addrman is Bitcoin Core's address manager and ban list.
//
// # Address manager
//
// Manager keeps the peer addresses the node has heard of (the "new" table,
// 1,024 buckets of 64 positions) and those it has connected to (the
// "tried" table, 256 buckets of 64). Placement is keyed by a secret: an
// address heard from a source lands in one of 64 new buckets chosen by the
// source's network group, at a position chosen by the address; a tried
// address lands in one of 8 buckets chosen by its own group. So one group
// of peers can fill at most 64 of the 1,024 new buckets, an address holds
// at most 8 new positions however many peers relay it, and no /16 holds
// more than 8 tried buckets. Hashing, groups and every rule follow Core's
// addrman.cpp and netgroup.cpp (without an asmap) so closely that Core's
// unit-test vectors hold (buckets 40 and 786, the deterministic collisions,
// the 2,006/461 getaddr case).
//
// The connection manager drives it as Core's CConnman does:
//
//   - Add the addresses of addr/addrv2 messages (time penalty 2 h), of
//     seeds and of -addnode (no penalty).
//   - Select an address for each outbound attempt; Attempt when trying it
//     (countFailure for a real failure); Good when the handshake completes;
//     Connected when the connection closes; SetServices from the version
//     message.
//   - Before each feeler connection call ResolveCollisions, then
//     SelectTriedCollision: if it returns an address, test that one
//     (test-before-evict) instead of a Select pick.
//   - Answer getaddr with GetAddr(1000, 23, nil), cached per network and
//     local socket for about a day.
//   - NetGroup keeps outbound peers in distinct groups.
//
// Save/Load and SaveFile/LoadFile persist the tables in a versioned,
// checksummed peers.dat of our own; the format is described in persist.go.
//
// # Ban list
//
// Bans holds manual bans of IP subnets with an expiry (setban, listbanned,
// clearbanned), persisted as banlist.json in Bitcoin Core's format, and
// discouragement: a rolling bloom filter of the last ~50,000 misbehaving
// addresses, kept in memory only. A banned address is refused outright; a
// discouraged one may connect inbound only when a slot is free and is the
// first evicted.
//
// Nothing in this package touches the network. Every type is safe for
// concurrent use.
package addrman
