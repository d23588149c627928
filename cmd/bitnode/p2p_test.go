package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/wire"
)

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestTwoNodesSyncOverLoopback runs two real node processes on regtest:
// the first imports 400 blocks and listens on 127.0.0.1; the second
// connects only to it, syncs headers-first and stops at height 400. The
// first is then stopped with SIGINT and must shut down cleanly.
func TestTwoNodesSyncOverLoopback(t *testing.T) {
	blkFile := filepath.Join(t.TempDir(), "blk00000.dat")
	if err := os.WriteFile(blkFile, churnChain(t, 400), 0o600); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	serverDir, clientDir := t.TempDir(), t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	server := exec.CommandContext(ctx, binary(t), "node", "--network", "regtest", "--datadir", serverDir,
		"--loadblock", blkFile, "--bind", "127.0.0.1:"+strconv.Itoa(port), "--connect", "0", "--dnsseed=false", "--loglevel", "warn")
	var serverErr bytes.Buffer
	server.Stderr = &serverErr
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	defer server.Process.Kill()
	// Wait until the server listens.
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server never listened:\n%s", serverErr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	start := time.Now()
	r := bitnode(t, "", "node", "--network", "regtest", "--datadir", clientDir, "--connect", "127.0.0.1:"+strconv.Itoa(port),
		"--listen=false", "--dnsseed=false", "--stopatheight", "400", "--loglevel", "info")
	if r.code != 0 {
		t.Fatalf("client: exit %d\n%s", r.code, r.stderr)
	}
	synced := time.Since(start)
	server.Process.Signal(syscall.SIGINT)
	if err := server.Wait(); err != nil {
		t.Fatalf("server did not shut down cleanly: %v\n%s", err, serverErr.String())
	}
	tip := func(dir string) (wire.Hash, int32) {
		c, err := chain.New(chain.Config{Params: params.RegTest, DataDir: filepath.Join(dir, "regtest"), AssumeValid: &wire.Hash{}})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.Tip()
	}
	sh, sHeight := tip(serverDir)
	ch, cHeight := tip(clientDir)
	if sHeight != 400 || cHeight != 400 || sh != ch {
		t.Fatalf("server at %d (%s), client at %d (%s)", sHeight, sh, cHeight, ch)
	}
	t.Logf("a second process synced 400 blocks over loopback in %v", synced.Round(time.Millisecond))
}
