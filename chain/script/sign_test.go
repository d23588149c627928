package script

import (
	"github.com/btcsuite/btcd/btcec/v2"
)

// signSchnorr makes a BIP340 signature with the deterministic nonce of the
// BIP's reference algorithm (aux_rand all zero), for tests and benchmarks.
// btcec's schnorr package is not used: it pulls in another btcd package.
func signSchnorr(priv *btcec.PrivateKey, msg []byte) [64]byte {
	d := priv.Key
	var p btcec.JacobianPoint
	btcec.ScalarBaseMultNonConst(&d, &p)
	p.ToAffine()
	if p.Y.IsOdd() {
		d.Negate()
	}
	var px [32]byte
	p.X.PutBytes(&px)
	var aux [32]byte
	auxHash := TaggedHash("BIP0340/aux", aux[:])
	db := d.Bytes()
	var t [32]byte
	for i := range t {
		t[i] = db[i] ^ auxHash[i]
	}
	nonce := TaggedHash("BIP0340/nonce", t[:], px[:], msg)
	var k btcec.ModNScalar
	k.SetBytes(&nonce)
	var r btcec.JacobianPoint
	btcec.ScalarBaseMultNonConst(&k, &r)
	r.ToAffine()
	if r.Y.IsOdd() {
		k.Negate()
	}
	var rx [32]byte
	r.X.PutBytes(&rx)
	challenge := TaggedHash(TagBIP340Challenge, rx[:], px[:], msg)
	var e btcec.ModNScalar
	e.SetBytes(&challenge)
	s := e.Mul(&d).Add(&k)
	var sig [64]byte
	copy(sig[:32], rx[:])
	sb := s.Bytes()
	copy(sig[32:], sb[:])
	return sig
}
