package script

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"

	"github.com/bitnode/bitnode/wire"
)

func mustDecodeHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBIP143Examples checks every segwit v0 signature hash in BIP143's
// examples against the preimage's double SHA-256 the BIP gives.
func TestBIP143Examples(t *testing.T) {
	data, err := os.ReadFile("../../testdata/bips/bip-0143/bip143_examples.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Examples []struct {
			Section    string   `json:"section"`
			UnsignedTx string   `json:"unsigned_tx"`
			SignedTx   []string `json:"signed_tx"`
			Sighashes  []struct {
				ScriptCode *string `json:"scriptCode"`
				Preimage   string  `json:"preimage"`
				HashType   uint32  `json:"nHashType"`
				SigHash    string  `json:"sigHash"`
			} `json:"sighashes"`
		} `json:"examples"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, ex := range file.Examples {
		rawTx := ex.UnsignedTx
		if rawTx == "" {
			rawTx = ex.SignedTx[0] // witnesses do not enter a v0 sighash
		}
		tx, err := wire.DecodeTx(mustDecodeHex(t, rawTx))
		if err != nil {
			t.Fatalf("%s: %v", ex.Section, err)
		}
		hashes := NewTxSigHashes(tx, nil)
		for _, sh := range ex.Sighashes {
			// The preimage names the input (outpoint at bytes 68..104),
			// the scriptCode and the amount; read them from it so the
			// test does not rely on prose in the BIP.
			pre := mustDecodeHex(t, sh.Preimage)
			idx := -1
			for i, in := range tx.TxIn {
				if string(in.PreviousOutPoint.Hash[:]) == string(pre[68:100]) &&
					in.PreviousOutPoint.Index == uint32(pre[100])|uint32(pre[101])<<8 {
					idx = i
				}
			}
			codeLen, n, err := wire.ReadCompactSize(pre[104:])
			if err != nil {
				t.Fatal(err)
			}
			code := pre[104 : 104+n+int(codeLen)]
			if sh.ScriptCode != nil && hex.EncodeToString(code) != *sh.ScriptCode {
				t.Errorf("%s: preimage scriptCode %x, vector says %s", ex.Section, code, *sh.ScriptCode)
			}
			amountAt := 104 + len(code)
			amount := int64(0)
			for i := 7; i >= 0; i-- {
				amount = amount<<8 | int64(pre[amountAt+i])
			}
			got := WitnessV0SigHash(tx, hashes, idx, code[n:], amount, int32(sh.HashType))
			want := wire.DoubleSHA256(pre)
			if got != want || hex.EncodeToString(got[:]) != sh.SigHash {
				t.Errorf("%s, hash type %#x: got %x, want %s", ex.Section, sh.HashType, got[:], sh.SigHash)
			}
			ran++
		}
	}
	t.Logf("%d BIP143 signature hashes", ran)
	if ran != 14 {
		t.Errorf("ran %d, want 14", ran)
	}
}

type bip341Vectors struct {
	KeyPathSpending []struct {
		Given struct {
			RawUnsignedTx string `json:"rawUnsignedTx"`
			UtxosSpent    []struct {
				ScriptPubKey string `json:"scriptPubKey"`
				AmountSats   int64  `json:"amountSats"`
			} `json:"utxosSpent"`
		} `json:"given"`
		Intermediary struct {
			HashAmounts       string `json:"hashAmounts"`
			HashOutputs       string `json:"hashOutputs"`
			HashPrevouts      string `json:"hashPrevouts"`
			HashScriptPubkeys string `json:"hashScriptPubkeys"`
			HashSequences     string `json:"hashSequences"`
		} `json:"intermediary"`
		InputSpending []struct {
			Given struct {
				TxinIndex  int     `json:"txinIndex"`
				MerkleRoot *string `json:"merkleRoot"`
				HashType   uint32  `json:"hashType"`
			} `json:"given"`
			Intermediary struct {
				InternalPubkey string `json:"internalPubkey"`
				Tweak          string `json:"tweak"`
				SigHash        string `json:"sigHash"`
			} `json:"intermediary"`
			Expected struct {
				Witness []string `json:"witness"`
			} `json:"expected"`
		} `json:"inputSpending"`
	} `json:"keyPathSpending"`
}

// TestBIP341KeyPathVectors checks the precomputed hashes, every key-path
// signature hash, the taproot tweak and the final signature of BIP341's
// wallet vectors, on every backend.
func TestBIP341KeyPathVectors(t *testing.T) {
	data, err := os.ReadFile("../../testdata/bitcoin-core/bip341_wallet_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v bip341Vectors
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, kp := range v.KeyPathSpending {
		tx, err := wire.DecodeTx(mustDecodeHex(t, kp.Given.RawUnsignedTx))
		if err != nil {
			t.Fatal(err)
		}
		var spent []*wire.TxOut
		for _, u := range kp.Given.UtxosSpent {
			spent = append(spent, &wire.TxOut{Value: u.AmountSats, PkScript: mustDecodeHex(t, u.ScriptPubKey)})
		}
		h := NewTxSigHashes(tx, spent)
		for name, pair := range map[string][2]string{
			"hashAmounts":       {hex.EncodeToString(h.ShaAmounts[:]), kp.Intermediary.HashAmounts},
			"hashOutputs":       {hex.EncodeToString(h.ShaOutputs[:]), kp.Intermediary.HashOutputs},
			"hashPrevouts":      {hex.EncodeToString(h.ShaPrevouts[:]), kp.Intermediary.HashPrevouts},
			"hashScriptPubkeys": {hex.EncodeToString(h.ShaScriptPubKeys[:]), kp.Intermediary.HashScriptPubkeys},
			"hashSequences":     {hex.EncodeToString(h.ShaSequences[:]), kp.Intermediary.HashSequences},
		} {
			if pair[0] != pair[1] {
				t.Errorf("%s: got %s, want %s", name, pair[0], pair[1])
			}
		}
		for _, in := range kp.InputSpending {
			checkKeyPathInput(t, tx, h, spent, in.Given.TxinIndex, SigHashType(in.Given.HashType),
				in.Given.MerkleRoot, in.Intermediary.InternalPubkey, in.Intermediary.Tweak,
				in.Intermediary.SigHash, in.Expected.Witness[0])
			ran++
		}
	}
	t.Logf("%d BIP341 key-path inputs", ran)
	if ran != 7 {
		t.Errorf("ran %d, want 7", ran)
	}
}

func checkKeyPathInput(t *testing.T, tx *wire.Tx, h *TxSigHashes, spent []*wire.TxOut, idx int,
	hashType SigHashType, merkleRoot *string, internalHex, tweakHex, sigHashHex, sigHex string) {
	t.Helper()
	got, err := TaprootSigHash(tx, h, spent, idx, hashType, nil, nil)
	if err != nil || hex.EncodeToString(got[:]) != sigHashHex {
		t.Errorf("input %d: sighash %x (%v), want %s", idx, got, err, sigHashHex)
	}
	var internal, output, tweak [32]byte
	copy(internal[:], mustDecodeHex(t, internalHex))
	copy(output[:], spent[idx].PkScript[2:])
	tweakData := [][]byte{internal[:]}
	if merkleRoot != nil {
		tweakData = append(tweakData, mustDecodeHex(t, *merkleRoot))
	}
	tweak = TaggedHash(TagTapTweak, tweakData...)
	if hex.EncodeToString(tweak[:]) != tweakHex {
		t.Errorf("input %d: tweak %x, want %s", idx, tweak, tweakHex)
	}
	sig := mustDecodeHex(t, sigHex)
	var sig64 [64]byte
	copy(sig64[:], sig)
	for _, be := range backends() {
		even := be.CheckTapTweak(&internal, &output, false, &tweak)
		odd := be.CheckTapTweak(&internal, &output, true, &tweak)
		if even == odd {
			t.Errorf("%s: input %d: tweak check even=%v odd=%v, want exactly one", be.Name(), idx, even, odd)
		}
		if !be.VerifySchnorr(&output, &sig64, got[:]) {
			t.Errorf("%s: input %d: signature does not verify", be.Name(), idx)
		}
	}
}
