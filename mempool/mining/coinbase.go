package mining

import (
	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/wire"
)

// Script opcodes the coinbase uses.
const (
	op0         = 0x00
	op1         = 0x51
	op16        = 0x60
	opPushData1 = 0x4c
	opReturn    = 0x6a
)

// witnessCommitmentHeader starts a BIP141 commitment output: OP_RETURN, a
// 36-byte push, the tag 0xaa21a9ed.
var witnessCommitmentHeader = [6]byte{opReturn, 0x24, 0xaa, 0x21, 0xa9, 0xed}

// newCoinbase builds the coinbase as Core 30's CreateNewBlock does: the
// BIP34 height and the extra nonce in the scriptSig, sequence
// MAX_SEQUENCE_NONFINAL and lock time height-1, one output paying value to
// payout. With segwit the witness reserved value (32 zero bytes) is set;
// the commitment output is added by addWitnessCommitment.
func newCoinbase(height int32, extraNonce uint64, payout []byte, value int64, segwit bool) *wire.Tx {
	in := &wire.TxIn{
		PreviousOutPoint: wire.OutPoint{Index: 0xffffffff},
		SignatureScript:  coinbaseScriptSig(height, extraNonce),
		Sequence:         coinbaseSequence,
	}
	if segwit {
		in.Witness = wire.TxWitness{make([]byte, 32)}
	}
	return &wire.Tx{
		Version:  wire.TxVersion,
		TxIn:     []*wire.TxIn{in},
		TxOut:    []*wire.TxOut{{Value: value, PkScript: append([]byte(nil), payout...)}},
		LockTime: uint32(max(height-1, 0)),
	}
}

// coinbaseScriptSig is CScript() << height << CScriptNum(extraNonce).
func coinbaseScriptSig(height int32, extraNonce uint64) []byte {
	s := append([]byte(nil), consensus.ExpectedCoinbaseHeightPrefix(height)...)
	return appendScriptNum(s, extraNonce)
}

// appendScriptNum appends n as CScript's operator<< pushes a number:
// OP_0, OP_1..OP_16, or the minimal little-endian encoding (with a sign
// byte when the top bit is taken) as a push.
func appendScriptNum(s []byte, n uint64) []byte {
	switch {
	case n == 0:
		return append(s, op0)
	case n <= 16:
		return append(s, op1+byte(n-1))
	}
	var num []byte
	for v := n; v > 0; v >>= 8 {
		num = append(num, byte(v))
	}
	if num[len(num)-1]&0x80 != 0 {
		num = append(num, 0)
	}
	return append(append(s, byte(len(num))), num...)
}

// scriptNumPush decodes a push appendScriptNum wrote (a non-negative
// number of at most 8 bytes) from the start of s, returning it and the
// push's length.
func scriptNumPush(s []byte) (uint64, int, bool) {
	if len(s) == 0 {
		return 0, 0, false
	}
	switch op := s[0]; {
	case op == op0:
		return 0, 1, true
	case op >= op1 && op <= op16:
		return uint64(op-op1) + 1, 1, true
	case op >= 1 && op <= 9 && len(s) > int(op):
		num := s[1 : 1+int(op)]
		if num[len(num)-1]&0x80 != 0 || (len(num) == 9 && num[8] != 0) {
			return 0, 0, false // negative, or beyond 64 bits
		}
		var v uint64
		for i := min(len(num), 8) - 1; i >= 0; i-- {
			v = v<<8 | uint64(num[i])
		}
		return v, 1 + int(op), true
	}
	return 0, 0, false
}

// firstPushLen returns the length of the push (or small-number opcode)
// starting s, as the BIP34 height is encoded.
func firstPushLen(s []byte) (int, bool) {
	if len(s) == 0 {
		return 0, false
	}
	switch op := s[0]; {
	case op == op0 || (op >= op1 && op <= op16) || op == 0x4f:
		return 1, true
	case op < opPushData1 && len(s) > int(op):
		return 1 + int(op), true
	}
	return 0, false
}

// bumpExtraNonce increments the extra nonce of a coinbase built by
// newCoinbase (height push followed by one number push). It reports false
// for a scriptSig of another shape or one that would grow beyond 100 bytes.
func bumpExtraNonce(cb *wire.Tx) bool {
	if len(cb.TxIn) != 1 {
		return false
	}
	s := cb.TxIn[0].SignatureScript
	h, ok := firstPushLen(s)
	if !ok {
		return false
	}
	n, l, ok := scriptNumPush(s[h:])
	if !ok || h+l != len(s) || n == ^uint64(0) {
		return false
	}
	next := appendScriptNum(append([]byte(nil), s[:h]...), n+1)
	if len(next) > 100 {
		return false
	}
	cb.TxIn[0].SignatureScript = next
	return true
}

// addWitnessCommitment appends the BIP141 commitment output to coinbase,
// committing to wtxids (whose first entry, the coinbase's, is zero) and
// the coinbase's 32-byte witness reserved value, and returns the output's
// script (Core's GenerateCoinbaseCommitment).
func addWitnessCommitment(coinbase *wire.Tx, wtxids []wire.Hash) []byte {
	root, _ := consensus.MerkleRoot(wtxids)
	var buf [64]byte
	copy(buf[:32], root[:])
	if w := coinbase.TxIn[0].Witness; len(w) == 1 && len(w[0]) == 32 {
		copy(buf[32:], w[0])
	}
	commitment := wire.DoubleSHA256(buf[:])
	pk := make([]byte, 0, 38)
	pk = append(pk, witnessCommitmentHeader[:]...)
	pk = append(pk, commitment[:]...)
	coinbase.TxOut = append(coinbase.TxOut, &wire.TxOut{Value: 0, PkScript: pk})
	return pk
}

// legacySigOps counts a transaction's legacy sigops (Core's
// GetLegacySigOpCount): every scriptSig and scriptPubKey, inaccurately.
func legacySigOps(tx *wire.Tx) int {
	n := 0
	for _, in := range tx.TxIn {
		n += script.SigOpCount(in.SignatureScript, false)
	}
	for _, out := range tx.TxOut {
		n += script.SigOpCount(out.PkScript, false)
	}
	return n
}
