package script

import (
	"crypto/sha256"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcec/v2/ecdsa"
)

// SignatureBackend verifies secp256k1 signatures. The interpreter parses
// encodings itself (lax DER, hash types, key formats) and hands a backend
// only the fixed-size values, so two backends cannot disagree on parsing:
// each must agree exactly with libsecp256k1 on the arithmetic.
type SignatureBackend interface {
	// Name identifies the backend in logs and benchmarks.
	Name() string
	// VerifyECDSA reports whether sig, r||s with s already normalised to
	// the lower half of the order, signs hash under pubKey (a 33-byte
	// compressed, 65-byte uncompressed or hybrid encoding).
	VerifyECDSA(pubKey []byte, sig *[64]byte, hash *[32]byte) bool
	// VerifySchnorr reports whether sig is a valid BIP340 signature of msg
	// (any length) under the x-only public key.
	VerifySchnorr(pubKey *[32]byte, sig *[64]byte, msg []byte) bool
	// CheckTapTweak reports whether output (with y parity oddY) equals
	// internal + tweak·G, where internal is lifted to the even-y point
	// (BIP341's taproot commitment check).
	CheckTapTweak(internal, output *[32]byte, oddY bool, tweak *[32]byte) bool
}

// Btcec is the pure-Go backend on github.com/btcsuite/btcd/btcec/v2, the
// default build's.
type Btcec struct{}

// Name implements SignatureBackend.
func (Btcec) Name() string { return "btcec" }

// VerifyECDSA implements SignatureBackend.
func (Btcec) VerifyECDSA(pubKey []byte, sig *[64]byte, hash *[32]byte) bool {
	key, err := btcec.ParsePubKey(pubKey)
	if err != nil {
		return false
	}
	var r, s btcec.ModNScalar
	if r.SetByteSlice(sig[:32]) || s.SetByteSlice(sig[32:]) || r.IsZero() || s.IsZero() {
		return false
	}
	return ecdsa.NewSignature(&r, &s).Verify(hash[:], key)
}

// liftX returns the point with x coordinate x and even y (BIP340's lift_x).
func liftX(x *[32]byte) (btcec.JacobianPoint, bool) {
	var fx, fy btcec.FieldVal
	if fx.SetByteSlice(x[:]) {
		return btcec.JacobianPoint{}, false // x ≥ field size
	}
	if !btcec.DecompressY(&fx, false, &fy) {
		return btcec.JacobianPoint{}, false
	}
	var one btcec.FieldVal
	one.SetInt(1)
	return btcec.MakeJacobianPoint(&fx, &fy, &one), true
}

// VerifySchnorr implements SignatureBackend following BIP340's Verify
// directly, since btcec's own verifier accepts only 32-byte messages.
func (Btcec) VerifySchnorr(pubKey *[32]byte, sig *[64]byte, msg []byte) bool {
	p, ok := liftX(pubKey)
	if !ok {
		return false
	}
	var r btcec.FieldVal
	var s btcec.ModNScalar
	if r.SetByteSlice(sig[:32]) || s.SetByteSlice(sig[32:]) {
		return false // r ≥ p or s ≥ n
	}
	challenge := TaggedHash(TagBIP340Challenge, sig[:32], pubKey[:], msg)
	var e btcec.ModNScalar
	e.SetBytes(&challenge) // reduced mod n, as BIP340 specifies
	e.Negate()
	// R = s·G − e·P
	var sG, eP, rp btcec.JacobianPoint
	btcec.ScalarBaseMultNonConst(&s, &sG)
	btcec.ScalarMultNonConst(&e, &p, &eP)
	btcec.AddNonConst(&sG, &eP, &rp)
	if (rp.X.IsZero() && rp.Y.IsZero()) || rp.Z.IsZero() {
		return false // point at infinity
	}
	rp.ToAffine()
	return !rp.Y.IsOdd() && rp.X.Equals(&r)
}

// CheckTapTweak implements SignatureBackend.
func (Btcec) CheckTapTweak(internal, output *[32]byte, oddY bool, tweak *[32]byte) bool {
	p, ok := liftX(internal)
	if !ok {
		return false
	}
	var t btcec.ModNScalar
	if t.SetBytes(tweak) != 0 {
		return false // tweak ≥ n
	}
	var tG, q btcec.JacobianPoint
	btcec.ScalarBaseMultNonConst(&t, &tG)
	btcec.AddNonConst(&p, &tG, &q)
	if (q.X.IsZero() && q.Y.IsZero()) || q.Z.IsZero() {
		return false
	}
	q.ToAffine()
	var qx [32]byte
	q.X.PutBytes(&qx)
	return qx == *output && q.Y.IsOdd() == oddY
}

