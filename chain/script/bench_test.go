package script

import (
	"crypto/sha256"
	"fmt"
	"testing"

	"github.com/bitnode/bitnode/wire"
	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcec/v2/ecdsa"
)

// spendKind is one of the input types the benchmarks sign.
type spendKind int

const (
	spendP2PKH spendKind = iota
	spendP2WPKH
	spendP2TRKeyPath
)

func (k spendKind) String() string { return [...]string{"P2PKH", "P2WPKH", "P2TR-keypath"}[k] }

func hash160(b []byte) []byte {
	s := sha256.Sum256(b)
	var e engine
	e.stack.push(s[:])
	_ = e.hashOp(OpRipemd160)
	return e.stack.pop()
}

// signedSpend builds a one-input transaction spending an output of the given
// kind, signed with a key derived from seed, and returns it with the spent
// output.
func signedSpend(tb testing.TB, kind spendKind, seed byte) (*wire.Tx, []*wire.TxOut) {
	tb.Helper()
	keyBytes := sha256.Sum256([]byte{seed, byte(kind)})
	priv, pub := btcec.PrivKeyFromBytes(keyBytes[:])
	compressed := pub.SerializeCompressed()
	var prevScript []byte
	switch kind {
	case spendP2PKH:
		prevScript = PayToPubKeyHash(hash160(compressed))
	case spendP2WPKH:
		prevScript = PayToWitness(0, hash160(compressed))
	case spendP2TRKeyPath:
		// An untweaked key stands in as the output key: the key path
		// verifies a signature under whatever key the output names.
		prevScript = PayToWitness(1, compressed[1:])
	}
	spent := []*wire.TxOut{{Value: 100_000, PkScript: prevScript}}
	tx := &wire.Tx{Version: 2, TxIn: []*wire.TxIn{{
		PreviousOutPoint: wire.OutPoint{Hash: sha256.Sum256([]byte{seed}), Index: uint32(kind)},
		Sequence:         wire.MaxTxInSequenceNum,
	}}, TxOut: []*wire.TxOut{{Value: 90_000, PkScript: PayToWitness(0, make([]byte, 20))}}}
	hashes := NewTxSigHashes(tx, spent)
	switch kind {
	case spendP2PKH:
		h := LegacySigHash(tx, 0, prevScript, int32(SigHashAll))
		sig := append(ecdsa.Sign(priv, h[:]).Serialize(), byte(SigHashAll))
		tx.TxIn[0].SignatureScript = append(pushOf(sig), pushOf(compressed)...)
	case spendP2WPKH:
		h := WitnessV0SigHash(tx, hashes, 0, PayToPubKeyHash(hash160(compressed)), 100_000, int32(SigHashAll))
		sig := append(ecdsa.Sign(priv, h[:]).Serialize(), byte(SigHashAll))
		tx.TxIn[0].Witness = wire.TxWitness{sig, compressed}
	case spendP2TRKeyPath:
		h, err := TaprootSigHash(tx, hashes, spent, 0, SigHashDefault, nil, nil)
		if err != nil {
			tb.Fatal(err)
		}
		sig := signSchnorr(priv, h[:])
		tx.TxIn[0].Witness = wire.TxWitness{sig[:]}
	}
	return tx, spent
}

