package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/bitnode/bitnode/wire"
)

// Flat file limits.
const (
	// DefaultMaxFileSize is the size a blk file grows to before the next one
	// starts (Core's MAX_BLOCKFILE_SIZE).
	DefaultMaxFileSize = 128 << 20
	// maxFileBytes: offsets are uint32.
	maxFileBytes = 1<<32 - 1
	// maxFileNum bounds the file numbers accepted from a directory listing.
	maxFileNum = 1 << 20
	// recordHeaderSize is the magic and the LE uint32 length before each
	// block or undo payload.
	recordHeaderSize = 8
	// undoChecksumSize is the SHA256d after each undo payload.
	undoChecksumSize = 32
	// unknownHeight is the HeightLast of a file found on disk whose info
	// was never persisted: it may hold any height, so pruning by height
	// keeps it.
	unknownHeight = math.MaxInt32
)

// BlockFiles stores blocks in <dir>/blk%05d.dat and their undo data in
// rev%05d.dat, as Bitcoin Core does: each block is the network magic, its
// LE uint32 length and the serialized block, so Core's -loadblock reads our
// files; each undo record is magic, length, the undo bytes and
// SHA256d(block hash || undo bytes). Blocks are appended to the last file
// until it would pass the size limit; a block's undo data goes to the rev
// file numbered like the block's blk file.
//
// The files' info (sizes, block counts, heights) is persisted through
// DB.AttachBlockFiles; without it, OpenBlockFiles recovers the sizes from
// the files themselves but not the counts and heights pruning needs.
// Methods are safe for concurrent use.
type BlockFiles struct {
	dir     string
	magic   [4]byte
	maxSize int64
	log     *slog.Logger

	mu          sync.Mutex
	infos       []FileInfo // indexed by file number
	cur         int32      // the file blocks are appended to
	dirty       map[int32]uint64
	version     uint64
	handles     map[fileKey]*os.File // open for writing
	unsynced    map[fileKey]bool
	dirUnsynced bool
	closed      bool
}

type fileKey struct {
	num  int32
	undo bool
}

func (f *BlockFiles) path(k fileKey) string {
	prefix := "blk"
	if k.undo {
		prefix = "rev"
	}
	return filepath.Join(f.dir, fmt.Sprintf("%s%05d.dat", prefix, k.num))
}

// OpenBlockFiles opens the flat files in dir, creating dir if needed.
// maxFileSize 0 means DefaultMaxFileSize. Writing resumes at the end of the
// highest-numbered file present.
func OpenBlockFiles(dir string, magic [4]byte, maxFileSize int64, log *slog.Logger) (*BlockFiles, error) {
	if maxFileSize == 0 {
		maxFileSize = DefaultMaxFileSize
	}
	if maxFileSize < 0 || maxFileSize > maxFileBytes {
		return nil, fmt.Errorf("store: block file size limit %d out of range", maxFileSize)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	f := &BlockFiles{
		dir: dir, magic: magic, maxSize: maxFileSize, log: log,
		dirty:    make(map[int32]uint64),
		handles:  make(map[fileKey]*os.File),
		unsynced: make(map[fileKey]bool),
	}
	if err := f.scan(); err != nil {
		return nil, err
	}
	log.Info("opened block files", "dir", dir, "files", len(f.infos), "current", f.cur)
	return f, nil
}

// scan builds the file table from the directory: sizes from the files,
// the current file the highest number found.
func (f *BlockFiles) scan() error {
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	for _, e := range entries {
		k, ok := parseFileName(e.Name())
		if !ok || !e.Type().IsRegular() {
			continue
		}
		st, err := e.Info()
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		fi := f.info(k.num)
		if k.undo {
			fi.UndoSize = st.Size()
		} else {
			fi.Size = st.Size()
		}
		if st.Size() > 0 {
			fi.HeightLast = unknownHeight // until restore says otherwise
		}
		f.cur = max(f.cur, k.num)
	}
	f.info(f.cur)
	return nil
}

// parseFileName recognises blk%05d.dat and rev%05d.dat.
func parseFileName(name string) (fileKey, bool) {
	var k fileKey
	switch {
	case strings.HasPrefix(name, "blk"):
	case strings.HasPrefix(name, "rev"):
		k.undo = true
	default:
		return k, false
	}
	digits, ok := strings.CutSuffix(name[3:], ".dat")
	if !ok || len(digits) < 5 {
		return k, false
	}
	n, err := strconv.ParseUint(digits, 10, 31)
	if err != nil || n >= maxFileNum || fmt.Sprintf("%05d", n) != digits {
		return k, false
	}
	k.num = int32(n)
	return k, true
}

// info returns file num's entry, growing the table as needed. f.mu is held
// (or f is not yet shared).
func (f *BlockFiles) info(num int32) *FileInfo {
	for int32(len(f.infos)) <= num {
		f.infos = append(f.infos, FileInfo{Num: int32(len(f.infos))})
	}
	return &f.infos[num]
}

func (f *BlockFiles) markDirty(num int32) {
	f.version++
	f.dirty[num] = f.version
}

// restore merges the persisted file info into the table built from the
// directory. Sizes take the larger of record and file, so nothing a record
// points at is overwritten after a crash; a file that was recorded but is
// gone (pruned before the record caught up) is empty.
func (f *BlockFiles) restore(infos []FileInfo, last int32) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cur = max(f.cur, last)
	for _, rec := range infos {
		if rec.Num < 0 || rec.Num >= maxFileNum {
			continue
		}
		fi := f.info(rec.Num)
		disk := *fi
		*fi = rec
		fi.Size, fi.UndoSize = max(rec.Size, disk.Size), max(rec.UndoSize, disk.UndoSize)
		if rec.Num < f.cur && disk.Size == 0 && disk.UndoSize == 0 && !f.exists(rec.Num) {
			*fi = FileInfo{Num: rec.Num}
		}
		if *fi != rec {
			f.markDirty(rec.Num)
		}
	}
	f.info(f.cur)
}

