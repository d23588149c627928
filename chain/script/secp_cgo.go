//go:build libsecp256k1 && cgo

package script

/*
#cgo LDFLAGS: -lsecp256k1
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

static secp256k1_context *bn_ctx;

static void bn_init(void) {
	bn_ctx = secp256k1_context_create(SECP256K1_CONTEXT_VERIFY);
}

static int bn_verify_ecdsa(const unsigned char *pub, size_t publen,
                           const unsigned char *sig64, const unsigned char *hash32) {
	secp256k1_pubkey pk;
	secp256k1_ecdsa_signature sig;
	if (!secp256k1_ec_pubkey_parse(bn_ctx, &pk, pub, publen)) return 0;
	if (!secp256k1_ecdsa_signature_parse_compact(bn_ctx, &sig, sig64)) return 0;
	secp256k1_ecdsa_signature_normalize(bn_ctx, &sig, &sig);
	return secp256k1_ecdsa_verify(bn_ctx, &sig, hash32, &pk);
}

static int bn_verify_schnorr(const unsigned char *pub32, const unsigned char *sig64,
                             const unsigned char *msg, size_t msglen) {
	secp256k1_xonly_pubkey pk;
	if (!secp256k1_xonly_pubkey_parse(bn_ctx, &pk, pub32)) return 0;
	return secp256k1_schnorrsig_verify(bn_ctx, sig64, msg, msglen, &pk);
}

static int bn_check_tweak(const unsigned char *internal32, const unsigned char *output32,
                          int parity, const unsigned char *tweak32) {
	secp256k1_xonly_pubkey pk;
	if (!secp256k1_xonly_pubkey_parse(bn_ctx, &pk, internal32)) return 0;
	return secp256k1_xonly_pubkey_tweak_add_check(bn_ctx, output32, parity, &pk, tweak32);
}
*/
import "C"

import "unsafe"

func init() {
	C.bn_init()
	extraBackends = append(extraBackends, Libsecp256k1{})
	defaultBackend = Libsecp256k1{}
}

// Libsecp256k1 is the backend on Bitcoin Core's own libsecp256k1 (Debian's
// libsecp256k1-dev), compiled in with the build tag libsecp256k1. It is
// several times faster than btcec and becomes the default when present.
type Libsecp256k1 struct{}

// Name implements SignatureBackend.
func (Libsecp256k1) Name() string { return "libsecp256k1" }

func cbytes(b []byte) *C.uchar { return (*C.uchar)(unsafe.Pointer(&b[0])) }

// VerifyECDSA implements SignatureBackend.
func (Libsecp256k1) VerifyECDSA(pubKey []byte, sig *[64]byte, hash *[32]byte) bool {
	if len(pubKey) == 0 {
		return false
	}
	return C.bn_verify_ecdsa(cbytes(pubKey), C.size_t(len(pubKey)), cbytes(sig[:]), cbytes(hash[:])) == 1
}

// VerifySchnorr implements SignatureBackend.
func (Libsecp256k1) VerifySchnorr(pubKey *[32]byte, sig *[64]byte, msg []byte) bool {
	var msgPtr *C.uchar
	if len(msg) > 0 {
		msgPtr = cbytes(msg)
	}
	return C.bn_verify_schnorr(cbytes(pubKey[:]), cbytes(sig[:]), msgPtr, C.size_t(len(msg))) == 1
}

// CheckTapTweak implements SignatureBackend.
func (Libsecp256k1) CheckTapTweak(internal, output *[32]byte, oddY bool, tweak *[32]byte) bool {
	parity := C.int(0)
	if oddY {
		parity = 1
	}
	return C.bn_check_tweak(cbytes(internal[:]), cbytes(output[:]), parity, cbytes(tweak[:])) == 1
}
