package consensus

import (
	"errors"
	"math/big"
	"testing"

	"github.com/bitnode/bitnode/internal/testvec"
	"github.com/bitnode/bitnode/wire"
)

// mainPowLimit is mainnet's proof-of-work limit (2^224 - 1); consensus
// cannot import params, which imports it.
var mainPowLimit = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 224), big.NewInt(1))

func loadBlock(t *testing.T, rel string) *wire.Block {
	t.Helper()
	blk, err := wire.DecodeBlock(testvec.Read(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	return blk
}

func loadBlkFile(t *testing.T, rel string) []*wire.Block {
	t.Helper()
	var blocks []*wire.Block
	for _, raw := range testvec.BlkRecords(t, testvec.Read(t, rel), testvec.MainnetMagic) {
		blk, err := wire.DecodeBlock(raw)
		if err != nil {
			t.Fatal(err)
		}
		blocks = append(blocks, blk)
	}
	return blocks
}

// TestRealBlocks checks merkle roots, proof of work and, for segwit blocks,
// the witness commitment of every real mainnet block in testdata.
func TestRealBlocks(t *testing.T) {
	blocks := loadBlkFile(t, "btcd/database/blocks1-256.bz2")
	blocks = append(blocks,
		loadBlock(t, "bitcoin-core/block413567.raw"),
		loadBlock(t, "btcd/wire/block-00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab.blk"),
		loadBlock(t, "btcd/wire/block-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.blk"))
	segwit := 0
	for _, blk := range blocks {
		hash := blk.BlockHash()
		if err := CheckProofOfWork(hash, blk.Header.Bits, mainPowLimit); err != nil {
			t.Errorf("block %s: %v", hash, err)
		}
		if err := CheckMerkleRoot(blk); err != nil {
			t.Errorf("block %s: %v", hash, err)
		}
		if err := CheckWitnessCommitment(blk); err != nil {
			t.Errorf("block %s: %v", hash, err)
		}
		if WitnessCommitmentIndex(blk.Transactions[0]) >= 0 {
			segwit++
		}
	}
	if segwit != 2 {
		t.Errorf("%d blocks with a witness commitment, want 2", segwit)
	}
	t.Logf("checked proof of work, merkle root and witness commitment of %d mainnet blocks", len(blocks))
}

func TestWitnessCommitmentMismatch(t *testing.T) {
	blk := loadBlock(t, "btcd/wire/block-00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab.blk")
	// Changing any witness changes the witness root the coinbase commits to.
	for _, tx := range blk.Transactions[1:] {
		if tx.HasWitness() {
			tx.TxIn[0].Witness[0] = append([]byte{0}, tx.TxIn[0].Witness[0]...)
			break
		}
	}
	if err := CheckWitnessCommitment(blk); !errors.Is(err, ErrBadWitnessMerkle) {
		t.Fatalf("got %v, want %v", err, ErrBadWitnessMerkle)
	}
	blk.Transactions[0].TxIn[0].Witness = nil
	if err := CheckWitnessCommitment(blk); !errors.Is(err, ErrBadWitnessNonceSize) {
		t.Fatalf("got %v, want %v", err, ErrBadWitnessNonceSize)
	}
}

func TestMerkleMutation(t *testing.T) {
	blk := loadBlkFile(t, "btcd/database/blocks1-256.bz2")[169] // height 170: two transactions
	if len(blk.Transactions) != 2 {
		t.Fatalf("block has %d transactions", len(blk.Transactions))
	}
	if err := CheckMerkleRoot(blk); err != nil {
		t.Fatal(err)
	}
	// CVE-2012-2459: [a b c] and [a b c c] share a root. Build a three-
	// transaction list and duplicate its last element.
	ids := []wire.Hash{{1}, {2}, {3}}
	root3, m3 := MerkleRoot(ids)
	root4, m4 := MerkleRoot(append(ids, ids[2]))
	if root3 != root4 || m3 || !m4 {
		t.Fatalf("roots %s/%s mutated %v/%v", root3, root4, m3, m4)
	}
	// [coinbase, tx, tx, tx]: the sibling pair (tx, tx) makes the tree
	// mutated (its root equals that of [coinbase, tx, tx]).
	blk.Transactions = append(blk.Transactions, blk.Transactions[1], blk.Transactions[1])
	blk.Header.MerkleRoot, _ = BlockMerkleRoot(blk)
	if err := CheckMerkleRoot(blk); !errors.Is(err, ErrDuplicateTx) {
		t.Fatalf("got %v, want %v", err, ErrDuplicateTx)
	}
}

func TestCompact(t *testing.T) {
	tests := []struct {
		bits               uint32
		hex                string
		negative, overflow bool
	}{
		{0x1d00ffff, "ffff0000000000000000000000000000000000000000000000000000", false, false},
		{0x207fffff, "7fffff0000000000000000000000000000000000000000000000000000000000", false, false},
		{0x03123456, "123456", false, false},
		{0x01123456, "12", false, false},
		{0x04923456, "12345600", true, false},
		{0xff123456, "", false, true},
		{0x00000000, "0", false, false},
	}
	for _, tc := range tests {
		target, neg, over := CompactToBig(tc.bits)
		if neg != tc.negative || over != tc.overflow {
			t.Errorf("%08x: negative %v overflow %v", tc.bits, neg, over)
			continue
		}
		if tc.hex == "" {
			continue
		}
		want, _ := new(big.Int).SetString(tc.hex, 16)
		if target.Cmp(want) != 0 {
			t.Errorf("%08x: target %x, want %x", tc.bits, target, want)
		}
		if !neg && target.Sign() > 0 && BigToCompact(target) != tc.bits && tc.bits != 0x01123456 {
			t.Errorf("%08x: re-encodes as %08x", tc.bits, BigToCompact(target))
		}
	}
	if w := CalcWork(0x1d00ffff); w.Cmp(big.NewInt(0x100010001)) != 0 {
		t.Errorf("work at difficulty 1 = %s, want 4295032833", w)
	}
	if err := CheckProofOfWork(wire.Hash{}, 0x1d00ffff, big.NewInt(1)); !errors.Is(err, ErrBadDiffBits) {
		t.Errorf("target above limit: %v", err)
	}
	if err := CheckProofOfWork(wire.Hash{31: 0xff}, 0x1d00ffff, mainPowLimit); !errors.Is(err, ErrHighHash) {
		t.Errorf("high hash: %v", err)
	}
}
