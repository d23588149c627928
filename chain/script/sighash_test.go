package script

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"

	"github.com/bitnode/bitnode/wire"
)

// TestLegacySigHashVectors runs every vector of Bitcoin Core's sighash.json:
// [raw tx, script, input index, hash type, expected hash (display order)].
func TestLegacySigHashVectors(t *testing.T) {
	data, err := os.ReadFile("../../testdata/bitcoin-core/sighash.json")
	if err != nil {
		t.Fatal(err)
	}
	var vectors [][]any
	if err := json.Unmarshal(data, &vectors); err != nil {
		t.Fatal(err)
	}
	ran := 0
	for i, v := range vectors {
		if len(v) == 1 {
			continue // comment
		}
		rawTx, _ := hex.DecodeString(v[0].(string))
		script, _ := hex.DecodeString(v[1].(string))
		idx := int(v[2].(float64))
		hashType := int32(v[3].(float64))
		tx, err := wire.DecodeTx(rawTx)
		if err != nil {
			t.Fatalf("vector %d: %v", i, err)
		}
		got := LegacySigHash(tx, idx, script, hashType)
		if got.String() != v[4].(string) {
			t.Errorf("vector %d: got %s, want %s", i, got, v[4])
		}
		ran++
	}
	t.Logf("%d legacy sighash vectors", ran)
	if ran != 500 {
		t.Errorf("ran %d vectors, want 500", ran)
	}
}
