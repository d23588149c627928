package wire

import (
	"bytes"
	"testing"
)

// txSeeds are valid and broken transactions for the fuzzers' corpora, so the
// seeds run with every `go test`.
func txSeeds(t testing.TB) [][]byte {
	seeds := [][]byte{
		mustHex(t, "01000000"+"00"+"00"+"00000000"),
		mustHex(t, "0100000000"),
		mustHex(t, "01000000"+"fdfc00"),
		mustHex(t, "010000000001"),
	}
	raw := readTestFile(t, "btcd/wire/"+segwitBlocks[0].file)
	blk, err := DecodeBlock(raw)
	if err != nil {
		t.Fatal(err)
	}
	for i, tx := range blk.Transactions {
		if i < 12 {
			seeds = append(seeds, tx.Serialize(), tx.SerializeNoWitness())
		}
	}
	return seeds
}

func FuzzDecodeTx(f *testing.F) {
	for _, s := range txSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tx, err := DecodeTx(data)
		if err != nil {
			return
		}
		// Anything accepted re-encodes to exactly the input: the format
		// has one encoding per transaction (canonical CompactSize, no
		// empty witness record).
		enc := tx.Serialize()
		if !bytes.Equal(enc, data) {
			t.Fatalf("re-encoding differs:\n in %x\nout %x", data, enc)
		}
		if tx.SerializeSize() != len(data) || tx.Weight() < 4*tx.BaseSize() {
			t.Fatalf("sizes inconsistent: %d/%d/%d", tx.SerializeSize(), tx.BaseSize(), tx.Weight())
		}
	})
}

func FuzzDecodeBlock(f *testing.F) {
	f.Add(readTestFile(f, "btcd/wire/"+segwitBlocks[0].file)[:4000])
	for _, raw := range readBlkFile(f, "btcd/database/blocks1-256.bz2")[:20] {
		f.Add(raw)
	}
	f.Add(make([]byte, 81))
	f.Fuzz(func(t *testing.T, data []byte) {
		blk, err := DecodeBlock(data)
		if err != nil {
			return
		}
		if enc := blk.Serialize(); !bytes.Equal(enc, data) {
			t.Fatalf("re-encoding differs:\n in %x\nout %x", data, enc)
		}
	})
}

func FuzzDecodeBlockHeader(f *testing.F) {
	f.Add(make([]byte, 80))
	f.Add(make([]byte, 79))
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := DecodeBlockHeader(data)
		if err != nil {
			if len(data) == 80 {
				t.Fatalf("80 bytes rejected: %v", err)
			}
			return
		}
		if !bytes.Equal(h.Serialize(), data) {
			t.Fatal("header round trip differs")
		}
	})
}

func FuzzCompactSize(f *testing.F) {
	for _, s := range []string{"00", "fc", "fdfd00", "fdfc00", "feffffffff", "ff0000000001000000", "ff"} {
		f.Add(mustHex(f, s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, n, err := ReadCompactSize(data)
		if err != nil {
			return
		}
		if enc := AppendCompactSize(nil, v); !bytes.Equal(enc, data[:n]) {
			t.Fatalf("%x decoded to %d which encodes as %x", data[:n], v, enc)
		}
	})
}
