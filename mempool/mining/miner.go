package mining

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/big"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/wire"
)

// DefaultMaxTries is the nonce budget of Core's generate RPCs
// (DEFAULT_MAX_TRIES); a maxTries of 0 means it.
const DefaultMaxTries = 1_000_000

// ctxCheckInterval is how many hashes Mine tries between looks at its
// context.
const ctxCheckInterval = 1 << 12

// Mine searches for a header that meets the block's bits, starting from
// the header's nonce. When the nonce wraps it bumps the coinbase extra
// nonce and recomputes the merkle root (or, for a coinbase of another
// shape, advances the timestamp by a second). It gives up after maxTries
// hashes (0 means DefaultMaxTries), returning false, or when ctx is done,
// returning ctx's error. Only practical for regtest-like targets. The bits
// must be a valid target no easier than powLimit.
func Mine(ctx context.Context, blk *wire.Block, powLimit *big.Int, maxTries uint64) (bool, error) {
	if maxTries == 0 {
		maxTries = DefaultMaxTries
	}
	found, _, err := mine(ctx, blk, powLimit, maxTries)
	return found, err
}

// mine is Mine returning the hashes tried, so that callers can share one
// budget across blocks as Core's generate RPCs do.
func mine(ctx context.Context, blk *wire.Block, powLimit *big.Int, maxTries uint64) (bool, uint64, error) {
	h := &blk.Header
	target, negative, overflow := consensus.CompactToBig(h.Bits)
	if negative || overflow || target.Sign() == 0 || target.Cmp(powLimit) > 0 {
		return false, 0, fmt.Errorf("%w: %08x", ErrBadBits, h.Bits)
	}
	var want [wire.HashSize]byte // big-endian
	target.FillBytes(want[:])
	var buf [wire.BlockHeaderSize]byte
	h.AppendTo(buf[:0])
	nonce := h.Nonce
	for tries := uint64(0); tries < maxTries; tries++ {
		if tries%ctxCheckInterval == 0 {
			if err := ctx.Err(); err != nil {
				return false, tries, err
			}
		}
		binary.LittleEndian.PutUint32(buf[76:], nonce)
		first := sha256.Sum256(buf[:])
		hash := sha256.Sum256(first[:])
		if hashMeets(&hash, &want) {
			h.Nonce = nonce
			return true, tries + 1, nil
		}
		if nonce != ^uint32(0) {
			nonce++
			continue
		}
		// The nonce space is spent: change the header some other way.
		nonce = 0
		h.Nonce = 0
		if len(blk.Transactions) > 0 && bumpExtraNonce(blk.Transactions[0]) {
			h.MerkleRoot, _ = consensus.BlockMerkleRoot(blk)
		} else {
			h.Timestamp++
		}
		h.AppendTo(buf[:0])
	}
	h.Nonce = nonce
	return false, maxTries, nil
}

// hashMeets reports whether a hash (little-endian, as computed) is at most
// the big-endian target.
func hashMeets(hash, target *[wire.HashSize]byte) bool {
	for i := range wire.HashSize {
		hb, tb := hash[wire.HashSize-1-i], target[i]
		if hb != tb {
			return hb < tb
		}
	}
	return true
}

// GenerateToScript mines n blocks paying to script on the chain's tip,
// each from a template filled from src (nil for empty blocks), and submits
// them with ProcessBlock: Core's generatetoaddress and
// generatetodescriptor. maxTries (0 means DefaultMaxTries) is one budget
// for all n blocks; when it runs out the hashes mined so far are returned
// with an error wrapping ErrMaxTries (Core returns them without error).
// A nil script is the empty script, not Options' OP_TRUE default.
func GenerateToScript(ctx context.Context, ch *chain.Chain, src ChunkSource, script []byte, n int, maxTries uint64) ([]wire.Hash, error) {
	if maxTries == 0 {
		maxTries = DefaultMaxTries
	}
	if script == nil {
		script = []byte{}
	}
	hashes := make([]wire.Hash, 0, max(n, 0))
	for len(hashes) < n {
		t, err := NewTemplate(ch, src, Options{CoinbaseScript: script})
		if err != nil {
			return hashes, err
		}
		found, used, err := mine(ctx, t.Block, ch.Params().PowLimit, maxTries)
		maxTries -= used
		if err != nil {
			return hashes, err
		}
		if !found {
			return hashes, fmt.Errorf("%w after %d of %d blocks", ErrMaxTries, len(hashes), n)
		}
		if err := ch.ProcessBlock(t.Block); err != nil {
			return hashes, fmt.Errorf("block %s not accepted: %w", t.Block.BlockHash(), err)
		}
		hashes = append(hashes, t.Block.BlockHash())
	}
	return hashes, nil
}

// BlockWithTxs builds an unsolved block on the chain's tip holding exactly
// txs, in order, after a coinbase paying the subsidy (only) to script:
// what Core's generateblock mines, and what it returns unsubmitted with
// submit=false once solved. Nothing is validated here.
func BlockWithTxs(ch *chain.Chain, script []byte, txs []*wire.Tx) (*wire.Block, error) {
	if script == nil {
		script = []byte{}
	}
	t, err := NewTemplate(ch, nil, Options{CoinbaseScript: script})
	if err != nil {
		return nil, err
	}
	blk := t.Block
	blk.Transactions = append(blk.Transactions, txs...)
	if t.WitnessCommitment != nil {
		// Core's RegenerateCommitments: drop the empty block's commitment
		// and commit to the new transactions.
		cb := blk.Transactions[0]
		cb.TxOut = cb.TxOut[:len(cb.TxOut)-1]
		wtxids := make([]wire.Hash, len(blk.Transactions))
		for i, tx := range txs {
			wtxids[i+1] = tx.WitnessHash()
		}
		addWitnessCommitment(cb, wtxids)
	}
	blk.Header.MerkleRoot, _ = consensus.BlockMerkleRoot(blk)
	return blk, nil
}

// GenerateBlock mines one block holding exactly txs (Core's generateblock
// with submit=true) and submits it; the chain validates it in full.
func GenerateBlock(ctx context.Context, ch *chain.Chain, script []byte, txs []*wire.Tx) (wire.Hash, error) {
	blk, err := BlockWithTxs(ch, script, txs)
	if err != nil {
		return wire.Hash{}, err
	}
	found, err := Mine(ctx, blk, ch.Params().PowLimit, DefaultMaxTries)
	if err != nil {
		return wire.Hash{}, err
	}
	if !found {
		return wire.Hash{}, fmt.Errorf("failed to make block: %w", ErrMaxTries)
	}
	if err := ch.ProcessBlock(blk); err != nil {
		return wire.Hash{}, fmt.Errorf("block %s not accepted: %w", blk.BlockHash(), err)
	}
	return blk.BlockHash(), nil
}
