package chaingen

import (
	"crypto/sha256"
	"encoding/binary"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcec/v2/ecdsa"
	"golang.org/x/crypto/ripemd160" //nolint:staticcheck // Bitcoin's HASH160 is defined with RIPEMD-160.

	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/wire"
)

// keySet is the generator's one private key and the scripts it controls.
type keySet struct {
	priv   *btcec.PrivateKey
	pub    []byte // compressed
	pkHash []byte // HASH160(pub)

	// tapPriv is the private key of tapKey, the BIP86 output key (the
	// internal key tweaked with no script tree).
	tapPriv btcec.ModNScalar
	tapKey  [32]byte

	p2wpkh, p2pkh, p2pk, p2tr []byte
}

func newKeySet(seed string) *keySet {
	d := sha256.Sum256([]byte(seed))
	priv, pub := btcec.PrivKeyFromBytes(d[:])
	k := &keySet{priv: priv, pub: pub.SerializeCompressed()}
	k.pkHash = hash160(k.pub)
	k.tapPriv, k.tapKey = taprootKeyPathKey(&priv.Key)
	k.p2wpkh = script.PayToWitness(0, k.pkHash)
	k.p2pkh = script.PayToPubKeyHash(k.pkHash)
	k.p2pk = script.PayToPubKey(k.pub)
	k.p2tr = script.PayToWitness(1, k.tapKey[:])
	return k
}

func hash160(b []byte) []byte {
	s := sha256.Sum256(b)
	h := ripemd160.New()
	h.Write(s[:])
	return h.Sum(nil)
}

// xOnly returns the x coordinate of d·G and whether its y is odd.
func xOnly(d *btcec.ModNScalar) ([32]byte, bool) {
	var p btcec.JacobianPoint
	btcec.ScalarBaseMultNonConst(d, &p)
	p.ToAffine()
	var x [32]byte
	p.X.PutBytes(&x)
	return x, p.Y.IsOdd()
}

// taprootKeyPathKey tweaks d as BIP341 does for an output without a
// script tree: the internal key P = d·G taken with even y, the output key
// Q = P + H_TapTweak(x(P))·G. It returns Q's private key and x(Q).
func taprootKeyPathKey(d *btcec.ModNScalar) (btcec.ModNScalar, [32]byte) {
	internal := *d
	px, odd := xOnly(&internal)
	if odd {
		internal.Negate()
	}
	tweak := script.TaggedHash(script.TagTapTweak, px[:])
	var t btcec.ModNScalar
	t.SetBytes(&tweak)
	internal.Add(&t)
	qx, _ := xOnly(&internal)
	return internal, qx
}

// signSchnorr makes a BIP340 signature with the reference algorithm's
// deterministic nonce (aux_rand all zero). btcec's schnorr package is not
// used: it pulls in another btcd module.
func signSchnorr(key btcec.ModNScalar, msg []byte) [64]byte {
	d := key
	px, odd := xOnly(&d)
	if odd {
		d.Negate()
	}
	var aux [32]byte
	auxHash := script.TaggedHash("BIP0340/aux", aux[:])
	db := d.Bytes()
	var t [32]byte
	for i := range t {
		t[i] = db[i] ^ auxHash[i]
	}
	nonce := script.TaggedHash("BIP0340/nonce", t[:], px[:], msg)
	var k btcec.ModNScalar
	k.SetBytes(&nonce)
	rx, rOdd := xOnly(&k)
	if rOdd {
		k.Negate()
	}
	challenge := script.TaggedHash(script.TagBIP340Challenge, rx[:], px[:], msg)
	var e btcec.ModNScalar
	e.SetBytes(&challenge)
	s := e.Mul(&d).Add(&k)
	var sig [64]byte
	copy(sig[:32], rx[:])
	sb := s.Bytes()
	copy(sig[32:], sb[:])
	return sig
}

// signECDSA returns a DER signature of hash with the SIGHASH_ALL byte.
func (k *keySet) signECDSA(hash wire.Hash) []byte {
	return append(ecdsa.Sign(k.priv, hash[:]).Serialize(), byte(script.SigHashAll))
}

// PushData returns the minimal script push of data (Core's CScript <<
// vector): a length byte below 76 bytes, then OP_PUSHDATA1, 2 and 4. An
// empty push is OP_0.
func PushData(data []byte) []byte {
	n := len(data)
	var s []byte
	switch {
	case n == 0:
		return []byte{0}
	case n < 0x4c:
		s = []byte{byte(n)}
	case n <= 0xff:
		s = []byte{0x4c, byte(n)}
	case n <= 0xffff:
		s = binary.LittleEndian.AppendUint16([]byte{0x4d}, uint16(n))
	default:
		s = binary.LittleEndian.AppendUint32([]byte{0x4e}, uint32(n))
	}
	return append(s, data...)
}

// PushNumber returns the script push of a small number as CScript << n
// does: OP_0, OP_1..OP_16, or a minimal little-endian number.
func PushNumber(n int64) []byte {
	switch {
	case n == 0:
		return []byte{0}
	case n >= 1 && n <= 16:
		return []byte{byte(script.Op1) + byte(n-1)}
	case n == -1:
		return []byte{0x4f}
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b []byte
	for n > 0 {
		b = append(b, byte(n))
		n >>= 8
	}
	if b[len(b)-1]&0x80 != 0 {
		b = append(b, 0)
	}
	if neg {
		b[len(b)-1] |= 0x80
	}
	return PushData(b)
}
