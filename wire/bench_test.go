package wire

import "testing"

// BenchmarkDecodeBlock413567 decodes a full 1 MB mainnet block (1,557
// transactions) and computes every txid and wtxid, the work a node does on
// each block it receives before validation proper.
func BenchmarkDecodeBlock413567(b *testing.B) {
	raw := readTestFile(b, "bitcoin-core/block413567.raw")
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		blk, err := DecodeBlock(raw)
		if err != nil {
			b.Fatal(err)
		}
		for _, tx := range blk.Transactions {
			_, _ = tx.Hashes()
		}
	}
}

// BenchmarkDecodeSegwitBlock does the same for a segwit block (574200:
// 3,315 transactions, 1,341 with witnesses).
func BenchmarkDecodeSegwitBlock(b *testing.B) {
	raw := readTestFile(b, "btcd/wire/"+segwitBlocks[1].file)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		blk, err := DecodeBlock(raw)
		if err != nil {
			b.Fatal(err)
		}
		for _, tx := range blk.Transactions {
			_, _ = tx.Hashes()
		}
	}
}

func BenchmarkEncodeBlock413567(b *testing.B) {
	raw := readTestFile(b, "bitcoin-core/block413567.raw")
	blk, err := DecodeBlock(raw)
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, len(raw))
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		buf = blk.AppendTo(buf[:0])
	}
}
