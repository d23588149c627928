package script

import "github.com/btcsuite/btcd/btcec/v2"

// checkSignatureEncoding applies the policy and BIP66 rules on an ECDSA
// signature's encoding (Core's CheckSignatureEncoding). An empty signature
// always passes: it is the compact way to provide a failing one.
func checkSignatureEncoding(sig []byte, flags Flags) error {
	if len(sig) == 0 {
		return nil
	}
	if flags&(VerifyDERSignatures|VerifyLowS|VerifyStrictEncoding) != 0 && !IsValidSignatureEncoding(sig) {
		return newError(ErrSigDER, -1, "signature is not strict DER")
	}
	if flags&VerifyLowS != 0 && !isLowS(sig) {
		return newError(ErrSigHighS, -1, "signature S is above half the curve order")
	}
	if flags&VerifyStrictEncoding != 0 && !isDefinedHashType(sig[len(sig)-1]) {
		return newError(ErrSigHashType, -1, "undefined hash type 0x%02x", sig[len(sig)-1])
	}
	return nil
}

// isLowS reports whether a strictly DER-encoded signature's S is at most
// half the order (BIP146 LOW_S). sig includes its hash-type byte.
func isLowS(sig []byte) bool {
	lenR := int(sig[3])
	lenS := int(sig[5+lenR])
	sBytes := sig[6+lenR : 6+lenR+lenS]
	for len(sBytes) > 0 && sBytes[0] == 0 {
		sBytes = sBytes[1:]
	}
	if len(sBytes) > 32 {
		return false
	}
	var s btcec.ModNScalar
	if s.SetByteSlice(sBytes) {
		return false // S ≥ n is certainly not low
	}
	return !s.IsOverHalfOrder()
}

func isDefinedHashType(b byte) bool {
	base := SigHashType(b) &^ SigHashAnyOneCanPay
	return base >= SigHashAll && base <= SigHashSingle
}

// isCompressedOrUncompressedPubKey is STRICTENC's key format rule: 33 bytes
// starting 02/03 or 65 bytes starting 04 (hybrid keys are excluded).
func isCompressedOrUncompressedPubKey(k []byte) bool {
	switch {
	case len(k) == 33 && (k[0] == 0x02 || k[0] == 0x03):
		return true
	case len(k) == 65 && k[0] == 0x04:
		return true
	}
	return false
}

func isCompressedPubKey(k []byte) bool {
	return len(k) == 33 && (k[0] == 0x02 || k[0] == 0x03)
}

// checkPubKeyEncoding applies the policy rules on a public key's format.
func checkPubKeyEncoding(pubKey []byte, flags Flags, sv SigVersion) error {
	if flags&VerifyStrictEncoding != 0 && !isCompressedOrUncompressedPubKey(pubKey) {
		return newError(ErrPubKeyType, -1, "public key is neither compressed nor uncompressed")
	}
	if flags&VerifyWitnessPubKeyType != 0 && sv == SigVersionWitnessV0 && !isCompressedPubKey(pubKey) {
		return newError(ErrWitnessPubKeyType, -1, "segwit v0 public key is not compressed")
	}
	return nil
}

// validPubKeyLength is Core's CPubKey::IsValid: the length the header byte
// promises (33 for 02/03, 65 for 04/06/07).
func validPubKeyLength(k []byte) bool {
	if len(k) == 0 {
		return false
	}
	switch k[0] {
	case 0x02, 0x03:
		return len(k) == 33
	case 0x04, 0x06, 0x07:
		return len(k) == 65
	}
	return false
}
