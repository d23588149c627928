package feeest

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/bitnode/bitnode/wire"
)

// ErrorKind identifies why Load rejected a file; it implements error so
// callers can test with errors.Is(err, feeest.ErrCorrupt).
type ErrorKind string

func (k ErrorKind) Error() string { return string(k) }

const (
	// ErrCorrupt: the data is truncated, fails its checksum, or holds a
	// value the estimator could not have written.
	ErrCorrupt = ErrorKind("corrupt fee estimates")
	// ErrVersion: the file is of another format version, or was written
	// with other bucket or horizon parameters.
	ErrVersion = ErrorKind("incompatible fee estimates")
	// ErrStale: LoadFile found a file older than the maximum age.
	ErrStale = ErrorKind("stale fee estimates")
)

// Error is the error Load returns; it unwraps to its kind.
type Error struct {
	Err         ErrorKind
	Description string
}

func (e *Error) Error() string { return e.Description }

// Unwrap returns the kind, for errors.Is.
func (e *Error) Unwrap() error { return e.Err }

func newError(kind ErrorKind, format string, args ...any) *Error {
	return &Error{Err: kind, Description: string(kind) + ": " + fmt.Sprintf(format, args...)}
}

// FileName is the estimator's file in the data directory.
const FileName = "fee_estimates.dat"

// MaxFileAge is how old a file LoadFile still accepts by default (Core's
// MAX_FILE_AGE): older estimates may describe another fee market.
const MaxFileAge = 60 * time.Hour

// File format, all integers and float64 bit patterns little-endian:
//
//	magic "BNFE", version byte (1)
//	best height, historical first, historical best    uint32 each
//	bucket count uint16, bucket boundaries            float64 each
//	per horizon (short, medium, long):
//	    decay float64, scale uint16, periods uint16
//	    feeRateAvg[buckets], txCtAvg[buckets]          float64
//	    confAvg[periods][buckets], failAvg[periods][buckets]
//	SHA-256 of everything before it                  32 bytes
//
// Only the decayed statistics are stored, as in Core: transactions still
// waiting are not (call FlushUnconfirmed first on shutdown). Since the
// bucket and horizon parameters must equal this build's, the file has one
// possible length, which bounds what Load reads.
var fileMagic = [4]byte{'B', 'N', 'F', 'E'}

const fileVersion = 1

// maxCount bounds every decayed count a file may hold: even a thousand
// times Bitcoin's largest blocks, confirmed forever under the slowest
// decay, stays below it.
const maxCount = 1e12

func (e *Estimator) fileSize() int {
	n := 4 + 1 + 3*4 + 2 + 8*len(e.buckets)
	for _, p := range horizonParams {
		n += 8 + 2 + 2 + 8*(2*len(e.buckets)+2*p.periods*len(e.buckets))
	}
	return n + sha256.Size
}

// Save writes the estimator's statistics. It does not change the
// estimator; on shutdown call FlushUnconfirmed first, as Core does.
func (e *Estimator) Save(w io.Writer) error {
	e.mu.Lock()
	buf := e.encodeLocked()
	e.mu.Unlock()
	_, err := w.Write(buf)
	return err
}

func (e *Estimator) encodeLocked() []byte {
	buf := make([]byte, 0, e.fileSize())
	le := binary.LittleEndian
	putF := func(v float64) { buf = le.AppendUint64(buf, math.Float64bits(v)) }
	buf = append(buf, fileMagic[:]...)
	buf = append(buf, fileVersion)
	// The recorded range is this session's if it is more than half the
	// loaded one, else the loaded one (Core's rule).
	first, best := e.histFirst, e.histBest
	if e.blockSpan() > e.historicalBlockSpan()/2 {
		first, best = e.firstRecorded, e.bestSeen
	}
	buf = le.AppendUint32(buf, uint32(e.bestSeen))
	buf = le.AppendUint32(buf, uint32(first))
	buf = le.AppendUint32(buf, uint32(best))
	buf = le.AppendUint16(buf, uint16(len(e.buckets)))
	for _, b := range e.buckets {
		putF(b)
	}
	for _, s := range e.stats {
		putF(s.decay)
		buf = le.AppendUint16(buf, uint16(s.scale))
		buf = le.AppendUint16(buf, uint16(s.periods))
		for _, arr := range [][]float64{s.feeRateAvg, s.txCtAvg, s.confAvg, s.failAvg} {
			for _, v := range arr {
				putF(v)
			}
		}
	}
	sum := sha256.Sum256(buf)
	return append(buf, sum[:]...)
}

// reader decodes a byte slice whose length was already checked.
type reader struct {
	b []byte
	n int
}

func (r *reader) u16() int {
	v := binary.LittleEndian.Uint16(r.b[r.n:])
	r.n += 2
	return int(v)
}

func (r *reader) u32() uint32 {
	v := binary.LittleEndian.Uint32(r.b[r.n:])
	r.n += 4
	return v
}

func (r *reader) f64() float64 {
	v := math.Float64frombits(binary.LittleEndian.Uint64(r.b[r.n:]))
	r.n += 8
	return v
}

