package main

import (
	"bytes"
	"context"
	binenc "encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/chain/chaingen"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/wire"
)

// churnChain builds a regtest chain whose blocks keep creating and spending
// many outputs, so the UTXO cache is always dirty, and returns it as a
// blk*.dat stream.
func churnChain(t *testing.T, blocks int) []byte {
	t.Helper()
	p := *params.RegTest
	g := chaingen.New(&p)
	var out bytes.Buffer
	write := func(blk *wire.Block) {
		raw := blk.Serialize()
		m := p.MessageStart()
		out.Write(m[:])
		binenc.Write(&out, binenc.LittleEndian, uint32(len(raw)))
		out.Write(raw)
	}
	opTrue := chaingen.OpTrue()
	var pool []chaingen.Output
	for i := 1; i <= blocks; i++ {
		var txs []*wire.Tx
		if i > 101 {
			// Split a mature coinbase, and spend a handful of older
			// outputs, each into several new ones.
			cb := g.SpendMany([]chaingen.Output{g.CoinbaseOutput(fmt.Sprintf("b%d", i-101))}, chaingen.Split(8), chaingen.To(opTrue))
			txs = append(txs, cb)
			for k := 0; k < 6 && len(pool) > 0; k++ {
				o := pool[0]
				pool = pool[1:]
				txs = append(txs, g.Spend(o, chaingen.Split(2), chaingen.To(opTrue), chaingen.Fee(200)))
			}
		}
		blk := g.NextBlock(fmt.Sprintf("b%d", i), chaingen.PayTo(opTrue), chaingen.Txs(txs...))
		for _, tx := range txs {
			pool = append(pool, g.OutputsOf(tx)...)
		}
		write(blk)
	}
	return out.Bytes()
}

func utxoStats(t *testing.T, datadir string) store.UTXOStats {
	t.Helper()
	c, err := chain.New(chain.Config{Params: params.RegTest, DataDir: filepath.Join(datadir, "regtest"), AssumeValid: &wire.Hash{}})
	if err != nil {
		t.Fatalf("reopen after crash: %v", err)
	}
	defer c.Close()
	st, err := c.UTXOStats()
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestCrashSafety kills `bitnode node --loadblock` with SIGKILL at random
// moments of an import with a 1 MiB UTXO cache (so it flushes all the
// time), at least 20 times, restarting it on the same data directory each
// time; the final UTXO set must equal that of an uninterrupted import.
func TestCrashSafety(t *testing.T) {
	blkFile := filepath.Join(t.TempDir(), "blk00000.dat")
	if err := os.WriteFile(blkFile, churnChain(t, 2000), 0o600); err != nil {
		t.Fatal(err)
	}
	args := func(dir string) []string {
		return []string{"node", "--network", "regtest", "--datadir", dir, "--loadblock", blkFile,
			"--stopafterblockimport", "--dbcache", "1", "--loglevel", "error"}
	}
	clean := t.TempDir()
	start := time.Now()
	if r := bitnode(t, "", args(clean)...); r.code != 0 {
		t.Fatalf("clean import: exit %d\n%s", r.code, r.stderr)
	}
	importTime := time.Since(start)
	want := utxoStats(t, clean)

	// Each round imports into a fresh directory, killing the node at
	// random moments until an import completes, and must end with the
	// clean UTXO set; rounds repeat until at least 20 kills have landed.
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	kills, rounds := 0, 0
	for kills < 20 && rounds < 10 {
		rounds++
		crashed := t.TempDir()
		for attempt := 0; attempt < 12; attempt++ {
			delay := importTime/50 + time.Duration(rng.Int64N(int64(importTime/10)))
			if !killDuring(t, args(crashed), delay) {
				break // the import completed
			}
			kills++
		}
		// One last run without a kill finishes whatever is left.
		if r := bitnode(t, "", args(crashed)...); r.code != 0 {
			t.Fatalf("round %d: final import: exit %d\n%s", rounds, r.code, r.stderr)
		}
		got := utxoStats(t, crashed)
		if got.BestBlock != want.BestBlock || got.HashSerialized != want.HashSerialized || got.TxOuts != want.TxOuts {
			t.Fatalf("round %d, %d kills: tip %s, %d outputs, hash %s; clean: tip %s, %d outputs, hash %s",
				rounds, kills, got.BestBlock, got.TxOuts, got.HashSerialized, want.BestBlock, want.TxOuts, want.HashSerialized)
		}
	}
	if kills < 20 {
		t.Fatalf("only %d kills landed in %d rounds (clean import took %v)", kills, rounds, importTime)
	}
	t.Logf("%d SIGKILLs over %d rounds of imports (%v each uninterrupted); every round ended with the clean UTXO set (%d outputs, %s)",
		kills, rounds, importTime.Round(time.Millisecond), want.TxOuts, want.HashSerialized)
}

// killDuring starts the node and kills it after delay; it reports whether
// the process was still running when killed.
func killDuring(t *testing.T, args []string, delay time.Duration) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary(t), args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("node failed before the kill: %v\n%s", err, stderr.String())
		}
		return false
	case <-time.After(delay):
		syscall.Kill(cmd.Process.Pid, syscall.SIGKILL)
		<-done
		return true
	}
}
