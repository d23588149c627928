package chain

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/internal/testvec"
	"github.com/bitnode/bitnode/wire"
)

const block255 = "00000000d0a75c861fabf9ff7b92022f60e4afeed9331fe5aa073d8e4706fe3c"

// readBlkFile returns a bzip2'd blk*.dat stream from testdata and its
// blocks.
func readBlkFile(t testing.TB, rel string) ([]byte, [][]byte) {
	t.Helper()
	stream := testvec.Read(t, rel)
	return stream, testvec.BlkRecords(t, stream, testvec.MainnetMagic)
}

func decodeAll(t testing.TB, raws [][]byte) []*wire.Block {
	t.Helper()
	blocks := make([]*wire.Block, len(raws))
	for i, raw := range raws {
		b, err := wire.DecodeBlock(raw)
		if err != nil {
			t.Fatal(err)
		}
		blocks[i] = b
	}
	return blocks
}

// newTestChain opens a chain in a fresh directory with every script
// checked (no assumed-valid block).
func newTestChain(t testing.TB, p *params.Params, dir string) *Chain {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	c, err := New(Config{Params: p, DataDir: dir, AssumeValid: &wire.Hash{}, CacheBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestMainnetBlocks1To255(t *testing.T) {
	_, raws := readBlkFile(t, "btcd/database/blocks1-256.bz2")
	blocks := decodeAll(t, raws)
	dir := t.TempDir()
	c := newTestChain(t, params.MainNet, dir)
	var connected []int32
	c.Subscribe(func(n Notification) {
		if n.Kind == BlockConnected {
			connected = append(connected, n.Height)
		}
	})
	for i, blk := range blocks {
		if err := c.ProcessBlock(blk); err != nil {
			t.Fatalf("block %d: %v", i+1, err)
		}
	}
	hash, height := c.Tip()
	if hash.String() != block255 || height != 255 {
		t.Fatalf("tip %s at %d, want %s at 255", hash, height, block255)
	}
	if len(connected) != 255 || connected[254] != 255 {
		t.Fatalf("%d connect notifications", len(connected))
	}
	stats, err := c.UTXOStats()
	if err != nil {
		t.Fatal(err)
	}
	// Replay the blocks in a map to know the UTXO set independently.
	want := replayUTXOs(blocks)
	var total int64
	for _, v := range want {
		total += v
	}
	if stats.TxOuts != int64(len(want)) || stats.TotalAmount != total || stats.BestBlock != hash {
		t.Fatalf("stats %+v, want %d outputs worth %d", stats, len(want), total)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	// Reopen: the same tip and UTXO set.
	c2 := newTestChain(t, params.MainNet, dir)
	defer c2.Close()
	if h, _ := c2.Tip(); h != hash {
		t.Fatalf("after reopen tip %s, want %s", h, hash)
	}
	again, err := c2.UTXOStats()
	if err != nil || again.HashSerialized != stats.HashSerialized {
		t.Fatalf("after reopen UTXO hash %s (%v), want %s", again.HashSerialized, err, stats.HashSerialized)
	}
	t.Logf("connected 255 mainnet blocks with full script checks; %d UTXOs, hash_serialized_3 %s", stats.TxOuts, stats.HashSerialized)
}

func replayUTXOs(blocks []*wire.Block) map[wire.OutPoint]int64 {
	utxos := map[wire.OutPoint]int64{}
	for _, blk := range blocks {
		for _, tx := range blk.Transactions {
			if !tx.IsCoinBase() {
				for _, in := range tx.TxIn {
					delete(utxos, in.PreviousOutPoint)
				}
			}
			for i, out := range tx.TxOut {
				utxos[wire.OutPoint{Hash: tx.TxHash(), Index: uint32(i)}] = out.Value
			}
		}
	}
	return utxos
}

// TestImportBlocks loads the same blocks through the blk-file importer, in
// order and shuffled with garbage between records, and must end at the
// same tip with the same UTXO set.
func TestImportBlocks(t *testing.T) {
	stream, raws := readBlkFile(t, "btcd/database/blocks1-256.bz2")
	c := newTestChain(t, params.MainNet, "")
	defer c.Close()
	st, err := c.ImportBlocks(bytes.NewReader(stream))
	if err != nil || st.Accepted != 255 || st.Rejected != 0 || st.Orphans != 0 {
		t.Fatalf("import: %+v, %v", st, err)
	}
	if h, _ := c.Tip(); h.String() != block255 {
		t.Fatalf("tip %s", h)
	}
	want, _ := c.UTXOStats()

	rng := rand.New(rand.NewPCG(7, 8))
	perm := rng.Perm(len(raws))
	var shuffled bytes.Buffer
	for _, i := range perm {
		shuffled.Write([]byte{0x00, 0xf9, 0x13}) // noise the importer must skip
		shuffled.Write([]byte{0xf9, 0xbe, 0xb4, 0xd9})
		binary.Write(&shuffled, binary.LittleEndian, uint32(len(raws[i])))
		shuffled.Write(raws[i])
	}
	c2 := newTestChain(t, params.MainNet, "")
	defer c2.Close()
	st, err = c2.ImportBlocks(&shuffled)
	if err != nil || st.Accepted != 255 || st.Orphans != 0 {
		t.Fatalf("shuffled import: %+v, %v", st, err)
	}
	got, _ := c2.UTXOStats()
	if got.HashSerialized != want.HashSerialized || got.BestBlock != want.BestBlock {
		t.Fatalf("shuffled import ends at %s/%s, want %s/%s", got.BestBlock, got.HashSerialized, want.BestBlock, want.HashSerialized)
	}
}

// TestBitFlips flips single bits of block 170 (two transactions): in the
// header, in the merkle root, in a transaction; each mutant must be
// rejected with a specific reason and leave the chain where it was.
func TestBitFlips(t *testing.T) {
	_, raws := readBlkFile(t, "btcd/database/blocks1-256.bz2")
	blocks := decodeAll(t, raws)
	c := newTestChain(t, params.MainNet, "")
	defer c.Close()
	for _, blk := range blocks[:169] {
		if err := c.ProcessBlock(blk); err != nil {
			t.Fatal(err)
		}
	}
	good := raws[169]
	tipBefore, _ := c.Tip()
	reasons := map[string]int{}
	try := func(bit int) {
		mutant := append([]byte(nil), good...)
		mutant[bit/8] ^= 1 << (bit % 8)
		blk, err := wire.DecodeBlock(mutant)
		if err != nil {
			var me *wire.MessageError
			if !errors.As(err, &me) {
				t.Fatalf("bit %d: undecodable mutant gave untyped error %v", bit, err)
			}
			reasons["decode: "+string(me.Err)]++
			return
		}
		err = c.ProcessBlock(blk)
		reason := RejectReason(err)
		if reason == "" {
			t.Fatalf("bit %d: mutant accepted or failed without a reason: %v", bit, err)
		}
		reasons[reason]++
	}
	for bit := 0; bit < wire.BlockHeaderSize*8; bit++ {
		try(bit)
	}
	// Transaction bytes: every bit of the second transaction's first 64
	// bytes and of its output value.
	txStart := wire.BlockHeaderSize + 1 + blocks[169].Transactions[0].SerializeSize()
	for bit := txStart * 8; bit < (txStart+64)*8; bit++ {
		try(bit)
	}
	if tip, _ := c.Tip(); tip != tipBefore {
		t.Fatalf("a mutant moved the tip")
	}
	for _, want := range []string{string(consensus.ErrHighHash), string(consensus.ErrBadMerkle)} {
		if reasons[want] == 0 {
			t.Errorf("no mutant rejected with %s: %v", want, reasons)
		}
	}
	// The real block is still accepted after all the mutants (mutated
	// blocks must not poison its header).
	if err := c.ProcessBlock(blocks[169]); err != nil {
		t.Fatalf("block 170 after mutants: %v", err)
	}
	t.Logf("rejections by reason: %v", reasons)
}

// TestReorgBtcdSet connects btcd's reorg test chain: blocks 1–4, then a
// side chain 3A, 4A, 5A forking after block 2; 5A makes the side chain
// longer, so 4 and 3 are disconnected and 3A, 4A, 5A connected.
func TestReorgBtcdSet(t *testing.T) {
	var all []*wire.Block
	for _, f := range []string{"blk_0_to_4", "blk_3A", "blk_4A", "blk_5A"} {
		_, raws := readBlkFile(t, "btcd/blockchain/"+f+".dat.bz2")
		all = append(all, decodeAll(t, raws)...)
	}
	// btcd built this chain spending coinbases after one block, as its own
	// test does with a coinbase maturity of 1.
	p := *params.MainNet
	p.CoinbaseMaturity = 1
	c := newTestChain(t, &p, "")
	defer c.Close()
	var events []string
	c.Subscribe(func(n Notification) { events = append(events, n.Kind.String()+" "+n.Hash.String()[56:]) })
	for i, blk := range all[1:] { // all[0] is genesis
		if err := c.ProcessBlock(blk); err != nil {
			t.Fatalf("block %d: %v", i, err)
		}
	}
	tip, height := c.Tip()
	if tip != all[7].BlockHash() || height != 5 {
		t.Fatalf("tip %s at %d, want 5A", tip, height)
	}
	want := []string{"connected", "connected", "connected", "connected", // 1..4
		"disconnected", "disconnected", "connected", "connected", "connected"}
	if len(events) != len(want) {
		t.Fatalf("events %v", events)
	}
	for i, w := range want {
		if len(events[i]) < len(w) || events[i][:len(w)] != w {
			t.Fatalf("event %d: %s, want %s (all: %v)", i, events[i], w, events)
		}
	}
	if h, ok := c.MainChainHash(3); !ok || h != all[5].BlockHash() {
		t.Fatalf("height 3 is %s, want 3A", h)
	}
}

func TestTestBlockValidity(t *testing.T) {
	_, raws := readBlkFile(t, "btcd/database/blocks1-256.bz2")
	blocks := decodeAll(t, raws)
	c := newTestChain(t, params.MainNet, "")
	defer c.Close()
	for _, blk := range blocks[:10] {
		if err := c.ProcessBlock(blk); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.TestBlockValidity(blocks[10], true); err != nil {
		t.Fatalf("valid next block: %v", err)
	}
	if h, height := c.Tip(); height != 10 || h != blocks[9].BlockHash() {
		t.Fatal("TestBlockValidity moved the tip")
	}
	if err := c.TestBlockValidity(blocks[11], true); RejectReason(err) != string(consensus.ErrInconclusivePrev) {
		t.Fatalf("block not on the tip: %v", err)
	}
	bad := *blocks[10]
	bad.Transactions = append([]*wire.Tx{}, bad.Transactions...)
	cb := bad.Transactions[0].Copy()
	cb.TxOut[0].Value++
	bad.Transactions[0] = cb
	bad.Header.MerkleRoot, _ = consensus.BlockMerkleRoot(&bad)
	if err := c.TestBlockValidity(&bad, false); RejectReason(err) != string(consensus.ErrCoinbaseAmount) {
		t.Fatalf("overpaying coinbase: %v", err)
	}
}
