// Package chaingen generates test blocks, in the spirit of Bitcoin Core's
// feature_block.py: a Generator keeps a tree of named blocks, builds each
// new block on its current tip (or on any named block after SetTip), and
// controls the keys its coinbases and spends pay to, so it can sign any
// spend of an output it created.
//
// A block is built in stages, and options hook into each so that a test
// can break exactly one rule while everything else stays consistent:
//
//  1. the coinbase: a BIP34 height push and a unique extra nonce, paying
//     the block subsidy plus the fees of the block's transactions to the
//     generator's P2WPKH script, with a BIP141 witness commitment (a
//     placeholder at this point) when segwit is active;
//  2. the transactions given with Txs;
//  3. MungeTxs hooks, then PadToWeight;
//  4. the witness commitment is computed and written;
//  5. Munge hooks (CorruptWitnessCommitment is one);
//  6. the merkle root is computed;
//  7. MungeHeader hooks (BadMerkleRoot is one);
//  8. the proof of work is solved at the header's bits (or deliberately
//     missed with HighHash).
//
// Spends are built with Spend and SpendMany and signed for whatever the
// spent output's script needs: P2WPKH, P2PKH and P2PK of the generator's
// key, a BIP86-style P2TR key path (BIP340 signature, optional annex),
// P2SH and P2WSH of scripts registered with P2SH and P2WSH, and
// signature-free scripts such as OP_TRUE.
//
// A block changed by hand afterwards (a mutated copy under the same
// header, say) can be re-sealed with Finish (commitment, merkle root, proof
// of work) and named with Register; Sign re-signs a hand-made transaction.
//
// The generator validates nothing: it builds what it is told to. It
// imports wire, chain/params, chain/consensus and chain/script, never
// package chain, whose tests use it.
package chaingen
