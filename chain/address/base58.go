package address

import (
	"bytes"
	"crypto/sha256"
)

// base58Alphabet is Bitcoin's Base58 alphabet: digits and letters without
// 0, O, I and l.
const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// MaxBase58Length is the longest string Base58Decode and Base58CheckDecode
// accept. Base58 decoding is quadratic in the input length; every Bitcoin
// string (addresses, WIF keys, BIP32 extended keys) is far shorter, so
// untrusted input above this bound is rejected before any arithmetic.
const MaxBase58Length = 1000

// base58ChecksumLen is the length of the Base58Check checksum.
const base58ChecksumLen = 4

// base58Digits maps an ASCII byte to its Base58 value, or -1.
var base58Digits = func() [256]int8 {
	var t [256]int8
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(base58Alphabet); i++ {
		t[base58Alphabet[i]] = int8(i)
	}
	return t
}()

// Base58Encode encodes b in Base58; each leading zero byte becomes a
// leading '1'. The cost is quadratic in len(b): do not feed it untrusted
// input of unbounded size.
func Base58Encode(b []byte) string {
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	// log(256)/log(58) < 1.37: enough room for the base-58 digits.
	digits := make([]byte, (len(b)-zeros)*137/100+1)
	used := 0 // number of low-order digits in use, counted from the end
	for _, v := range b[zeros:] {
		carry := uint32(v)
		i := 0
		for j := len(digits) - 1; (carry != 0 || i < used) && j >= 0; j-- {
			carry += uint32(digits[j]) << 8
			digits[j] = byte(carry % 58)
			carry /= 58
			i++
		}
		used = i
	}
	start := len(digits) - used
	for start < len(digits) && digits[start] == 0 {
		start++
	}
	out := make([]byte, zeros+len(digits)-start)
	for i := 0; i < zeros; i++ {
		out[i] = '1'
	}
	for i, d := range digits[start:] {
		out[zeros+i] = base58Alphabet[d]
	}
	return string(out)
}

// Base58Decode decodes a Base58 string; each leading '1' becomes a leading
// zero byte. The empty string decodes to an empty slice. Strings longer
// than MaxBase58Length are rejected with ErrInvalidLength; characters
// outside the alphabet (including whitespace) with ErrInvalidCharacter.
func Base58Decode(s string) ([]byte, error) {
	if len(s) > MaxBase58Length {
		return nil, newError(ErrInvalidLength,
			"base58 string is %d characters, maximum is %d", len(s), MaxBase58Length).
			withCore(coreInvalidEncoding)
	}
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	// log(58)/log(256) < 0.733: enough room for the bytes.
	buf := make([]byte, (len(s)-zeros)*733/1000+1)
	used := 0
	for pos := zeros; pos < len(s); pos++ {
		d := base58Digits[s[pos]]
		if d < 0 {
			return nil, newError(ErrInvalidCharacter,
				"invalid base58 character %s at position %d", charDesc(s[pos]), pos).
				withCore(coreInvalidEncoding)
		}
		carry := uint32(d)
		i := 0
		for j := len(buf) - 1; (carry != 0 || i < used) && j >= 0; j-- {
			carry += uint32(buf[j]) * 58
			buf[j] = byte(carry)
			carry >>= 8
			i++
		}
		used = i
	}
	start := len(buf) - used
	for start < len(buf) && buf[start] == 0 {
		start++
	}
	out := make([]byte, zeros+len(buf)-start)
	copy(out[zeros:], buf[start:])
	return out, nil
}

// checksum4 returns the first four bytes of SHA256(SHA256(b)).
func checksum4(b []byte) [base58ChecksumLen]byte {
	first := sha256.Sum256(b)
	second := sha256.Sum256(first[:])
	var c [base58ChecksumLen]byte
	copy(c[:], second[:base58ChecksumLen])
	return c
}

// Base58CheckEncode appends the 4-byte double-SHA256 checksum to data
// (version byte(s) included) and Base58-encodes the result.
func Base58CheckEncode(data []byte) string {
	c := checksum4(data)
	buf := make([]byte, 0, len(data)+base58ChecksumLen)
	buf = append(buf, data...)
	buf = append(buf, c[:]...)
	return Base58Encode(buf)
}

// Base58CheckDecode decodes a Base58Check string and verifies its checksum.
// It returns the data before the checksum (version byte(s) included).
func Base58CheckDecode(s string) ([]byte, error) {
	raw, err := Base58Decode(s)
	if err != nil {
		return nil, err
	}
	if len(raw) < base58ChecksumLen {
		return nil, newError(ErrInvalidLength,
			"base58check data is %d bytes, shorter than its %d-byte checksum",
			len(raw), base58ChecksumLen).withCore(coreBase58Checksum)
	}
	n := len(raw) - base58ChecksumLen
	want := checksum4(raw[:n])
	if !bytes.Equal(want[:], raw[n:]) {
		return nil, newError(ErrInvalidChecksum,
			"invalid base58check checksum: computed %x, string has %x", want[:], raw[n:]).
			withCore(coreBase58Checksum)
	}
	return raw[:n:n], nil
}
