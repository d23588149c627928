package rpc

import (
	"encoding/hex"

	"github.com/bitnode/bitnode/wire"
)

// Argument accessors, each with Core's error for a bad value. The JSON
// type was checked against the documentation before the handler ran, so
// these only meet the types documented (or null for an optional
// argument).

// str returns argument i as a string, def when absent.
func (p *callArgs) str(i int, def string) (string, *Error) {
	if !p.has(i) {
		return def, nil
	}
	return parseString(p.raw(i))
}

// boolean returns argument i, def when absent.
func (p *callArgs) boolean(i int, def bool) (bool, *Error) {
	if !p.has(i) {
		return def, nil
	}
	return parseBool(p.raw(i))
}

// int32Arg returns argument i as Core's getInt<int>, def when absent.
func (p *callArgs) int32Arg(i int, def int32) (int32, *Error) {
	if !p.has(i) {
		return def, nil
	}
	v, err := parseInt(p.raw(i), 32)
	return int32(v), err
}

// int64Arg returns argument i as getInt<int64_t>, def when absent.
func (p *callArgs) int64Arg(i int, def int64) (int64, *Error) {
	if !p.has(i) {
		return def, nil
	}
	return parseInt(p.raw(i), 64)
}

// uint32Arg returns argument i as getInt<uint32_t>, def when absent.
func (p *callArgs) uint32Arg(i int, def uint32) (uint32, *Error) {
	if !p.has(i) {
		return def, nil
	}
	v, err := parseUint(p.raw(i), 32)
	return uint32(v), err
}

// uint64Arg returns argument i as getInt<uint64_t>, def when absent.
func (p *callArgs) uint64Arg(i int, def uint64) (uint64, *Error) {
	if !p.has(i) {
		return def, nil
	}
	return parseUint(p.raw(i), 64)
}

// hash parses argument i as a 64-digit hex hash (Core's ParseHashV).
func (p *callArgs) hash(i int, name string) (wire.Hash, *Error) {
	s, err := parseString(p.raw(i))
	if err != nil {
		return wire.Hash{}, err
	}
	return parseHash(s, name)
}

// parseHash is ParseHashV on a string.
func parseHash(s, name string) (wire.Hash, *Error) {
	if len(s) != 2*wire.HashSize {
		return wire.Hash{}, invalidParameter("%s must be of length %d (not %d, for '%s')", name, 2*wire.HashSize, len(s), s)
	}
	h, err := wire.NewHashFromStr(s)
	if err != nil || !isHex(s) {
		return wire.Hash{}, invalidParameter("%s must be hexadecimal string (not '%s')", name, s)
	}
	return h, nil
}

// hexBytes parses argument i as hex (Core's ParseHexV): an empty or
// odd-length string is not hex.
func (p *callArgs) hexBytes(i int, name string) ([]byte, *Error) {
	s, _ := parseString(p.raw(i))
	if !isHex(s) {
		return nil, invalidParameter("%s must be hexadecimal string (not '%s')", name, s)
	}
	b, _ := hex.DecodeString(s)
	return b, nil
}

