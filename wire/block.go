package wire

import (
	"fmt"
	"time"
)

// Block limits.
const (
	// BlockHeaderSize is the serialized size of a block header.
	BlockHeaderSize = 80
	// MaxBlockWeight is the consensus limit on a block's weight (BIP141).
	MaxBlockWeight = 4_000_000
)

// BlockHeader is the 80-byte header that proof-of-work commits to.
type BlockHeader struct {
	Version    int32
	PrevBlock  Hash
	MerkleRoot Hash
	Timestamp  uint32
	Bits       uint32
	Nonce      uint32
}

// Time returns the header's timestamp.
func (h *BlockHeader) Time() time.Time { return time.Unix(int64(h.Timestamp), 0).UTC() }

// AppendTo appends the 80-byte serialization.
func (h *BlockHeader) AppendTo(b []byte) []byte {
	b = appendUint32(b, uint32(h.Version))
	b = append(b, h.PrevBlock[:]...)
	b = append(b, h.MerkleRoot[:]...)
	b = appendUint32(b, h.Timestamp)
	b = appendUint32(b, h.Bits)
	return appendUint32(b, h.Nonce)
}

// Serialize returns the 80-byte serialization.
func (h *BlockHeader) Serialize() []byte {
	return h.AppendTo(make([]byte, 0, BlockHeaderSize))
}

// BlockHash is the double SHA-256 of the header: the block's id and the value
// proof-of-work is judged on.
func (h *BlockHeader) BlockHash() Hash {
	var buf [BlockHeaderSize]byte
	return DoubleSHA256(h.AppendTo(buf[:0]))
}

func decodeHeader(r *reader) (BlockHeader, error) {
	var h BlockHeader
	b, err := r.bytes(BlockHeaderSize, "block header")
	if err != nil {
		return h, err
	}
	hr := newReader(b)
	v, _ := hr.uint32("")
	h.Version = int32(v)
	h.PrevBlock, _ = hr.hash("")
	h.MerkleRoot, _ = hr.hash("")
	h.Timestamp, _ = hr.uint32("")
	h.Bits, _ = hr.uint32("")
	h.Nonce, _ = hr.uint32("")
	return h, nil
}

// DecodeBlockHeader decodes an 80-byte header.
func DecodeBlockHeader(b []byte) (BlockHeader, error) {
	r := newReader(b)
	h, err := decodeHeader(r)
	if err != nil {
		return h, err
	}
	return h, r.done("block header")
}

// Block is a header and its transactions.
type Block struct {
	Header       BlockHeader
	Transactions []*Tx
}

// BlockHash returns the block's id.
func (b *Block) BlockHash() Hash { return b.Header.BlockHash() }

// AppendTo appends the block's serialization (transactions with witnesses).
func (b *Block) AppendTo(buf []byte) []byte {
	buf = b.Header.AppendTo(buf)
	buf = AppendCompactSize(buf, uint64(len(b.Transactions)))
	for _, tx := range b.Transactions {
		buf = tx.AppendTo(buf)
	}
	return buf
}

// AppendNoWitness appends the block's serialization with every transaction
// in legacy form (what pre-segwit peers receive, and what BIP141's base
// size measures).
func (b *Block) AppendNoWitness(buf []byte) []byte {
	buf = b.Header.AppendTo(buf)
	buf = AppendCompactSize(buf, uint64(len(b.Transactions)))
	for _, tx := range b.Transactions {
		buf = tx.AppendNoWitness(buf)
	}
	return buf
}

// Serialize returns the block's serialization.
func (b *Block) Serialize() []byte { return b.AppendTo(make([]byte, 0, b.SerializeSize())) }

// SerializeSize is the size of the block with witnesses (BIP141 total size).
func (b *Block) SerializeSize() int {
	n := BlockHeaderSize + CompactSizeLen(uint64(len(b.Transactions)))
	for _, tx := range b.Transactions {
		n += tx.SerializeSize()
	}
	return n
}

// BaseSize is the size of the block without witnesses (BIP141 base size).
func (b *Block) BaseSize() int {
	n := BlockHeaderSize + CompactSizeLen(uint64(len(b.Transactions)))
	for _, tx := range b.Transactions {
		n += tx.BaseSize()
	}
	return n
}

// Weight is base size × 3 + total size (BIP141).
func (b *Block) Weight() int {
	return b.BaseSize()*(WitnessScaleFactor-1) + b.SerializeSize()
}

// DecodeBlock decodes a block that must fill data exactly. The block keeps
// one private copy of data, which all its scripts and witnesses share, so
// decoding costs a few allocations per transaction rather than one per
// script.
func DecodeBlock(data []byte) (*Block, error) {
	return decodeBlockOwned(cloneBytes(data))
}

// decodeBlockOwned decodes a block aliasing data, which the caller hands
// over.
func decodeBlockOwned(data []byte) (*Block, error) {
	r := newReader(data)
	blk, err := decodeBlock(r)
	if err != nil {
		return nil, err
	}
	if err := r.done("block"); err != nil {
		return nil, err
	}
	return blk, nil
}

func decodeBlock(r *reader) (*Block, error) {
	h, err := decodeHeader(r)
	if err != nil {
		return nil, err
	}
	n, err := r.count("block transaction count", 0, minTxSize)
	if err != nil {
		return nil, err
	}
	blk := &Block{Header: h, Transactions: make([]*Tx, n)}
	for i := range n {
		tx, err := decodeTx(r, true)
		if err != nil {
			return nil, fmt.Errorf("block transaction %d: %w", i, err)
		}
		blk.Transactions[i] = tx
	}
	return blk, nil
}
