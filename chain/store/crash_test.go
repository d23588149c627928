package store

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/bitnode/bitnode/wire"
)

// The crash test: a child process (this test binary, running
// TestCrashChild) connects deterministic blocks with a tiny cache, so it
// flushes every few blocks; the parent SIGKILLs it at random moments,
// reopens the chainstate and checks that the coins on disk are exactly the
// UTXO set a clean run has after the block the marker names. The next child
// resumes from there, so recovery is exercised too.

const crashDirEnv = "BITNODE_STORE_CRASH_DIR"

const (
	crashTxs     = 6 // transactions per block
	crashOuts    = 5 // outputs per transaction
	crashBudget  = 16 << 10
	crashRuntime = 20 * time.Second // a child stops by itself after this
)

func crashTxid(k uint64, j int) wire.Hash {
	var h wire.Hash
	binary.LittleEndian.PutUint64(h[:], k)
	binary.LittleEndian.PutUint32(h[8:], uint32(j))
	h[31] = 0xcd
	return h
}

func crashHash(k uint64) wire.Hash {
	if k == 0 {
		return wire.Hash{}
	}
	h := blockHash(k)
	h[30] = 0xcc
	return h
}

func crashHeight(h wire.Hash) (uint64, bool) {
	k := binary.LittleEndian.Uint64(h[:])
	return k, crashHash(k) == h
}

type crashOp struct {
	spend bool
	op    wire.OutPoint
	coin  *Coin
}

// crashBlock lists block k's changes in order. Transaction j spends output 0
// of the previous block's transaction j, output 1 of block k-7's (even j),
// output 2 of block k-30's (j divisible by 3) and output 4 of the previous
// transaction in the same block; every output is spent at most once, and
// transaction 0 is a coinbase.
func crashBlock(k uint64) []crashOp {
	var ops []crashOp
	spend := func(kk uint64, j int, vout uint32) {
		ops = append(ops, crashOp{spend: true, op: wire.OutPoint{Hash: crashTxid(kk, j), Index: vout}})
	}
	for j := range crashTxs {
		if k > 1 {
			spend(k-1, j, 0)
		}
		if k > 7 && j%2 == 0 {
			spend(k-7, j, 1)
		}
		if k > 30 && j%3 == 0 {
			spend(k-30, j, 2)
		}
		if j > 0 {
			spend(k, j-1, 4)
		}
		for o := range crashOuts {
			n := int(k) + j + o
			script := bytes.Repeat([]byte{byte(n)}, n%40)
			c := &Coin{Value: int64(k)*1000 + int64(j*10+o), PkScript: script, Height: int32(k), CoinBase: j == 0}
			ops = append(ops, crashOp{op: wire.OutPoint{Hash: crashTxid(k, j), Index: uint32(o)}, coin: c})
		}
	}
	return ops
}

// TestCrashChild is the child's body; it does nothing in a normal run.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("run as a child of TestCrashRecovery")
	}
	db, err := Open(dir, Options{CacheBytes: crashBudget})
	if err != nil {
		t.Fatal(err)
	}
	k, ok := crashHeight(db.BestBlock())
	if !ok {
		t.Fatalf("unknown best block %s", db.BestBlock())
	}
	fmt.Println("READY", k)
	deadline := time.Now().Add(crashRuntime)
	for time.Now().Before(deadline) {
		k++
		v := db.NewView()
		for _, c := range crashBlock(k) {
			if !c.spend {
				v.Add(c.op, c.coin)
			} else if _, err := v.Spend(c.op); err != nil {
				t.Fatalf("block %d: %v", k, err)
			}
		}
		db.Commit(v, crashHash(k))
		if _, err := db.FlushIfOver(); err != nil {
			t.Fatal(err)
		}
		if k%13 == 0 {
			if err := db.Flush(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	db.Close()
}

// crashSim is the clean run, in memory.
type crashSim struct {
	k     uint64
	coins map[wire.OutPoint]*Coin
}

func (s *crashSim) advance(t *testing.T, to uint64) {
	for s.k < to {
		s.k++
		for _, c := range crashBlock(s.k) {
			if c.spend {
				if s.coins[c.op] == nil {
					t.Fatalf("simulation: block %d spends missing %s", s.k, c.op)
				}
				delete(s.coins, c.op)
			} else {
				s.coins[c.op] = c.coin
			}
		}
	}
}

func TestCrashRecovery(t *testing.T) {
	if os.Getenv(crashDirEnv) != "" {
		t.Skip("in the child")
	}
	dir := t.TempDir()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	sim := &crashSim{coins: make(map[wire.OutPoint]*Coin)}
	const iterations = 24
	progressed := 0
	for i := range iterations {
		delay := time.Duration(rng.IntN(150)) * time.Millisecond
		runCrashChild(t, dir, delay)
		db, err := Open(dir, Options{CacheBytes: 1 << 20})
		if err != nil {
			t.Fatalf("iteration %d: reopen after kill: %v", i, err)
		}
		k, ok := crashHeight(db.FlushedBestBlock())
		if !ok || k < sim.k {
			db.Close()
			t.Fatalf("iteration %d: marker %s (height %d, previous %d)", i, db.FlushedBestBlock(), k, sim.k)
		}
		if k > sim.k {
			progressed++
		}
		sim.advance(t, k)
		checkCrashState(t, db, sim, i)
		db.Close()
	}
	t.Logf("%d kills, %d moved the marker, final height %d, %d coins", iterations, progressed, sim.k, len(sim.coins))
	if progressed < iterations/3 {
		t.Fatalf("only %d of %d children made progress", progressed, iterations)
	}
}

func checkCrashState(t *testing.T, db *DB, sim *crashSim, iter int) {
	t.Helper()
	disk := diskCoins(t, db)
	if len(disk) != len(sim.coins) {
		t.Fatalf("iteration %d, height %d: %d coins on disk, clean run has %d", iter, sim.k, len(disk), len(sim.coins))
	}
	for op, want := range sim.coins {
		if got := disk[op]; !coinsEqual(got, want) {
			t.Fatalf("iteration %d, height %d: coin %s is %+v, want %+v", iter, sim.k, op, got, want)
		}
	}
}

// runCrashChild starts a child on dir, waits until it is running, lets it
// work for delay and kills it with SIGKILL. It never leaves the child
// behind.
func runCrashChild(t *testing.T, dir string, delay time.Duration) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	ready := make(chan struct{})
	var lines strings.Builder
	go func() {
		sc := bufio.NewScanner(out)
		signalled := false
		for sc.Scan() {
			lines.WriteString(sc.Text() + "\n")
			if !signalled && strings.HasPrefix(sc.Text(), "READY") {
				close(ready)
				signalled = true
			}
		}
		exited <- cmd.Wait()
	}()
	kill := func() { cmd.Process.Kill() } // SIGKILL to this pid only
	select {
	case <-ready:
	case err := <-exited:
		t.Fatalf("child exited before it was ready: %v\n%s%s", err, lines.String(), stderr.String())
	case <-time.After(30 * time.Second):
		kill()
		<-exited
		t.Fatal("child not ready after 30s")
	}
	select {
	case err := <-exited:
		t.Fatalf("child exited by itself: %v\n%s%s", err, lines.String(), stderr.String())
	case <-time.After(delay):
	}
	kill()
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		t.Fatal("killed child did not exit")
	}
}
