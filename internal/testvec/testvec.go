// Package testvec gives tests the repository's conformance vectors
// (testdata/, see its README) from any package directory. It depends on
// the standard library only, so every package's tests can use it, wire's
// included.
package testvec

import (
	"compress/bzip2"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Path returns the absolute path of rel inside the repository's testdata/,
// found by walking up from the working directory to go.mod.
func Path(t testing.TB, rel string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "testdata", rel)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("testvec: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Read returns a test vector file's contents, decompressing .bz2 files.
func Read(t testing.TB, rel string) []byte {
	t.Helper()
	f, err := os.Open(Path(t, rel))
	if err != nil {
		t.Fatalf("testvec: %v", err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(rel, ".bz2") {
		r = bzip2.NewReader(f)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("testvec: read %s: %v", rel, err)
	}
	return data
}

// BlkRecords splits a bitcoind blk*.dat stream (magic, little-endian
// length, block) into its raw blocks, checking each record's magic.
func BlkRecords(t testing.TB, stream []byte, magic uint32) [][]byte {
	t.Helper()
	var blocks [][]byte
	for len(stream) > 0 {
		if len(stream) < 8 || binary.LittleEndian.Uint32(stream) != magic {
			t.Fatalf("testvec: bad blk framing after %d blocks", len(blocks))
		}
		n := int(binary.LittleEndian.Uint32(stream[4:]))
		if 8+n > len(stream) {
			t.Fatalf("testvec: truncated blk record after %d blocks", len(blocks))
		}
		blocks = append(blocks, stream[8:8+n])
		stream = stream[8+n:]
	}
	return blocks
}

// MainnetMagic is mainnet's message start read as a little-endian uint32.
const MainnetMagic = 0xd9b4bef9

// MainnetBlocks1To255 returns the raw mainnet blocks 1–255 from btcd's
// blocks1-256.bz2.
func MainnetBlocks1To255(t testing.TB) [][]byte {
	return BlkRecords(t, Read(t, "btcd/database/blocks1-256.bz2"), MainnetMagic)
}
