package script

import (
	"encoding/csv"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/btcsuite/btcd/btcec/v2"
)

// backends lists every signature backend this build has; each must pass
// every vector.
func backends() []SignatureBackend { return AllBackends() }

func TestBIP340Vectors(t *testing.T) {
	f, err := os.Open("../../testdata/bips/bip-0340/test-vectors.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, be := range backends() {
		ran := 0
		for _, row := range rows[1:] {
			pub, _ := hex.DecodeString(row[2])
			msg, _ := hex.DecodeString(row[4])
			sigb, _ := hex.DecodeString(row[5])
			want := row[6] == "TRUE"
			var pk [32]byte
			var sig [64]byte
			if len(pub) != 32 || len(sigb) != 64 {
				t.Fatalf("vector %s: malformed", row[0])
			}
			copy(pk[:], pub)
			copy(sig[:], sigb)
			if got := be.VerifySchnorr(&pk, &sig, msg); got != want {
				t.Errorf("%s: vector %s (%s): verify %v, want %v", be.Name(), row[0], row[7], got, want)
			}
			ran++
		}
		t.Logf("%s: %d BIP340 vectors", be.Name(), ran)
		if ran != 19 {
			t.Errorf("ran %d vectors, want 19", ran)
		}
	}
}

// TestSignSchnorrMatchesBIP340 checks the test signer against the BIP340
// vectors that have a secret key and zero aux_rand, so benchmarks and
// fuzz seeds sign correctly.
func TestSignSchnorrMatchesBIP340(t *testing.T) {
	f, err := os.Open("../../testdata/bips/bip-0340/test-vectors.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := csv.NewReader(f).ReadAll()
	n := 0
	for _, row := range rows[1:] {
		if row[1] == "" || row[3] != strings.Repeat("0", 64) {
			continue
		}
		sk, _ := hex.DecodeString(row[1])
		msg, _ := hex.DecodeString(row[4])
		priv, _ := btcec.PrivKeyFromBytes(sk)
		sig := signSchnorr(priv, msg)
		if !strings.EqualFold(hex.EncodeToString(sig[:]), row[5]) {
			t.Errorf("vector %s: signature %x, want %s", row[0], sig, row[5])
		}
		n++
	}
	if n == 0 {
		t.Fatal("no vectors with zero aux_rand")
	}
}
