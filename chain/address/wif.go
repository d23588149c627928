package address

import (
	"bytes"

	"github.com/bitnode/bitnode/chain/params"
)

// PrivateKeyLen is the length of a secp256k1 private key.
const PrivateKeyLen = 32

// wifCompressedFlag marks a WIF key whose public key is compressed.
const wifCompressedFlag = 0x01

// secp256k1Order is the order n of the secp256k1 group, big-endian. A
// valid private key is in [1, n-1].
var secp256k1Order = [PrivateKeyLen]byte{
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
	0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b,
	0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
}

// WIF is a private key in Wallet Import Format: Base58Check of the
// network's private key version byte, the 32-byte key and, for keys whose
// public key is serialized compressed, a 0x01 suffix.
type WIF struct {
	// PrivKey is the big-endian secp256k1 scalar.
	PrivKey [PrivateKeyLen]byte
	// Compressed selects the compressed public key (and the 0x01 suffix).
	Compressed bool
	// Version is the network's PrivateKeyID.
	Version byte
}

// NewWIF wraps a 32-byte private key for network p. The key must be in
// the valid secp256k1 range [1, n-1].
func NewWIF(privKey []byte, compressed bool, p *params.Params) (*WIF, error) {
	if p == nil {
		return nil, errNilParams()
	}
	if len(privKey) != PrivateKeyLen {
		return nil, newError(ErrInvalidLength, "private key is %d bytes, want %d", len(privKey), PrivateKeyLen).
			withCore(coreInvalidPrivateKey)
	}
	w := &WIF{Compressed: compressed, Version: p.PrivateKeyID}
	copy(w.PrivKey[:], privKey)
	if err := checkPrivKeyRange(&w.PrivKey); err != nil {
		return nil, err
	}
	return w, nil
}

// DecodeWIF parses a WIF private key for network p. Errors: Base58Check
// failures (ErrInvalidCharacter, ErrInvalidChecksum, ErrInvalidLength), a
// payload that is not 33 or 34 bytes (ErrInvalidLength), another
// network's version byte (ErrWrongNetwork), a 34th byte other than 0x01
// or a key outside [1, n-1] (ErrInvalidPrivateKey). All of them map to
// Core's "Invalid private key encoding" under CoreErrorMessage.
func DecodeWIF(s string, p *params.Params) (*WIF, error) {
	if p == nil {
		return nil, errNilParams()
	}
	data, err := Base58CheckDecode(s)
	if err != nil {
		return nil, asError(err).withCore(coreInvalidPrivateKey)
	}
	defer clear(data)
	if len(data) != 1+PrivateKeyLen && len(data) != 2+PrivateKeyLen {
		return nil, newError(ErrInvalidLength,
			"WIF payload is %d bytes, want %d (uncompressed) or %d (compressed)",
			len(data), 1+PrivateKeyLen, 2+PrivateKeyLen).withCore(coreInvalidPrivateKey)
	}
	if data[0] != p.PrivateKeyID {
		return nil, newError(ErrWrongNetwork,
			"WIF version byte 0x%02x is not the private key version 0x%02x of network %q",
			data[0], p.PrivateKeyID, p.Name).withCore(coreInvalidPrivateKey)
	}
	compressed := len(data) == 2+PrivateKeyLen
	if compressed && data[1+PrivateKeyLen] != wifCompressedFlag {
		return nil, newError(ErrInvalidPrivateKey,
			"WIF compression flag is 0x%02x, want 0x%02x", data[1+PrivateKeyLen], wifCompressedFlag).
			withCore(coreInvalidPrivateKey)
	}
	w := &WIF{Compressed: compressed, Version: data[0]}
	copy(w.PrivKey[:], data[1:1+PrivateKeyLen])
	if err := checkPrivKeyRange(&w.PrivKey); err != nil {
		w.Zero()
		return nil, err
	}
	return w, nil
}

// String returns the WIF encoding.
func (w *WIF) String() string {
	buf := make([]byte, 0, 2+PrivateKeyLen)
	buf = append(buf, w.Version)
	buf = append(buf, w.PrivKey[:]...)
	if w.Compressed {
		buf = append(buf, wifCompressedFlag)
	}
	s := Base58CheckEncode(buf)
	clear(buf)
	return s
}

// IsForNet reports whether the key's version byte is p's PrivateKeyID.
func (w *WIF) IsForNet(p *params.Params) bool {
	return p != nil && p.PrivateKeyID == w.Version
}

// Zero overwrites the private key.
func (w *WIF) Zero() { clear(w.PrivKey[:]) }

// checkPrivKeyRange rejects 0 and values >= the secp256k1 order.
func checkPrivKeyRange(k *[PrivateKeyLen]byte) error {
	var zero [PrivateKeyLen]byte
	if *k == zero {
		return newError(ErrInvalidPrivateKey, "private key is zero").withCore(coreInvalidPrivateKey)
	}
	if bytes.Compare(k[:], secp256k1Order[:]) >= 0 {
		return newError(ErrInvalidPrivateKey, "private key is not below the secp256k1 group order").
			withCore(coreInvalidPrivateKey)
	}
	return nil
}
