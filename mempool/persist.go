package mempool

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/bitnode/bitnode/wire"
)

// mempool.dat, this package's own format (not Core's):
//
//	magic "BNMEMPL\x00" | version uint32 LE | count uvarint |
//	count × (tx length uvarint | tx (BIP144) | time int64 LE unix seconds | delta varint) |
//	deltas uvarint | deltas × (txid 32 bytes | delta varint) |
//	SHA-256 of everything before, 32 bytes
//
// Entries are written clusters in creation order, each in its
// linearization, so parents precede children.
const (
	fileName       = "mempool.dat"
	fileMagic      = "BNMEMPL\x00"
	fileVersion    = 1
	minEntryBytes  = 1 + 10 + 8 + 1 // shortest tx, length, time, delta
	deltaBytes     = 32 + 1
	maxFileOverlay = 64 << 20 // allowance over MaxMempoolBytes when loading
)

// Errors of Load.
var (
	ErrNoDataDir   = errors.New("mempool: no data directory configured")
	ErrBadFile     = errors.New("mempool: malformed mempool.dat")
	ErrFileVersion = errors.New("mempool: unsupported mempool.dat version")
)

// savedTx is one entry of mempool.dat.
type savedTx struct {
	tx    *wire.Tx
	time  int64
	delta int64
}

// Save writes every pool transaction, with its entry time and fee delta,
// and the fee deltas of transactions not in the pool, to
// <DataDir>/mempool.dat, atomically (a temporary file renamed over it).
func (p *Pool) Save() error {
	if p.cfg.DataDir == "" {
		return ErrNoDataDir
	}
	p.sync()
	p.mu.Lock()
	es := p.topoEntries()
	saved := make([]savedTx, len(es))
	for i, e := range es {
		saved[i] = savedTx{tx: e.tx, time: e.time.Unix(), delta: e.delta}
	}
	other := make(map[wire.Hash]int64)
	for id, d := range p.deltas {
		if p.byTxid[id] == nil {
			other[id] = d
		}
	}
	p.mu.Unlock()
	b := encodeFile(saved, other)
	return writeFileAtomic(filepath.Join(p.cfg.DataDir, fileName), b)
}

// encodeFile serializes entries and deltas in mempool.dat's format.
func encodeFile(entries []savedTx, deltas map[wire.Hash]int64) []byte {
	b := []byte(fileMagic)
	b = binary.LittleEndian.AppendUint32(b, fileVersion)
	b = binary.AppendUvarint(b, uint64(len(entries)))
	for _, s := range entries {
		raw := s.tx.Serialize()
		b = binary.AppendUvarint(b, uint64(len(raw)))
		b = append(b, raw...)
		b = binary.LittleEndian.AppendUint64(b, uint64(s.time))
		b = binary.AppendVarint(b, s.delta)
	}
	b = binary.AppendUvarint(b, uint64(len(deltas)))
	for id, d := range deltas {
		b = append(b, id[:]...)
		b = binary.AppendVarint(b, d)
	}
	sum := sha256.Sum256(b)
	return append(b, sum[:]...)
}

func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".new"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("mempool: saving: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("mempool: saving: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("mempool: saving: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("mempool: saving: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("mempool: saving: %w", err)
	}
	return nil
}

// LoadStats counts what Load did.
type LoadStats struct {
	Accepted, Failed, Expired, AlreadyThere int
}

// Load reads <DataDir>/mempool.dat (a missing file is an empty pool) and
// submits each transaction again with its original entry time, skipping
// those past the expiry, and restores the fee deltas. A malformed file is
// rejected whole. The pool reports itself loaded afterwards.
func (p *Pool) Load() (LoadStats, error) {
	var st LoadStats
	if p.cfg.DataDir == "" {
		return st, ErrNoDataDir
	}
	raw, err := readBounded(filepath.Join(p.cfg.DataDir, fileName), p.cfg.MaxMempoolBytes+maxFileOverlay)
	if errors.Is(err, os.ErrNotExist) {
		p.setLoaded()
		return st, nil
	}
	if err != nil {
		return st, err
	}
	txs, deltas, err := decodeFile(raw)
	if err != nil {
		return st, err
	}
	p.mu.Lock()
	for id, d := range deltas {
		p.deltas[id] += d
	}
	p.mu.Unlock()
	p.sync()
	now := p.cfg.Now()
	for _, s := range txs {
		st.add(p.loadOne(s, now))
	}
	p.setLoaded()
	p.log.Info("mempool: loaded", "accepted", st.Accepted, "failed", st.Failed, "expired", st.Expired)
	return st, nil
}

