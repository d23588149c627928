package policy

import (
	"fmt"
	"math"
	"math/bits"
)

// FeeRate is a fee rate in satoshis per 1,000 virtual bytes, Bitcoin Core's
// CFeeRate as configured by -minrelaytxfee, -dustrelayfee and friends.
type FeeRate int64

// satsPerCoin is Core's COIN.
const satsPerCoin = 100_000_000

// NewFeeRate returns the rate at which fee satoshis pay for vsize virtual
// bytes, rounded down to whole satoshis per kvB (CFeeRate(fee, vsize)
// followed by GetFeePerK). A vsize of zero or less gives rate zero.
func NewFeeRate(fee, vsize int64) FeeRate {
	if vsize <= 0 {
		return 0
	}
	q, rem, neg := mulDiv(fee, 1000, vsize)
	if neg {
		// Floor towards minus infinity.
		if rem != 0 {
			q++
		}
		return FeeRate(negSat(q))
	}
	return FeeRate(sat(q))
}

// Fee returns the fee for vsize virtual bytes at this rate, as
// CFeeRate::GetFee computes it since Core 30.0: the exact product rounded
// up (towards plus infinity), so any non-zero size at a positive rate costs
// at least one satoshi; a negative rate that rounds to zero gives -1.
// A vsize of zero or less costs nothing.
func (r FeeRate) Fee(vsize int64) int64 {
	if vsize <= 0 {
		return 0
	}
	q, rem, neg := mulDiv(int64(r), vsize, 1000)
	if !neg {
		if rem != 0 {
			q++
		}
		return sat(q)
	}
	// Rounding a negative value up truncates it.
	if q == 0 {
		return -1
	}
	return negSat(q)
}

// String formats the rate as Core's CFeeRate::ToString: "0.00001000 BTC/kvB".
func (r FeeRate) String() string {
	sign, abs := splitSign(int64(r))
	return fmt.Sprintf("%s%d.%08d BTC/kvB", sign, abs/satsPerCoin, abs%satsPerCoin)
}

// SatPerVB formats the rate in satoshis per virtual byte as Core's
// FeeRateFormat::SAT_VB does: "1.000 sat/vB".
func (r FeeRate) SatPerVB() string {
	sign, abs := splitSign(int64(r))
	return fmt.Sprintf("%s%d.%03d sat/vB", sign, abs/1000, abs%1000)
}

func splitSign(v int64) (string, uint64) {
	if v < 0 {
		return "-", uint64(-(v + 1)) + 1 // no overflow at MinInt64
	}
	return "", uint64(v)
}

// mulDiv computes |a*b| / d and its remainder in 128 bits (d > 0), and
// reports whether a*b is negative. The quotient saturates at MaxUint64.
func mulDiv(a, b, d int64) (q, rem uint64, neg bool) {
	sa, ua := splitSign(a)
	sb, ub := splitSign(b)
	neg = (sa == "-") != (sb == "-")
	hi, lo := bits.Mul64(ua, ub)
	ud := uint64(d)
	if hi >= ud {
		return math.MaxUint64, 0, neg
	}
	q, rem = bits.Div64(hi, lo, ud)
	if q == 0 && rem == 0 {
		neg = false
	}
	return q, rem, neg
}

// sat converts a non-negative magnitude to int64, saturating.
func sat(q uint64) int64 {
	if q > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(q)
}

// negSat converts a magnitude to its negative int64, saturating.
func negSat(q uint64) int64 {
	if q > math.MaxInt64 {
		return math.MinInt64
	}
	return -int64(q)
}
