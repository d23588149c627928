package txjson

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// SatoshisPerBitcoin is Core's COIN.
const SatoshisPerBitcoin = 100_000_000

// Amount is a value in satoshis that encodes in JSON as a BTC number with
// exactly eight decimals, as Bitcoin Core's ValueFromAmount prints it:
// 5000000000 is 50.00000000, 1 is 0.00000001, -1 is -0.00000001.
type Amount int64

// String returns the BTC value with eight decimals.
func (a Amount) String() string {
	q, r := int64(a)/SatoshisPerBitcoin, int64(a)%SatoshisPerBitcoin
	sign := ""
	if a < 0 {
		q, r, sign = -q, -r, "-"
	}
	return fmt.Sprintf("%s%d.%08d", sign, q, r)
}

// MarshalJSON writes the amount as a bare JSON number.
func (a Amount) MarshalJSON() ([]byte, error) { return []byte(a.String()), nil }

// ErrAmount is returned when a JSON amount is not a number of BTC with at
// most eight decimals within ±21,000,000 BTC.
var ErrAmount = errors.New("invalid amount")

// maxJSONAmount bounds parsed amounts (Core's MAX_MONEY).
const maxJSONAmount = 21_000_000 * SatoshisPerBitcoin

// UnmarshalJSON parses a BTC number (or a string holding one) exactly,
// without going through float64: "0.1" is 10000000 satoshis.
func (a *Amount) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if e := strings.IndexAny(s, "eE"); e >= 0 {
		return fmt.Errorf("%w %s: exponents are not supported", ErrAmount, b)
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 8 || strings.ContainsAny(whole+frac, "+-") {
		return fmt.Errorf("%w %s", ErrAmount, b)
	}
	frac += strings.Repeat("0", 8-len(frac))
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || w > maxJSONAmount/SatoshisPerBitcoin {
		return fmt.Errorf("%w %s", ErrAmount, b)
	}
	v := w*SatoshisPerBitcoin + f
	if v > maxJSONAmount {
		return fmt.Errorf("%w %s", ErrAmount, b)
	}
	if neg {
		v = -v
	}
	*a = Amount(v)
	return nil
}

// Float is a JSON number printed as Bitcoin Core's UniValue prints a
// double: 16 significant digits in %g style ("1", "4.656542373906925e-10",
// "79102999763.52865"). It is what "difficulty" and other floating-point
// RPC fields use. Infinities and NaN, which JSON cannot hold, encode as
// null.
type Float float64

// MarshalJSON writes the number as C++'s ostream << setprecision(16) does.
func (f Float) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return []byte("null"), nil
	}
	return []byte(strconv.FormatFloat(v, 'g', 16, 64)), nil
}

// UnmarshalJSON parses a JSON number; null gives NaN.
func (f *Float) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = Float(math.NaN())
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	*f = Float(v)
	return nil
}