func (st *LoadStats) add(outcome int) {
	switch outcome {
	case 0:
		st.Accepted++
	case 1:
		st.Failed++
	case 2:
		st.Expired++
	default:
		st.AlreadyThere++
	}
}

// loadOne resubmits one saved transaction: 0 accepted, 1 failed, 2
// expired, 3 already in the pool.
func (p *Pool) loadOne(s savedTx, now time.Time) int {
	t := time.Unix(s.time, 0)
	if t.Add(p.cfg.Expiry).Before(now) {
		return 2
	}
	txid := s.tx.TxHash()
	p.mu.Lock()
	if s.delta != 0 {
		p.deltas[txid] += s.delta
	}
	_, there := p.byTxid[txid]
	p.mu.Unlock()
	if there {
		return 3
	}
	if _, err := p.acceptSingle(s.tx, p.singleArgs(t)); err != nil {
		p.log.Debug("mempool: saved transaction not accepted", "txid", txid, "err", err)
		return 1
	}
	return 0
}

func (p *Pool) setLoaded() {
	p.mu.Lock()
	p.loaded = true
	p.mu.Unlock()
}

// IsLoaded reports whether Load has run (getmempoolinfo's "loaded").
func (p *Pool) IsLoaded() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.loaded
}

// readBounded reads a file of at most limit bytes.
func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%w: %d bytes", ErrBadFile, fi.Size())
	}
	buf := bytes.NewBuffer(make([]byte, 0, fi.Size()))
	if _, err := buf.ReadFrom(f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decodeFile parses mempool.dat, checking every count against the bytes
// left before allocating.
func decodeFile(b []byte) ([]savedTx, map[wire.Hash]int64, error) {
	if len(b) < len(fileMagic)+4+sha256.Size || string(b[:len(fileMagic)]) != fileMagic {
		return nil, nil, ErrBadFile
	}
	body, sum := b[:len(b)-sha256.Size], b[len(b)-sha256.Size:]
	if s := sha256.Sum256(body); !bytes.Equal(s[:], sum) {
		return nil, nil, fmt.Errorf("%w: checksum mismatch", ErrBadFile)
	}
	if v := binary.LittleEndian.Uint32(body[len(fileMagic):]); v != fileVersion {
		return nil, nil, fmt.Errorf("%w %d", ErrFileVersion, v)
	}
	r := &fileReader{b: body[len(fileMagic)+4:]}
	txs, err := r.entries()
	if err != nil {
		return nil, nil, err
	}
	deltas, err := r.deltas()
	if err != nil {
		return nil, nil, err
	}
	if len(r.b) != 0 {
		return nil, nil, fmt.Errorf("%w: trailing bytes", ErrBadFile)
	}
	return txs, deltas, nil
}

type fileReader struct{ b []byte }

func (r *fileReader) uvarint() (uint64, error) {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		return 0, ErrBadFile
	}
	r.b = r.b[n:]
	return v, nil
}

func (r *fileReader) varint() (int64, error) {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		return 0, ErrBadFile
	}
	r.b = r.b[n:]
	return v, nil
}

func (r *fileReader) entries() ([]savedTx, error) {
	n, err := r.uvarint()
	if err != nil || n > uint64(len(r.b)/minEntryBytes) {
		return nil, ErrBadFile
	}
	out := make([]savedTx, 0, n)
	for range n {
		size, err := r.uvarint()
		if err != nil || size > uint64(len(r.b)) || size > wire.MaxBlockWeight {
			return nil, ErrBadFile
		}
		tx, err := wire.DecodeTx(r.b[:size])
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadFile, err)
		}
		r.b = r.b[size:]
		if len(r.b) < 8 {
			return nil, ErrBadFile
		}
		t := int64(binary.LittleEndian.Uint64(r.b))
		r.b = r.b[8:]
		delta, err := r.varint()
		if err != nil {
			return nil, err
		}
		out = append(out, savedTx{tx: tx, time: t, delta: delta})
	}
	return out, nil
}

func (r *fileReader) deltas() (map[wire.Hash]int64, error) {
	n, err := r.uvarint()
	if err != nil || n > uint64(len(r.b)/deltaBytes) {
		return nil, ErrBadFile
	}
	out := make(map[wire.Hash]int64, n)
	for range n {
		if len(r.b) < 32 {
			return nil, ErrBadFile
		}
		var id wire.Hash
		copy(id[:], r.b[:32])
		r.b = r.b[32:]
		d, err := r.varint()
		if err != nil {
			return nil, err
		}
		out[id] += d
	}
	return out, nil
}
