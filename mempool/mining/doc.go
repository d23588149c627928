// Package mining assembles block templates from the transactions the pool
// offers and solves them on networks whose proof of work a CPU can meet
// (regtest): Bitcoin Core's BlockAssembler, the getblocktemplate result of
// BIPs 22, 23, 9 and 145, and the generatetoaddress / generatetodescriptor
// / generateblock RPCs.
//
// # Assembly
//
// NewTemplate follows Core 30's BlockAssembler::CreateNewBlock with the
// cluster mempool's block builder (addChunks):
//
//   - The pool hands out chunks, groups of transactions that must be mined
//     together, topologically ordered inside, in non-increasing chunk
//     feerate order (ChunkSource). The assembler takes whole chunks.
//   - A chunk whose feerate (modified fee over sigop-adjusted virtual size)
//     is below Options.MinFeeRate ends assembly: everything after it pays
//     less.
//   - A chunk that would reach the weight limit (weight counted from the
//     reserved weight, 8,000 by default, for the header, transaction count
//     and coinbase) or the sigop limit (counted from the 400 reserved for
//     the coinbase outputs), or holds a transaction that is not final at
//     the next height and median time past, is skipped, and so is every
//     later chunk spending one of its transactions; assembly goes on with
//     later chunks, and gives up after 1,000 consecutive failures once the
//     block is within 4,000 weight units of full. Both limits are exclusive
//     (a chunk may not bring the total to the limit), as in Core.
//   - The coinbase pushes the BIP34 height and the extra nonce (OP_0 when
//     zero, so a template matches Core's "<height> OP_0"), has sequence
//     0xfffffffe and lock time height-1 as Core 30 sets them, pays subsidy
//     plus fees to the payout script and, once segwit is active, carries
//     the BIP141 witness commitment (always, as Core does, even with no
//     witness transaction) with a 32-byte zero witness reserved value.
//   - Header: version 0x20000000 (BIP9 top bits, no deployment signalled),
//     the tip as parent, timestamp max(now, MinTime) where MinTime is
//     median time past + 1 raised on retarget boundaries to the parent's
//     time - 600 (Core's GetMinimumTime, the BIP94 timewarp floor applied
//     on every network), bits from chain.NextBlock, merkle root set, nonce 0.
//
// NewTemplate validates no script and looks up no coin: the pool
// guarantees that every transaction it offers is valid on the current tip
// (inputs exist and are mature, scripts verify, BIP68 sequence locks are
// met) and that TxDesc's Fee, Weight, SigOpCost, TxID and WTxID describe
// the transaction. The template is as valid as what the pool offered; the
// finality (nLockTime) check is the only per-transaction rule applied.
// Core also runs TestBlockValidity on each template; the chain has no
// such entry point yet, so the first full check is ProcessBlock.
//
// # Mining
//
// Mine iterates the header nonce, and when the 32-bit nonce space runs out
// bumps the coinbase extra nonce (recomputing the merkle root), or the
// timestamp when the coinbase has no extra nonce it recognises.
// GenerateToScript and GenerateBlock build, solve and submit blocks as
// Core's generatetoaddress and generateblock do: maxTries is one budget
// for the whole call, and generateblock's coinbase claims the subsidy only
// (the fees of the given transactions are not known without their inputs,
// and Core leaves them unclaimed too).
//
// The package imports wire, chain and chain/...; the pool satisfies
// ChunkSource without mining importing it.
package mining
