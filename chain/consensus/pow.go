package consensus

import (
	"fmt"
	"math/big"

	"github.com/bitnode/bitnode/wire"
)

// CompactToBig decodes the compact "bits" encoding of a target: a base-256
// exponent in the top byte and a 23-bit mantissa with a sign bit (0x00800000).
// It also reports whether the encoding is negative or overflows 256 bits,
// which Bitcoin Core's arith_uint256::SetCompact flags.
func CompactToBig(bits uint32) (target *big.Int, negative, overflow bool) {
	exponent := bits >> 24
	mantissa := bits & 0x007fffff
	target = new(big.Int)
	if exponent <= 3 {
		target.SetUint64(uint64(mantissa >> (8 * (3 - exponent))))
	} else {
		target.SetUint64(uint64(mantissa))
		target.Lsh(target, uint(8*(exponent-3)))
	}
	negative = mantissa != 0 && bits&0x00800000 != 0
	overflow = mantissa != 0 && (exponent > 34 ||
		(mantissa > 0xff && exponent > 33) ||
		(mantissa > 0xffff && exponent > 32))
	return target, negative, overflow
}

// BigToCompact encodes a non-negative target in compact form, the inverse of
// CompactToBig (GetCompact in Bitcoin Core).
func BigToCompact(target *big.Int) uint32 {
	if target.Sign() <= 0 {
		return 0
	}
	size := uint32((target.BitLen() + 7) / 8)
	var mantissa uint32
	if size <= 3 {
		mantissa = uint32(target.Uint64() << (8 * (3 - size)))
	} else {
		mantissa = uint32(new(big.Int).Rsh(target, uint(8*(size-3))).Uint64())
	}
	// The mantissa's top bit is the sign: shift into the exponent instead.
	if mantissa&0x00800000 != 0 {
		mantissa >>= 8
		size++
	}
	return size<<24 | mantissa
}

// HashToBig interprets a hash as the 256-bit little-endian number that
// proof-of-work compares against the target.
func HashToBig(h wire.Hash) *big.Int {
	var be [wire.HashSize]byte
	for i := range wire.HashSize {
		be[i] = h[wire.HashSize-1-i]
	}
	return new(big.Int).SetBytes(be[:])
}

// CheckProofOfWork verifies that bits is a valid target no easier than
// powLimit and that hash meets it (Bitcoin Core's CheckProofOfWork).
func CheckProofOfWork(hash wire.Hash, bits uint32, powLimit *big.Int) error {
	target, negative, overflow := CompactToBig(bits)
	if negative || overflow || target.Sign() == 0 || target.Cmp(powLimit) > 0 {
		return ruleError(ErrBadDiffBits, fmt.Sprintf("block %s: invalid target bits %08x", hash, bits))
	}
	if HashToBig(hash).Cmp(target) > 0 {
		return ruleError(ErrHighHash, fmt.Sprintf("block %s: hash above target %064x", hash, target))
	}
	return nil
}

// CalcWork returns the expected number of hashes to find a block at bits:
// 2^256 / (target+1), the unit chainwork is summed in.
func CalcWork(bits uint32) *big.Int {
	target, negative, overflow := CompactToBig(bits)
	if negative || overflow || target.Sign() == 0 {
		return new(big.Int)
	}
	denominator := new(big.Int).Add(target, big.NewInt(1))
	return new(big.Int).Div(new(big.Int).Lsh(big.NewInt(1), 256), denominator)
}
