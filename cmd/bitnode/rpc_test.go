package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bitnode/bitnode/chain/address"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/rpc"
)

// startRegtestNode runs `bitnode node --network regtest` with its RPC
// server on a free port and returns the data directory and port; the
// process is killed at the end of the test unless it already exited.
func startRegtestNode(t *testing.T, extra ...string) (string, int, *exec.Cmd, *bytes.Buffer) {
	t.Helper()
	dir, port := t.TempDir(), freePort(t)
	args := append([]string{"node", "--network", "regtest", "--datadir", dir, "--connect", "0", "--dnsseed=false",
		"--listen=false", "--rpcport", strconv.Itoa(port), "--loglevel", "warn"}, extra...)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, binary(t), args...)
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return dir, port, cmd, &logs
}

// TestRPCEndToEnd runs a real regtest node and drives it with `bitnode
// rpc`: the client finds the cookie, mines with generatetoaddress, prints
// results and errors as bitcoin-cli does, and stops the node.
func TestRPCEndToEnd(t *testing.T) {
	dir, port, node, logs := startRegtestNode(t)
	base := []string{"rpc", "--network", "regtest", "--datadir", dir, "--rpcport", strconv.Itoa(port)}
	cli := func(stdin string, args ...string) result {
		t.Helper()
		return bitnode(t, stdin, append(append([]string{}, base...), args...)...)
	}
	// -rpcwait waits for the node to come up and write its cookie.
	if r := cli("", "-rpcwait", "-rpcwaittimeout", "60", "getblockcount"); r.code != 0 || r.stdout != "0\n" {
		t.Fatalf("getblockcount: exit %d %q %q\n%s", r.code, r.stdout, r.stderr, logs)
	}
	cookie, err := os.ReadFile(filepath.Join(dir, "regtest", rpc.CookieName))
	if err != nil || !strings.HasPrefix(string(cookie), "__cookie__:") {
		t.Fatalf("cookie: %q %v", cookie, err)
	}
	addr, _ := address.NewP2WSHFromScript([]byte{0x51}, params.RegTest)
	r := cli("", "generatetoaddress", "101", addr.String())
	var hashes []string
	if err := json.Unmarshal([]byte(r.stdout), &hashes); r.code != 0 || err != nil || len(hashes) != 101 {
		t.Fatalf("generatetoaddress: exit %d %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "[\n  \"") {
		t.Errorf("result not indented as bitcoin-cli: %.40q", r.stdout)
	}
	if r := cli("", "getblockcount"); r.stdout != "101\n" {
		t.Fatalf("after mining: %q", r.stdout)
	}
	if r := cli("", "getbestblockhash"); r.stdout != hashes[100]+"\n" {
		t.Errorf("string result printed raw: %q", r.stdout)
	}
	r = cli("", "getblockhash", "1000")
	if r.code != 1 || r.stderr != "error code: -8\nerror message:\nBlock height out of range\n" || r.stdout != "" {
		t.Errorf("error: exit %d %q", r.code, r.stderr)
	}
	if r := cli("", "-named", "getblockhash", "height=1"); r.stdout != hashes[0]+"\n" {
		t.Errorf("-named: %q %q", r.stdout, r.stderr)
	}
	if r := cli("1\n", "-stdin", "getblockhash"); r.stdout != hashes[0]+"\n" {
		t.Errorf("-stdin: %q %q", r.stdout, r.stderr)
	}
	if r := cli("", "getblock", hashes[0], "1"); r.code != 0 || !strings.Contains(r.stdout, "\"height\": 1,") {
		t.Errorf("getblock with a numeric argument: %q %q", r.stdout, r.stderr)
	}
	if r := cli("", "help", "getblockcount"); !strings.HasPrefix(r.stdout, "getblockcount\n\nReturns the height") {
		t.Errorf("help: %q", r.stdout)
	}
	if r := cli("", "--rpcuser", "x", "--rpcpassword", "y", "getblockcount"); r.code != 1 ||
		r.stderr != "error: Authorization failed: Incorrect rpcuser or rpcpassword\n" {
		t.Errorf("wrong credentials: exit %d %q", r.code, r.stderr)
	}
	if r := cli("", "stop"); r.stdout != "bitnode stopping\n" {
		t.Fatalf("stop: %q %q", r.stdout, r.stderr)
	}
	if err := node.Wait(); err != nil {
		t.Fatalf("node did not stop cleanly: %v\n%s", err, logs)
	}
	if _, err := os.Stat(filepath.Join(dir, "regtest", rpc.CookieName)); !os.IsNotExist(err) {
		t.Errorf("cookie left behind: %v", err)
	}
	r = cli("", "getblockcount")
	if r.code != 1 || !strings.HasPrefix(r.stderr, "error: Could not locate RPC credentials") {
		t.Errorf("after stop: exit %d %q", r.code, r.stderr)
	}
}

// restStatus GETs path from the node's RPC port without credentials.
func restStatus(t *testing.T, port int, path string) int {
	t.Helper()
	resp, err := http.Get("http://127.0.0.1:" + strconv.Itoa(port) + path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestRESTFlag: --rest serves the REST interface without credentials.
func TestRESTFlag(t *testing.T) {
	dir, port, _, logs := startRegtestNode(t, "--rest")
	r := bitnode(t, "", "rpc", "--network", "regtest", "--datadir", dir, "--rpcport", strconv.Itoa(port),
		"-rpcwait", "-rpcwaittimeout", "60", "getblockcount")
	if r.code != 0 {
		t.Fatalf("getblockcount: exit %d %q\n%s", r.code, r.stderr, logs)
	}
	if status := restStatus(t, port, "/rest/chaininfo.json"); status != http.StatusOK {
		t.Errorf("/rest/chaininfo.json with --rest: %d", status)
	}
}

// TestRPCServerSettings: password authentication, refusal of a
// non-loopback bind without --rpcallowip, and --server=false.
func TestRPCServerSettings(t *testing.T) {
	dir, port, _, logs := startRegtestNode(t, "--rpcuser", "u", "--rpcpassword", "p")
	base := []string{"rpc", "--network", "regtest", "--datadir", dir, "--rpcport", strconv.Itoa(port), "-rpcwait", "-rpcwaittimeout", "60"}
	if r := bitnode(t, "", append(base, "--rpcuser", "u", "--rpcpassword", "p", "getblockcount")...); r.code != 0 || r.stdout != "0\n" {
		t.Fatalf("password: exit %d %q %q\n%s", r.code, r.stdout, r.stderr, logs)
	}
	if _, err := os.Stat(filepath.Join(dir, "regtest", rpc.CookieName)); !os.IsNotExist(err) {
		t.Errorf("cookie written with a password configured: %v", err)
	}
	if status := restStatus(t, port, "/rest/chaininfo.json"); status != http.StatusNotFound {
		t.Errorf("REST served without --rest: %d", status)
	}
	// The client takes the network and credentials from bitnode.conf.
	conf := "network=regtest\n[regtest]\nrpcuser=u\nrpcpassword=p\nrpcport=" + strconv.Itoa(port) + "\n"
	if err := os.WriteFile(filepath.Join(dir, "bitnode.conf"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := bitnode(t, "", "rpc", "--datadir", dir, "getblockcount"); r.code != 0 || r.stdout != "0\n" {
		t.Errorf("settings from bitnode.conf: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	r := bitnode(t, "", "node", "--network", "regtest", "--datadir", t.TempDir(), "--connect", "0", "--dnsseed=false",
		"--listen=false", "--rpcbind", "0.0.0.0")
	if r.code != exitUsage || !strings.Contains(r.stderr, "--rpcallowip") {
		t.Errorf("non-loopback bind: exit %d %q", r.code, r.stderr)
	}
	r = bitnode(t, "", "rpc", "--network", "regtest", "--rpcport", strconv.Itoa(freePort(t)), "--rpcpassword", "x", "getblockcount")
	if r.code != 1 || !strings.HasPrefix(r.stderr, "error: Could not connect to the server 127.0.0.1:") {
		t.Errorf("nothing listening: exit %d %q", r.code, r.stderr)
	}
	if r := bitnode(t, "", "rpc"); r.code != exitUsage {
		t.Errorf("no method: exit %d", r.code)
	}
}

func TestNumericVersion(t *testing.T) {
	for v, want := range map[string]int{"0.1.0-dev": 100, "9.8.7-test": 90807, "29.0": 290000, "x": 0} {
		if got := numericVersion(v); got != want {
			t.Errorf("%s: %d, want %d", v, got, want)
		}
	}
}

func TestConvertArgs(t *testing.T) {
	got := string(mustMarshal(t, positionalParams("getblock", []string{"00ab", "2"})))
	if got != `["00ab",2]` {
		t.Errorf("getblock args %s", got)
	}
	// A hash of digits only stays a string where the method takes one.
	digits := strings.Repeat("1", 64)
	if got := string(mustMarshal(t, positionalParams("gettxout", []string{digits, "0", "false"}))); got != `["`+digits+`",0,false]` {
		t.Errorf("gettxout args %s", got)
	}
	if got := string(mustMarshal(t, positionalParams("nosuchmethod", []string{"1", "x", "[1]"}))); got != `[1,"x",[1]]` {
		t.Errorf("unknown method args %s", got)
	}
	if got := string(mustMarshal(t, namedParams("getblock", []string{"verbose=0", "abc"}))); got != `{"args":["abc"],"verbose":0}` {
		t.Errorf("named args %s", got)
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLogCategories(t *testing.T) {
	l, err := newLoggers(os.Stderr, "info", []string{"net,mempool"})
	if err != nil {
		t.Fatal(err)
	}
	lc := logCategories{l}
	cats := lc.Categories()
	if !cats["net"] || !cats["mempool"] || cats["chain"] || len(cats) != len(logSubsystems) {
		t.Errorf("categories %v", cats)
	}
	if err := lc.Set([]string{"nosuch"}, nil); !errors.Is(err, rpc.ErrUnknownCategory) {
		t.Errorf("unknown category: %v", err)
	}
	if err := lc.Set([]string{"net"}, nil); err == nil || errors.Is(err, rpc.ErrUnknownCategory) {
		t.Errorf("run-time change: %v", err)
	}
}