func (f *BlockFiles) exists(num int32) bool {
	_, err1 := os.Stat(f.path(fileKey{num, false}))
	_, err2 := os.Stat(f.path(fileKey{num, true}))
	return err1 == nil || err2 == nil
}

// handle returns the write handle for k, opening (creating) the file.
func (f *BlockFiles) handle(k fileKey) (*os.File, error) {
	if h := f.handles[k]; h != nil {
		return h, nil
	}
	p := f.path(k)
	_, statErr := os.Stat(p)
	h, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if statErr != nil {
		f.dirUnsynced = true
	}
	f.handles[k] = h
	return h, nil
}

// closeHandle syncs (if needed) and closes k's write handle.
func (f *BlockFiles) closeHandle(k fileKey) error {
	h := f.handles[k]
	if h == nil {
		return nil
	}
	var err error
	if f.unsynced[k] {
		err = h.Sync()
		delete(f.unsynced, k)
	}
	delete(f.handles, k)
	return errors.Join(err, h.Close())
}

func (f *BlockFiles) recordHeader(n int) []byte {
	b := make([]byte, recordHeaderSize, recordHeaderSize+n)
	copy(b, f.magic[:])
	binary.LittleEndian.PutUint32(b[4:], uint32(n))
	return b
}

// WriteBlock appends a serialized block at height and returns where its
// bytes start. A file that cannot take the block whole without passing the
// size limit is finished (synced and closed) and the next one begun.
func (f *BlockFiles) WriteBlock(raw []byte, height int32) (FilePos, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return NoPos, errClosed("WriteBlock")
	}
	need := int64(recordHeaderSize + len(raw))
	if need > maxFileBytes {
		return NoPos, fmt.Errorf("store: block of %d bytes too large for a block file", len(raw))
	}
	fi := &f.infos[f.cur]
	if fi.Size > 0 && (fi.Size+need > f.maxSize || fi.Size+need > maxFileBytes) {
		if err := f.closeHandle(fileKey{f.cur, false}); err != nil {
			return NoPos, err
		}
		f.log.Debug("block file full", "file", f.cur, "size", fi.Size, "blocks", fi.Blocks)
		f.cur++
		fi = f.info(f.cur)
		f.markDirty(f.cur)
	}
	k := fileKey{f.cur, false}
	h, err := f.handle(k)
	if err != nil {
		return NoPos, err
	}
	pos := fi.Size
	if _, err := h.WriteAt(f.recordHeader(len(raw)), pos); err != nil {
		return NoPos, fmt.Errorf("store: write block: %w", err)
	}
	if _, err := h.WriteAt(raw, pos+recordHeaderSize); err != nil {
		return NoPos, fmt.Errorf("store: write block: %w", err)
	}
	f.unsynced[k] = true
	fi.Size += need
	if fi.Blocks == 0 || height < fi.HeightFirst {
		fi.HeightFirst = height
	}
	if fi.Blocks == 0 || height > fi.HeightLast {
		fi.HeightLast = height
	}
	fi.Blocks++
	f.markDirty(f.cur)
	return FilePos{File: f.cur, Offset: uint32(pos + recordHeaderSize)}, nil
}

