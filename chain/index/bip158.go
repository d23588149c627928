package index

import (
	"encoding/binary"
	"math/bits"
	"slices"

	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/wire"
)

// BIP158 basic filter parameters.
const (
	// FilterP is the Golomb-Rice coding parameter of the basic filter.
	FilterP = 19
	// FilterM is the inverse false-positive rate of the basic filter.
	FilterM = 784931

	opReturn = 0x6a
	// maxFilterN bounds a filter's element count as Bitcoin Core's
	// GCSFilter does ("N must be <2^32").
	maxFilterN = 1<<32 - 1
)

// filterKey is the SipHash key of a block's filter: the first 16 bytes of
// the block hash (internal byte order) as two little-endian words.
func filterKey(blockHash wire.Hash) (k0, k1 uint64) {
	return binary.LittleEndian.Uint64(blockHash[0:8]), binary.LittleEndian.Uint64(blockHash[8:16])
}

// hashToRange maps an element into [0, f) as BIP158 does: the high 64 bits
// of the 128-bit product of its SipHash and f.
func hashToRange(k0, k1, f uint64, item []byte) uint64 {
	hi, _ := bits.Mul64(sipHash24(k0, k1, item), f)
	return hi
}

// BasicFilterElements returns the distinct elements of a block's basic
// filter: every output script except empty ones and those starting with
// OP_RETURN, and every non-empty script the block's inputs spent (Bitcoin
// Core's BasicFilterElements). spent holds one entry per non-coinbase
// transaction, each with one coin per input, as the chain's undo data does.
func BasicFilterElements(blk *wire.Block, spent store.BlockUndo) ([][]byte, error) {
	if err := checkUndo(blk, spent); err != nil {
		return nil, err
	}
	seen := make(map[string]struct{})
	var elems [][]byte
	add := func(s []byte) {
		if _, ok := seen[string(s)]; ok {
			return
		}
		seen[string(s)] = struct{}{}
		elems = append(elems, s)
	}
	for _, tx := range blk.Transactions {
		for _, out := range tx.TxOut {
			if len(out.PkScript) == 0 || out.PkScript[0] == opReturn {
				continue
			}
			add(out.PkScript)
		}
	}
	for _, txu := range spent {
		for i := range txu {
			if s := txu[i].PkScript; len(s) != 0 {
				add(s)
			}
		}
	}
	return elems, nil
}

// checkUndo checks that spent has one entry per non-coinbase transaction
// and one coin per input of each.
func checkUndo(blk *wire.Block, spent store.BlockUndo) error {
	nonCoinbase := max(len(blk.Transactions)-1, 0)
	if len(spent) != nonCoinbase {
		return newError(ErrBadUndo, "block %s: undo data for %d transactions, want %d",
			blk.BlockHash(), len(spent), nonCoinbase)
	}
	for i, txu := range spent {
		if want := len(blk.Transactions[i+1].TxIn); len(txu) != want {
			return newError(ErrBadUndo, "block %s: transaction %d: undo data for %d inputs, want %d",
				blk.BlockHash(), i+1, len(txu), want)
		}
	}
	return nil
}

// BuildBasicFilter returns the BIP158 basic filter of blk, whose
// transactions spent the coins in spent (the chain's undo data: one TxUndo
// per non-coinbase transaction, coins in input order). The encoding is
// CompactSize(N) followed by the Golomb-Rice coded set.
func BuildBasicFilter(blk *wire.Block, spent store.BlockUndo) ([]byte, error) {
	elems, err := BasicFilterElements(blk, spent)
	if err != nil {
		return nil, err
	}
	return buildFilter(blk.BlockHash(), elems), nil
}

// buildFilter encodes the Golomb-coded set of distinct elements keyed by
// blockHash.
func buildFilter(blockHash wire.Hash, elems [][]byte) []byte {
	n := uint64(len(elems))
	k0, k1 := filterKey(blockHash)
	values := make([]uint64, len(elems))
	for i, e := range elems {
		values[i] = hashToRange(k0, k1, n*FilterM, e)
	}
	slices.Sort(values)
	// Each element takes about P+2 bits.
	w := bitWriter{buf: wire.AppendCompactSize(make([]byte, 0, 9+len(elems)*(FilterP+2)/8+1), n)}
	var last uint64
	for _, v := range values {
		delta := v - last
		last = v
		w.writeUnary(delta >> FilterP)
		w.writeBits(delta, FilterP)
	}
	return w.buf
}

// FilterHash is the hash of an encoded filter, which filter headers chain.
func FilterHash(filter []byte) wire.Hash { return wire.DoubleSHA256(filter) }

// FilterHeader is BIP157's filter header: the double SHA-256 of the filter
// hash followed by the previous block's filter header (zero before the
// genesis block).
func FilterHeader(filterHash, prevHeader wire.Hash) wire.Hash {
	var buf [2 * wire.HashSize]byte
	copy(buf[:], filterHash[:])
	copy(buf[wire.HashSize:], prevHeader[:])
	return wire.DoubleSHA256(buf[:])
}

// MatchAny reports whether any of items is in the basic filter of the block
// blockHash, with BIP158's false-positive rate of 1/M per item. The filter
// may come from an untrusted peer: a malformed one is an ErrBadFilter
// error, never a panic. MatchAny stops decoding at the first match, so it
// checks a filter's well-formedness only up to there; ValidateFilter checks
// all of it.
func MatchAny(filter []byte, blockHash wire.Hash, items [][]byte) (bool, error) {
	n, r, err := openFilter(filter)
	if err != nil {
		return false, err
	}
	if n == 0 || len(items) == 0 {
		return false, nil
	}
	k0, k1 := filterKey(blockHash)
	queries := make([]uint64, len(items))
	for i, it := range items {
		queries[i] = hashToRange(k0, k1, n*FilterM, it)
	}
	slices.Sort(queries)
	qi := 0
	var value uint64
	for i := uint64(0); i < n; i++ {
		delta, ok := r.readGolomb()
		if !ok {
			return false, newError(ErrBadFilter, "filter truncated at element %d of %d", i, n)
		}
		value += delta
		for qi < len(queries) && queries[qi] < value {
			qi++
		}
		if qi == len(queries) {
			return false, nil
		}
		if queries[qi] == value {
			return true, nil
		}
	}
	return false, nil
}