// isHex is Core's IsHex: non-empty, even length, hex digits only.
func isHex(s string) bool {
	if len(s) == 0 || len(s)%2 != 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// verbosity is Core's ParseVerbosity: a number, or a boolean where
// allowed (false 0, true 1).
func (p *callArgs) verbosity(i int, def int, allowBool bool) (int, *Error) {
	raw := p.raw(i)
	switch jsonType(raw) {
	case "null":
		return def, nil
	case "bool":
		if !allowBool {
			return 0, errorf(ErrType, "Verbosity was boolean but only integer allowed")
		}
		b, _ := parseBool(raw)
		if b {
			return 1, nil
		}
		return 0, nil
	}
	v, err := parseInt(raw, 32)
	return int(v), err
}

// maxMoney is Core's MAX_MONEY in satoshis.
const maxMoney = 21_000_000 * 100_000_000

// amount parses argument i as a BTC amount (Core's AmountFromValue), def
// when absent.
func (p *callArgs) amount(i int, def int64) (int64, *Error) {
	raw := p.raw(i)
	switch jsonType(raw) {
	case "null":
		return def, nil
	case "number":
		return amountFromString(numberText(raw))
	case "string":
		s, _ := parseString(raw)
		return amountFromString(s)
	}
	return 0, errorf(ErrType, "Amount is not a number or string")
}

func amountFromString(s string) (int64, *Error) {
	v, ok := parseFixedPoint(s, 8)
	if !ok {
		return 0, errorf(ErrType, "Invalid amount")
	}
	if v < 0 || v > maxMoney {
		return 0, errorf(ErrType, "Amount out of range")
	}
	return v, nil
}

// feeRate parses argument i as a fee rate in BTC/kvB (Core's
// ParseFeeRate), returned in sat/kvB.
func (p *callArgs) feeRate(i int, def int64) (int64, *Error) {
	v, err := p.amount(i, def)
	if err != nil {
		return 0, err
	}
	if v >= 100_000_000 {
		return 0, invalidParameter("Fee rates larger than or equal to 1BTC/kvB are not accepted")
	}
	return v, nil
}

// fixedPointUpper is Core's UPPER_BOUND, 10^18 - 1.
const fixedPointUpper = 1_000_000_000_000_000_000 - 1

// parseFixedPoint is Core's ParseFixedPoint: a decimal number with
// optional sign, fraction and exponent, scaled by 10^decimals, exactly and
// within ±(10^18 - 1).
func parseFixedPoint(val string, decimals int) (int64, bool) {
	var mantissa, exponent int64
	tzeros, i, pointOfs := 0, 0, 0
	neg, expNeg := false, false
	isDigit := func(i int) bool { return i < len(val) && '0' <= val[i] && val[i] <= '9' }
	digit := func(c byte) bool {
		if c == '0' {
			tzeros++
			return true
		}
		for range tzeros + 1 {
			if mantissa > fixedPointUpper/10 {
				return false
			}
			mantissa *= 10
		}
		mantissa += int64(c - '0')
		tzeros = 0
		return true
	}
	if i < len(val) && val[i] == '-' {
		neg = true
		i++
	}
	switch {
	case i < len(val) && val[i] == '0':
		i++
	case i < len(val) && '1' <= val[i] && val[i] <= '9':
		for ; isDigit(i); i++ {
			if !digit(val[i]) {
				return 0, false
			}
		}
	default:
		return 0, false
	}
	if i < len(val) && val[i] == '.' {
		i++
		if !isDigit(i) {
			return 0, false
		}
		for ; isDigit(i); i++ {
			if !digit(val[i]) {
				return 0, false
			}
			pointOfs++
		}
	}
	if i < len(val) && (val[i] == 'e' || val[i] == 'E') {
		i++
		if i < len(val) && val[i] == '+' {
			i++
		} else if i < len(val) && val[i] == '-' {
			expNeg = true
			i++
		}
		if !isDigit(i) {
			return 0, false
		}
		for ; isDigit(i); i++ {
			if exponent > fixedPointUpper/10 {
				return 0, false
			}
			exponent = exponent*10 + int64(val[i]-'0')
		}
	}
	if i != len(val) {
		return 0, false
	}
	return scaleFixedPoint(mantissa, exponent, neg, expNeg, tzeros, pointOfs, decimals)
}

func scaleFixedPoint(mantissa, exponent int64, neg, expNeg bool, tzeros, pointOfs, decimals int) (int64, bool) {
	if expNeg {
		exponent = -exponent
	}
	exponent = exponent - int64(pointOfs) + int64(tzeros) + int64(decimals)
	if neg {
		mantissa = -mantissa
	}
	if exponent < 0 || exponent >= 18 {
		return 0, false
	}
	for range exponent {
		if mantissa > fixedPointUpper/10 || mantissa < -(fixedPointUpper/10) {
			return 0, false
		}
		mantissa *= 10
	}
	if mantissa > fixedPointUpper || mantissa < -fixedPointUpper {
		return 0, false
	}
	return mantissa, true
}
