package main

import (
	"compress/bzip2"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const block255Hash = "00000000d0a75c861fabf9ff7b92022f60e4afeed9331fe5aa073d8e4706fe3c"

// TestNodeLoadBlock imports mainnet blocks 1–255 with the real binary
// (`bitnode node --loadblock`, every script checked, both indexes on),
// then restarts on the same data directory and finds the same tip.
func TestNodeLoadBlock(t *testing.T) {
	f, err := os.Open(repoFile("testdata", "btcd", "database", "blocks1-256.bz2"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	blk := filepath.Join(t.TempDir(), "blk00000.dat")
	out, err := os.Create(blk)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, bzip2.NewReader(f)); err != nil {
		t.Fatal(err)
	}
	out.Close()
	datadir := t.TempDir()
	r := bitnode(t, "", "node", "--network", "main", "--datadir", datadir, "--loadblock", blk,
		"--stopafterblockimport", "--assumevalid", "0", "--txindex", "--blockfilterindex", "--dbcache", "4")
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "accepted=255") || !strings.Contains(r.stderr, "tip="+block255Hash) {
		t.Fatalf("import log does not show 255 blocks ending at %s:\n%s", block255Hash, r.stderr)
	}
	for _, dir := range []string{"chainstate", "blocks", filepath.Join("indexes", "txindex"), filepath.Join("indexes", "blockfilter", "basic")} {
		if _, err := os.Stat(filepath.Join(datadir, dir)); err != nil {
			t.Errorf("missing %s: %v", dir, err)
		}
	}
	// Restart without importing: the chain is where it was.
	r = bitnode(t, "", "node", "--network", "main", "--datadir", datadir, "--stopafterblockimport")
	if r.code != 0 || !strings.Contains(r.stderr, "tip="+block255Hash) {
		t.Fatalf("restart: exit %d:\n%s", r.code, r.stderr)
	}
	// Bad flags are command-line errors.
	if r := bitnode(t, "", "node", "--datadir", datadir, "--prune", "10"); r.code != exitUsage {
		t.Errorf("--prune 10: exit %d, want %d", r.code, exitUsage)
	}
	if r := bitnode(t, "", "node", "--datadir", datadir, "--assumevalid", "xyz"); r.code != exitUsage {
		t.Errorf("--assumevalid xyz: exit %d, want %d", r.code, exitUsage)
	}
}

// TestNodeConfigFileAndLock: settings come from bitnode.conf (top level and
// the network's section) unless the command line gives them, and a second
// node on the same data directory is refused.
func TestNodeConfigFileAndLock(t *testing.T) {
	base := t.TempDir()
	conf := "# test settings\nnetwork=regtest\nloglevel=debug\n[main]\ndbcache=1\n[regtest]\nassumevalid=zz\n"
	if err := os.WriteFile(filepath.Join(base, "bitnode.conf"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	// assumevalid=zz in [regtest] applies (and is rejected) ...
	r := bitnode(t, "", "node", "--datadir", base, "--stopafterblockimport")
	if r.code != exitUsage || !strings.Contains(r.stderr, "assumevalid") {
		t.Fatalf("config file setting not applied: exit %d\n%s", r.code, r.stderr)
	}
	// ... unless the command line overrides it.
	r = bitnode(t, "", "node", "--datadir", base, "--stopafterblockimport", "--assumevalid", "0")
	if r.code != 0 || !strings.Contains(r.stderr, "level=DEBUG") {
		t.Fatalf("exit %d (want 0 with debug logging from the file)\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(base, "regtest", "chainstate")); err != nil {
		t.Fatalf("network from the config file not used: %v", err)
	}
	if err := os.WriteFile(filepath.Join(base, "bitnode.conf"), []byte("nosuchsetting=1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := bitnode(t, "", "node", "--datadir", base, "--stopafterblockimport"); r.code != exitUsage || !strings.Contains(r.stderr, "nosuchsetting") {
		t.Fatalf("unknown setting: exit %d\n%s", r.code, r.stderr)
	}
	os.Remove(filepath.Join(base, "bitnode.conf"))

	// A node holding the lock: a second one on the same directory fails.
	lock, err := lockDataDir(filepath.Join(base, "regtest"))
	if err != nil {
		t.Fatal(err)
	}
	defer lock.release()
	r = bitnode(t, "", "node", "--network", "regtest", "--datadir", base, "--stopafterblockimport")
	if r.code != exitData || !strings.Contains(r.stderr, "probably already running") {
		t.Fatalf("second node: exit %d\n%s", r.code, r.stderr)
	}
}
