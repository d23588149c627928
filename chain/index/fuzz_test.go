package index

import (
	"slices"
	"testing"

	"github.com/bitnode/bitnode/wire"
)

// FuzzMatchAny feeds arbitrary filters and items to MatchAny and
// ValidateFilter: they never panic, and on a filter that validates, MatchAny
// agrees with the decoded set.
func FuzzMatchAny(f *testing.F) {
	for _, v := range loadFilterVectors(f) {
		var item []byte
		if len(v.block.Transactions[0].TxOut) > 0 {
			item = v.block.Transactions[0].TxOut[0].PkScript
		}
		f.Add(v.filter, v.blockHash[:], item, []byte("other"))
	}
	f.Add([]byte{}, []byte{}, []byte{}, []byte{})
	f.Add([]byte{0x01, 0xff, 0xff}, make([]byte, 32), []byte{1}, []byte{2})
	f.Add([]byte{0xfd, 0x00, 0x01, 0x00}, make([]byte, 32), []byte{1}, []byte{2})
	h7 := wire.Hash{7}
	f.Add(buildFilter(h7, [][]byte{{1}, {2}, {3}}), h7[:], []byte{2}, []byte{9})
	f.Fuzz(func(t *testing.T, filter, hashBytes, item1, item2 []byte) {
		var hash wire.Hash
		copy(hash[:], hashBytes)
		items := [][]byte{item1, item2}
		got, err := MatchAny(filter, hash, items)
		n, verr := ValidateFilter(filter)
		if verr != nil {
			return
		}
		if err != nil {
			t.Fatalf("MatchAny failed on a valid filter: %v", err)
		}
		values, err := decodeFilterValues(filter)
		if err != nil || len(values) != int(n) {
			t.Fatalf("decode: %d values, N %d, %v", len(values), n, err)
		}
		want := false
		k0, k1 := filterKey(hash)
		for _, it := range items {
			if _, ok := slices.BinarySearch(values, hashToRange(k0, k1, uint64(n)*FilterM, it)); ok && n > 0 {
				want = true
			}
		}
		if got != want {
			t.Fatalf("MatchAny = %v, decoded set says %v", got, want)
		}
	})
}

// FuzzBuildMatch builds filters from arbitrary elements: every element
// matches, and the filter validates with N distinct elements.
func FuzzBuildMatch(f *testing.F) {
	f.Add([]byte{1}, []byte{2}, []byte{3}, byte(0))
	f.Add([]byte{}, []byte{0x6a}, []byte{0x51, 0x52}, byte(9))
	f.Fuzz(func(t *testing.T, a, b, c []byte, salt byte) {
		hash := wire.DoubleSHA256([]byte{salt})
		elems := [][]byte{a}
		for _, e := range [][]byte{b, c} {
			if !slices.ContainsFunc(elems, func(x []byte) bool { return string(x) == string(e) }) {
				elems = append(elems, e)
			}
		}
		filter := buildFilter(hash, elems)
		n, err := ValidateFilter(filter)
		if err != nil || int(n) != len(elems) {
			t.Fatalf("N %d of %d, %v", n, len(elems), err)
		}
		for _, e := range elems {
			if ok, err := Match(filter, hash, e); !ok || err != nil {
				t.Fatalf("%x does not match: %v", e, err)
			}
		}
	})
}
