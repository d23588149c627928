package index

import (
	"context"
	"errors"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/wire"
)

var (
	fixtureOnce   sync.Once
	fixtureBlocks []*wire.Block
	fixtureUndos  []store.BlockUndo
)

// mainnet returns genesis and mainnet blocks 1–255 with their undo data,
// loaded once.
func mainnet(t testing.TB) ([]*wire.Block, []store.BlockUndo) {
	fixtureOnce.Do(func() { fixtureBlocks, fixtureUndos = mainnetBlocks(t) })
	if len(fixtureBlocks) == 0 {
		t.Fatal("fixture did not load")
	}
	return fixtureBlocks, fixtureUndos
}

// mainnetSource stores every fixture block and connects heights 1..tip
// without notifications.
func mainnetSource(t testing.TB, tip int) *memSource {
	blocks, undos := mainnet(t)
	src := newMemSource(blocks[0])
	for h := 1; h < len(blocks); h++ {
		hash := src.add(blocks[h], undos[h])
		if h <= tip {
			src.connect(t, hash, false)
		}
	}
	return src
}

type testLogWriter struct{ t testing.TB }

func (w testLogWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testLogWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func openBoth(t testing.TB, src Source, txDir, fDir string, maxQueue int) (*TxIndex, *FilterIndex) {
	t.Helper()
	ti, err := OpenTxIndex(Config{Dir: txDir, Source: src, Logger: testLogger(t), MaxQueue: maxQueue})
	if err != nil {
		t.Fatal(err)
	}
	fi, err := OpenFilterIndex(Config{Dir: fDir, Source: src, Logger: testLogger(t), MaxQueue: maxQueue})
	if err != nil {
		t.Fatal(err)
	}
	return ti, fi
}

// start runs idx until the returned stop is called; stop checks Run
// returned nil.
func start(t testing.TB, idx Index) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- idx.Run(ctx) }()
	return func() {
		t.Helper()
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("%s: Run: %v", idx.Name(), err)
		}
	}
}

// waitBest waits until idx's best block is (hash, height).
func waitBest(t testing.TB, idx Index, hash wire.Hash, height int32) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		h, ht := idx.BestBlock()
		if h == hash && ht == height {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: best block %s at %d, want %s at %d", idx.Name(), h, ht, hash, height)
		}
		time.Sleep(time.Millisecond)
	}
}

func waitTip(t testing.TB, src *memSource, idxs ...Index) {
	t.Helper()
	hash, height := src.BestBlock()
	for _, idx := range idxs {
		waitBest(t, idx, hash, height)
	}
}

// checkIndexes checks both indexes against the source's main chain: every
// transaction found where it is (the genesis coinbase not at all), absent
// transactions not found, every filter equal to a fresh build and the
// filter headers chained.
func checkIndexes(t testing.TB, src *memSource, ti *TxIndex, fi *FilterIndex, absent []*wire.Block) (txs int) {
	t.Helper()
	src.mu.Lock()
	main := append([]wire.Hash(nil), src.main...)
	src.mu.Unlock()
	var prevHeader wire.Hash
	for height, hash := range main {
		blk, _ := src.ReadBlock(hash)
		undo, _ := src.ReadUndo(hash)
		for pos, tx := range blk.Transactions {
			gotHash, gotPos, err := ti.Tx(tx.TxHash())
			if height == 0 {
				if !errors.Is(err, ErrNotFound) {
					t.Fatalf("genesis coinbase: %v, want ErrNotFound", err)
				}
				continue
			}
			if err != nil || gotHash != hash || gotPos != pos {
				t.Fatalf("height %d tx %d: got %s %d %v", height, pos, gotHash, gotPos, err)
			}
			txs++
		}
		want, err := BuildBasicFilter(blk, undo)
		if err != nil {
			t.Fatal(err)
		}
		e, err := fi.Entry(hash)
		if err != nil {
			t.Fatalf("height %d: %v", height, err)
		}
		if string(e.Filter) != string(want) || e.Height != int32(height) || e.FilterHash != FilterHash(want) {
			t.Fatalf("height %d: entry %+v differs from a fresh build", height, e)
		}
		if e.Header != FilterHeader(e.FilterHash, prevHeader) {
			t.Fatalf("height %d: filter header does not chain", height)
		}
		prevHeader = e.Header
	}
	for _, blk := range absent {
		for _, tx := range blk.Transactions {
			if _, _, err := ti.Tx(tx.TxHash()); !errors.Is(err, ErrNotFound) {
				t.Fatalf("tx %s of block %s off the chain: %v", tx.TxHash(), blk.BlockHash(), err)
			}
		}
	}
	if h, ht := fi.BestBlock(); ht != int32(len(main)-1) || h != main[len(main)-1] {
		t.Fatalf("filter index best %s at %d", h, ht)
	}
	return txs
}

