package chain

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/wire"
)

// maxImportOrphans bounds the blocks held while waiting for their parent
// during an import (blk files are not always in chain order).
const maxImportOrphans = 10_000

// ImportStats summarises an import.
type ImportStats struct {
	Blocks   int // blocks read
	Accepted int // blocks processed without error
	Rejected int // blocks that broke a rule
	Orphans  int // blocks whose parent never appeared
}

// ImportBlocks reads blocks in Bitcoin Core's blk*.dat format (network
// magic, little-endian length, block) and processes each, as
// `bitnode node --loadblock` does. Bytes between records that do not start
// with the network's magic are skipped, as Core skips them. Blocks that
// arrive before their parent wait for it. It stops at the first storage
// error; rule violations are counted and logged.
func (c *Chain) ImportBlocks(r io.Reader) (ImportStats, error) {
	var st ImportStats
	br := bufio.NewReaderSize(r, 1<<20)
	magic := c.params.MessageStart()
	orphans := map[wire.Hash][]*wire.Block{}
	nOrphans := 0
	for {
		raw, err := nextRecord(br, magic)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return st, err
		}
		st.Blocks++
		// A block already stored is skipped without decoding, as Core
		// skips it, so re-running an import after a crash is cheap.
		if c.HaveBlock(wire.DoubleSHA256(raw[:wire.BlockHeaderSize])) {
			st.Accepted++
			continue
		}
		blk, err := wire.DecodeBlock(raw)
		if err != nil {
			st.Rejected++
			c.log.Warn("import: undecodable block", "err", err)
			continue
		}
		queue := []*wire.Block{blk}
		for len(queue) > 0 {
			b := queue[0]
			queue = queue[1:]
			err := c.ProcessBlock(b)
			var re *consensus.RuleError
			switch {
			case err == nil:
				st.Accepted++
				h := b.BlockHash()
				queue = append(queue, orphans[h]...)
				nOrphans -= len(orphans[h])
				delete(orphans, h)
			case errors.As(err, &re) && re.Err == consensus.ErrPrevBlockNotFound:
				if nOrphans < maxImportOrphans {
					orphans[b.Header.PrevBlock] = append(orphans[b.Header.PrevBlock], b)
					nOrphans++
				}
			case IsRuleError(err):
				st.Rejected++
				c.log.Warn("import: block rejected", "hash", b.BlockHash(), "reason", RejectReason(err), "err", err)
			default:
				return st, err
			}
		}
	}
	st.Orphans = nOrphans
	return st, nil
}

// nextRecord finds the next magic and returns the record's block bytes. A
// record with an impossible length is skipped, as Core skips it.
func nextRecord(br *bufio.Reader, magic [4]byte) ([]byte, error) {
	for {
		if err := skipToMagic(br, magic); err != nil {
			return nil, err
		}
		var lenBuf [4]byte
		if _, err := io.ReadFull(br, lenBuf[:]); err != nil {
			return nil, io.EOF
		}
		n := binary.LittleEndian.Uint32(lenBuf[:])
		if n < wire.BlockHeaderSize || n > wire.MaxMessagePayload {
			continue
		}
		raw := make([]byte, n)
		if _, err := io.ReadFull(br, raw); err != nil {
			return nil, fmt.Errorf("import: truncated block record: %w", err)
		}
		return raw, nil
	}
}

func skipToMagic(br *bufio.Reader, magic [4]byte) error {
	matched := 0
	for matched < 4 {
		b, err := br.ReadByte()
		if err != nil {
			return io.EOF
		}
		switch {
		case b == magic[matched]:
			matched++
		case b == magic[0]:
			matched = 1
		default:
			matched = 0
		}
	}
	return nil
}