// Load replaces the estimator's statistics with those Save wrote. It reads
// at most one byte more than a valid file's fixed length, checks the
// checksum and every value, and on any error leaves the estimator as it
// was. Tracking of waiting transactions is reset, so call it before the
// pool starts feeding the estimator.
func (e *Estimator) Load(r io.Reader) error {
	want := e.fileSize()
	data, err := io.ReadAll(io.LimitReader(r, int64(want)+1))
	if err != nil {
		return err
	}
	if len(data) < 5 || !bytes.Equal(data[:4], fileMagic[:]) {
		return newError(ErrCorrupt, "not a fee estimates file")
	}
	if data[4] != fileVersion {
		return newError(ErrVersion, "file version %d, want %d", data[4], fileVersion)
	}
	if len(data) != want {
		return newError(ErrCorrupt, "file length %d, want %d", len(data), want)
	}
	body := data[:want-sha256.Size]
	if sum := sha256.Sum256(body); !bytes.Equal(sum[:], data[want-sha256.Size:]) {
		return newError(ErrCorrupt, "checksum mismatch")
	}

	rd := &reader{b: body, n: 5}
	best, first, last := rd.u32(), rd.u32(), rd.u32()
	if best > math.MaxInt32 || first > last || last > best {
		return newError(ErrCorrupt, "invalid block range %d-%d, best %d", first, last, best)
	}
	if n := rd.u16(); n != len(e.buckets) {
		return newError(ErrVersion, "%d fee-rate buckets, want %d", n, len(e.buckets))
	}
	for i, b := range e.buckets {
		if v := rd.f64(); v != b {
			return newError(ErrVersion, "bucket %d bound %v, want %v", i, v, b)
		}
	}
	var fresh [3]*confirmStats
	for h, p := range horizonParams {
		decay, scale, periods := rd.f64(), rd.u16(), rd.u16()
		if decay != p.decay || scale != p.scale || periods != p.periods {
			return newError(ErrVersion, "%s horizon decay %v scale %d periods %d, want %v %d %d",
				Horizon(h), decay, scale, periods, p.decay, p.scale, p.periods)
		}
		ns := newConfirmStats(e.buckets, p.periods, p.scale, p.decay)
		for _, arr := range [][]float64{ns.feeRateAvg, ns.txCtAvg, ns.confAvg, ns.failAvg} {
			for i := range arr {
				arr[i] = rd.f64()
			}
		}
		if err := ns.validate(); err != nil {
			return newError(ErrCorrupt, "%s horizon: %v", Horizon(h), err)
		}
		fresh[h] = ns
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	e.stats = fresh
	e.tracked = make(map[wire.Hash]txInfo)
	e.bestSeen = int32(best)
	e.firstRecorded = 0
	e.histFirst, e.histBest = int32(first), int32(last)
	return nil
}

// validate checks that the loaded averages are ones the estimator could
// have produced: finite, not negative, counts bounded, and the confirmed
// counts non-decreasing in the period and within the total.
func (s *confirmStats) validate() error {
	ok := func(v, limit float64) bool { return v >= 0 && v <= limit } // false for NaN
	for b := 0; b < s.nb; b++ {
		if !ok(s.txCtAvg[b], maxCount) {
			return fmt.Errorf("bucket %d: tx count %v", b, s.txCtAvg[b])
		}
		if !ok(s.feeRateAvg[b], math.MaxFloat64) {
			return fmt.Errorf("bucket %d: fee-rate sum %v", b, s.feeRateAvg[b])
		}
		prev := 0.0
		for p := 0; p < s.periods; p++ {
			c, f := s.confAvg[p*s.nb+b], s.failAvg[p*s.nb+b]
			if !ok(c, maxCount) || !ok(f, maxCount) {
				return fmt.Errorf("bucket %d period %d: confirmed %v failed %v", b, p, c, f)
			}
			if c < prev || c > s.txCtAvg[b] {
				return fmt.Errorf("bucket %d period %d: confirmed %v out of order", b, p, c)
			}
			prev = c
		}
	}
	return nil
}

// SaveFile writes the estimates to path atomically: a temporary file in
// the same directory, synced, then renamed over path.
func (e *Estimator) SaveFile(path string) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = e.Save(f); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// LoadFile loads path unless it is older than maxAge (by modification
// time; 0 means MaxFileAge, negative accepts any age, Core's
// -acceptstalefeeestimates). A missing file returns an error satisfying
// errors.Is(err, fs.ErrNotExist); Core continues without estimates in
// every failure case.
func (e *Estimator) LoadFile(path string, maxAge time.Duration) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if maxAge == 0 {
		maxAge = MaxFileAge
	}
	if maxAge > 0 {
		fi, err := f.Stat()
		if err != nil {
			return err
		}
		if age := time.Since(fi.ModTime()); age > maxAge {
			return newError(ErrStale, "%s is %v old, over %v", path, age.Round(time.Hour), maxAge)
		}
	}
	if err := e.Load(f); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