func TestCatchUpMainnet(t *testing.T) {
	blocks, _ := mainnet(t)
	if len(blocks) != 256 {
		t.Fatalf("%d blocks, want genesis and 1–255", len(blocks))
	}
	src := mainnetSource(t, 255)
	ti, fi := openBoth(t, src, t.TempDir(), t.TempDir(), 0)
	defer ti.Close()
	defer fi.Close()
	if ti.Synced() || ti.BestHeight() != -1 {
		t.Fatal("new index claims progress")
	}
	stopT, stopF := start(t, ti), start(t, fi)
	waitTip(t, src, ti, fi)
	if !ti.Synced() || !fi.Synced() {
		t.Fatal("not synced at the tip")
	}
	if ti.Name() != "txindex" || fi.Name() != "basic block filter index" {
		t.Fatalf("names %q, %q", ti.Name(), fi.Name())
	}
	txs := checkIndexes(t, src, ti, fi, nil)
	t.Logf("caught up to height 255: txindex finds %d transactions, filter index holds 256 filters with chained headers", txs)

	// The P2P helpers.
	tip, _ := src.BestBlock()
	prev, hashes, err := fi.FilterHashes(0, tip)
	if err != nil || prev != (wire.Hash{}) || len(hashes) != 256 {
		t.Fatalf("FilterHashes(0): %s, %d, %v", prev, len(hashes), err)
	}
	prev, hashes, err = fi.FilterHashes(100, tip)
	if err != nil || len(hashes) != 156 {
		t.Fatalf("FilterHashes(100): %d, %v", len(hashes), err)
	}
	if h, _ := fi.FilterHeader(blocks[99].BlockHash()); h != prev {
		t.Fatal("FilterHashes(100): previous header is not block 99's")
	}
	header := prev
	for i, fh := range hashes {
		header = FilterHeader(fh, header)
		if want, _ := fi.FilterHeader(blocks[100+i].BlockHash()); want != header {
			t.Fatalf("FilterHashes(100): hash %d does not chain", i)
		}
	}
	r, err := fi.FilterRange(250, tip)
	if err != nil || len(r) != 6 || r[0].BlockHash != blocks[250].BlockHash() || r[5].BlockHash != tip || len(r[5].Filter) == 0 {
		t.Fatalf("FilterRange(250): %d entries, %v", len(r), err)
	}
	if _, err := fi.FilterRange(256, tip); !errors.Is(err, ErrBadRange) {
		t.Fatalf("FilterRange beyond stop: %v", err)
	}
	if _, err := fi.FilterRange(-1, tip); !errors.Is(err, ErrBadRange) {
		t.Fatalf("FilterRange(-1): %v", err)
	}
	if cps, err := fi.Checkpoints(tip); err != nil || len(cps) != 0 {
		t.Fatalf("Checkpoints below 1000: %d, %v", len(cps), err)
	}
	if _, err := fi.Filter(wire.Hash{9}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown block: %v", err)
	}
	if _, _, err := ti.Tx(wire.Hash{9}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown tx: %v", err)
	}
	// A wallet's view: block 170's filter matches the script block 9's
	// coinbase paid to, which its second transaction spends.
	f170, _ := fi.Filter(blocks[170].BlockHash())
	if ok, err := Match(f170, blocks[170].BlockHash(), blocks[9].Transactions[0].TxOut[0].PkScript); !ok || err != nil {
		t.Fatalf("block 170's filter misses the spent script: %v", err)
	}
	if ok, _ := Match(f170, blocks[170].BlockHash(), blocks[8].Transactions[0].TxOut[0].PkScript); ok {
		t.Fatal("block 170's filter matches an unrelated script")
	}
	stopT()
	stopF()
}

