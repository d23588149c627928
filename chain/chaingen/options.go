package chaingen

import (
	"bytes"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/wire"
)

// Option changes how NextBlock builds a block.
type Option func(*builder)

// Txs adds transactions after the coinbase, in order. The coinbase
// collects the fees of those whose inputs the generator knows.
func Txs(txs ...*wire.Tx) Option {
	return func(b *builder) { b.txs = append(b.txs, txs...) }
}

// Version sets the header version.
func Version(v int32) Option { return func(b *builder) { b.version = v } }

// Timestamp sets the header time (the default is the parent's plus one,
// and above the parent's median time past).
func Timestamp(t uint32) Option { return func(b *builder) { b.timestamp = t } }

// TimeDelta sets the header time to the parent's plus d seconds.
func TimeDelta(d int64) Option {
	return func(b *builder) { b.timestamp = uint32(int64(b.parent.block.Header.Timestamp) + d) }
}

// Bits sets the header's compact target (the default is what the network
// requires after the parent).
func Bits(bits uint32) Option { return func(b *builder) { b.bits, b.bitsSet = bits, true } }

// HighHash makes the block's hash miss its target.
func HighHash() Option { return func(b *builder) { b.highHash = true } }

// CoinbaseValueDelta makes the coinbase pay subsidy + fees + d.
func CoinbaseValueDelta(d int64) Option { return func(b *builder) { b.cbValueDelta = d } }

// CoinbaseValue makes the coinbase's first output pay exactly v.
func CoinbaseValue(v int64) Option { return func(b *builder) { b.cbValue = &v } }

// CoinbaseHeight makes the coinbase push height h instead of the block's.
func CoinbaseHeight(h int32) Option { return func(b *builder) { b.cbHeight = h } }

// PayTo makes the coinbase's first output pay to pkScript (the default is
// the generator's P2WPKH script).
func PayTo(pkScript []byte) Option { return func(b *builder) { b.payTo = pkScript } }

// CoinbaseOutputs adds outputs to the coinbase after its first one.
func CoinbaseOutputs(outs ...*wire.TxOut) Option {
	return func(b *builder) { b.cbExtraOuts = append(b.cbExtraOuts, outs...) }
}

// CoinbaseSigOps adds a coinbase output of n OP_CHECKSIGs: n legacy
// signature operations, 4n of block cost.
func CoinbaseSigOps(n int) Option {
	return CoinbaseOutputs(&wire.TxOut{PkScript: bytes.Repeat([]byte{byte(script.OpCheckSig)}, n)})
}

// NoWitnessCommitment leaves the witness commitment (and the coinbase's
// reserved value) out.
func NoWitnessCommitment() Option { return func(b *builder) { b.commit = false } }

// WithWitnessCommitment adds a witness commitment even where segwit is not
// active.
func WithWitnessCommitment() Option { return func(b *builder) { b.commit = true } }

// WitnessNonce sets the coinbase's witness reserved value (32 zero bytes by
// default); the commitment is computed with it.
func WitnessNonce(v []byte) Option { return func(b *builder) { b.witnessNonce = v } }

// CorruptWitnessCommitment flips a bit of the computed witness commitment.
func CorruptWitnessCommitment() Option {
	return Munge(func(blk *wire.Block) {
		cb := blk.Transactions[0]
		if idx := consensus.WitnessCommitmentIndex(cb); idx >= 0 {
			pk := append([]byte(nil), cb.TxOut[idx].PkScript...)
			pk[6] ^= 1
			cb.TxOut[idx].PkScript = pk
		}
	})
}

// PadToWeight grows a coinbase OP_RETURN output until the block weighs
// exactly weight (which must differ from the unpadded weight by a
// multiple of four).
func PadToWeight(weight int) Option { return func(b *builder) { b.padWeight = weight } }

// BadMerkleRoot flips a bit of the header's merkle root.
func BadMerkleRoot() Option {
	return MungeHeader(func(h *wire.BlockHeader) { h.MerkleRoot[0] ^= 1 })
}

// DropCoinbase removes the coinbase: the block's first transaction is then
// an ordinary one.
func DropCoinbase() Option {
	return MungeTxs(func(blk *wire.Block) { blk.Transactions = blk.Transactions[1:] })
}

// ExtraCoinbase appends a second coinbase-shaped transaction.
func ExtraCoinbase() Option {
	return MungeTxs(func(blk *wire.Block) {
		cb := blk.Transactions[0].Copy()
		cb.TxIn[0].Witness = nil
		cb.TxIn[0].SignatureScript = append(cb.TxIn[0].SignatureScript, 0x51)
		cb.TxOut = cb.TxOut[:1]
		cb.TxOut[0].Value = 0
		blk.Transactions = append(blk.Transactions, cb)
	})
}

// DuplicateTx appends a second copy of transaction i.
func DuplicateTx(i int) Option {
	return MungeTxs(func(blk *wire.Block) { blk.Transactions = append(blk.Transactions, blk.Transactions[i]) })
}

// MungeTxs runs fn on the block before the witness commitment and the
// merkle root are computed: the block stays self-consistent.
func MungeTxs(fn func(*wire.Block)) Option {
	return func(b *builder) { b.mungeTxs = append(b.mungeTxs, fn) }
}

// Munge runs fn after the witness commitment is computed and before the
// merkle root is.
func Munge(fn func(*wire.Block)) Option {
	return func(b *builder) { b.munge = append(b.munge, fn) }
}

// MungeHeader runs fn on the header after the merkle root is set and
// before the proof of work is solved.
func MungeHeader(fn func(*wire.BlockHeader)) Option {
	return func(b *builder) { b.mungeHeader = append(b.mungeHeader, fn) }
}

// Finish recomputes a block's witness commitment and merkle root and
// solves its proof of work again, after a test changed its transactions.
func Finish(blk *wire.Block) {
	UpdateWitnessCommitment(blk)
	blk.Header.MerkleRoot, _ = consensus.BlockMerkleRoot(blk)
	Solve(&blk.Header, false)
}
