package script

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"

	"github.com/bitnode/bitnode/chain/address"
	"github.com/bitnode/bitnode/chain/params"
)

// tapTree is BIP341's vector form of a script tree: a leaf object or a
// two-element array of subtrees.
type tapTree struct {
	leaf     *tapLeafJSON
	children []tapTree
}

type tapLeafJSON struct {
	ID          int    `json:"id"`
	Script      string `json:"script"`
	LeafVersion byte   `json:"leafVersion"`
}

func (t *tapTree) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '[' {
		return json.Unmarshal(b, &t.children)
	}
	t.leaf = new(tapLeafJSON)
	return json.Unmarshal(b, t.leaf)
}

// root returns the tree's merkle root and the leaf hashes by id.
func (t *tapTree) root(tb testing.TB, leaves map[int][32]byte) [32]byte {
	if t.leaf != nil {
		h := TapLeafHash(t.leaf.LeafVersion, mustDecodeHex(tb.(*testing.T), t.leaf.Script))
		leaves[t.leaf.ID] = h
		return h
	}
	left, right := t.children[0].root(tb, leaves), t.children[1].root(tb, leaves)
	return TapBranchHash(left[:], right[:])
}

// TestBIP341ScriptPubKeyVectors builds each vector's script tree, checks
// leaf hashes, merkle root, tweak, output key, scriptPubKey and address,
// and verifies every expected control block against the output key.
func TestBIP341ScriptPubKeyVectors(t *testing.T) {
	data, err := os.ReadFile("../../testdata/bitcoin-core/bip341_wallet_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		ScriptPubKey []struct {
			Given struct {
				InternalPubkey string   `json:"internalPubkey"`
				ScriptTree     *tapTree `json:"scriptTree"`
			} `json:"given"`
			Intermediary struct {
				LeafHashes    []string `json:"leafHashes"`
				MerkleRoot    *string  `json:"merkleRoot"`
				Tweak         string   `json:"tweak"`
				TweakedPubkey string   `json:"tweakedPubkey"`
			} `json:"intermediary"`
			Expected struct {
				ScriptPubKey  string   `json:"scriptPubKey"`
				Address       string   `json:"bip350Address"`
				ControlBlocks []string `json:"scriptPathControlBlocks"`
			} `json:"expected"`
		} `json:"scriptPubKey"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	controls := 0
	for n, tc := range v.ScriptPubKey {
		var internal, output [32]byte
		copy(internal[:], mustDecodeHex(t, tc.Given.InternalPubkey))
		copy(output[:], mustDecodeHex(t, tc.Intermediary.TweakedPubkey))
		tweakData := [][]byte{internal[:]}
		leaves := map[int][32]byte{}
		if tc.Given.ScriptTree != nil {
			root := tc.Given.ScriptTree.root(t, leaves)
			if tc.Intermediary.MerkleRoot == nil || hex.EncodeToString(root[:]) != *tc.Intermediary.MerkleRoot {
				t.Errorf("vector %d: merkle root %x, want %v", n, root, tc.Intermediary.MerkleRoot)
			}
			tweakData = append(tweakData, root[:])
		}
		for i, want := range tc.Intermediary.LeafHashes {
			if got := leaves[i]; hex.EncodeToString(got[:]) != want {
				t.Errorf("vector %d: leaf %d hash %x, want %s", n, i, got, want)
			}
		}
		tweak := TaggedHash(TagTapTweak, tweakData...)
		if hex.EncodeToString(tweak[:]) != tc.Intermediary.Tweak {
			t.Errorf("vector %d: tweak %x, want %s", n, tweak, tc.Intermediary.Tweak)
		}
		spk := PayToWitness(1, output[:])
		if hex.EncodeToString(spk) != tc.Expected.ScriptPubKey {
			t.Errorf("vector %d: scriptPubKey %x, want %s", n, spk, tc.Expected.ScriptPubKey)
		}
		if a, err := address.FromScriptPubKey(spk, params.MainNet); err != nil || a.String() != tc.Expected.Address {
			t.Errorf("vector %d: address %v (%v), want %s", n, a, err, tc.Expected.Address)
		}
		for _, be := range backends() {
			if !be.CheckTapTweak(&internal, &output, false, &tweak) && !be.CheckTapTweak(&internal, &output, true, &tweak) {
				t.Errorf("%s: vector %d: output key is not internal key + tweak", be.Name(), n)
			}
			for i, cbHex := range tc.Expected.ControlBlocks {
				cb := mustDecodeHex(t, cbHex)
				leaf := leaves[i]
				if !verifyTaprootCommitment(cb, output[:], &leaf, be) {
					t.Errorf("%s: vector %d: control block %d does not verify", be.Name(), n, i)
				}
				controls++
			}
		}
	}
	t.Logf("%d scriptPubKey vectors, %d control-block checks", len(v.ScriptPubKey), controls)
	if len(v.ScriptPubKey) != 7 {
		t.Errorf("ran %d vectors, want 7", len(v.ScriptPubKey))
	}
}