// Match reports whether item is in the basic filter of the block blockHash.
func Match(filter []byte, blockHash wire.Hash, item []byte) (bool, error) {
	return MatchAny(filter, blockHash, [][]byte{item})
}

// ValidateFilter checks an encoded filter as Bitcoin Core's GCSFilter
// constructor does: a canonical CompactSize N below 2^32, N decodable
// Golomb-Rice codes and no bytes beyond the last code's. It returns N.
func ValidateFilter(filter []byte) (uint32, error) {
	n, r, err := openFilter(filter)
	if err != nil {
		return 0, err
	}
	for i := uint64(0); i < n; i++ {
		if _, ok := r.readGolomb(); !ok {
			return 0, newError(ErrBadFilter, "filter truncated at element %d of %d", i, n)
		}
	}
	if used := (r.pos + 7) / 8; used != len(r.data) {
		return 0, newError(ErrBadFilter, "filter has %d bytes of excess data", len(r.data)-used)
	}
	return uint32(n), nil
}

// decodeFilterValues returns the filter's sorted hashed values.
func decodeFilterValues(filter []byte) ([]uint64, error) {
	if _, err := ValidateFilter(filter); err != nil {
		return nil, err
	}
	n, r, _ := openFilter(filter)
	values := make([]uint64, n)
	var v uint64
	for i := range values {
		d, _ := r.readGolomb()
		v += d
		values[i] = v
	}
	return values, nil
}

// openFilter reads a filter's element count and returns a reader of its
// bit stream. The count is checked against the bits that follow (each
// element takes at least P+1), so callers may loop over it or allocate for
// it.
func openFilter(filter []byte) (uint64, *bitReader, error) {
	n, off, err := wire.ReadCompactSize(filter)
	if err != nil {
		return 0, nil, newError(ErrBadFilter, "filter element count: %v", err)
	}
	if n > maxFilterN {
		return 0, nil, newError(ErrBadFilter, "filter element count %d is not below 2^32", n)
	}
	r := &bitReader{data: filter[off:]}
	if n > uint64(len(r.data))*8/(FilterP+1) {
		return 0, nil, newError(ErrBadFilter, "filter of %d bytes cannot hold %d elements", len(filter), n)
	}
	return n, r, nil
}

// bitWriter appends bits most significant first, as Bitcoin Core's
// BitStreamWriter does; the last byte is padded with zeros.
type bitWriter struct {
	buf  []byte
	used uint // bits used in the last byte of buf; 0 means a new byte is needed
}

// writeBits writes the n (≤ 64) low bits of v.
func (w *bitWriter) writeBits(v uint64, n uint) {
	for n > 0 {
		if w.used == 0 {
			w.buf = append(w.buf, 0)
		}
		take := min(8-w.used, n)
		chunk := byte(v>>(n-take)) & byte(1<<take-1)
		w.buf[len(w.buf)-1] |= chunk << (8 - w.used - take)
		w.used = (w.used + take) % 8
		n -= take
	}
}

// writeUnary writes q one bits and a zero bit.
func (w *bitWriter) writeUnary(q uint64) {
	for q > 0 {
		k := min(q, 64)
		w.writeBits(^uint64(0), uint(k))
		q -= k
	}
	w.writeBits(0, 1)
}

// bitReader reads bits most significant first. It never reads beyond data.
type bitReader struct {
	data []byte
	pos  int // bit position
}

func (r *bitReader) bitsLeft() int { return len(r.data)*8 - r.pos }

// readGolomb reads one Golomb-Rice code with parameter P: a unary quotient
// and P bits of remainder. The quotient is bounded by the bits available,
// so the value cannot overflow.
func (r *bitReader) readGolomb() (uint64, bool) {
	q, ok := r.readUnary()
	if !ok {
		return 0, false
	}
	rem, ok := r.readBits(FilterP)
	if !ok {
		return 0, false
	}
	return q<<FilterP | rem, true
}

// readUnary counts one bits up to and including the terminating zero.
func (r *bitReader) readUnary() (uint64, bool) {
	var q uint64
	for r.pos < len(r.data)*8 {
		off := uint(r.pos & 7)
		b := r.data[r.pos>>3] << off // remaining bits of this byte, at the top
		ones := uint(bits.LeadingZeros8(^b))
		if ones >= 8-off { // the rest of the byte is all ones
			q += uint64(8 - off)
			r.pos += int(8 - off)
			continue
		}
		q += uint64(ones)
		r.pos += int(ones) + 1
		return q, true
	}
	return 0, false
}

// readBits reads n (≤ 64) bits as an unsigned integer.
func (r *bitReader) readBits(n uint) (uint64, bool) {
	if r.bitsLeft() < int(n) {
		return 0, false
	}
	var v uint64
	for n > 0 {
		off := uint(r.pos & 7)
		avail := 8 - off
		take := min(avail, n)
		chunk := (r.data[r.pos>>3] >> (avail - take)) & byte(1<<take-1)
		v = v<<take | uint64(chunk)
		n -= take
		r.pos += int(take)
	}
	return v, true
}
