package wire

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/bitnode/bitnode/internal/testvec"
)

// mainnetGenesisHash is the hash of Bitcoin's genesis block; wire cannot
// import chain/params, so the test states it.
const mainnetGenesisHash = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"

func readTestFile(t testing.TB, rel string) []byte { return testvec.Read(t, rel) }

// readBlkFile splits a bzip2'd bitcoind blk*.dat stream into raw blocks.
func readBlkFile(t testing.TB, rel string) [][]byte {
	return testvec.BlkRecords(t, testvec.Read(t, rel), testvec.MainnetMagic)
}

func TestBlock413567(t *testing.T) {
	raw := readTestFile(t, "bitcoin-core/block413567.raw")
	blk, err := DecodeBlock(raw)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := blk.BlockHash().String(), "0000000000000000025aff8be8a55df8f89c77296db6198f272d6577325d4069"; got != want {
		t.Errorf("hash %s, want %s", got, want)
	}
	if len(blk.Transactions) != 1557 {
		t.Errorf("%d transactions, want 1557", len(blk.Transactions))
	}
	if !bytes.Equal(blk.Serialize(), raw) {
		t.Error("re-encoding differs from the original bytes")
	}
	if blk.SerializeSize() != len(raw) || blk.BaseSize() != len(raw) {
		t.Errorf("sizes %d/%d, want %d (pre-segwit block)", blk.SerializeSize(), blk.BaseSize(), len(raw))
	}
	if blk.Weight() != 4*len(raw) {
		t.Errorf("weight %d, want %d", blk.Weight(), 4*len(raw))
	}
	for i, tx := range blk.Transactions {
		if tx.HasWitness() || tx.TxHash() != tx.WitnessHash() {
			t.Fatalf("tx %d: unexpected witness", i)
		}
	}
	if !blk.Transactions[0].IsCoinBase() || blk.Transactions[1].IsCoinBase() {
		t.Error("coinbase detection wrong")
	}
}

func TestBlocks1To255(t *testing.T) {
	blocks := readBlkFile(t, "btcd/database/blocks1-256.bz2")
	if len(blocks) != 255 {
		t.Fatalf("%d blocks, want 255", len(blocks))
	}
	prev := MustHash(mainnetGenesisHash)
	txs := 0
	for height, raw := range blocks {
		blk, err := DecodeBlock(raw)
		if err != nil {
			t.Fatalf("height %d: %v", height+1, err)
		}
		if blk.Header.PrevBlock != prev {
			t.Fatalf("height %d: prev %s, want %s", height+1, blk.Header.PrevBlock, prev)
		}
		if !bytes.Equal(blk.Serialize(), raw) {
			t.Fatalf("height %d: round trip differs", height+1)
		}
		prev = blk.BlockHash()
		txs += len(blk.Transactions)
	}
	if txs != 262 {
		t.Errorf("%d transactions, want 262", txs)
	}
	t.Logf("decoded and linked %d blocks (%d transactions) from genesis", len(blocks), txs)
}

func TestMainnetHeaders1To11(t *testing.T) {
	lines := strings.Fields(string(readTestFile(t, "btcd/netsync/blockheaders-mainnet-1-11.txt")))
	prev := MustHash(mainnetGenesisHash)
	for i, line := range lines {
		raw, err := hex.DecodeString(line)
		if err != nil {
			t.Fatal(err)
		}
		h, err := DecodeBlockHeader(raw)
		if err != nil {
			t.Fatalf("header %d: %v", i+1, err)
		}
		if h.PrevBlock != prev || !bytes.Equal(h.Serialize(), raw) {
			t.Fatalf("header %d: does not link or round-trip", i+1)
		}
		prev = h.BlockHash()
	}
	if len(lines) != 11 {
		t.Fatalf("%d headers, want 11", len(lines))
	}
	t.Logf("%d headers linked from genesis", len(lines))
}

