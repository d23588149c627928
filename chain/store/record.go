package store

import (
	"encoding/binary"

	"github.com/bitnode/bitnode/wire"
)

// FilePos locates a record in the flat files: the file number and the offset
// of the record's payload (after the magic and length). File < 0 means
// none.
type FilePos struct {
	File   int32
	Offset uint32
}

// NoPos is the FilePos of data that is not stored.
var NoPos = FilePos{File: -1}

// IsNone reports whether p points nowhere.
func (p FilePos) IsNone() bool { return p.File < 0 }

// BlockRecord is what the block index keeps about a block. Status is the
// chain package's business; store only persists it.
type BlockRecord struct {
	Header wire.BlockHeader
	Height int32
	Status uint32
	NumTx  uint32
	Data   FilePos // the block in a blk file, or NoPos
	Undo   FilePos // its undo data in a rev file, or NoPos
}

// blockRecordSize is the fixed size of an encoded BlockRecord: the header,
// then height, status, tx count and the two positions, little-endian.
const blockRecordSize = wire.BlockHeaderSize + 4*7

func recordKey(h wire.Hash) []byte {
	k := make([]byte, 1+wire.HashSize)
	k[0] = prefixRecord
	copy(k[1:], h[:])
	return k
}

func appendBlockRecord(b []byte, r *BlockRecord) []byte {
	b = r.Header.AppendTo(b)
	b = binary.LittleEndian.AppendUint32(b, uint32(r.Height))
	b = binary.LittleEndian.AppendUint32(b, r.Status)
	b = binary.LittleEndian.AppendUint32(b, r.NumTx)
	b = appendFilePos(b, r.Data)
	return appendFilePos(b, r.Undo)
}

func appendFilePos(b []byte, p FilePos) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(p.File))
	return binary.LittleEndian.AppendUint32(b, p.Offset)
}

func decodeBlockRecord(b []byte) (*BlockRecord, error) {
	if len(b) != blockRecordSize {
		return nil, corrupt("block record: %d bytes, want %d", len(b), blockRecordSize)
	}
	h, err := wire.DecodeBlockHeader(b[:wire.BlockHeaderSize])
	if err != nil {
		return nil, corrupt("block record: %v", err)
	}
	p := b[wire.BlockHeaderSize:]
	u32 := func(i int) uint32 { return binary.LittleEndian.Uint32(p[4*i:]) }
	r := &BlockRecord{
		Header: h,
		Height: int32(u32(0)),
		Status: u32(1),
		NumTx:  u32(2),
		Data:   FilePos{File: int32(u32(3)), Offset: u32(4)},
		Undo:   FilePos{File: int32(u32(5)), Offset: u32(6)},
	}
	if r.Height < 0 {
		return nil, corrupt("block record: negative height %d", r.Height)
	}
	return r, nil
}

// FileInfo describes one blk/rev file pair. A pruned file's info is empty
// but for Num. A file found on disk whose info was never persisted (see
// DB.AttachBlockFiles) has Blocks 0 and HeightLast math.MaxInt32, "any
// height", so that pruning by height keeps it.
type FileInfo struct {
	Num         int32
	Size        int64 // bytes in the blk file (the next block goes here)
	UndoSize    int64 // bytes in the rev file
	HeightFirst int32 // lowest height of a block in the file (0 when Blocks == 0)
	HeightLast  int32 // highest height of a block in the file
	Blocks      int   // blocks written to the file
}

const fileInfoSize = 8 + 8 + 4 + 4 + 4

func fileInfoKey(num int32) []byte {
	return binary.BigEndian.AppendUint32([]byte{prefixFileInfo}, uint32(num))
}

func appendFileInfo(b []byte, fi *FileInfo) []byte {
	b = binary.LittleEndian.AppendUint64(b, uint64(fi.Size))
	b = binary.LittleEndian.AppendUint64(b, uint64(fi.UndoSize))
	b = binary.LittleEndian.AppendUint32(b, uint32(fi.HeightFirst))
	b = binary.LittleEndian.AppendUint32(b, uint32(fi.HeightLast))
	return binary.LittleEndian.AppendUint32(b, uint32(fi.Blocks))
}

func decodeFileInfo(num int32, b []byte) (FileInfo, error) {
	if len(b) != fileInfoSize {
		return FileInfo{}, corrupt("file info %d: %d bytes, want %d", num, len(b), fileInfoSize)
	}
	fi := FileInfo{
		Num:         num,
		Size:        int64(binary.LittleEndian.Uint64(b)),
		UndoSize:    int64(binary.LittleEndian.Uint64(b[8:])),
		HeightFirst: int32(binary.LittleEndian.Uint32(b[16:])),
		HeightLast:  int32(binary.LittleEndian.Uint32(b[20:])),
		Blocks:      int(binary.LittleEndian.Uint32(b[24:])),
	}
	if fi.Size < 0 || fi.Size > maxFileBytes || fi.UndoSize < 0 || fi.UndoSize > maxFileBytes {
		return FileInfo{}, corrupt("file info %d: sizes %d/%d out of range", num, fi.Size, fi.UndoSize)
	}
	return fi, nil
}