func TestReorgEvents(t *testing.T) {
	blocks, _ := mainnet(t)
	src := mainnetSource(t, 255)
	ti, fi := openBoth(t, src, t.TempDir(), t.TempDir(), 0)
	defer ti.Close()
	defer fi.Close()
	src.listeners = []Listener{ti, fi}
	stopT, stopF := start(t, ti), start(t, fi)
	defer stopF()
	defer stopT()
	waitTip(t, src, ti, fi)

	// Disconnect the top three as the chain reports it.
	var gone []*wire.Block
	for range 3 {
		gone = append(gone, src.disconnect(true))
	}
	waitTip(t, src, ti, fi)
	checkIndexes(t, src, ti, fi, gone)
	// The filter of a disconnected block stays reachable by hash.
	if _, err := fi.Filter(blocks[255].BlockHash()); err != nil {
		t.Fatalf("stale filter: %v", err)
	}
	// Connect them again.
	for h := 253; h <= 255; h++ {
		src.connect(t, blocks[h].BlockHash(), true)
	}
	waitTip(t, src, ti, fi)
	checkIndexes(t, src, ti, fi, nil)

	// A reorganisation to another branch: 254 and 255 give way to three
	// new blocks.
	gone = []*wire.Block{src.disconnect(true), src.disconnect(true)}
	prev := blocks[253].BlockHash()
	var fork []wire.Hash
	for i := range 3 {
		blk := fakeBlock(prev, uint32(1000+i))
		prev = src.add(blk, store.BlockUndo{})
		fork = append(fork, prev)
		src.connect(t, prev, true)
	}
	waitTip(t, src, ti, fi)
	checkIndexes(t, src, ti, fi, gone)

	// Filter lookups follow the stop block's own chain, stale or not.
	_, staleHashes, err := fi.FilterHashes(250, blocks[255].BlockHash())
	if err != nil || len(staleHashes) != 6 {
		t.Fatalf("FilterHashes to a stale stop: %d, %v", len(staleHashes), err)
	}
	if e, _ := fi.Entry(blocks[255].BlockHash()); staleHashes[5] != e.FilterHash {
		t.Fatal("FilterHashes to a stale stop: wrong last hash")
	}
	_, mainHashes, err := fi.FilterHashes(250, fork[2])
	if err != nil || len(mainHashes) != 7 || mainHashes[3] == staleHashes[4] {
		t.Fatalf("FilterHashes on the new branch: %d, %v", len(mainHashes), err)
	}
	if !ti.Synced() || !fi.Synced() {
		t.Fatal("not synced")
	}
}

