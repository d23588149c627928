package index

import (
	"bytes"
	"compress/bzip2"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/wire"
)

// memSource is an in-memory chain: the Source the indexes read, plus the
// event delivery package chain does (move the tip, then notify).
type memSource struct {
	mu        sync.Mutex
	blocks    map[wire.Hash]*wire.Block
	undos     map[wire.Hash]store.BlockUndo
	main      []wire.Hash
	listeners []Listener
	reads     int // ReadBlock calls
	hidden    map[wire.Hash]bool
}

func newMemSource(genesis *wire.Block) *memSource {
	s := &memSource{blocks: map[wire.Hash]*wire.Block{}, undos: map[wire.Hash]store.BlockUndo{},
		hidden: map[wire.Hash]bool{}}
	h := genesis.BlockHash()
	s.blocks[h] = genesis
	s.main = []wire.Hash{h}
	return s
}

func (s *memSource) BestBlock() (wire.Hash, int32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.main[len(s.main)-1], int32(len(s.main) - 1)
}

func (s *memSource) MainChainHash(height int32) (wire.Hash, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if height < 0 || int(height) >= len(s.main) {
		return wire.Hash{}, false
	}
	return s.main[height], true
}

func (s *memSource) ReadBlock(hash wire.Hash) (*wire.Block, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads++
	if b, ok := s.blocks[hash]; ok && !s.hidden[hash] {
		return b, nil
	}
	return nil, fmt.Errorf("block %s not stored", hash)
}

func (s *memSource) ReadUndo(hash wire.Hash) (store.BlockUndo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.blocks[hash]; !ok {
		return nil, fmt.Errorf("undo %s not stored", hash)
	}
	return s.undos[hash], nil
}

func (s *memSource) readCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reads
}

// add stores a block without connecting it.
func (s *memSource) add(blk *wire.Block, undo store.BlockUndo) wire.Hash {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := blk.BlockHash()
	s.blocks[h] = blk
	s.undos[h] = undo
	return h
}

// connect extends the main chain with a stored block and, if notify, tells
// the listeners, as the chain does.
func (s *memSource) connect(t testing.TB, hash wire.Hash, notify bool) {
	t.Helper()
	s.mu.Lock()
	blk := s.blocks[hash]
	if blk == nil || blk.Header.PrevBlock != s.main[len(s.main)-1] {
		s.mu.Unlock()
		t.Fatalf("connect %s: not stored or not on the tip", hash)
	}
	s.main = append(s.main, hash)
	height, undo, ls := int32(len(s.main)-1), s.undos[hash], s.listeners
	s.mu.Unlock()
	if notify {
		for _, l := range ls {
			l.BlockConnected(blk, height, undo)
		}
	}
}

// disconnect removes the tip and, if notify, tells the listeners.
func (s *memSource) disconnect(notify bool) *wire.Block {
	s.mu.Lock()
	hash := s.main[len(s.main)-1]
	height := int32(len(s.main) - 1)
	s.main = s.main[:len(s.main)-1]
	blk, undo, ls := s.blocks[hash], s.undos[hash], s.listeners
	s.mu.Unlock()
	if notify {
		for _, l := range ls {
			l.BlockDisconnected(blk, height, undo)
		}
	}
	return blk
}

// mainnetBlocks returns mainnet's genesis and blocks 1–255 from btcd's
// blocks1-256.bz2 (blk*.dat framing), with the undo data of each, computed
// by replaying the blocks over a map of unspent outputs.
func mainnetBlocks(t testing.TB) ([]*wire.Block, []store.BlockUndo) {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "btcd", "database", "blocks1-256.bz2"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	raw, err := io.ReadAll(bzip2.NewReader(f))
	if err != nil {
		t.Fatal(err)
	}
	blocks := []*wire.Block{params.MainNet.GenesisBlock}
	magic := []byte{0xf9, 0xbe, 0xb4, 0xd9}
	for len(raw) > 0 {
		if len(raw) < 8 || !bytes.Equal(raw[:4], magic) {
			t.Fatalf("bad framing after %d blocks", len(blocks))
		}
		n := binary.LittleEndian.Uint32(raw[4:8])
		if uint64(len(raw)-8) < uint64(n) {
			t.Fatalf("truncated block after %d blocks", len(blocks))
		}
		blk, err := wire.DecodeBlock(raw[8 : 8+n])
		if err != nil {
			t.Fatal(err)
		}
		if blk.Header.PrevBlock != blocks[len(blocks)-1].BlockHash() {
			t.Fatalf("block %d does not follow block %d", len(blocks), len(blocks)-1)
		}
		blocks = append(blocks, blk)
		raw = raw[8+n:]
	}
	utxos := map[wire.OutPoint]store.Coin{}
	undos := make([]store.BlockUndo, len(blocks))
	for height, blk := range blocks {
		var undo store.BlockUndo
		for i, tx := range blk.Transactions {
			if i > 0 {
				txu := make(store.TxUndo, len(tx.TxIn))
				for j, in := range tx.TxIn {
					c, ok := utxos[in.PreviousOutPoint]
					if !ok {
						t.Fatalf("block %d tx %d spends unknown %s", height, i, in.PreviousOutPoint)
					}
					txu[j] = c
					delete(utxos, in.PreviousOutPoint)
				}
				undo = append(undo, txu)
			}
			txid := tx.TxHash()
			for j, out := range tx.TxOut {
				utxos[wire.OutPoint{Hash: txid, Index: uint32(j)}] = store.Coin{Value: out.Value,
					PkScript: out.PkScript, Height: int32(height), CoinBase: i == 0}
			}
		}
		undos[height] = undo
	}
	return blocks, undos
}

// fakeBlock makes a coinbase-only block on prev, distinct for each tag. The
// indexes check no proof of work.
func fakeBlock(prev wire.Hash, tag uint32) *wire.Block {
	var tb [4]byte
	binary.LittleEndian.PutUint32(tb[:], tag)
	cb := &wire.Tx{Version: 1,
		TxIn: []*wire.TxIn{{PreviousOutPoint: wire.OutPoint{Index: 0xffffffff},
			SignatureScript: append([]byte{0x04}, tb[:]...), Sequence: 0xffffffff}},
		TxOut: []*wire.TxOut{{Value: 50, PkScript: append([]byte{0x04}, tb[:]...)}}}
	blk := &wire.Block{Header: wire.BlockHeader{Version: 1, PrevBlock: prev, Nonce: tag},
		Transactions: []*wire.Tx{cb}}
	blk.Header.MerkleRoot = cb.TxHash()
	return blk
}