// Tags of BIP340/341/342 tagged hashes.
const (
	TagBIP340Challenge = "BIP0340/challenge"
	TagTapLeaf         = "TapLeaf"
	TagTapBranch       = "TapBranch"
	TagTapTweak        = "TapTweak"
	TagTapSighash      = "TapSighash"
)

// TaggedHash is BIP340's SHA256(SHA256(tag) || SHA256(tag) || data...).
func TaggedHash(tag string, data ...[]byte) [32]byte {
	tagHash := sha256.Sum256([]byte(tag))
	h := sha256.New()
	h.Write(tagHash[:])
	h.Write(tagHash[:])
	for _, d := range data {
		h.Write(d)
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// ParseDERLax parses an ECDSA signature the way Bitcoin Core's
// ecdsa_signature_parse_der_lax does, accepting the non-strict encodings
// found in early mainnet blocks (long-form lengths, excess padding, any
// sequence length). It returns r||s; a component wider than 32 bytes yields
// the all-zero signature, which no key verifies, exactly as Core does.
// ok is false only when the structure cannot be walked at all.
func ParseDERLax(der []byte) (sig [64]byte, ok bool) {
	pos := 0
	if pos == len(der) || der[pos] != 0x30 {
		return sig, false
	}
	pos++
	if pos == len(der) {
		return sig, false
	}
	if n := der[pos]; n&0x80 != 0 {
		pos++
		skip := int(n - 0x80)
		if skip > len(der)-pos {
			return sig, false
		}
		pos += skip
	} else {
		pos++
	}
	rPos, rLen, pos, ok := laxInteger(der, pos)
	if !ok {
		return sig, false
	}
	sPos, sLen, _, ok := laxInteger(der, pos)
	if !ok {
		return sig, false
	}
	overflow := !placeScalar(sig[:32], der[rPos:rPos+rLen]) || !placeScalar(sig[32:], der[sPos:sPos+sLen])
	if !overflow {
		var r, s btcec.ModNScalar
		overflow = r.SetByteSlice(sig[:32]) || s.SetByteSlice(sig[32:])
	}
	if overflow {
		return [64]byte{}, true
	}
	return sig, true
}

// laxInteger walks one DER INTEGER (tag 0x02) at pos, returning where its
// content starts, its length and the position after it.
func laxInteger(der []byte, pos int) (start, length, next int, ok bool) {
	if pos == len(der) || der[pos] != 0x02 {
		return 0, 0, 0, false
	}
	pos++
	if pos == len(der) {
		return 0, 0, 0, false
	}
	n := int(der[pos])
	pos++
	if n&0x80 != 0 {
		n -= 0x80
		if n > len(der)-pos {
			return 0, 0, 0, false
		}
		for n > 0 && der[pos] == 0 {
			pos++
			n--
		}
		if n >= 8 { // Core: lenbyte >= sizeof(size_t)
			return 0, 0, 0, false
		}
		length = 0
		for ; n > 0; n-- {
			length = length<<8 | int(der[pos])
			pos++
		}
	} else {
		length = n
	}
	if length > len(der)-pos {
		return 0, 0, 0, false
	}
	return pos, length, pos + length, true
}

// placeScalar right-aligns an integer's big-endian bytes, less leading
// zeros, into a 32-byte slot; false if it is wider than 32 bytes.
func placeScalar(dst, b []byte) bool {
	for len(b) > 0 && b[0] == 0 {
		b = b[1:]
	}
	if len(b) > 32 {
		return false
	}
	copy(dst[32-len(b):], b)
	return true
}

// normalizeS replaces s by n − s when s is in the upper half of the order,
// as libsecp256k1's signature_normalize does before verifying: consensus
// accepts high-S signatures; only policy (LOW_S) rejects them.
func normalizeS(sig *[64]byte) {
	var s btcec.ModNScalar
	s.SetByteSlice(sig[32:])
	if s.IsOverHalfOrder() {
		s.Negate()
		b := s.Bytes()
		copy(sig[32:], b[:])
	}
}
