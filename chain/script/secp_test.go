package script

import (
	"encoding/csv"
	"encoding/hex"
	"os"
	"testing"
)

// backends lists every signature backend this build has; each must pass
// every vector.
func backends() []SignatureBackend { return append([]SignatureBackend{Btcec{}}, extraBackends...) }

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
