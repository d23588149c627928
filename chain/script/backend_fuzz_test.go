package script

import (
	"crypto/sha256"
	"testing"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcec/v2/ecdsa"
)

// FuzzBackendsAgree feeds every compiled backend the same keys, signatures
// and messages, derived from and mutated by the fuzzer, and requires the
// same answers, on lax-DER parsing, high-S, hybrid keys and garbage alike.
// With only btcec compiled in it still checks the parse-and-verify path
// never panics.
func FuzzBackendsAgree(f *testing.F) {
	priv, _ := btcec.PrivKeyFromBytes([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32})
	hash := sha256.Sum256([]byte("bitnode"))
	der := ecdsa.Sign(priv, hash[:]).Serialize()
	sch := signSchnorr(priv, hash[:])
	xonly := priv.PubKey().SerializeCompressed()[1:]
	f.Add(priv.PubKey().SerializeCompressed(), der, hash[:], byte(0))
	f.Add(priv.PubKey().SerializeUncompressed(), der, hash[:], byte(0))
	f.Add(xonly, sch[:], hash[:], byte(1))
	f.Add(xonly, sch[:], hash[:], byte(2))
	hybrid := priv.PubKey().SerializeUncompressed()
	hybrid[0] = 0x06 | hybrid[64]&1
	f.Add(hybrid, der, hash[:], byte(0))
	f.Add([]byte{}, []byte{0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x02}, []byte{}, byte(0))
	f.Fuzz(func(t *testing.T, key, sig, msg []byte, mode byte) {
		var results []bool
		for _, be := range backends() {
			results = append(results, runBackend(be, key, sig, msg, mode))
		}
		for i := 1; i < len(results); i++ {
			if results[i] != results[0] {
				t.Fatalf("backends disagree (mode %d): %v key %x sig %x msg %x", mode%3, results, key, sig, msg)
			}
		}
	})
}

func runBackend(be SignatureBackend, key, sig, msg []byte, mode byte) bool {
	switch mode % 3 {
	case 0: // ECDSA through the lax-DER path the interpreter uses
		compact, ok := ParseDERLax(sig)
		if !ok {
			return false
		}
		normalizeS(&compact)
		var h [32]byte
		copy(h[:], msg)
		return be.VerifyECDSA(key, &compact, &h)
	case 1: // BIP340, any message length
		var k [32]byte
		var s [64]byte
		copy(k[:], key)
		copy(s[:], sig)
		return be.VerifySchnorr(&k, &s, msg)
	default: // taproot tweak check
		var internal, output, tweak [32]byte
		copy(internal[:], key)
		copy(output[:], sig)
		copy(tweak[:], msg)
		return be.CheckTapTweak(&internal, &output, len(msg)%2 == 1, &tweak)
	}
}
