package cluster

import (
	"cmp"
	"math/bits"
	"strconv"
)

// FeeFrac is a fee (in satoshis) together with a size (in virtual bytes): a
// feerate kept as an exact fraction, Bitcoin Core's FeeFrac. Feerates are
// compared by cross-multiplication in 128-bit arithmetic, so no precision
// is ever lost to division and no product overflows.
//
// The zero value is the empty FeeFrac (nothing, of size 0). Fee may be
// negative (prioritisetransaction can make it so); Size is positive for
// every real transaction or set of transactions.
type FeeFrac struct {
	Fee  int64
	Size int32
}

// IsEmpty reports whether f has size zero.
func (f FeeFrac) IsEmpty() bool { return f.Size == 0 }

// Add returns f + o (fees and sizes summed).
func (f FeeFrac) Add(o FeeFrac) FeeFrac { return FeeFrac{f.Fee + o.Fee, f.Size + o.Size} }

// Sub returns f - o.
func (f FeeFrac) Sub(o FeeFrac) FeeFrac { return FeeFrac{f.Fee - o.Fee, f.Size - o.Size} }

// FeeRateCmp compares the feerates of f and o: -1 if f's is lower, 0 if
// equal, +1 if higher. It computes sign(f.Fee·o.Size − o.Fee·f.Size)
// exactly (Core's FeeRateCompare). An empty FeeFrac compares equal to
// everything.
func (f FeeFrac) FeeRateCmp(o FeeFrac) int {
	// Fast path, inlined: |fees| < 2^31 and |sizes| ≤ 2^31 keep both
	// products below 2^62 in magnitude, so their difference fits.
	const lim = 1 << 31
	if uint64(f.Fee+lim-1) < 2*lim-1 && uint64(o.Fee+lim-1) < 2*lim-1 {
		d := f.Fee*int64(o.Size) - o.Fee*int64(f.Size)
		return int(d>>63) | int(uint64(-d)>>63)
	}
	return mulCmp(f.Fee, o.Size, o.Fee, f.Size)
}

// Higher reports whether f has a strictly higher feerate than o (Core's
// operator>>).
func (f FeeFrac) Higher(o FeeFrac) bool { return f.FeeRateCmp(o) > 0 }

// Lower reports whether f has a strictly lower feerate than o (Core's
// operator<<).
func (f FeeFrac) Lower(o FeeFrac) bool { return f.FeeRateCmp(o) < 0 }

// Cmp is Core's total order on FeeFracs (operator<=>): by feerate, and
// among equal feerates the smaller size is the greater (it is the better
// thing to include first).
func (f FeeFrac) Cmp(o FeeFrac) int {
	if c := f.FeeRateCmp(o); c != 0 {
		return c
	}
	switch {
	case f.Size < o.Size:
		return 1
	case f.Size > o.Size:
		return -1
	}
	return 0
}

// String formats f as "fee/size".
func (f FeeFrac) String() string {
	return strconv.FormatInt(f.Fee, 10) + "/" + strconv.FormatInt(int64(f.Size), 10)
}

// mulCmp returns the sign of a·b − c·d, exactly, in 128-bit arithmetic.
func mulCmp(a int64, b int32, c int64, d int32) int {
	xh, xl := mul128(a, int64(b))
	yh, yl := mul128(c, int64(d))
	if xh != yh {
		return cmp.Compare(xh, yh)
	}
	return cmp.Compare(xl, yl)
}

// mul128 returns the signed 128-bit product a·b as a high signed word and
// a low unsigned word.
func mul128(a, b int64) (hi int64, lo uint64) {
	h, l := bits.Mul64(uint64(a), uint64(b))
	// Convert the unsigned product of the two's complement encodings into
	// the signed product: subtract b·2^64 if a < 0 and a·2^64 if b < 0.
	if a < 0 {
		h -= uint64(b)
	}
	if b < 0 {
		h -= uint64(a)
	}
	return int64(h), l
}