func TestRestartAndRewind(t *testing.T) {
	blocks, _ := mainnet(t)
	src := mainnetSource(t, 255)
	txDir, fDir := t.TempDir(), t.TempDir()
	ti, fi := openBoth(t, src, txDir, fDir, 0)
	stopT, stopF := start(t, ti), start(t, fi)
	waitTip(t, src, ti, fi)
	if err := ti.Close(); !errors.Is(err, ErrRunning) {
		t.Fatalf("Close while running: %v", err)
	}
	if err := ti.Run(context.Background()); !errors.Is(err, ErrRunning) {
		t.Fatalf("second Run: %v", err)
	}
	stopT()
	stopF()
	closeBoth(t, ti, fi)

	// Reopened, the indexes are where they were and catch up with nothing
	// to read.
	ti, fi = openBoth(t, src, txDir, fDir, 0)
	if h, ht := ti.BestBlock(); ht != 255 || h != blocks[255].BlockHash() {
		t.Fatalf("reopened txindex at %d", ht)
	}
	if fi.BestHeight() != 255 || fi.Synced() {
		t.Fatal("reopened filter index state")
	}
	reads := src.readCount()
	stopT, stopF = start(t, ti), start(t, fi)
	waitTip(t, src, ti, fi)
	for !ti.Synced() || !fi.Synced() {
		time.Sleep(time.Millisecond)
	}
	if n := src.readCount() - reads; n != 0 {
		t.Fatalf("restart at the tip read %d blocks", n)
	}
	stopT()
	stopF()
	closeBoth(t, ti, fi)

	// While the indexes were closed the chain moved to another branch
	// forking after 252, and block 255's data went missing: on reopening
	// they rewind 255..253 from their own data and follow the new branch.
	var gone []*wire.Block
	for range 3 {
		gone = append(gone, src.disconnect(false))
	}
	src.hidden[blocks[255].BlockHash()] = true
	prev := blocks[252].BlockHash()
	for i := range 4 {
		prev = src.add(fakeBlock(prev, uint32(2000+i)), store.BlockUndo{})
		src.connect(t, prev, false)
	}
	ti, fi = openBoth(t, src, txDir, fDir, 0)
	stopT, stopF = start(t, ti), start(t, fi)
	waitTip(t, src, ti, fi)
	stopT()
	stopF()
	delete(src.hidden, blocks[255].BlockHash())
	checkIndexes(t, src, ti, fi, gone)
	closeBoth(t, ti, fi)

	// The wrong kind of database is refused.
	if _, err := OpenFilterIndex(Config{Dir: txDir}); !errors.Is(err, ErrWrongIndex) {
		t.Fatalf("txindex opened as filter index: %v", err)
	}
}

