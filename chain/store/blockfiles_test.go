package store

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bitnode/bitnode/wire"
)

var mainMagic = [4]byte{0xf9, 0xbe, 0xb4, 0xd9}

func openTestFiles(t testing.TB, dir string, maxSize int64) *BlockFiles {
	t.Helper()
	f, err := OpenBlockFiles(dir, mainMagic, maxSize, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func fakeBlock(n, size int) []byte {
	b := make([]byte, size)
	for i := range b {
		b[i] = byte(n*31 + i)
	}
	return b
}

func block170(t testing.TB) []byte {
	t.Helper()
	h, err := os.ReadFile("../../testdata/examples/block170.hex")
	if err != nil {
		t.Fatal(err)
	}
	b, err := hex.DecodeString(strings.TrimSpace(string(h)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Our blk files are Core's: magic, LE length, block; -loadblock reads them.
func TestBlockFileFormat(t *testing.T) {
	dir := t.TempDir()
	f := openTestFiles(t, dir, 0)
	raw := block170(t)
	blocks := [][]byte{fakeBlock(1, 100), raw, fakeBlock(3, 1)}
	var pos []FilePos
	for i, b := range blocks {
		p, err := f.WriteBlock(b, int32(i))
		if err != nil {
			t.Fatal(err)
		}
		pos = append(pos, p)
	}
	for i, p := range pos {
		got, err := f.ReadBlock(p)
		if err != nil || !bytes.Equal(got, blocks[i]) {
			t.Fatalf("block %d at %+v: %v", i, p, err)
		}
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "blk00000.dat"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; len(data) > 0; i++ {
		if !bytes.Equal(data[:4], mainMagic[:]) {
			t.Fatalf("record %d: magic %x", i, data[:4])
		}
		n := binary.LittleEndian.Uint32(data[4:8])
		if !bytes.Equal(data[8:8+n], blocks[i]) {
			t.Fatalf("record %d differs", i)
		}
		data = data[8+n:]
	}
	got, err := f.ReadBlock(pos[1])
	if err != nil {
		t.Fatal(err)
	}
	blk, err := wire.DecodeBlock(got)
	if err != nil || len(blk.Transactions) != 2 {
		t.Fatalf("block 170 from file: %v", err)
	}
}

func TestBlockFilesRotateAndReopen(t *testing.T) {
	dir := t.TempDir()
	f := openTestFiles(t, dir, 1000)
	var pos []FilePos
	for i := range 10 {
		p, err := f.WriteBlock(fakeBlock(i, 300), int32(100+i))
		if err != nil {
			t.Fatal(err)
		}
		pos = append(pos, p)
	}
	// 308-byte records: three fit in 1000 bytes.
	if p := pos[3]; p.File != 1 || p.Offset != 8 {
		t.Fatalf("fourth block at %+v, want file 1 offset 8", p)
	}
	files := f.Files()
	if len(files) != 4 {
		t.Fatalf("%d files, want 4", len(files))
	}
	want := FileInfo{Num: 1, Size: 924, HeightFirst: 103, HeightLast: 105, Blocks: 3}
	if files[1] != want {
		t.Fatalf("file 1 info %+v, want %+v", files[1], want)
	}
	// A block larger than the limit gets a file of its own.
	big, err := f.WriteBlock(fakeBlock(99, 2000), 200)
	if err != nil || big.File != 4 || big.Offset != 8 {
		t.Fatalf("big block at %+v, %v", big, err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteBlock([]byte{1}, 1); !errors.Is(err, ErrClosed) {
		t.Fatalf("write after close: %v", err)
	}

	f = openTestFiles(t, dir, 1000)
	for i, p := range pos {
		got, err := f.ReadBlock(p)
		if err != nil || !bytes.Equal(got, fakeBlock(i, 300)) {
			t.Fatalf("after reopen, block %d: %v", i, err)
		}
	}
	p, err := f.WriteBlock(fakeBlock(7, 10), 300)
	if err != nil || p.File != 5 {
		t.Fatalf("write after reopen at %+v, %v (file 4 is full)", p, err)
	}
	fs := f.Files()
	if fs[2].Size != 924 || fs[4].Size != 2008 {
		t.Fatalf("sizes from the directory: %+v", fs)
	}
	// Without persisted info the heights are unknown: "any height".
	if fs[2].HeightLast != unknownHeight || fs[2].Blocks != 0 {
		t.Fatalf("file 2 without persisted info: %+v", fs[2])
	}
	if fs[5].HeightFirst != 300 || fs[5].HeightLast != 300 || fs[5].Blocks != 1 {
		t.Fatalf("file 5 after a write: %+v", fs[5])
	}
}

func TestUndoRecords(t *testing.T) {
	dir := t.TempDir()
	f := openTestFiles(t, dir, 0)
	bpos, err := f.WriteBlock(fakeBlock(1, 50), 1)
	if err != nil {
		t.Fatal(err)
	}
	undo := sampleUndo().Serialize()
	h := blockHash(1)
	upos, err := f.WriteUndo(bpos, h, undo)
	if err != nil {
		t.Fatal(err)
	}
	upos2, err := f.WriteUndo(bpos, blockHash(2), []byte{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.ReadUndo(upos, h)
	if err != nil || !bytes.Equal(got, undo) {
		t.Fatalf("ReadUndo: %v", err)
	}
	if got, err := f.ReadUndo(upos2, blockHash(2)); err != nil || len(got) != 0 {
		t.Fatalf("empty undo: %v", err)
	}
	if _, err := f.ReadUndo(upos, blockHash(2)); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("wrong block hash: %v", err)
	}
	if _, err := f.WriteUndo(FilePos{File: 7}, h, undo); err == nil {
		t.Fatal("undo for an unknown file accepted")
	}
	// The checksum is Core's: SHA256d(block hash || undo).
	rev, _ := os.ReadFile(filepath.Join(dir, "rev00000.dat"))
	sum := wire.DoubleSHA256(append(h[:], undo...))
	if !bytes.Equal(rev[8+len(undo):8+len(undo)+32], sum[:]) {
		t.Fatal("checksum is not SHA256d(hash || undo)")
	}

	tests := []struct {
		name   string
		damage func(path string)
		pos    FilePos
	}{
		{"flipped byte", func(p string) { flipByte(t, p, int64(upos.Offset)+3) }, upos},
		{"bad magic", func(p string) { flipByte(t, p, 0) }, upos},
		{"offset past end", func(string) {}, FilePos{File: 0, Offset: 1 << 30}},
		{"offset in header", func(string) {}, FilePos{File: 0, Offset: 3}},
		{"length past end", func(p string) {
			b, _ := os.ReadFile(p)
			binary.LittleEndian.PutUint32(b[4:], 1<<31)
			os.WriteFile(p, b, 0o600)
		}, upos},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(filepath.Join(dir, "rev00000.dat"), rev, 0o600); err != nil {
				t.Fatal(err)
			}
			tt.damage(filepath.Join(dir, "rev00000.dat"))
			if _, err := f.ReadUndo(tt.pos, h); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("ReadUndo = %v, want ErrCorrupt", err)
			}
		})
	}
	// Another network's magic.
	other, err := OpenBlockFiles(dir, [4]byte{1, 2, 3, 4}, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.ReadBlock(bpos); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("foreign magic: %v", err)
	}
}

func flipByte(t *testing.T, path string, off int64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[off] ^= 0x55
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestDeleteFiles(t *testing.T) {
	dir := t.TempDir()
	f := openTestFiles(t, dir, 500)
	var pos []FilePos
	for i := range 6 {
		p, err := f.WriteBlock(fakeBlock(i, 400), int32(i))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteUndo(p, blockHash(uint64(i)), []byte{1, 2, 3}); err != nil {
			t.Fatal(err)
		}
		pos = append(pos, p)
	}
	if err := f.DeleteFiles(3); err != nil {
		t.Fatal(err)
	}
	for n := range 6 {
		_, err1 := os.Stat(filepath.Join(dir, blkName(n)))
		_, err2 := os.Stat(filepath.Join(dir, "rev"+blkName(n)[3:]))
		if gone := err1 != nil && err2 != nil; gone != (n < 3) {
			t.Fatalf("file %d: gone=%v", n, gone)
		}
	}
	if _, err := f.ReadBlock(pos[0]); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("read of pruned block: %v", err)
	}
	if fi := f.Files()[1]; fi != (FileInfo{Num: 1}) {
		t.Fatalf("pruned file info %+v", fi)
	}
	// The file being written is never deleted.
	if err := f.DeleteFiles(100); err != nil {
		t.Fatal(err)
	}
	if got, err := f.ReadBlock(pos[5]); err != nil || !bytes.Equal(got, fakeBlock(5, 400)) {
		t.Fatalf("current file pruned: %v", err)
	}
	if _, err := f.WriteBlock(fakeBlock(9, 10), 9); err != nil {
		t.Fatal(err)
	}
}

func blkName(n int) string { return "blk0000" + string(rune('0'+n)) + ".dat" }

func TestParseFileName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
		k    fileKey
	}{
		{"blk00000.dat", true, fileKey{0, false}},
		{"rev00012.dat", true, fileKey{12, true}},
		{"blk123456.dat", true, fileKey{123456, false}},
		{"blk0001.dat", false, fileKey{}},
		{"blk000001.dat", false, fileKey{}},
		{"blk00001.dat.tmp", false, fileKey{}},
		{"blk-0001.dat", false, fileKey{}},
		{"xyz00001.dat", false, fileKey{}},
		{"blk99999999.dat", false, fileKey{}},
	}
	for _, tt := range tests {
		k, ok := parseFileName(tt.name)
		if ok != tt.ok || (ok && k != tt.k) {
			t.Errorf("%s: %+v %v", tt.name, k, ok)
		}
	}
}

// The file info survives in the chainstate; after a crash the files may run
// past what was recorded, and writing resumes past both.
func TestFileInfoPersisted(t *testing.T) {
	base := t.TempDir()
	blocksDir, stateDir := filepath.Join(base, "blocks"), filepath.Join(base, "chainstate")
	open := func() (*DB, *BlockFiles) {
		db, err := Open(stateDir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		f, err := OpenBlockFiles(blocksDir, mainMagic, 1000, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.AttachBlockFiles(f); err != nil {
			t.Fatal(err)
		}
		return db, f
	}
	db, f := open()
	for i := range 8 {
		p, err := f.WriteBlock(fakeBlock(i, 300), int32(10+i))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteUndo(p, blockHash(uint64(i)), []byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.PutBlockRecords(nil); err != nil {
		t.Fatal(err)
	}
	if len(f.unsynced) != 0 || len(f.dirty) != 0 {
		t.Fatal("PutBlockRecords left files unsynced or info unpersisted")
	}
	want := f.Files()
	db.Close()
	f.Close()

	db, f = open()
	if got := f.Files(); !equalInfos(got, want) {
		t.Fatalf("restored %+v\nwant     %+v", got, want)
	}
	// A crash after more bytes reached the last file than were recorded.
	last := filepath.Join(blocksDir, "blk00002.dat")
	appendBytes(t, last, 50)
	// And a pruned file whose record never caught up.
	os.Remove(filepath.Join(blocksDir, "blk00000.dat"))
	os.Remove(filepath.Join(blocksDir, "rev00000.dat"))
	db.Close()
	f.Close()

	db, f = open()
	defer db.Close()
	defer f.Close()
	got := f.Files()
	if got[2].Size != want[2].Size+50 || got[2].Blocks != want[2].Blocks {
		t.Fatalf("file 2 after crash: %+v (recorded %+v)", got[2], want[2])
	}
	if got[0] != (FileInfo{Num: 0}) {
		t.Fatalf("vanished file 0: %+v", got[0])
	}
	p, err := f.WriteBlock(fakeBlock(1, 10), 30)
	if err != nil || p.File != 2 || int64(p.Offset) != want[2].Size+50+8 {
		t.Fatalf("write after crash at %+v (%v), want after the real end", p, err)
	}
	if err := db.PutBlockRecords(nil); err != nil {
		t.Fatal(err)
	}
}

// A file shorter than recorded (its tail lost) keeps its recorded end, so a
// new block cannot land where a record may still point.
func TestFileShorterThanRecorded(t *testing.T) {
	base := t.TempDir()
	blocksDir, stateDir := filepath.Join(base, "blocks"), filepath.Join(base, "chainstate")
	db, err := Open(stateDir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := openTestFiles(t, blocksDir, 0)
	if err := db.AttachBlockFiles(f); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := f.WriteBlock(fakeBlock(i, 300), int32(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.PutBlockRecords(nil); err != nil {
		t.Fatal(err)
	}
	recorded := f.Files()[0].Size
	db.Close()
	f.Close()
	if err := os.Truncate(filepath.Join(blocksDir, "blk00000.dat"), 100); err != nil {
		t.Fatal(err)
	}
	db, err = Open(stateDir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f = openTestFiles(t, blocksDir, 0)
	if err := db.AttachBlockFiles(f); err != nil {
		t.Fatal(err)
	}
	if p, err := f.WriteBlock(fakeBlock(9, 10), 3); err != nil || int64(p.Offset) != recorded+8 {
		t.Fatalf("write into a truncated file at %+v (%v), want offset %d", p, err, recorded+8)
	}
}

func equalInfos(a, b []FileInfo) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func appendBytes(t *testing.T, path string, n int) {
	t.Helper()
	fh, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	if _, err := fh.Write(make([]byte, n)); err != nil {
		t.Fatal(err)
	}
}
