package index

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/wire"
)

// filterVector is one row of Bitcoin Core's blockfilters.json.
type filterVector struct {
	height      int
	blockHash   wire.Hash
	block       *wire.Block
	prevScripts [][]byte
	prevHeader  wire.Hash
	filter      []byte
	header      wire.Hash
	notes       string
}

func loadFilterVectors(t testing.TB) []filterVector {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "bitcoin-core", "blockfilters.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]json.RawMessage
	if err := json.Unmarshal(raw, &rows); err != nil {
		t.Fatal(err)
	}
	var out []filterVector
	for i, row := range rows {
		if i == 0 {
			continue // the column names
		}
		if len(row) != 8 {
			t.Fatalf("row %d has %d fields", i, len(row))
		}
		var v filterVector
		var blockHash, blockHex, prevHeader, filterHex, header string
		var scripts []string
		for j, dst := range []any{&v.height, &blockHash, &blockHex, &scripts, &prevHeader, &filterHex, &header, &v.notes} {
			if err := json.Unmarshal(row[j], dst); err != nil {
				t.Fatalf("row %d field %d: %v", i, j, err)
			}
		}
		v.blockHash = wire.MustHash(blockHash)
		v.prevHeader = wire.MustHash(prevHeader)
		v.header = wire.MustHash(header)
		v.block, err = wire.DecodeBlock(mustHex(t, blockHex))
		if err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
		v.filter = mustHex(t, filterHex)
		for _, s := range scripts {
			v.prevScripts = append(v.prevScripts, mustHex(t, s))
		}
		out = append(out, v)
	}
	return out
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// undoFromScripts spreads a flat list of spent scripts, in input order,
// over the block's non-coinbase transactions.
func undoFromScripts(blk *wire.Block, scripts [][]byte) (store.BlockUndo, error) {
	var undo store.BlockUndo
	next := 0
	for _, tx := range blk.Transactions[1:] {
		txu := make(store.TxUndo, len(tx.TxIn))
		for i := range txu {
			if next == len(scripts) {
				return nil, fmt.Errorf("%d scripts for more inputs", len(scripts))
			}
			txu[i] = store.Coin{PkScript: scripts[next]}
			next++
		}
		undo = append(undo, txu)
	}
	if next != len(scripts) {
		return nil, fmt.Errorf("%d scripts for %d inputs", len(scripts), next)
	}
	return undo, nil
}

func TestBlockFilterVectors(t *testing.T) {
	vectors := loadFilterVectors(t)
	var matched, headers int
	for _, v := range vectors {
		name := fmt.Sprintf("height %d (%s)", v.height, v.notes)
		if got := v.block.BlockHash(); got != v.blockHash {
			t.Fatalf("%s: block hash %s, want %s", name, got, v.blockHash)
		}
		undo, err := undoFromScripts(v.block, v.prevScripts)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		filter, err := BuildBasicFilter(v.block, undo)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(filter, v.filter) {
			t.Errorf("%s: filter\n got %x\nwant %x", name, filter, v.filter)
			continue
		}
		matched++
		if got := FilterHeader(FilterHash(filter), v.prevHeader); got != v.header {
			t.Errorf("%s: filter header %s, want %s", name, got, v.header)
			continue
		}
		headers++

		// The filter decodes to exactly its elements, and every element
		// matches.
		n, err := ValidateFilter(filter)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		elems, _ := BasicFilterElements(v.block, undo)
		if int(n) != len(elems) {
			t.Errorf("%s: N = %d, want %d", name, n, len(elems))
		}
		for _, e := range elems {
			if ok, err := Match(filter, v.blockHash, e); err != nil || !ok {
				t.Errorf("%s: element %x: match %v, %v", name, e, ok, err)
			}
		}
		if len(elems) > 0 {
			if ok, err := MatchAny(filter, v.blockHash, [][]byte{[]byte("absent"), elems[len(elems)-1]}); err != nil || !ok {
				t.Errorf("%s: MatchAny with a member: %v, %v", name, ok, err)
			}
		}
		absent := [][]byte{[]byte("not in any filter"), {0x6a, 0x01, 0x02}, {}}
		if ok, err := MatchAny(filter, v.blockHash, absent); err != nil || ok {
			t.Errorf("%s: MatchAny with non-members: %v, %v", name, ok, err)
		}
	}
	if matched != len(vectors) || headers != len(vectors) {
		t.Fatalf("%d/%d filters and %d headers matched", matched, len(vectors), headers)
	}
	t.Logf("blockfilters.json: %d of %d filters and filter headers match Bitcoin Core", matched, len(vectors))
}

// TestFilterElementsRules checks the element rules the vectors' notes name:
// OP_RETURN and empty outputs are left out, empty spent scripts are left
// out, duplicates count once.
func TestFilterElementsRules(t *testing.T) {
	coinbase := &wire.Tx{TxIn: []*wire.TxIn{{PreviousOutPoint: wire.OutPoint{Index: 0xffffffff}}},
		TxOut: []*wire.TxOut{{PkScript: []byte{0x51}}, {PkScript: []byte{0x6a, 0x51}}, {PkScript: nil}}}
	spend := &wire.Tx{TxIn: []*wire.TxIn{{}, {}, {}},
		TxOut: []*wire.TxOut{{PkScript: []byte{0x51}}, {PkScript: []byte{0x52}}}}
	blk := &wire.Block{Transactions: []*wire.Tx{coinbase, spend}}
	undo := store.BlockUndo{{{PkScript: []byte{0x53}}, {PkScript: nil}, {PkScript: []byte{0x52}}}}
	elems, err := BasicFilterElements(blk, undo)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]byte{{0x51}, {0x52}, {0x53}}
	if len(elems) != len(want) {
		t.Fatalf("elements %x, want %x", elems, want)
	}
	for i := range want {
		if !bytes.Equal(elems[i], want[i]) {
			t.Fatalf("elements %x, want %x", elems, want)
		}
	}
	// Undo data that does not fit the block is refused.
	for _, bad := range []store.BlockUndo{nil, {{}}, {{{}, {}, {}}, {}}} {
		if _, err := BuildBasicFilter(blk, bad); !errors.Is(err, ErrBadUndo) {
			t.Errorf("undo %v: err %v, want ErrBadUndo", bad, err)
		}
	}
	// An empty block's filter is N = 0.
	empty := &wire.Block{Transactions: []*wire.Tx{{TxIn: coinbase.TxIn, TxOut: []*wire.TxOut{{PkScript: []byte{0x6a}}}}}}
	f, err := BuildBasicFilter(empty, nil)
	if err != nil || !bytes.Equal(f, []byte{0}) {
		t.Fatalf("empty filter %x, %v", f, err)
	}
}