// WriteUndo appends a block's undo data to the rev file numbered like the
// block's blk file, with Core's checksum SHA256d(blockHash || undo), and
// returns where the undo bytes start.
func (f *BlockFiles) WriteUndo(blockPos FilePos, blockHash wire.Hash, undo []byte) (FilePos, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return NoPos, errClosed("WriteUndo")
	}
	if blockPos.File < 0 || int(blockPos.File) >= len(f.infos) {
		return NoPos, fmt.Errorf("store: undo for a block in unknown file %d", blockPos.File)
	}
	fi := &f.infos[blockPos.File]
	need := int64(recordHeaderSize + len(undo) + undoChecksumSize)
	if fi.UndoSize+need > maxFileBytes {
		return NoPos, fmt.Errorf("store: rev file %d full", blockPos.File)
	}
	k := fileKey{blockPos.File, true}
	h, err := f.handle(k)
	if err != nil {
		return NoPos, err
	}
	sum := undoChecksum(blockHash, undo)
	rec := append(append(f.recordHeader(len(undo)), undo...), sum[:]...)
	pos := fi.UndoSize
	if _, err := h.WriteAt(rec, pos); err != nil {
		return NoPos, fmt.Errorf("store: write undo: %w", err)
	}
	f.unsynced[k] = true
	fi.UndoSize += need
	f.markDirty(blockPos.File)
	return FilePos{File: blockPos.File, Offset: uint32(pos + recordHeaderSize)}, nil
}

func undoChecksum(blockHash wire.Hash, undo []byte) wire.Hash {
	h := sha256.New()
	h.Write(blockHash[:])
	h.Write(undo)
	return sha256.Sum256(h.Sum(nil))
}

// readRecord reads the payload at pos (and extra bytes after it) from file
// k, checking the magic and that the length stays inside the file.
func (f *BlockFiles) readRecord(k fileKey, pos FilePos, extra int) ([]byte, error) {
	what := "block"
	if k.undo {
		what = "undo data"
	}
	if pos.File < 0 {
		return nil, fmt.Errorf("store: read %s: no position", what)
	}
	fh, err := os.Open(f.path(k))
	if err != nil {
		return nil, fmt.Errorf("store: read %s: %w", what, err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, fmt.Errorf("store: read %s: %w", what, err)
	}
	where := fmt.Sprintf("%s at %s:%d", what, filepath.Base(f.path(k)), pos.Offset)
	if pos.Offset < recordHeaderSize || int64(pos.Offset) > st.Size() {
		return nil, corrupt("%s: offset outside the file (%d bytes)", where, st.Size())
	}
	var hdr [recordHeaderSize]byte
	if _, err := fh.ReadAt(hdr[:], int64(pos.Offset)-recordHeaderSize); err != nil {
		return nil, corrupt("%s: header: %v", where, err)
	}
	if !bytes.Equal(hdr[:4], f.magic[:]) {
		return nil, corrupt("%s: magic %x, want %x", where, hdr[:4], f.magic[:])
	}
	n := int64(binary.LittleEndian.Uint32(hdr[4:])) + int64(extra)
	if int64(pos.Offset)+n > st.Size() {
		return nil, corrupt("%s: length %d runs past the end of the file (%d bytes)", where, n-int64(extra), st.Size())
	}
	buf := make([]byte, n)
	if _, err := fh.ReadAt(buf, int64(pos.Offset)); err != nil {
		return nil, fmt.Errorf("store: read %s: %w", where, err)
	}
	return buf, nil
}

// ReadBlock returns the serialized block at pos.
func (f *BlockFiles) ReadBlock(pos FilePos) ([]byte, error) {
	return f.readRecord(fileKey{pos.File, false}, pos, 0)
}

// ReadUndo returns the undo data at pos after checking its checksum against
// blockHash (ErrCorrupt on mismatch).
func (f *BlockFiles) ReadUndo(pos FilePos, blockHash wire.Hash) ([]byte, error) {
	b, err := f.readRecord(fileKey{pos.File, true}, pos, undoChecksumSize)
	if err != nil {
		return nil, err
	}
	undo, sum := b[:len(b)-undoChecksumSize], b[len(b)-undoChecksumSize:]
	if want := undoChecksum(blockHash, undo); !bytes.Equal(sum, want[:]) {
		return nil, corrupt("undo data at rev%05d.dat:%d: checksum mismatch for block %s", pos.File, pos.Offset, blockHash)
	}
	return undo, nil
}

// Sync makes everything written since the last Sync durable (fsync of the
// files and, when files were created or removed, of the directory), and
// closes write handles other than the current file's.
func (f *BlockFiles) Sync() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return errClosed("Sync")
	}
	return f.syncLocked()
}

