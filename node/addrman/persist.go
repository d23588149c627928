package addrman

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// The peers.dat format (all integers little-endian):
//
//	magic        8 bytes  "bnpeers\x00"
//	version      1 byte   fileVersion
//	key          32 bytes bucket key
//	nNew, nTried uint32 each
//	entries      nNew new-table entries, then nTried tried entries:
//	             network u8, length u8, address, port u16,
//	             services u64, time i64, last try i64, last success i64,
//	             attempts i32, source network u8, length u8, address
//	new buckets  NewBucketCount times: count u8 (<= BucketSize), then
//	             count u32 indexes into the new entries
//	checksum     SHA-256 of everything before it
//
// Like Core's, the format stores the key and which new buckets hold each
// address; positions, the tried placement and the random order are
// recomputed on load. Unlike Core's it keeps the last-try time.
const (
	fileVersion  = 1
	headerSize   = 8 + 1 + 32 + 4 + 4
	checksumSize = sha256.Size
	// minEntrySize is an entry with empty addresses (which Load rejects,
	// but the size bound must hold before it looks).
	minEntrySize = 1 + 1 + 2 + 8 + 8 + 8 + 8 + 4 + 1 + 1
	maxEntrySize = minEntrySize + 2*maxAddrLen
	maxNew       = NewBucketCount * BucketSize
	maxTried     = TriedBucketCount * BucketSize
	// MaxFileSize bounds what Load reads.
	MaxFileSize = headerSize + (maxNew+maxTried)*maxEntrySize + NewBucketCount*(1+4*BucketSize) + checksumSize
)

var fileMagic = [8]byte{'b', 'n', 'p', 'e', 'e', 'r', 's', 0}

// Save writes the address manager in the peers.dat format.
func (m *Manager) Save(w io.Writer) error {
	m.mu.Lock()
	b := m.t.encode()
	m.mu.Unlock()
	_, err := w.Write(b)
	return err
}

func (t *table) encode() []byte {
	b := make([]byte, 0, headerSize+len(t.random)*64+NewBucketCount+t.nNew*4*2+checksumSize)
	b = append(b, fileMagic[:]...)
	b = append(b, fileVersion)
	b = append(b, t.key[:]...)
	b = binary.LittleEndian.AppendUint32(b, uint32(t.nNew))
	b = binary.LittleEndian.AppendUint32(b, uint32(t.nTried))
	index := make(map[int32]uint32, t.nNew)
	for _, tried := range []bool{false, true} {
		for id := range t.entries {
			e := &t.entries[id]
			if e.used && e.inTried == tried {
				if !tried {
					index[int32(id)] = uint32(len(index))
				}
				b = appendEntry(b, e)
			}
		}
	}
	for bucket := range t.newT {
		at := len(b)
		b = append(b, 0)
		for _, id := range t.newT[bucket] {
			if id >= 0 {
				b[at]++
				b = binary.LittleEndian.AppendUint32(b, index[id])
			}
		}
	}
	sum := sha256.Sum256(b)
	return append(b, sum[:]...)
}

func appendEntry(b []byte, e *entry) []byte {
	b = append(b, byte(e.addr.net), e.addr.n)
	b = append(b, e.addr.addr()...)
	b = binary.LittleEndian.AppendUint16(b, e.addr.port)
	b = binary.LittleEndian.AppendUint64(b, uint64(e.services))
	b = binary.LittleEndian.AppendUint64(b, uint64(e.time))
	b = binary.LittleEndian.AppendUint64(b, uint64(e.lastTry))
	b = binary.LittleEndian.AppendUint64(b, uint64(e.lastSuccess))
	b = binary.LittleEndian.AppendUint32(b, uint32(e.attempts))
	b = append(b, byte(e.source.net), e.source.n)
	return append(b, e.source.addr()...)
}