func TestSipHashReference(t *testing.T) {
	// The SipHash paper's reference vectors: key 00..0f, message 00..(n-1).
	k0, k1 := uint64(0x0706050403020100), uint64(0x0f0e0d0c0b0a0908)
	msg := make([]byte, 15)
	for i := range msg {
		msg[i] = byte(i)
	}
	for _, c := range []struct {
		n    int
		want uint64
	}{{0, 0x726fdb47dd0e0e31}, {15, 0xa129ca6149be45e5}} {
		if got := sipHash24(k0, k1, msg[:c.n]); got != c.want {
			t.Errorf("siphash of %d bytes = %#x, want %#x", c.n, got, c.want)
		}
	}
}

func TestFilterRoundTrip(t *testing.T) {
	hash := wire.DoubleSHA256([]byte("block"))
	for _, n := range []int{1, 2, 10, 1000} {
		elems := make([][]byte, n)
		for i := range elems {
			elems[i] = []byte(fmt.Sprintf("element %d", i))
		}
		filter := buildFilter(hash, elems)
		values, err := decodeFilterValues(filter)
		if err != nil || len(values) != n {
			t.Fatalf("n=%d: %d values, %v", n, len(values), err)
		}
		for _, e := range elems {
			if ok, err := Match(filter, hash, e); !ok || err != nil {
				t.Fatalf("n=%d: %q does not match: %v", n, e, err)
			}
		}
		var fp int
		for i := range 2000 {
			if ok, _ := Match(filter, hash, []byte(fmt.Sprintf("absent %d", i))); ok {
				fp++
			}
		}
		if fp > 1 {
			t.Errorf("n=%d: %d false positives in 2000", n, fp)
		}
		// Every truncation is refused by ValidateFilter, and MatchAny never
		// panics on it.
		for cut := 0; cut < len(filter); cut++ {
			if _, err := ValidateFilter(filter[:cut]); err == nil {
				t.Fatalf("n=%d: truncated to %d bytes validates", n, cut)
			}
			_, _ = MatchAny(filter[:cut], hash, elems[:1])
		}
		if _, err := ValidateFilter(append(filter[:len(filter):len(filter)], 0)); !errors.Is(err, ErrBadFilter) {
			t.Fatalf("n=%d: excess byte: %v", n, err)
		}
	}
}

func TestMatchAnyHostile(t *testing.T) {
	hash := wire.Hash{1}
	for _, c := range []struct {
		name   string
		filter []byte
	}{
		{"empty", nil},
		{"non-canonical N", []byte{0xfd, 0x01, 0x00}},
		{"N of 2^32", append([]byte{0xff}, 0, 0, 0, 0, 1, 0, 0, 0)},
		{"N beyond data", []byte{0xfe, 0xff, 0xff, 0xff, 0x00, 0xff}},
		{"endless unary", []byte{0x01, 0xff, 0xff, 0xff, 0xff}},
		{"short remainder", []byte{0x01, 0x00, 0x00}},
	} {
		if _, err := MatchAny(c.filter, hash, [][]byte{{1}}); !errors.Is(err, ErrBadFilter) {
			t.Errorf("%s: MatchAny err %v, want ErrBadFilter", c.name, err)
		}
		if _, err := ValidateFilter(c.filter); !errors.Is(err, ErrBadFilter) {
			t.Errorf("%s: ValidateFilter err %v, want ErrBadFilter", c.name, err)
		}
	}
	if ok, err := MatchAny([]byte{0}, hash, [][]byte{{1}}); ok || err != nil {
		t.Errorf("N=0: %v, %v", ok, err)
	}
	if ok, err := MatchAny(buildFilter(hash, [][]byte{{1}}), hash, nil); ok || err != nil {
		t.Errorf("no items: %v, %v", ok, err)
	}
}

func BenchmarkBuildBasicFilter(b *testing.B) {
	v := loadFilterVectors(b)
	var big filterVector
	for _, x := range v {
		if big.block == nil || len(x.block.Transactions) > len(big.block.Transactions) {
			big = x
		}
	}
	undo, _ := undoFromScripts(big.block, big.prevScripts)
	for b.Loop() {
		if _, err := BuildBasicFilter(big.block, undo); err != nil {
			b.Fatal(err)
		}
	}
}
