// Package headersync protects header synchronisation against low-work
// header spam: Bitcoin Core's HeadersSyncState ("headers presync", Core PR
// #25717), written from its design.
//
// A peer can serve headers far faster than it can produce proof of work, so
// a node that stored every header a peer offered could be filled with a long
// chain of cheap, low-difficulty headers. Core's answer is to download a
// peer's headers twice whenever the chain they build on does not yet have
// the network's minimum chain work:
//
//   - PRESYNC: the headers are checked (they connect, their proof of work
//     meets their bits, the bits follow a permitted difficulty transition)
//     and their work is summed, but they are not kept. Every
//     CommitmentPeriod-th header (at heights congruent to a secret random
//     offset) contributes one bit, a salted hash of its block hash, to a
//     queue of commitments. Nothing else is stored, and the queue is capped
//     at the number of blocks a consensus-valid chain could have by now
//     (six per second of median-time-past since the start block, plus the
//     two hours a block may lie in the future).
//   - REDOWNLOAD: once the summed work reaches the minimum, the headers are
//     requested again from the start. Each one is checked against the
//     stored commitment bits and buffered; a header leaves the buffer, for
//     the caller to validate and store in its block index, once
//     RedownloadBufferSize checked headers lie on top of it, or once the
//     redownloaded chain itself has reached the minimum work. A peer that
//     switches to a different chain in the second pass is caught by a
//     commitment mismatch with probability 1/2 per commitment, long before
//     the buffer releases anything.
//   - FINAL: the sync is over (finished, given up, or aborted) and its memory
//     is released.
//
// A Sync serves one peer and is not safe for concurrent use. The caller
// keeps it beside the peer's state, feeds it every headers message that
// continues the sync, sends a getheaders with NextHeadersRequestLocator
// whenever a Result asks for more, and hands Result.PowValidatedHeaders to
// full header validation. See Sync.ProcessNextHeaders.
//
// The package depends on wire, chain/params, chain/consensus and the
// standard library only; it keeps no global state and does no logging: the
// counters (PresyncHeight, PresyncWork, RedownloadHeight, ...) and
// Result.Err are there for the caller's logs.
package headersync