// Load replaces the manager's contents (and key) with those of a peers.dat
// image. Hostile input is safe: the size, every count and every index are
// bounded before anything is allocated, and the checksum is verified
// first. Invalid or unroutable addresses are dropped, as are tried entries
// whose position is taken (as Core does); anything else inconsistent fails
// the whole load with an *Error saying what was wrong, and leaves the
// manager unchanged.
func (m *Manager) Load(r io.Reader) error {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return err
	}
	m.mu.Lock()
	rng, log := m.t.rng, m.log
	m.mu.Unlock()
	t, lost, err := decodeTable(data, rng, log)
	if err != nil {
		return err
	}
	nNew, nTried := t.nNew, t.nTried // t is shared once installed
	m.mu.Lock()
	m.t = t
	m.mu.Unlock()
	log.Debug("loaded peers", "new", nNew, "tried", nTried, "dropped", lost)
	return nil
}

// SaveFile writes path atomically: a temporary file in the same directory,
// synced, then renamed over path, and the directory synced.
func (m *Manager) SaveFile(path string) error {
	return writeFileAtomic(path, m.Save)
}

// LoadFile loads path (see Load). A missing file returns an error
// satisfying errors.Is(err, fs.ErrNotExist); on any error the manager is
// unchanged, and the caller should log it and go on with an empty manager
// (Core instead refuses to start on a corrupt peers.dat).
func (m *Manager) LoadFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := m.Load(bufio.NewReader(f)); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func writeFileAtomic(path string, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriter(f)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	if d, derr := os.Open(dir); derr == nil {
		d.Sync() // best effort: not every platform syncs directories
		d.Close()
	}
	return nil
}

// reader reads from a byte slice, remembering the first error.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) take(n int, what string) []byte {
	if r.err != nil {
		return nil
	}
	if n > len(r.b)-r.off {
		r.err = newError(ErrTruncated, "peers.dat: truncated in %s at offset %d", what, r.off)
		return nil
	}
	p := r.b[r.off : r.off+n]
	r.off += n
	return p
}

func (r *reader) u8(what string) uint8 {
	if p := r.take(1, what); p != nil {
		return p[0]
	}
	return 0
}

func (r *reader) u16(what string) uint16 {
	if p := r.take(2, what); p != nil {
		return binary.LittleEndian.Uint16(p)
	}
	return 0
}

func (r *reader) u32(what string) uint32 {
	if p := r.take(4, what); p != nil {
		return binary.LittleEndian.Uint32(p)
	}
	return 0
}

func (r *reader) i64(what string) int64 {
	if p := r.take(8, what); p != nil {
		return int64(binary.LittleEndian.Uint64(p))
	}
	return 0
}

func (r *reader) fail(kind ErrorKind, format string, args ...any) {
	if r.err == nil {
		r.err = newError(kind, "peers.dat: "+format, args...)
	}
}

// checkHeader verifies size, magic, version and checksum and returns the
// body between the header and the checksum.
func checkHeader(data []byte) (*reader, error) {
	if len(data) > MaxFileSize {
		return nil, newError(ErrTooLarge, "peers.dat: larger than %d bytes", MaxFileSize)
	}
	if len(data) < len(fileMagic)+1 || !bytes.Equal(data[:len(fileMagic)], fileMagic[:]) {
		return nil, newError(ErrBadFormat, "peers.dat: not a bitnode peers file (bad magic)")
	}
	if v := data[len(fileMagic)]; v != fileVersion {
		return nil, newError(ErrBadFormat, "peers.dat: format version %d, this build reads %d", v, fileVersion)
	}
	if len(data) < headerSize+NewBucketCount+checksumSize {
		return nil, newError(ErrTruncated, "peers.dat: %d bytes, shorter than an empty table", len(data))
	}
	body := data[:len(data)-checksumSize]
	if sum := sha256.Sum256(body); !bytes.Equal(sum[:], data[len(body):]) {
		return nil, newError(ErrBadChecksum, "peers.dat: checksum mismatch")
	}
	return &reader{b: body, off: len(fileMagic) + 1}, nil
}
