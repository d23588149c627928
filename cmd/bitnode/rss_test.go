package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	binenc "encoding/binary"

	"github.com/bitnode/bitnode/chain/chaingen"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/wire"
)

// TestImportRSS imports BITNODE_RSS_BLOCKS regtest blocks of 2,000
// one-input P2WPKH spends each with the real binary and the default
// --dbcache, every script checked, and reports the node's peak resident
// set size and throughput. It only runs when the variable is set (building
// the chain signs two million transactions):
//
//	BITNODE_RSS_BLOCKS=1000 go test -tags libsecp256k1 -run TestImportRSS -v -timeout 3h ./cmd/bitnode/
func TestImportRSS(t *testing.T) {
	blocks, _ := strconv.Atoi(os.Getenv("BITNODE_RSS_BLOCKS"))
	if blocks <= 0 {
		t.Skip("set BITNODE_RSS_BLOCKS to run")
	}
	const perBlock = 2000
	blkFile := filepath.Join(t.TempDir(), "blk00000.dat")
	start := time.Now()
	writeP2WPKHChain(t, blkFile, blocks, perBlock)
	t.Logf("built %d blocks in %v", blocks, time.Since(start).Round(time.Second))

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Hour)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary(t), "node", "--network", "regtest", "--datadir", t.TempDir(),
		"--loadblock", blkFile, "--stopafterblockimport", "--loglevel", "warn")
	var outBuf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &outBuf, &outBuf
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Sample the child's resident set from /proc while it runs: the
	// rusage maximum also counts the parent's pages shared between fork
	// and exec.
	peakKiB := int64(0)
	waitErr := make(chan error, 1)
	go func() { waitErr <- cmd.Wait() }()
	var err error
sample:
	for {
		select {
		case err = <-waitErr:
			break sample
		case <-time.After(100 * time.Millisecond):
			peakKiB = max(peakKiB, procRSSKiB(cmd.Process.Pid))
		}
	}
	elapsed := time.Since(t0)
	out := outBuf.Bytes()
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	// The node logs little at warn level; with GODEBUG=gctrace=1 in the
	// environment its last garbage collections show here.
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	for _, l := range lines[max(0, len(lines)-5):] {
		t.Log(l)
	}
	txs := blocks * perBlock
	t.Logf("imported %d blocks (%d P2WPKH spends) in %v: %.0f tx/s, %.1f blocks/s; peak RSS %d MiB (sampled every 100 ms)",
		blocks, txs, elapsed.Round(time.Millisecond), float64(txs)/elapsed.Seconds(),
		float64(blocks)/elapsed.Seconds(), peakKiB>>10)
}

// procRSSKiB reads a process's current resident set size (VmRSS) from
// /proc, 0 when unavailable.
func procRSSKiB(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				v, _ := strconv.ParseInt(f[0], 10, 64)
				return v
			}
		}
	}
	return 0
}

// writeP2WPKHChain writes a regtest chain: maturity, one block splitting a
// coinbase into perBlock P2WPKH outputs, then blocks each spending every
// output of the previous one in perBlock one-input transactions.
func writeP2WPKHChain(t *testing.T, path string, blocks, perBlock int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	p := *params.RegTest
	g := chaingen.New(&p)
	magic := p.MessageStart()
	write := func(blk *wire.Block) {
		raw := blk.Serialize()
		w.Write(magic[:])
		binenc.Write(w, binenc.LittleEndian, uint32(len(raw)))
		w.Write(raw)
	}
	for _, blk := range g.NextBlocks("m", int(p.CoinbaseMaturity)+1) {
		write(blk)
	}
	fund := g.Spend(g.CoinbaseOutput("m1"), chaingen.Split(perBlock))
	write(g.NextBlock("fund", chaingen.Txs(fund)))
	outs := g.OutputsOf(fund)
	for i := range blocks {
		spends := make([]*wire.Tx, len(outs))
		for j, out := range outs {
			spends[j] = g.Spend(out, chaingen.Fee(200))
		}
		write(g.NextBlock(fmt.Sprintf("r%d", i), chaingen.Txs(spends...)))
		for j, tx := range spends {
			outs[j] = g.OutputsOf(tx)[0]
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
}
