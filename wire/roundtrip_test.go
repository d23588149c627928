package wire

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"testing"
)

func randomBytes(rng *rand.Rand, max int) []byte {
	b := make([]byte, rng.IntN(max+1))
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// randomTx builds a transaction with random shape, crossing the CompactSize
// boundaries (252/253 bytes) and mixing inputs with and without witnesses.
func randomTx(rng *rand.Rand) *Tx {
	tx := &Tx{Version: int32(rng.Uint32()), LockTime: rng.Uint32()}
	withWitness := rng.IntN(2) == 0
	for range 1 + rng.IntN(4) {
		in := &TxIn{Sequence: rng.Uint32(), SignatureScript: randomBytes(rng, 300)}
		in.PreviousOutPoint.Index = rng.Uint32()
		copy(in.PreviousOutPoint.Hash[:], randomBytes(rng, 32))
		if withWitness && rng.IntN(2) == 0 {
			for range 1 + rng.IntN(3) {
				in.Witness = append(in.Witness, randomBytes(rng, 260))
			}
		}
		tx.TxIn = append(tx.TxIn, in)
	}
	for range rng.IntN(4) {
		tx.TxOut = append(tx.TxOut, &TxOut{Value: int64(rng.Uint64()), PkScript: randomBytes(rng, 300)})
	}
	return tx
}

// normalize gives empty slices one representation so DeepEqual compares
// content, not nil-ness.
func normalize(tx *Tx) *Tx {
	c := tx.Copy()
	for _, in := range c.TxIn {
		if len(in.SignatureScript) == 0 {
			in.SignatureScript = nil
		}
		if len(in.Witness) == 0 {
			in.Witness = nil
		}
	}
	for _, out := range c.TxOut {
		if len(out.PkScript) == 0 {
			out.PkScript = nil
		}
	}
	if len(c.TxIn) == 0 {
		c.TxIn = nil
	}
	if len(c.TxOut) == 0 {
		c.TxOut = nil
	}
	return c
}

func TestTxRoundTripRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 2000
	for i := range n {
		tx := randomTx(rng)
		enc := tx.Serialize()
		if len(enc) != tx.SerializeSize() {
			t.Fatalf("tx %d: size %d, SerializeSize %d", i, len(enc), tx.SerializeSize())
		}
		got, err := DecodeTx(enc)
		if err != nil {
			t.Fatalf("tx %d: %v", i, err)
		}
		if !reflect.DeepEqual(normalize(got), normalize(tx)) {
			t.Fatalf("tx %d: decode(encode(x)) != x", i)
		}
		if got.TxHash() != tx.TxHash() || got.WitnessHash() != tx.WitnessHash() {
			t.Fatalf("tx %d: hashes differ", i)
		}
		if want := (3*tx.BaseSize() + tx.SerializeSize() + 3) / 4; tx.VSize() != want {
			t.Fatalf("tx %d: vsize %d, want %d", i, tx.VSize(), want)
		}
	}
	t.Logf("%d random transactions round-tripped", n)
}

func TestBlockRoundTripRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 200 {
		blk := &Block{Header: BlockHeader{Version: int32(rng.Uint32()), Timestamp: rng.Uint32(), Bits: rng.Uint32(), Nonce: rng.Uint32()}}
		copy(blk.Header.PrevBlock[:], randomBytes(rng, 32))
		for range rng.IntN(5) {
			blk.Transactions = append(blk.Transactions, randomTx(rng))
		}
		enc := blk.Serialize()
		got, err := DecodeBlock(enc)
		if err != nil {
			t.Fatalf("block %d: %v", i, err)
		}
		if !bytes.Equal(got.Serialize(), enc) || got.BlockHash() != blk.BlockHash() || got.Weight() != blk.Weight() {
			t.Fatalf("block %d: round trip differs", i)
		}
	}
}

func TestCopyIsDeep(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	tx := randomTx(rng)
	for tx.TxIn[0].SignatureScript == nil || len(tx.TxIn[0].SignatureScript) == 0 {
		tx = randomTx(rng)
	}
	c := tx.Copy()
	c.TxIn[0].SignatureScript[0] ^= 0xff
	if tx.TxIn[0].SignatureScript[0] == c.TxIn[0].SignatureScript[0] {
		t.Fatal("Copy shares script memory")
	}
}
