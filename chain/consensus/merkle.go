package consensus

import (
	"bytes"
	"crypto/sha256"
	"fmt"

	"github.com/bitnode/bitnode/wire"
)

// MerkleRoot computes the merkle root of hashes as Bitcoin does: pairs are
// hashed with double SHA-256, an odd level's last element is paired with
// itself. mutated reports that some level hashed two identical siblings,
// which is how CVE-2012-2459 lets a block with duplicated transactions share
// the root of a valid one; a block whose tree is mutated is invalid.
func MerkleRoot(hashes []wire.Hash) (root wire.Hash, mutated bool) {
	if len(hashes) == 0 {
		return wire.ZeroHash, false
	}
	level := append([]wire.Hash(nil), hashes...)
	var pair [2 * wire.HashSize]byte
	for len(level) > 1 {
		for i := 0; i+1 < len(level); i += 2 {
			if level[i] == level[i+1] {
				mutated = true
			}
		}
		if len(level)%2 == 1 {
			level = append(level, level[len(level)-1])
		}
		next := level[:len(level)/2]
		for i := range next {
			copy(pair[:wire.HashSize], level[2*i][:])
			copy(pair[wire.HashSize:], level[2*i+1][:])
			first := sha256.Sum256(pair[:])
			next[i] = sha256.Sum256(first[:])
		}
		level = next
	}
	return level[0], mutated
}

// BlockMerkleRoot is the merkle root of the block's txids.
func BlockMerkleRoot(blk *wire.Block) (wire.Hash, bool) {
	ids := make([]wire.Hash, len(blk.Transactions))
	for i, tx := range blk.Transactions {
		ids[i] = tx.TxHash()
	}
	return MerkleRoot(ids)
}

// WitnessMerkleRoot is the merkle root of the block's wtxids with the
// coinbase's replaced by zero (BIP141).
func WitnessMerkleRoot(blk *wire.Block) (wire.Hash, bool) {
	ids := make([]wire.Hash, len(blk.Transactions))
	for i, tx := range blk.Transactions {
		if i > 0 {
			ids[i] = tx.WitnessHash()
		}
	}
	return MerkleRoot(ids)
}

// CheckMerkleRoot verifies the header's merkle root and rejects mutated
// trees (Bitcoin Core's "bad-txnmrklroot" and "bad-txns-duplicate").
func CheckMerkleRoot(blk *wire.Block) error {
	root, mutated := BlockMerkleRoot(blk)
	if root != blk.Header.MerkleRoot {
		return ruleError(ErrBadMerkle, fmt.Sprintf("block %s: merkle root %s, header says %s",
			blk.BlockHash(), root, blk.Header.MerkleRoot))
	}
	if mutated {
		return ruleError(ErrDuplicateTx, fmt.Sprintf("block %s: duplicate transaction in merkle tree", blk.BlockHash()))
	}
	return nil
}

// witnessCommitmentHeader starts a BIP141 commitment output's script:
// OP_RETURN, a 36-byte push, and the tag 0xaa21a9ed.
var witnessCommitmentHeader = []byte{0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed}

// WitnessCommitmentIndex returns the index of the coinbase output holding the
// witness commitment (the last matching one, per BIP141), or -1.
func WitnessCommitmentIndex(coinbase *wire.Tx) int {
	idx := -1
	for i, out := range coinbase.TxOut {
		if len(out.PkScript) >= 38 && bytes.HasPrefix(out.PkScript, witnessCommitmentHeader) {
			idx = i
		}
	}
	return idx
}

// CheckWitnessCommitment verifies BIP141's commitment: if the coinbase has a
// commitment output, its witness must be a single 32-byte reserved value and
// the commitment must equal SHA256d(witness root || reserved value); without
// one, no transaction may carry witness data.
func CheckWitnessCommitment(blk *wire.Block) error {
	if len(blk.Transactions) == 0 {
		return nil
	}
	coinbase := blk.Transactions[0]
	idx := WitnessCommitmentIndex(coinbase)
	if idx < 0 {
		for _, tx := range blk.Transactions {
			if tx.HasWitness() {
				return ruleError(ErrUnexpectedWitness, fmt.Sprintf("block %s: witness data without commitment", blk.BlockHash()))
			}
		}
		return nil
	}
	wit := coinbase.TxIn[0].Witness
	if len(wit) != 1 || len(wit[0]) != 32 {
		return ruleError(ErrBadWitnessNonceSize, fmt.Sprintf("block %s: coinbase witness reserved value must be one 32-byte item", blk.BlockHash()))
	}
	root, _ := WitnessMerkleRoot(blk)
	var buf [64]byte
	copy(buf[:32], root[:])
	copy(buf[32:], wit[0])
	commitment := wire.DoubleSHA256(buf[:])
	if !bytes.Equal(commitment[:], coinbase.TxOut[idx].PkScript[6:38]) {
		return ruleError(ErrBadWitnessMerkle, fmt.Sprintf("block %s: witness commitment mismatch", blk.BlockHash()))
	}
	return nil
}
