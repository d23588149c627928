package script

// Script numbers (CScriptNum): little-endian sign-magnitude integers. Operands
// are limited to 4 bytes (5 for CHECKLOCKTIMEVERIFY and CHECKSEQUENCEVERIFY)
// but results may grow past that, so arithmetic is done in int64.

const (
	defaultNumSize  = 4
	lockTimeNumSize = 5
)

// decodeNum reads a script number of at most maxSize bytes, rejecting
// non-minimal encodings when minimal is set (BIP62 rule 4, MINIMALDATA).
func decodeNum(b []byte, minimal bool, maxSize int) (int64, error) {
	if len(b) > maxSize {
		return 0, newError(ErrScriptNum, -1, "script number overflow: %d bytes, limit %d", len(b), maxSize)
	}
	if minimal && len(b) > 0 && b[len(b)-1]&0x7f == 0 {
		// The last byte only carries the sign; that is allowed only when
		// the byte before needs its top bit for magnitude.
		if len(b) == 1 || b[len(b)-2]&0x80 == 0 {
			return 0, newError(ErrScriptNum, -1, "non-minimally encoded script number %x", b)
		}
	}
	if len(b) == 0 {
		return 0, nil
	}
	var v int64
	for i, c := range b {
		v |= int64(c) << (8 * i)
	}
	if b[len(b)-1]&0x80 != 0 {
		return -(v & ^(int64(0x80) << (8 * (len(b) - 1)))), nil
	}
	return v, nil
}

// encodeNum serializes n minimally.
func encodeNum(n int64) []byte {
	if n == 0 {
		return nil
	}
	neg := n < 0
	abs := uint64(n)
	if neg {
		abs = uint64(-n)
	}
	var out []byte
	for abs > 0 {
		out = append(out, byte(abs))
		abs >>= 8
	}
	// If the top bit is taken by magnitude, add a byte for the sign.
	if out[len(out)-1]&0x80 != 0 {
		if neg {
			out = append(out, 0x80)
		} else {
			out = append(out, 0)
		}
	} else if neg {
		out[len(out)-1] |= 0x80
	}
	return out
}

// asBool is Core's CastToBool: false for any encoding of zero, including
// negative zero.
func asBool(b []byte) bool {
	for i, c := range b {
		if c != 0 {
			return !(i == len(b)-1 && c == 0x80)
		}
	}
	return false
}

func boolBytes(v bool) []byte {
	if v {
		return []byte{1}
	}
	return nil
}

// checkMinimalPush reports whether data was pushed with the smallest
// possible opcode (MINIMALDATA).
func checkMinimalPush(data []byte, op Opcode) bool {
	switch n := len(data); {
	case n == 0:
		return op == Op0
	case n == 1 && data[0] >= 1 && data[0] <= 16:
		return false // OP_1..OP_16
	case n == 1 && data[0] == 0x81:
		return false // OP_1NEGATE
	case n <= 75:
		return int(op) == n
	case n <= 255:
		return op == OpPushData1
	case n <= 65535:
		return op == OpPushData2
	}
	return true
}
