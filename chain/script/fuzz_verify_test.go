package script

import (
	"encoding/hex"
	"testing"

	"github.com/bitnode/bitnode/wire"
)

// encodeFuzzWitness packs a witness stack into FuzzVerifyScript's witness
// argument: each item as a CompactSize length and its bytes.
func encodeFuzzWitness(w wire.TxWitness) []byte {
	var b []byte
	for _, item := range w {
		b = wire.AppendVarBytes(b, item)
	}
	return b
}

// decodeFuzzWitness unpacks encodeFuzzWitness's format from any bytes: a
// length that cannot be read, or that runs past the end, makes the rest
// of the bytes the last item.
func decodeFuzzWitness(b []byte) wire.TxWitness {
	var w wire.TxWitness
	for len(b) > 0 {
		n, size, err := wire.ReadCompactSize(b)
		if err != nil || n > uint64(len(b)-size) {
			return append(w, b)
		}
		w = append(w, b[size:size+int(n)])
		b = b[size+int(n):]
	}
	return w
}

// FuzzVerifyScript feeds arbitrary scripts, witnesses, flags (valid
// combinations or not, defined bits or not) and amounts to VerifyScript in
// a Core-style crediting/spending transaction pair. It must never panic,
// and every signature backend must reach the same verdict.
func FuzzVerifyScript(f *testing.F) {
	vectors, _ := loadScriptVectors(f)
	for _, v := range vectors {
		flags := v.flags
		if flags&VerifyCleanStack != 0 {
			flags |= VerifyP2SH | VerifyWitness
		}
		f.Add(v.scriptSig, v.scriptPubKey, encodeFuzzWitness(v.witness), uint32(flags), v.amount)
	}
	// Taproot spends from the reference set: their signatures commit to
	// other transactions, but they walk the control-block, annex and
	// tapscript paths.
	for i, c := range loadAssetCases(f) {
		if i >= 60 {
			break
		}
		s, err := c.prepare(c.Success)
		if err != nil {
			f.Fatalf("%s: %v", c.name, err)
		}
		in := s.tx.TxIn[s.idx]
		f.Add(in.SignatureScript, s.spent[s.idx].PkScript, encodeFuzzWitness(in.Witness), uint32(s.flags), s.spent[s.idx].Value)
	}
	f.Add([]byte{}, []byte{}, []byte{}, uint32(0), int64(0))
	f.Add(mustFuzzHex(f, "51"), mustFuzzHex(f, "5120"+"79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"),
		encodeFuzzWitness(wire.TxWitness{make([]byte, 64), {0x50, 1}}), uint32(AllFlags), int64(1))
	f.Add([]byte{}, []byte{}, []byte{}, uint32(VerifyCleanStack), int64(-1))
	f.Add([]byte{}, []byte{}, []byte{}, uint32(0xffffffff), int64(1)<<62)

	bes := backends()
	f.Fuzz(func(t *testing.T, scriptSig, scriptPubKey, witnessBytes []byte, flags uint32, amount int64) {
		witness := decodeFuzzWitness(witnessBytes)
		credit := vectorCreditTx(scriptPubKey, amount)
		spend := vectorSpendTx(scriptSig, witness, credit)
		spent := []*wire.TxOut{credit.TxOut[0]}
		var first string
		for i, be := range bes {
			// hashes nil: the checker must compute what it needs.
			checker := NewTxChecker(spend, 0, amount, nil, spent)
			checker.Backend = be
			err := VerifyScript(scriptSig, scriptPubKey, witness, Flags(flags), checker)
			name := ErrorName(err)
			if err != nil && name == "OK" {
				t.Fatalf("%s: error %v named OK", be.Name(), err)
			}
			if i == 0 {
				first = name
			} else if name != first {
				t.Fatalf("backends disagree: %s says %s, %s says %s", bes[0].Name(), first, be.Name(), name)
			}
		}
	})
}

func mustFuzzHex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestFuzzWitnessEncoding(t *testing.T) {
	w := wire.TxWitness{{}, {1, 2, 3}, make([]byte, 300)}
	got := decodeFuzzWitness(encodeFuzzWitness(w))
	if len(got) != len(w) {
		t.Fatalf("%d items, want %d", len(got), len(w))
	}
	for i := range w {
		if string(got[i]) != string(w[i]) {
			t.Fatalf("item %d differs", i)
		}
	}
	if got := decodeFuzzWitness([]byte{5, 1, 2}); len(got) != 1 || len(got[0]) != 3 {
		t.Fatalf("truncated length: %x", got)
	}
	if got := decodeFuzzWitness([]byte{0xfd, 1}); len(got) != 1 || len(got[0]) != 2 {
		t.Fatalf("unreadable length: %x", got)
	}
}