func (f *BlockFiles) syncLocked() error {
	var errs []error
	for k := range f.unsynced {
		if err := f.handles[k].Sync(); err != nil {
			errs = append(errs, fmt.Errorf("store: sync %s: %w", f.path(k), err))
			continue
		}
		delete(f.unsynced, k)
	}
	for k := range f.handles {
		if k.num != f.cur && !f.unsynced[k] {
			errs = append(errs, f.closeHandle(k))
		}
	}
	if f.dirUnsynced {
		if err := syncDir(f.dir); err != nil {
			errs = append(errs, err)
		} else {
			f.dirUnsynced = false
		}
	}
	return errors.Join(errs...)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("store: sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("store: sync %s: %w", dir, err)
	}
	return nil
}

// Files returns the info of every file, in number order.
func (f *BlockFiles) Files() []FileInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]FileInfo(nil), f.infos...)
}

// DeleteFiles removes the blk and rev files numbered below upTo, except
// the one blocks are being written to, and empties their info (pruning).
// Persist the change with DB.PutBlockRecords after updating the records
// that pointed into the files.
func (f *BlockFiles) DeleteFiles(upTo int32) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return errClosed("DeleteFiles")
	}
	var errs []error
	removed := 0
	for n := int32(0); n < upTo && int(n) < len(f.infos); n++ {
		if n == f.cur {
			continue
		}
		for _, k := range []fileKey{{n, false}, {n, true}} {
			errs = append(errs, f.closeHandle(k))
			if err := os.Remove(f.path(k)); err == nil {
				removed++
				f.dirUnsynced = true
			} else if !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, fmt.Errorf("store: prune: %w", err))
			}
		}
		if f.infos[n] != (FileInfo{Num: n}) {
			f.infos[n] = FileInfo{Num: n}
			f.markDirty(n)
		}
	}
	f.log.Info("pruned block files", "below", upTo, "removed", removed)
	return errors.Join(errs...)
}

// Close syncs and closes the files.
func (f *BlockFiles) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil
	}
	err := f.syncLocked()
	for k := range f.handles {
		err = errors.Join(err, f.closeHandle(k))
	}
	f.closed = true
	return err
}

// fileInfoSnapshot is the file info not yet persisted, taken for one
// PutBlockRecords batch.
type fileInfoSnapshot struct {
	infos    []FileInfo
	last     int32
	versions map[int32]uint64
}

func (f *BlockFiles) dirtyInfos() fileInfoSnapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := fileInfoSnapshot{last: f.cur, versions: make(map[int32]uint64, len(f.dirty))}
	for n, v := range f.dirty {
		s.infos = append(s.infos, f.infos[n])
		s.versions[n] = v
	}
	return s
}

// markClean forgets the changes a snapshot persisted, keeping any made
// since.
func (f *BlockFiles) markClean(s fileInfoSnapshot) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for n, v := range s.versions {
		if f.dirty[n] == v {
			delete(f.dirty, n)
		}
	}
}
