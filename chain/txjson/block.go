package txjson

import (
	"fmt"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/wire"
)

// BlockResult is a block as Bitcoin Core's getblock shows it at verbosity
// 2, fields in Core's output order (blockheaderToJSON's fields, then
// strippedsize, size, weight and tx). The pointer and omitempty fields need
// the chain (height, confirmations, median time, chain work, next block);
// DecodeBlock leaves them empty and the RPC layer fills them.
type BlockResult struct {
	Hash              string     `json:"hash"`
	Confirmations     *int64     `json:"confirmations,omitempty"`
	Height            *int64     `json:"height,omitempty"`
	Version           int32      `json:"version"`
	VersionHex        string     `json:"versionHex"`
	MerkleRoot        string     `json:"merkleroot"`
	Time              uint32     `json:"time"`
	MedianTime        *int64     `json:"mediantime,omitempty"`
	Nonce             uint32     `json:"nonce"`
	Bits              string     `json:"bits"`
	Target            string     `json:"target,omitempty"`
	Difficulty        Float      `json:"difficulty"`
	ChainWork         string     `json:"chainwork,omitempty"`
	NTx               int        `json:"nTx"`
	PreviousBlockHash string     `json:"previousblockhash,omitempty"`
	NextBlockHash     string     `json:"nextblockhash,omitempty"`
	StrippedSize      int        `json:"strippedsize"`
	Size              int        `json:"size"`
	Weight            int        `json:"weight"`
	Tx                []TxResult `json:"tx"`
}

// DecodeBlock describes blk as getblock with verbosity 2 does, as far as
// the block alone allows: every transaction in full with its hex (no fee:
// that needs the spent outputs). Addresses are for network p.
func DecodeBlock(blk *wire.Block, p *params.Params) BlockResult {
	h := &blk.Header
	r := BlockResult{
		Hash:         blk.BlockHash().String(),
		Version:      h.Version,
		VersionHex:   fmt.Sprintf("%08x", uint32(h.Version)),
		MerkleRoot:   h.MerkleRoot.String(),
		Time:         h.Timestamp,
		Nonce:        h.Nonce,
		Bits:         fmt.Sprintf("%08x", h.Bits),
		Target:       TargetHex(h.Bits),
		Difficulty:   Float(Difficulty(h.Bits)),
		NTx:          len(blk.Transactions),
		StrippedSize: blk.BaseSize(),
		Size:         blk.SerializeSize(),
		Weight:       blk.Weight(),
		Tx:           make([]TxResult, len(blk.Transactions)),
	}
	if !h.PrevBlock.IsZero() {
		r.PreviousBlockHash = h.PrevBlock.String()
	}
	for i, tx := range blk.Transactions {
		r.Tx[i] = DecodeTxWithHex(tx, p)
	}
	return r
}

// Difficulty is Bitcoin Core's GetDifficulty: how many times harder bits
// is than the difficulty-1 target 0x1d00ffff, computed with Core's exact
// floating-point steps so the printed digits match. A zero mantissa gives
// +Inf.
func Difficulty(bits uint32) float64 {
	shift := int(bits >> 24 & 0xff)
	diff := float64(0x0000ffff) / float64(bits&0x00ffffff)
	for ; shift < 29; shift++ {
		diff *= 256.0
	}
	for ; shift > 29; shift-- {
		diff /= 256.0
	}
	return diff
}

// TargetHex returns the target bits encodes as 64 hex digits, the
// "target" field Core added to getblock and getblockheader in v29. It is
// "" when bits is negative or overflows 256 bits, which no block in a
// valid chain has.
func TargetHex(bits uint32) string {
	target, negative, overflow := consensus.CompactToBig(bits)
	if negative || overflow || target.BitLen() > 256 {
		return ""
	}
	return fmt.Sprintf("%064x", target)
}
