package txjson

import (
	"errors"
	"strings"
)

// The BIP380 descriptor checksum: a BCH code over the descriptor's
// characters, 8 characters long, appended after '#'.

// descInputCharset lists the characters a descriptor may contain, in three
// groups of 32; a character's position gives its symbol (position mod 32)
// and its group (position / 32).
const descInputCharset = "0123456789()[],'/*abcdefgh@:$%{}" +
	"IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~" +
	"ijklmnopqrstuvwxyzABCDEFGH`#\"\\ "

// descChecksumCharset is the bech32 alphabet the checksum is written in.
const descChecksumCharset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

// Descriptor checksum errors.
var (
	// ErrDescriptorCharset: a character outside BIP380's descriptor
	// character set.
	ErrDescriptorCharset = errors.New("descriptor has a character outside the descriptor character set")
	// ErrDescriptorChecksum: the checksum is missing, malformed or wrong.
	ErrDescriptorChecksum = errors.New("descriptor checksum mismatch")
)

// descPolymod feeds one 5-bit symbol into the checksum state.
func descPolymod(c uint64, val int) uint64 {
	c0 := c >> 35
	c = (c&0x7ffffffff)<<5 ^ uint64(val)
	generators := [5]uint64{0xf5dee51989, 0xa9fdca3312, 0x1bab10e32d, 0x3706b1677a, 0x644d626ffd}
	for i, g := range generators {
		if c0>>i&1 != 0 {
			c ^= g
		}
	}
	return c
}

// DescriptorChecksum returns the 8-character BIP380 checksum of desc (which
// must not already carry one).
func DescriptorChecksum(desc string) (string, error) {
	c := uint64(1)
	cls, clsCount := 0, 0
	for i := 0; i < len(desc); i++ {
		pos := strings.IndexByte(descInputCharset, desc[i])
		if pos < 0 || desc[i] >= 0x80 {
			return "", ErrDescriptorCharset
		}
		c = descPolymod(c, pos&31)
		cls = cls*3 + pos>>5
		if clsCount++; clsCount == 3 {
			c = descPolymod(c, cls)
			cls, clsCount = 0, 0
		}
	}
	if clsCount > 0 {
		c = descPolymod(c, cls)
	}
	for range 8 {
		c = descPolymod(c, 0)
	}
	c ^= 1
	var sum [8]byte
	for j := range sum {
		sum[j] = descChecksumCharset[c>>(5*(7-j))&31]
	}
	return string(sum[:]), nil
}

// AddChecksum returns desc followed by '#' and its checksum. Descriptors
// built by this package only use the descriptor character set; for any
// other input desc is returned unchanged.
func AddChecksum(desc string) string {
	sum, err := DescriptorChecksum(desc)
	if err != nil {
		return desc
	}
	return desc + "#" + sum
}

// VerifyChecksum checks a descriptor that ends in "#checksum". With
// requireChecksum false a descriptor without '#' is accepted too, as
// BIP380 allows.
func VerifyChecksum(desc string, requireChecksum bool) error {
	body, sum, found := strings.Cut(desc, "#")
	if _, err := DescriptorChecksum(body); err != nil {
		return err
	}
	if !found {
		if requireChecksum {
			return ErrDescriptorChecksum
		}
		return nil
	}
	want, _ := DescriptorChecksum(body)
	if sum != want {
		return ErrDescriptorChecksum
	}
	return nil
}
