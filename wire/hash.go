package wire

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// HashSize is the size in bytes of a Hash.
const HashSize = 32

// Hash is a 32-byte double-SHA256 digest in internal (little-endian) byte
// order. Bitcoin displays hashes byte-reversed; String and NewHashFromStr do
// the reversal so the internal order never leaks into text.
type Hash [HashSize]byte

// ZeroHash is the all-zero hash: a coinbase's previous outpoint, genesis's
// previous block.
var ZeroHash Hash

// DoubleSHA256 returns SHA256(SHA256(b)).
func DoubleSHA256(b []byte) Hash {
	first := sha256.Sum256(b)
	return Hash(sha256.Sum256(first[:]))
}

// String returns the hash in Bitcoin's display order (byte-reversed hex).
func (h Hash) String() string {
	var r [HashSize]byte
	for i := range HashSize {
		r[i] = h[HashSize-1-i]
	}
	return hex.EncodeToString(r[:])
}

// IsZero reports whether h is the all-zero hash.
func (h Hash) IsZero() bool { return h == ZeroHash }

// NewHashFromStr parses a hash in display order (64 hex digits).
func NewHashFromStr(s string) (Hash, error) {
	var h Hash
	if len(s) != 2*HashSize {
		return h, newError(ErrInvalidValue, "hash string has %d characters, want %d", len(s), 2*HashSize)
	}
	var r [HashSize]byte
	if _, err := hex.Decode(r[:], []byte(s)); err != nil {
		return h, newError(ErrInvalidValue, "hash string: %v", err)
	}
	for i := range HashSize {
		h[i] = r[HashSize-1-i]
	}
	return h, nil
}

// MustHash parses a display-order hash and panics if it is malformed. It is
// meant for constants in parameters and tests only.
func MustHash(s string) Hash {
	h, err := NewHashFromStr(s)
	if err != nil {
		panic(fmt.Sprintf("wire.MustHash(%q): %v", s, err))
	}
	return h
}

// MarshalText encodes the hash in display order, so JSON shows what Bitcoin
// Core shows.
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText parses a display-order hash.
func (h *Hash) UnmarshalText(text []byte) error {
	v, err := NewHashFromStr(string(text))
	if err != nil {
		return err
	}
	*h = v
	return nil
}