// segwitBlocks are real mainnet blocks with witness transactions; their
// file names are their hashes.
var segwitBlocks = []struct {
	file            string
	txs, witnessTxs int
}{
	{"block-00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab.blk", 230, 104},
	{"block-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.blk", 3315, 1341},
}

func TestSegwitBlocksRoundTrip(t *testing.T) {
	for _, tc := range segwitBlocks {
		raw := readTestFile(t, "btcd/wire/"+tc.file)
		blk, err := DecodeBlock(raw)
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		wantHash := strings.TrimSuffix(strings.TrimPrefix(tc.file, "block-"), ".blk")
		if blk.BlockHash().String() != wantHash {
			t.Errorf("hash %s, want %s", blk.BlockHash(), wantHash)
		}
		if !bytes.Equal(blk.Serialize(), raw) {
			t.Errorf("%s: round trip differs", tc.file)
		}
		witness := 0
		for _, tx := range blk.Transactions {
			if tx.HasWitness() {
				witness++
				if tx.TxHash() == tx.WitnessHash() {
					t.Errorf("witness tx %s: wtxid equals txid", tx.TxHash())
				}
			}
			if txid, wtxid := tx.Hashes(); txid != tx.TxHash() || wtxid != tx.WitnessHash() {
				t.Errorf("tx %s: Hashes disagrees with TxHash/WitnessHash", tx.TxHash())
			}
			// Each transaction round-trips on its own, both forms.
			again, err := DecodeTx(tx.Serialize())
			if err != nil || again.WitnessHash() != tx.WitnessHash() {
				t.Fatalf("tx %s: standalone round trip: %v", tx.TxHash(), err)
			}
			stripped, err := DecodeTx(tx.SerializeNoWitness())
			if err != nil || stripped.TxHash() != tx.TxHash() || stripped.HasWitness() {
				t.Fatalf("tx %s: stripped round trip: %v", tx.TxHash(), err)
			}
		}
		if len(blk.Transactions) != tc.txs || witness != tc.witnessTxs {
			t.Errorf("%s: %d txs (%d witness), want %d (%d)", tc.file, len(blk.Transactions), witness, tc.txs, tc.witnessTxs)
		}
		if blk.SerializeSize() != len(raw) || blk.Weight() > MaxBlockWeight || blk.BaseSize() >= len(raw) {
			t.Errorf("%s: size %d base %d weight %d", tc.file, blk.SerializeSize(), blk.BaseSize(), blk.Weight())
		}
		noWit, err := DecodeBlock(blk.AppendNoWitness(nil))
		if err != nil || len(noWit.Serialize()) != blk.BaseSize() {
			t.Errorf("%s: stripped block: %v", tc.file, err)
		}
	}
}

