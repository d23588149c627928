package wire

import "encoding/binary"

// MaxCompactSize is the largest CompactSize value Bitcoin Core accepts when
// reading a length or count (MAX_SIZE, 0x02000000). Larger values are
// rejected before any allocation is attempted.
const MaxCompactSize = 0x02000000

// reader is a cursor over a byte slice. Decoders read from an in-memory
// buffer rather than an io.Reader: every message arrives whole (its length is
// in the header) and so does every block read from disk, and a slice lets each
// length prefix be checked against the bytes that really remain before
// anything is allocated. Byte slices returned by the reader alias buf.
type reader struct {
	buf []byte
	off int
}

func newReader(b []byte) *reader { return &reader{buf: b} }

func (r *reader) remaining() int { return len(r.buf) - r.off }

func (r *reader) need(n int, what string) error {
	if n < 0 || r.remaining() < n {
		return newError(ErrTruncated, "%s: need %d bytes, %d remain", what, n, r.remaining())
	}
	return nil
}

func (r *reader) bytes(n int, what string) ([]byte, error) {
	if err := r.need(n, what); err != nil {
		return nil, err
	}
	b := r.buf[r.off : r.off+n : r.off+n]
	r.off += n
	return b, nil
}

func (r *reader) uint8(what string) (uint8, error) {
	if err := r.need(1, what); err != nil {
		return 0, err
	}
	v := r.buf[r.off]
	r.off++
	return v, nil
}

func (r *reader) uint16(what string) (uint16, error) {
	if err := r.need(2, what); err != nil {
		return 0, err
	}
	v := binary.LittleEndian.Uint16(r.buf[r.off:])
	r.off += 2
	return v, nil
}

func (r *reader) uint16BE(what string) (uint16, error) {
	if err := r.need(2, what); err != nil {
		return 0, err
	}
	v := binary.BigEndian.Uint16(r.buf[r.off:])
	r.off += 2
	return v, nil
}

func (r *reader) uint32(what string) (uint32, error) {
	if err := r.need(4, what); err != nil {
		return 0, err
	}
	v := binary.LittleEndian.Uint32(r.buf[r.off:])
	r.off += 4
	return v, nil
}

func (r *reader) uint64(what string) (uint64, error) {
	if err := r.need(8, what); err != nil {
		return 0, err
	}
	v := binary.LittleEndian.Uint64(r.buf[r.off:])
	r.off += 8
	return v, nil
}

func (r *reader) hash(what string) (Hash, error) {
	var h Hash
	if err := r.need(HashSize, what); err != nil {
		return h, err
	}
	copy(h[:], r.buf[r.off:])
	r.off += HashSize
	return h, nil
}

// compactSize reads a CompactSize integer, rejecting non-canonical encodings
// as Bitcoin Core does ("non-canonical ReadCompactSize()").
func (r *reader) compactSize(what string) (uint64, error) {
	first, err := r.uint8(what)
	if err != nil {
		return 0, err
	}
	var v, min uint64
	switch first {
	case 0xfd:
		x, err := r.uint16(what)
		if err != nil {
			return 0, err
		}
		v, min = uint64(x), 0xfd
	case 0xfe:
		x, err := r.uint32(what)
		if err != nil {
			return 0, err
		}
		v, min = uint64(x), 0x10000
	case 0xff:
		x, err := r.uint64(what)
		if err != nil {
			return 0, err
		}
		v, min = x, 0x100000000
	default:
		return uint64(first), nil
	}
	if v < min {
		return 0, newError(ErrNonCanonical, "%s: non-canonical CompactSize %d", what, v)
	}
	return v, nil
}

// count reads a CompactSize element count and checks it against the
// protocol limit and against the bytes remaining, given that each element
// takes at least minSize bytes. The result is safe to allocate.
func (r *reader) count(what string, limit uint64, minSize int) (int, error) {
	n, err := r.compactSize(what)
	if err != nil {
		return 0, err
	}
	if limit > 0 && n > limit {
		return 0, newError(ErrTooLarge, "%s %d exceeds limit %d", what, n, limit)
	}
	if n > MaxCompactSize {
		return 0, newError(ErrTooLarge, "%s %d exceeds maximum size %d", what, n, MaxCompactSize)
	}
	if minSize > 0 && n > uint64(r.remaining()/minSize) {
		return 0, newError(ErrTooLarge, "%s %d exceeds remaining %d bytes", what, n, r.remaining())
	}
	return int(n), nil
}

// varBytes reads a CompactSize length followed by that many bytes, which
// alias the reader's buffer.
func (r *reader) varBytes(what string, limit uint64) ([]byte, error) {
	n, err := r.compactSize(what)
	if err != nil {
		return nil, err
	}
	if limit > 0 && n > limit {
		return nil, newError(ErrTooLarge, "%s length %d exceeds limit %d", what, n, limit)
	}
	if n > uint64(r.remaining()) {
		return nil, newError(ErrTooLarge, "%s length %d exceeds remaining %d bytes", what, n, r.remaining())
	}
	return r.bytes(int(n), what)
}

// varString reads a CompactSize-prefixed string (copied).
func (r *reader) varString(what string, limit uint64) (string, error) {
	b, err := r.varBytes(what, limit)
	return string(b), err
}

// done fails if bytes remain: a message payload must be consumed exactly.
func (r *reader) done(what string) error {
	if r.remaining() != 0 {
		return newError(ErrTrailingData, "%s: %d unexpected trailing bytes", what, r.remaining())
	}
	return nil
}

// CompactSizeLen returns the number of bytes CompactSize encoding of v takes.
func CompactSizeLen(v uint64) int {
	switch {
	case v < 0xfd:
		return 1
	case v <= 0xffff:
		return 3
	case v <= 0xffffffff:
		return 5
	default:
		return 9
	}
}

// AppendCompactSize appends the canonical CompactSize encoding of v.
func AppendCompactSize(b []byte, v uint64) []byte {
	switch {
	case v < 0xfd:
		return append(b, byte(v))
	case v <= 0xffff:
		return binary.LittleEndian.AppendUint16(append(b, 0xfd), uint16(v))
	case v <= 0xffffffff:
		return binary.LittleEndian.AppendUint32(append(b, 0xfe), uint32(v))
	default:
		return binary.LittleEndian.AppendUint64(append(b, 0xff), v)
	}
}

// ReadCompactSize decodes one CompactSize integer from the start of b and
// returns it with the number of bytes it took.
func ReadCompactSize(b []byte) (uint64, int, error) {
	r := newReader(b)
	v, err := r.compactSize("CompactSize")
	return v, r.off, err
}

// AppendVarBytes appends a CompactSize length and the bytes.
func AppendVarBytes(b, data []byte) []byte {
	return append(AppendCompactSize(b, uint64(len(data))), data...)
}

func appendVarString(b []byte, s string) []byte {
	return append(AppendCompactSize(b, uint64(len(s))), s...)
}

func appendUint16(b []byte, v uint16) []byte { return binary.LittleEndian.AppendUint16(b, v) }
func appendUint32(b []byte, v uint32) []byte { return binary.LittleEndian.AppendUint32(b, v) }
func appendUint64(b []byte, v uint64) []byte { return binary.LittleEndian.AppendUint64(b, v) }