func TestSignedSpendsVerify(t *testing.T) {
	cache := NewSigCache(100)
	for kind := spendP2PKH; kind <= spendP2TRKeyPath; kind++ {
		tx, spent := signedSpend(t, kind, 2)
		in := tx.TxIn[0]
		for range 2 {
			c := &TxChecker{Tx: tx, Amount: spent[0].Value, Spent: spent, Cache: cache}
			if err := VerifyScript(in.SignatureScript, spent[0].PkScript, in.Witness, StandardFlags, c); err != nil {
				t.Fatalf("%s with cache: %v", kind, err)
			}
		}
	}
	if cache.Len() != 3 {
		t.Errorf("cache holds %d signatures after verifying 3 twice, want 3", cache.Len())
	}
	for _, be := range backends() {
		for kind := spendP2PKH; kind <= spendP2TRKeyPath; kind++ {
			tx, spent := signedSpend(t, kind, 1)
			c := &TxChecker{Tx: tx, Amount: spent[0].Value, Spent: spent, Backend: be}
			in := tx.TxIn[0]
			if err := VerifyScript(in.SignatureScript, spent[0].PkScript, in.Witness, StandardFlags, c); err != nil {
				t.Errorf("%s %s: %v", be.Name(), kind, err)
			}
		}
	}
}

// BenchmarkVerifyInput verifies one input of each kind through the whole
// interpreter (no signature cache), per backend. Compare with
// BenchmarkRawSignature for the interpreter's overhead.
func BenchmarkVerifyInput(b *testing.B) {
	for _, be := range backends() {
		for kind := spendP2PKH; kind <= spendP2TRKeyPath; kind++ {
			tx, spent := signedSpend(b, kind, 1)
			hashes := NewTxSigHashes(tx, spent)
			in := tx.TxIn[0]
			b.Run(fmt.Sprintf("%s/%s", be.Name(), kind), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					c := &TxChecker{Tx: tx, Amount: spent[0].Value, Hashes: hashes, Spent: spent, Backend: be}
					if err := VerifyScript(in.SignatureScript, spent[0].PkScript, in.Witness, StandardFlags, c); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkRawSignature is the floor: one bare signature verification.
func BenchmarkRawSignature(b *testing.B) {
	keyBytes := sha256.Sum256([]byte("raw"))
	priv, pub := btcec.PrivKeyFromBytes(keyBytes[:])
	msg := sha256.Sum256([]byte("message"))
	der := ecdsa.Sign(priv, msg[:]).Serialize()
	compact, _ := ParseDERLax(der)
	key := pub.SerializeCompressed()
	schnorrSig := signSchnorr(priv, msg[:])
	var xonly [32]byte
	copy(xonly[:], key[1:])
	// signSchnorr signs for the even-y point with this x, which BIP340
	// keys denote.
	for _, be := range backends() {
		b.Run(be.Name()+"/ECDSA", func(b *testing.B) {
			for b.Loop() {
				if !be.VerifyECDSA(key, &compact, &msg) {
					b.Fatal("ecdsa failed")
				}
			}
		})
		b.Run(be.Name()+"/Schnorr", func(b *testing.B) {
			for b.Loop() {
				if !be.VerifySchnorr(&xonly, &schnorrSig, msg[:]) {
					b.Fatal("schnorr failed")
				}
			}
		})
	}
}

// benchBlock builds a block's worth of inputs: n transactions cycling
// through the three kinds.
func benchBlock(b *testing.B, n int) []InputCheck {
	checks := make([]InputCheck, n)
	for i := range checks {
		tx, spent := signedSpend(b, spendKind(i%3), byte(i))
		checks[i] = InputCheck{Tx: tx, Idx: 0, Spent: spent, Hashes: NewTxSigHashes(tx, spent), Flags: MandatoryFlags}
	}
	return checks
}

// BenchmarkVerifyBlock verifies 3,000 inputs (1,000 of each kind) with one
// worker and with GOMAXPROCS workers, per backend.
func BenchmarkVerifyBlock(b *testing.B) {
	checks := benchBlock(b, 3000)
	for _, be := range backends() {
		for _, workers := range []int{1, 0} {
			name := fmt.Sprintf("%s/workers=%d", be.Name(), workers)
			if workers == 0 {
				name = be.Name() + "/workers=all"
			}
			b.Run(name, func(b *testing.B) {
				v := &Verifier{Workers: workers, Backend: be}
				for b.Loop() {
					if err := v.Verify(checks); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(checks))/1000, "µs/input")
			})
		}
	}
}
