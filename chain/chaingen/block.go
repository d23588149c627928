package chaingen

import (
	"encoding/binary"
	"fmt"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/wire"
)

// maxSolveAttempts bounds the nonce search: generated blocks are meant for
// networks with trivial proof of work (regtest), where one try in two
// succeeds.
const maxSolveAttempts = 1 << 22

// builder collects a block's options.
type builder struct {
	g      *Generator
	parent *node
	height int32

	version   int32
	timestamp uint32
	bits      uint32
	bitsSet   bool
	highHash  bool

	txs          []*wire.Tx
	cbHeight     int32
	cbValueDelta int64
	cbValue      *int64
	payTo        []byte
	cbExtraOuts  []*wire.TxOut
	commit       bool
	witnessNonce []byte
	padWeight    int

	mungeTxs    []func(*wire.Block)
	munge       []func(*wire.Block)
	mungeHeader []func(*wire.BlockHeader)
}

// witnessCommitmentPrefix starts a BIP141 commitment output: OP_RETURN, a
// 36-byte push and the tag aa21a9ed.
var witnessCommitmentPrefix = []byte{0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed}

func (b *builder) build() *wire.Block {
	blk := &wire.Block{Header: wire.BlockHeader{Version: b.version, PrevBlock: b.parent.hash,
		Timestamp: b.timestamp, Bits: b.bits}}
	blk.Transactions = append([]*wire.Tx{b.coinbase()}, b.txs...)
	for _, fn := range b.mungeTxs {
		fn(blk)
	}
	if b.padWeight > 0 {
		padToWeight(blk, b.padWeight)
	}
	if len(blk.Transactions) > 0 {
		UpdateWitnessCommitment(blk)
	}
	for _, fn := range b.munge {
		fn(blk)
	}
	blk.Header.MerkleRoot, _ = consensus.BlockMerkleRoot(blk)
	for _, fn := range b.mungeHeader {
		fn(&blk.Header)
	}
	Solve(&blk.Header, b.highHash)
	return blk
}

// coinbase builds the coinbase: BIP34 height, a unique extra nonce, the
// payout of subsidy plus fees, extra outputs, and the commitment
// placeholder.
func (b *builder) coinbase() *wire.Tx {
	b.g.extraNonce++
	// The height as CScript() << height encodes it, written here rather
	// than taken from consensus so that the two are checked against each
	// other.
	sig := PushNumber(int64(b.cbHeight))
	sig = append(sig, PushData(binary.LittleEndian.AppendUint64(nil, b.g.extraNonce))...)
	value := b.g.Subsidy(b.height) + b.cbValueDelta
	for _, tx := range b.txs {
		if fee, ok := b.g.Fee(tx); ok && fee > 0 {
			value += fee
		}
	}
	if b.cbValue != nil {
		value = *b.cbValue
	}
	tx := &wire.Tx{Version: 1, TxIn: []*wire.TxIn{{
		PreviousOutPoint: wire.OutPoint{Index: 0xffffffff}, SignatureScript: sig, Sequence: wire.MaxTxInSequenceNum,
	}}}
	tx.TxOut = append([]*wire.TxOut{{Value: value, PkScript: b.payTo}}, b.cbExtraOuts...)
	if b.commit {
		tx.TxIn[0].Witness = wire.TxWitness{b.witnessNonce}
		tx.TxOut = append(tx.TxOut, &wire.TxOut{PkScript: append(append([]byte(nil), witnessCommitmentPrefix...), make([]byte, 32)...)})
	}
	return tx
}

// UpdateWitnessCommitment rewrites the coinbase's witness commitment (its
// last commitment output, if any) for the block's transactions and the
// coinbase's reserved value (the first witness item, zero if none).
func UpdateWitnessCommitment(blk *wire.Block) {
	cb := blk.Transactions[0]
	idx := consensus.WitnessCommitmentIndex(cb)
	if idx < 0 {
		return
	}
	root, _ := consensus.WitnessMerkleRoot(blk)
	var buf [64]byte
	copy(buf[:32], root[:])
	if len(cb.TxIn) > 0 && len(cb.TxIn[0].Witness) > 0 {
		copy(buf[32:], cb.TxIn[0].Witness[0])
	}
	c := wire.DoubleSHA256(buf[:])
	pk := append([]byte(nil), cb.TxOut[idx].PkScript...)
	copy(pk[6:38], c[:])
	cb.TxOut[idx].PkScript = pk
}

// padToWeight grows an OP_RETURN output of the coinbase (added before the
// witness commitment) until the block weighs exactly weight. Base bytes
// weigh four units, so weight must differ from the unpadded block's by a
// multiple of four.
func padToWeight(blk *wire.Block, weight int) {
	cb := blk.Transactions[0]
	pad := &wire.TxOut{PkScript: []byte{byte(script.OpReturn)}}
	at := len(cb.TxOut)
	if idx := consensus.WitnessCommitmentIndex(cb); idx >= 0 {
		at = idx
	}
	cb.TxOut = append(cb.TxOut[:at], append([]*wire.TxOut{pad}, cb.TxOut[at:]...)...)
	for range 8 {
		diff := weight - blk.Weight()
		if diff == 0 {
			return
		}
		n := len(pad.PkScript) + diff/4
		if diff%4 != 0 || n < 1 {
			break
		}
		pad.PkScript = append([]byte{byte(script.OpReturn)}, make([]byte, n-1)...)
	}
	panic(fmt.Sprintf("chaingen: cannot pad block to weight %d (at %d)", weight, blk.Weight()))
}

// Solve sets the header's nonce so that its hash meets its target, or,
// with high, so that it misses it. A target that cannot be met (zero,
// negative or overflowing bits) leaves the header alone.
func Solve(h *wire.BlockHeader, high bool) {
	target, negative, overflow := consensus.CompactToBig(h.Bits)
	if negative || overflow || target.Sign() == 0 {
		return
	}
	for nonce := range uint32(maxSolveAttempts) {
		h.Nonce = nonce
		meets := consensus.HashToBig(h.BlockHash()).Cmp(target) <= 0
		if meets != high {
			return
		}
	}
	panic(fmt.Sprintf("chaingen: no nonce found for bits %08x in %d attempts", h.Bits, maxSolveAttempts))
}
