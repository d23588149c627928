package script

import (
	"bytes"
	"encoding/hex"
	"testing"
)

func TestClassify(t *testing.T) {
	key33 := append([]byte{0x02}, bytes.Repeat([]byte{0x11}, 32)...)
	key65 := append([]byte{0x04}, bytes.Repeat([]byte{0x22}, 64)...)
	hash20 := bytes.Repeat([]byte{0xab}, 20)
	hash32 := bytes.Repeat([]byte{0xcd}, 32)
	tests := []struct {
		name   string
		script []byte
		class  ScriptClass
	}{
		{"p2pkh", PayToPubKeyHash(hash20), PubKeyHash},
		{"p2sh", PayToScriptHash(hash20), ScriptHash},
		{"p2pk compressed", PayToPubKey(key33), PubKey},
		{"p2pk uncompressed", PayToPubKey(key65), PubKey},
		{"p2wpkh", PayToWitness(0, hash20), WitnessV0KeyHash},
		{"p2wsh", PayToWitness(0, hash32), WitnessV0ScriptHash},
		{"p2tr", PayToWitness(1, hash32), WitnessV1Taproot},
		{"anchor", []byte{0x51, 0x02, 0x4e, 0x73}, Anchor},
		{"witness v2", PayToWitness(2, hash20), WitnessUnknown},
		{"witness v1 20 bytes", PayToWitness(1, hash20), WitnessUnknown},
		{"witness v0 wrong size", PayToWitness(0, hash20[:16]), NonStandard},
		{"null data", NullDataScript([]byte("hello")), NullData},
		{"bare op_return", []byte{0x6a}, NullData},
		{"op_return non-push", []byte{0x6a, 0x76}, NonStandard},
		{"1-of-2 multisig", MultiSigScript(1, [][]byte{key33, key65}), MultiSig},
		{"17-key multisig (pushed count)", MultiSigScript(2, bytes17(key33)), MultiSig},
		{"multisig count mismatch", append(MultiSigScript(1, [][]byte{key33})[:36], 0x52, 0xae), NonStandard},
		{"multisig 0 required", append([]byte{0x00}, MultiSigScript(1, [][]byte{key33})[1:]...), NonStandard},
		{"p2pk bad header", PayToPubKey(append([]byte{0x05}, key33[1:]...)), NonStandard},
		{"empty", nil, NonStandard},
		{"truncated push", []byte{0x4c}, NonStandard},
	}
	for _, tc := range tests {
		sol := Classify(tc.script)
		if sol.Class != tc.class {
			t.Errorf("%s (%x): class %s, want %s", tc.name, tc.script, sol.Class, tc.class)
		}
	}
	if sol := Classify(MultiSigScript(2, [][]byte{key33, key65, key33})); sol.Required != 2 || len(sol.Data) != 3 {
		t.Errorf("multisig solution %+v", sol)
	}
}

func bytes17(key []byte) [][]byte {
	keys := make([][]byte, 17)
	for i := range keys {
		keys[i] = key
	}
	return keys
}

func TestSigOpCount(t *testing.T) {
	key := append([]byte{0x02}, bytes.Repeat([]byte{0x11}, 32)...)
	multi := MultiSigScript(2, [][]byte{key, key, key})
	tests := []struct {
		name            string
		script          []byte
		legacy, precise int
	}{
		{"p2pkh", PayToPubKeyHash(make([]byte, 20)), 1, 1},
		{"2-of-3", multi, 20, 3},
		{"checksigverify x2", []byte{0xad, 0xad}, 2, 2},
		{"multisig without count", []byte{0xae}, 20, 20},
		{"truncated after checksig", []byte{0xac, 0x4c}, 1, 1},
	}
	for _, tc := range tests {
		if got := SigOpCount(tc.script, false); got != tc.legacy {
			t.Errorf("%s: legacy count %d, want %d", tc.name, got, tc.legacy)
		}
		if got := SigOpCount(tc.script, true); got != tc.precise {
			t.Errorf("%s: accurate count %d, want %d", tc.name, got, tc.precise)
		}
	}
	p2sh := PayToScriptHash(make([]byte, 20))
	scriptSig := append([]byte{0x00}, pushOf(multi)...)
	if got := P2SHSigOpCount(scriptSig, p2sh); got != 3 {
		t.Errorf("P2SH sigops %d, want 3", got)
	}
	if got := P2SHSigOpCount([]byte{0x76}, p2sh); got != 0 {
		t.Errorf("non-push scriptSig: %d sigops, want 0", got)
	}
	wsh := PayToWitness(0, make([]byte, 32))
	if got := WitnessSigOpCount(nil, wsh, [][]byte{{}, multi}, VerifyP2SH|VerifyWitness); got != 3 {
		t.Errorf("P2WSH sigops %d, want 3", got)
	}
	wpkh := PayToWitness(0, make([]byte, 20))
	nested := pushOf(wpkh)
	if got := WitnessSigOpCount(nested, PayToScriptHash(make([]byte, 20)), [][]byte{{1}, key}, VerifyP2SH|VerifyWitness); got != 1 {
		t.Errorf("P2SH-P2WPKH sigops %d, want 1", got)
	}
	if got := WitnessSigOpCount(nil, wpkh, nil, VerifyP2SH); got != 0 {
		t.Errorf("without WITNESS flag: %d", got)
	}
}

func TestScriptNum(t *testing.T) {
	tests := []struct {
		hex     string
		n       int64
		minimal bool
	}{
		{"", 0, true}, {"01", 1, true}, {"81", -1, true}, {"7f", 127, true}, {"8000", 128, true},
		{"ff00", 255, true}, {"0080", 0, false}, {"00", 0, false}, {"80", 0, false},
		{"ffffff7f", 0x7fffffff, true}, {"ffffffff", -0x7fffffff, true},
	}
	for _, tc := range tests {
		b, _ := hex.DecodeString(tc.hex)
		n, err := decodeNum(b, true, 4)
		if !tc.minimal {
			if err == nil {
				t.Errorf("%s accepted as minimal", tc.hex)
			}
			continue
		}
		if err != nil || n != tc.n {
			t.Errorf("%s: %d, %v; want %d", tc.hex, n, err, tc.n)
		}
		if enc := encodeNum(n); !bytes.Equal(enc, b) {
			t.Errorf("%d encodes as %x, want %s", n, enc, tc.hex)
		}
	}
	if _, err := decodeNum([]byte{1, 2, 3, 4, 5}, false, 4); ErrorName(err) != "SCRIPTNUM" {
		t.Errorf("5-byte number: %v", err)
	}
}

func TestSigCache(t *testing.T) {
	c := NewSigCache(2)
	var h, k [32]byte
	var s [64]byte
	if c.containsSchnorr(&h, &k, &s) {
		t.Fatal("empty cache hit")
	}
	c.addSchnorr(&h, &k, &s)
	if !c.containsSchnorr(&h, &k, &s) || c.containsECDSA(&h, k[:], &s) {
		t.Fatal("cache must key on the signature kind")
	}
	for i := range 5 {
		h[0] = byte(i + 1)
		c.addSchnorr(&h, &k, &s)
	}
	if c.Len() != 2 {
		t.Fatalf("cache holds %d entries, limit 2", c.Len())
	}
	var nilCache *SigCache
	nilCache.addECDSA(&h, k[:], &s)
	if nilCache.containsECDSA(&h, k[:], &s) {
		t.Fatal("nil cache hit")
	}
}