func TestDecodeTxErrors(t *testing.T) {
	valid := "01000000" + "01" + strings.Repeat("11", 32) + "00000000" + "00" + "ffffffff" +
		"01" + "0000000000000000" + "00" + "00000000"
	tests := []struct {
		name string
		hex  string
		kind ErrorKind
		msg  string
	}{
		{"empty", "", ErrTruncated, "tx version"},
		{"truncated version", "010000", ErrTruncated, "tx version"},
		{"huge script length", "01000000" + "01" + strings.Repeat("11", 32) + "00000000" + "feffffffff" + "00112233445566778899aabb",
			ErrTooLarge, "tx input 0: script length 4294967295 exceeds remaining 12 bytes"},
		{"input count beyond data", "01000000" + "fd0010", ErrTooLarge, "tx input count 4096 exceeds remaining"},
		{"non-canonical count", "01000000" + "fd0100", ErrNonCanonical, "non-canonical"},
		{"output count beyond data", valid[:len(valid)-len("01"+"0000000000000000"+"00"+"00000000")] + "ff00000000ffffffff", ErrTooLarge, "tx output count"},
		{"trailing bytes", valid + "00", ErrTrailingData, "trailing"},
		{"superfluous witness", "01000000" + "0001" + valid[8:len(valid)-8] + "00" + "00000000", ErrInvalidValue, "superfluous witness record"},
		{"unknown flag", "01000000" + "0002" + valid[8:], ErrInvalidValue, "unknown transaction optional data"},
		{"truncated witness", "01000000" + "0001" + valid[8:len(valid)-8] + "0105", ErrTooLarge, "tx input 0: witness item 0: data length 5 exceeds remaining 0 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := hex.DecodeString(tc.hex)
			if err != nil {
				t.Fatal(err)
			}
			_, err = DecodeTx(b)
			if !errors.Is(err, tc.kind) {
				t.Fatalf("error %v, want kind %q", err, tc.kind)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not mention %q", err, tc.msg)
			}
			var me *MessageError
			if !errors.As(err, &me) {
				t.Errorf("error %T is not a *MessageError", err)
			}
		})
	}
	if _, err := DecodeTx(mustHex(t, valid)); err != nil {
		t.Fatalf("valid tx rejected: %v", err)
	}
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestZeroInputLegacyTx(t *testing.T) {
	// With witness parsing allowed, 00 after the version is the BIP144
	// marker; a following 00 flag means "no inputs, no outputs".
	b := mustHex(t, "01000000"+"00"+"00"+"00000000")
	tx, err := DecodeTx(b)
	if err != nil || len(tx.TxIn) != 0 || len(tx.TxOut) != 0 {
		t.Fatalf("got %+v, %v", tx, err)
	}
	if !bytes.Equal(tx.Serialize(), b) {
		t.Error("round trip differs")
	}
	// Legacy parsing reads the same bytes as empty input and output lists.
	if _, err := DecodeTxNoWitness(b); err != nil {
		t.Fatal(err)
	}
}

func TestCompactSize(t *testing.T) {
	tests := []struct {
		hex  string
		v    uint64
		kind ErrorKind
	}{
		{"00", 0, ""}, {"fc", 0xfc, ""}, {"fdfd00", 0xfd, ""}, {"fdffff", 0xffff, ""},
		{"fe00000100", 0x10000, ""}, {"feffffffff", 0xffffffff, ""},
		{"ff0000000001000000", 0x100000000, ""},
		{"fdfc00", 0, ErrNonCanonical}, {"feffff0000", 0, ErrNonCanonical},
		{"ffffffffff00000000", 0, ErrNonCanonical}, {"fd00", 0, ErrTruncated}, {"", 0, ErrTruncated},
	}
	for _, tc := range tests {
		b := mustHex(t, tc.hex)
		v, n, err := ReadCompactSize(b)
		if tc.kind != "" {
			if !errors.Is(err, tc.kind) {
				t.Errorf("%s: error %v, want %v", tc.hex, err, tc.kind)
			}
			continue
		}
		if err != nil || v != tc.v || n != len(b) {
			t.Errorf("%s: got %d (%d bytes), %v", tc.hex, v, n, err)
		}
		if enc := AppendCompactSize(nil, tc.v); !bytes.Equal(enc, b) || CompactSizeLen(tc.v) != len(b) {
			t.Errorf("%d encodes to %x", tc.v, enc)
		}
	}
}

func TestHashString(t *testing.T) {
	h := MustHash(mainnetGenesisHash)
	if h.String() != mainnetGenesisHash || h[31] != 0 || h[0] != 0x6f {
		t.Fatalf("display order wrong: %s", h)
	}
	if _, err := NewHashFromStr("00"); !errors.Is(err, ErrInvalidValue) {
		t.Errorf("short hash: %v", err)
	}
	if _, err := NewHashFromStr(strings.Repeat("zz", 32)); !errors.Is(err, ErrInvalidValue) {
		t.Errorf("bad hex: %v", err)
	}
	txt, _ := h.MarshalText()
	var back Hash
	if err := back.UnmarshalText(txt); err != nil || back != h {
		t.Errorf("text round trip: %v", err)
	}
}
