package feeest

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bitnode/bitnode/wire"
)

func saved(tb testing.TB, e *Estimator) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := e.Save(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// sameEstimates compares every smart estimate and the raw estimates of
// every horizon at a spread of targets and thresholds.
func sameEstimates(t *testing.T, a, b *Estimator) {
	t.Helper()
	for target := 0; target <= a.MaxTarget()+1; target++ {
		for _, m := range []Mode{Economical, Conservative} {
			x, y := a.EstimateSmartFee(target, m), b.EstimateSmartFee(target, m)
			if x.FeeRate != y.FeeRate || x.Blocks != y.Blocks || len(x.Errors) != len(y.Errors) {
				t.Fatalf("target %d %v: %+v vs %+v", target, m, x, y)
			}
		}
	}
	for _, h := range Horizons {
		for target := 1; target <= a.HighestTargetTracked(h); target += 1 + target/8 {
			for _, thr := range []float64{0, .5, .6, .85, .95, 1} {
				if x, y := a.EstimateRawFee(target, thr, h), b.EstimateRawFee(target, thr, h); x != y {
					t.Fatalf("raw %v %d %v: %+v vs %+v", h, target, thr, x, y)
				}
			}
		}
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	e, _ := history(t, 2000, 42)
	e.FlushUnconfirmed() // as on shutdown: waiting txs are not saved
	data := saved(t, e)
	if len(data) != e.fileSize() {
		t.Fatalf("saved %d bytes, want %d", len(data), e.fileSize())
	}
	f := New()
	if err := f.Load(bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	if f.BestHeight() != e.BestHeight() {
		t.Fatalf("best height %d, want %d", f.BestHeight(), e.BestHeight())
	}
	sameEstimates(t, e, f)
	if !bytes.Equal(saved(t, f), data) {
		t.Error("saving the loaded estimator gives other bytes")
	}

	// The loaded estimator carries on: blocks after the saved best height
	// are processed and the historical span keeps targets usable.
	s := newSim(f, 99, f.BestHeight()+1)
	s.run(10, normalMarket)
	if got := f.EstimateSmartFee(144, Economical); got.Blocks != 144 || got.FeeRate != 10000 {
		t.Errorf("after reload: %+v", got)
	}
}

func TestSaveFileLoadFile(t *testing.T) {
	e, _ := history(t, 300, 11)
	e.FlushUnconfirmed()
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	if err := e.SaveFile(path); err != nil {
		t.Fatal(err)
	}
	if err := e.SaveFile(path); err != nil { // replaces
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("temporary files left: %v", ents)
	}
	f := New()
	if err := f.LoadFile(path, 0); err != nil {
		t.Fatal(err)
	}
	sameEstimates(t, e, f)

	old := time.Now().Add(-61 * time.Hour)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	if err := New().LoadFile(path, 0); !errors.Is(err, ErrStale) {
		t.Errorf("stale file: %v", err)
	}
	if err := New().LoadFile(path, -1); err != nil {
		t.Errorf("stale file accepted on request: %v", err)
	}
	if err := New().LoadFile(filepath.Join(dir, "missing"), 0); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// reseal recomputes the checksum after a test edits the body.
func reseal(data []byte) []byte {
	out := bytes.Clone(data)
	n := len(out) - sha256.Size
	sum := sha256.Sum256(out[:n])
	copy(out[n:], sum[:])
	return out
}

func TestLoadRejectsCorrupt(t *testing.T) {
	e, _ := history(t, 200, 4)
	e.FlushUnconfirmed()
	good := saved(t, e)
	// Offsets in the layout.
	const heights = 5
	buckets := heights + 12 + 2
	shortStats := buckets + 8*len(e.buckets)
	shortTxCt := shortStats + 12 + 8*len(e.buckets)
	putF := func(d []byte, off int, v float64) []byte {
		d = bytes.Clone(d)
		binary.LittleEndian.PutUint64(d[off:], math.Float64bits(v))
		return reseal(d)
	}
	put32 := func(d []byte, off int, v uint32) []byte {
		d = bytes.Clone(d)
		binary.LittleEndian.PutUint32(d[off:], v)
		return reseal(d)
	}
	flip := bytes.Clone(good)
	flip[len(flip)/2] ^= 1
	cases := []struct {
		name string
		data []byte
		kind ErrorKind
	}{
		{"empty", nil, ErrCorrupt},
		{"magic only", []byte("BNFE"), ErrCorrupt},
		{"bad magic", append([]byte("XNFE"), good[4:]...), ErrCorrupt},
		{"version", append(append([]byte("BNFE"), 2), good[5:]...), ErrVersion},
		{"truncated", good[:len(good)-1], ErrCorrupt},
		{"truncated body", good[:1000], ErrCorrupt},
		{"trailing", append(bytes.Clone(good), 0), ErrCorrupt},
		{"bit flip", flip, ErrCorrupt},
		{"best height", put32(good, heights, math.MaxUint32), ErrCorrupt},
		{"range", put32(good, heights+4, uint32(e.BestHeight())+1), ErrCorrupt},
		{"bucket bound", putF(good, buckets, 1000), ErrVersion},
		{"decay", putF(good, shortStats, .5), ErrVersion},
		{"NaN count", putF(good, shortTxCt, math.NaN()), ErrCorrupt},
		{"negative count", putF(good, shortTxCt, -1), ErrCorrupt},
		{"infinite sum", putF(good, shortStats+12, math.Inf(1)), ErrCorrupt},
		{"huge count", putF(good, shortTxCt+8*50, 1e300), ErrCorrupt},
	}
	for _, c := range cases {
		f, _ := history(t, 50, 8) // must be left untouched on error
		before := saved(t, f)
		err := f.Load(bytes.NewReader(c.data))
		if !errors.Is(err, c.kind) {
			t.Errorf("%s: err %v, want %v", c.name, err, c.kind)
		}
		if !bytes.Equal(saved(t, f), before) || f.Tracked() == 0 {
			t.Errorf("%s: estimator changed by a failed load", c.name)
		}
	}
	// Confirmed counts out of order (more within 1 period than within 2).
	confOff := shortTxCt + 8*len(e.buckets)
	bad := putF(good, confOff+8*100, 1e6)
	if err := New().Load(bytes.NewReader(bad)); !errors.Is(err, ErrCorrupt) {
		t.Errorf("out of order: %v", err)
	}
}

// endless is an infinite reader of a repeated byte, counting what is read.
type endless struct{ n int64 }

func (r *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'B'
	}
	r.n += int64(len(p))
	return len(p), nil
}

func TestLoadBoundedRead(t *testing.T) {
	e := New()
	r := &endless{}
	if err := e.Load(r); err == nil {
		t.Fatal("accepted garbage")
	}
	if r.n > int64(e.fileSize())+64*1024 {
		t.Errorf("read %d bytes for a %d-byte format", r.n, e.fileSize())
	}
	if err := e.Load(iotestErrReader{}); err == nil {
		t.Error("read error not returned")
	}
}

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

// FuzzLoad feeds Load arbitrary bytes, and the same bytes with a valid
// checksum so mutations reach the value checks. A valid file is about
// 300 KB, which makes the engine's input minimisation very slow: fuzz with
// -fuzzminimizetime 0.
func FuzzLoad(f *testing.F) {
	e, _ := history(f, 120, 21)
	e.FlushUnconfirmed()
	good := saved(f, e)
	f.Add(good)
	f.Add(saved(f, New()))
	f.Add([]byte{})
	f.Add([]byte("BNFE\x01"))
	f.Add(good[:len(good)/3])
	f.Add(reseal(append(append([]byte{}, good[:len(good)-sha256.Size-8]...), make([]byte, 8+sha256.Size)...)))
	f.Fuzz(func(t *testing.T, data []byte) {
		try := func(data []byte) {
			e := New()
			if err := e.Load(bytes.NewReader(data)); err != nil {
				var le *Error
				if !errors.As(err, &le) {
					t.Fatalf("error of type %T: %v", err, err)
				}
				return
			}
			// Whatever loads saves back to the same bytes and estimates
			// without panicking.
			if !bytes.Equal(saved(t, e), data) {
				t.Fatal("round trip changed the bytes")
			}
			for _, target := range []int{1, 2, 6, 25, 144, 1008} {
				e.EstimateSmartFee(target, Economical)
				e.EstimateSmartFee(target, Conservative)
			}
			for _, h := range Horizons {
				e.EstimateRawFee(e.HighestTargetTracked(h), .95, h)
			}
			e.TxAdded(testTxid(1), e.BestHeight(), 5000, true)
			e.BlockConnected(e.BestHeight()+1, []wire.Hash{testTxid(1)})
			e.EstimateSmartFee(2, Economical)
		}
		try(data)
		// Also past the checksum, so mutations reach the value checks.
		if len(data) >= sha256.Size {
			try(reseal(data))
		}
	})
}

// TestSaveLoadExtremeRates: whatever fee rates the pool reports, the file
// saved afterwards loads.
func TestSaveLoadExtremeRates(t *testing.T) {
	e := New()
	s := newSim(e, 3, 10)
	s.run(30, func(s *sim) {
		s.add(-500, 1, 0)
		s.add(math.MaxInt64, 2, 0)
		s.add(0, 0, 3)
	})
	if err := New().Load(bytes.NewReader(saved(t, e))); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentSaveLoad(t *testing.T) {
	e, s := history(t, 200, 13)
	data := saved(t, e)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 20 {
			if err := e.Load(bytes.NewReader(data)); err != nil {
				t.Error(err)
				return
			}
			e.MaxTarget()
			e.EstimateRawFee(6, .85, Short)
		}
	}()
	for range 50 {
		s.run(1, normalMarket)
		e.EstimateSmartFee(6, Conservative)
		saved(t, e)
	}
	<-done
}