func closeBoth(t testing.TB, idxs ...Index) {
	t.Helper()
	for _, idx := range idxs {
		if err := idx.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestEventsDuringCatchUp delivers events while the indexes are still
// catching up, with queues small enough to overflow, and a reorganisation
// in the middle.
func TestEventsDuringCatchUp(t *testing.T) {
	for _, maxQueue := range []int{2, 16, 0} {
		blocks, _ := mainnet(t)
		src := mainnetSource(t, 50)
		ti, fi := openBoth(t, src, t.TempDir(), t.TempDir(), maxQueue)
		src.listeners = []Listener{ti, fi}
		stopT, stopF := start(t, ti), start(t, fi)
		for h := 51; h <= 255; h++ {
			src.connect(t, blocks[h].BlockHash(), true)
			if h == 150 {
				for range 5 {
					src.disconnect(true)
				}
				prev := blocks[145].BlockHash()
				for i := range 6 {
					prev = src.add(fakeBlock(prev, uint32(3000+i)), store.BlockUndo{})
					src.connect(t, prev, true)
				}
				for range 6 {
					src.disconnect(true)
				}
				for h2 := 146; h2 <= 150; h2++ {
					src.connect(t, blocks[h2].BlockHash(), true)
				}
			}
		}
		waitTip(t, src, ti, fi)
		stopT()
		stopF()
		checkIndexes(t, src, ti, fi, nil)
		closeBoth(t, ti, fi)
	}
}

// TestStaleBacklog queues, before Run starts, events the catch-up makes
// stale: blocks it will already have and a reorganisation it will already
// have followed. Run skips them all without reading a block twice.
func TestStaleBacklog(t *testing.T) {
	blocks, _ := mainnet(t)
	src := mainnetSource(t, 252)
	ti, fi := openBoth(t, src, t.TempDir(), t.TempDir(), 0)
	defer closeBoth(t, ti, fi)
	src.listeners = []Listener{ti, fi}
	for h := 253; h <= 255; h++ {
		src.connect(t, blocks[h].BlockHash(), true)
	}
	gone := []*wire.Block{src.disconnect(true), src.disconnect(true)}
	prev := blocks[253].BlockHash()
	for i := range 2 {
		prev = src.add(fakeBlock(prev, uint32(4000+i)), store.BlockUndo{})
		src.connect(t, prev, true)
	}
	stopT, stopF := start(t, ti), start(t, fi)
	waitTip(t, src, ti, fi)
	// Wait until both queues are drained.
	for {
		ti.mu.Lock()
		n := len(ti.queue)
		fi.mu.Lock()
		n += len(fi.queue)
		fi.mu.Unlock()
		ti.mu.Unlock()
		if n == 0 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	stopT()
	stopF()
	// Catch-up read genesis..255' once for the txindex and once for the
	// filter index; the backlog read nothing.
	if n := src.readCount(); n != 2*256 {
		t.Fatalf("%d block reads, want %d", n, 2*256)
	}
	checkIndexes(t, src, ti, fi, gone)
}

// TestRandomReorgs drives a chain of fake blocks through random
// reorganisations while the indexes run, catch up, overflow and restart,
// and checks they end exactly on the chain.
func TestRandomReorgs(t *testing.T) {
	blocks, _ := mainnet(t)
	for seed := range uint32(4) {
		src := newMemSource(blocks[0])
		txDir, fDir := t.TempDir(), t.TempDir()
		maxQueue := []int{1, 3, 8, 64}[seed]
		ti, fi := openBoth(t, src, txDir, fDir, maxQueue)
		src.listeners = []Listener{ti, fi}
		stopT, stopF := start(t, ti), start(t, fi)
		rng := seed*7919 + 1
		rand := func(n uint32) uint32 { rng = rng*1103515245 + 12345; return (rng >> 8) % n }
		tag := seed << 20
		for step := range 300 {
			_, height := src.BestBlock()
			if height > 0 && rand(4) == 0 {
				depth := 1 + rand(min(uint32(height), 4))
				for range depth {
					src.disconnect(true)
				}
			}
			for range 1 + rand(3) {
				tip, _ := src.BestBlock()
				tag++
				src.connect(t, src.add(fakeBlock(tip, tag), store.BlockUndo{}), true)
			}
			if step == 150 { // restart mid-way, with events lost meanwhile
				stopT()
				stopF()
				closeBoth(t, ti, fi)
				tip, _ := src.BestBlock()
				tag++
				src.connect(t, src.add(fakeBlock(tip, tag), store.BlockUndo{}), false)
				ti, fi = openBoth(t, src, txDir, fDir, maxQueue)
				src.mu.Lock()
				src.listeners = []Listener{ti, fi}
				src.mu.Unlock()
				stopT, stopF = start(t, ti), start(t, fi)
			}
		}
		waitTip(t, src, ti, fi)
		stopT()
		stopF()
		checkIndexes(t, src, ti, fi, nil)
		closeBoth(t, ti, fi)
	}
}

// TestCheckpointsAndLimits builds a 2,100-block chain to exercise
// getcfcheckpt and the getcfilters/getcfheaders size limits.
func TestCheckpointsAndLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 2,100 blocks")
	}
	blocks, _ := mainnet(t)
	src := newMemSource(blocks[0])
	for i := range 2100 {
		tip, _ := src.BestBlock()
		src.connect(t, src.add(fakeBlock(tip, uint32(i)), store.BlockUndo{}), false)
	}
	fi, err := OpenFilterIndex(Config{Dir: t.TempDir(), Source: src})
	if err != nil {
		t.Fatal(err)
	}
	defer fi.Close()
	stop := start(t, fi)
	waitTip(t, src, fi)
	stop()
	tip, _ := src.BestBlock()
	cps, err := fi.Checkpoints(tip)
	if err != nil || len(cps) != 2 {
		t.Fatalf("Checkpoints: %d, %v", len(cps), err)
	}
	for i, h := range []int32{1000, 2000} {
		hash, _ := src.MainChainHash(h)
		if want, _ := fi.FilterHeader(hash); cps[i] != want {
			t.Fatalf("checkpoint %d is not the header at %d", i, h)
		}
	}
	if _, err := fi.FilterRange(1101, tip); err != nil {
		t.Fatalf("1,000 filters: %v", err)
	}
	if _, err := fi.FilterRange(1100, tip); !errors.Is(err, ErrBadRange) {
		t.Fatalf("1,001 filters: %v", err)
	}
	if _, hs, err := fi.FilterHashes(101, tip); err != nil || len(hs) != 2000 {
		t.Fatalf("2,000 filter hashes: %d, %v", len(hs), err)
	}
	if _, _, err := fi.FilterHashes(100, tip); !errors.Is(err, ErrBadRange) {
		t.Fatalf("2,001 filter hashes: %v", err)
	}
	// The chain moves to a branch forking after 1500; the old tip's
	// checkpoints follow its own (now stale) chain down to the fork.
	oldTip := tip
	oldAt2000, _ := src.MainChainHash(2000)
	for range 600 {
		src.disconnect(false)
	}
	for i := range 601 {
		prev, _ := src.BestBlock()
		src.connect(t, src.add(fakeBlock(prev, uint32(1<<24+i)), store.BlockUndo{}), false)
	}
	stop = start(t, fi)
	waitTip(t, src, fi)
	stop()
	tip, _ = src.BestBlock()
	stale, err := fi.Checkpoints(oldTip)
	if err != nil || len(stale) != 2 {
		t.Fatalf("stale Checkpoints: %d, %v", len(stale), err)
	}
	fresh, err := fi.Checkpoints(tip)
	if err != nil || len(fresh) != 2 {
		t.Fatalf("Checkpoints: %d, %v", len(fresh), err)
	}
	if want, _ := fi.FilterHeader(oldAt2000); stale[1] != want || stale[0] != fresh[0] || stale[1] == fresh[1] {
		t.Fatal("stale checkpoints do not follow the stale chain")
	}
	t.Logf("2,100-block chain: 2 checkpoints on each branch, range limits 1,000 and 2,000 enforced")
}

func TestNoGoroutineLeak(t *testing.T) {
	src := mainnetSource(t, 255)
	before := runtime.NumGoroutine()
	ti, fi := openBoth(t, src, t.TempDir(), t.TempDir(), 0)
	src.listeners = []Listener{ti, fi}
	stopT, stopF := start(t, ti), start(t, fi)
	waitTip(t, src, ti, fi)
	src.disconnect(true)
	waitTip(t, src, ti, fi)
	stopT()
	stopF()
	closeBoth(t, ti, fi)
	ti.BlockConnected(fixtureBlocks[1], 1, nil) // after Close: dropped
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines before, %d after:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := ti.Run(context.Background()); !errors.Is(err, ErrClosed) {
		t.Fatalf("Run after Close: %v", err)
	}
}

// TestLostEvents covers events the index cannot apply because it missed
// some (a gap) and connect events without undo data, and WaitFor.
func TestLostEvents(t *testing.T) {
	blocks, undos := mainnet(t)
	src := mainnetSource(t, 160)
	ti, fi := openBoth(t, src, t.TempDir(), t.TempDir(), 0)
	defer closeBoth(t, ti, fi)
	src.listeners = []Listener{ti, fi}
	stopT, stopF := start(t, ti), start(t, fi)
	waitTip(t, src, ti, fi)

	waited := make(chan error, 1)
	go func() {
		waited <- fi.WaitFor(context.Background(), blocks[171].BlockHash(), 171)
	}()
	// 161..168 connect without notifications, so 169's event leaves a
	// gap: the index notices and catches up from the source.
	for h := 161; h <= 169; h++ {
		src.connect(t, blocks[h].BlockHash(), h == 169)
	}
	waitTip(t, src, ti, fi)
	// 170 (which spends a coin) and 171 arrive without undo data: the
	// filter index reads it from the source.
	for h := 170; h <= 171; h++ {
		src.connect(t, blocks[h].BlockHash(), false)
		fi.BlockConnected(blocks[h], int32(h), nil)
		ti.BlockConnected(blocks[h], int32(h), nil)
	}
	select {
	case err := <-waited:
		if err != nil {
			t.Fatalf("WaitFor: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("WaitFor did not return")
	}
	waitTip(t, src, ti, fi)
	if len(undos[170]) == 0 {
		t.Fatal("block 170 spends nothing")
	}
	stopT()
	stopF()
	checkIndexes(t, src, ti, fi, nil)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := ti.WaitFor(ctx, blocks[200].BlockHash(), 200); !errors.Is(err, context.Canceled) {
		t.Fatalf("WaitFor with a cancelled context: %v", err)
	}
	if err := ti.WaitFor(ctx, blocks[100].BlockHash(), 100); err != nil {
		t.Fatalf("WaitFor a block the index has: %v", err)
	}
}
