package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

const testVersion = "9.8.7-test"

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildDir  string
)

// binary builds the real bitnode command once per test run, with the
// version set through -ldflags as a release build does.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "bitnode-cli-test")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "bitnode")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		// BITNODE_TEST_TAGS builds the binary with extra tags (for
		// example libsecp256k1) for benchmarks of that variant.
		cmd := exec.CommandContext(ctx, "go", "build", "-o", binPath,
			"-tags", os.Getenv("BITNODE_TEST_TAGS"), "-ldflags", "-X main.version="+testVersion, ".")
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = errors.New(string(out) + err.Error())
		}
	})
	if buildErr != nil {
		t.Fatalf("go build: %v", buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

// bitnode runs the built binary with a timeout.
func bitnode(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary(t), args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		r.code = exitErr.ExitCode()
	default:
		t.Fatalf("bitnode %v: %v", args, err)
	}
	if strings.Contains(r.stderr, "panic") || strings.Contains(r.stderr, "goroutine ") {
		t.Fatalf("bitnode %v panicked:\n%s", args, r.stderr)
	}
	return r
}

func repoFile(parts ...string) string {
	return filepath.Join(append([]string{"..", ".."}, parts...)...)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestVersion(t *testing.T) {
	r := bitnode(t, "", "version")
	want := "bitnode " + testVersion + " (protocol 70016, " + runtime.Version() + ")\n"
	if r.code != 0 || r.stdout != want || r.stderr != "" {
		t.Errorf("version: code %d, stdout %q, stderr %q; want %q", r.code, r.stdout, r.stderr, want)
	}
	if !regexp.MustCompile(`^go1\.\d+`).MatchString(runtime.Version()) {
		t.Logf("toolchain version %q is not a release", runtime.Version())
	}
}

// TestDecodeTxExample decodes the shipped example and compares it with
// bitcoin-cli decoderawtransaction's output for the same transaction,
// byte for byte.
func TestDecodeTxExample(t *testing.T) {
	want := readFile(t, repoFile("chain", "txjson", "testdata", "tx170.json"))
	r := bitnode(t, "", "decode", "tx", repoFile("testdata", "examples", "tx170.hex"))
	if r.code != 0 || r.stdout != want {
		t.Errorf("decode tx: code %d stderr %q\n got %s\nwant %s", r.code, r.stderr, r.stdout, want)
	}
}

func TestDecodeBlockExample(t *testing.T) {
	want := readFile(t, repoFile("chain", "txjson", "testdata", "block170.json"))
	r := bitnode(t, "", "decode", "block", repoFile("testdata", "examples", "block170.hex"))
	if r.code != 0 || r.stdout != want {
		t.Errorf("decode block: code %d stderr %q\n got %s\nwant %s", r.code, r.stderr, r.stdout, want)
	}
}

// TestDecodeInputForms feeds the same transaction as a hex argument, a
// raw binary file, a hex file with whitespace and standard input.
func TestDecodeInputForms(t *testing.T) {
	hexText := strings.TrimSpace(readFile(t, repoFile("testdata", "examples", "tx170.hex")))
	raw, err := hex.DecodeString(hexText)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	binFile := filepath.Join(dir, "tx.bin")
	spacedFile := filepath.Join(dir, "tx.txt")
	if err := os.WriteFile(binFile, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(spacedFile, []byte("\n  "+strings.ToUpper(hexText)+" \r\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	want := readFile(t, repoFile("chain", "txjson", "testdata", "tx170.json"))
	for _, tc := range []struct {
		name, stdin string
		args        []string
	}{
		{"hex argument", "", []string{"decode", "tx", hexText}},
		{"binary file", "", []string{"decode", "tx", binFile}},
		{"hex file with whitespace", "", []string{"decode", "tx", spacedFile}},
		{"stdin", hexText + "\n", []string{"decode", "tx", "-"}},
		{"global network flag", "", []string{"--network", "main", "decode", "tx", binFile}},
	} {
		r := bitnode(t, tc.stdin, tc.args...)
		if r.code != 0 || r.stdout != want {
			t.Errorf("%s: code %d stderr %q\n%s", tc.name, r.code, r.stderr, r.stdout)
		}
	}
}

// TestDecodeNetworks checks that --network and --chain-spec choose the
// address encoding, given before or after the argument.
func TestDecodeNetworks(t *testing.T) {
	tx := repoFile("testdata", "examples", "tx170.hex")
	p2wpkh := "0100000000010000000000000000160014a2516e770582864a6a56ed21a102044e388c62e300000000"
	for _, tc := range []struct {
		args []string
		addr string
	}{
		{[]string{"decode", "tx", p2wpkh}, `"address": "bc1q5fgkuac9s2ry56jka5s6zqsyfcugcchry5cwu0"`},
		{[]string{"decode", "tx", "--network", "regtest", p2wpkh}, `"address": "bcrt1q`},
		{[]string{"decode", "tx", p2wpkh, "--network=test"}, `"address": "tb1q`},
		{[]string{"decode", "tx", p2wpkh, "--chain-spec", repoFile("chain", "params", "testdata", "devnet-spec.json")}, `"address": "bnd1q`},
	} {
		r := bitnode(t, "", tc.args...)
		if r.code != 0 || !strings.Contains(r.stdout, tc.addr) || !strings.Contains(r.stdout, `"vin": [`+"\n  ],") {
			t.Errorf("%v: code %d stderr %q\n%s", tc.args, r.code, r.stderr, r.stdout)
		}
	}
	if r := bitnode(t, "", "decode", "tx", tx, "--network", "nonet"); r.code != 2 || !strings.Contains(r.stderr, "unknown network") {
		t.Errorf("unknown network: code %d stderr %q", r.code, r.stderr)
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"decode", "tx", "not-hex-and-no-such-file"}, 1, "neither an existing file nor valid hex"},
		{[]string{"decode", "tx", "abc"}, 1, "neither an existing file nor valid hex"},
		{[]string{"decode", "tx", "0100000001"}, 1, "transaction decode failed"},
		{[]string{"decode", "block", "00"}, 1, "block decode failed"},
		{[]string{"decode", "block", repoFile("testdata", "examples", "tx170.hex")}, 1, "block decode failed"},
		{[]string{"decode", "tx"}, 2, "missing transaction argument"},
		{[]string{"decode", "tx", "00", "00"}, 2, "expected one transaction argument"},
		{[]string{"decode", "tx", "--bogus", "00"}, 2, "flag provided but not defined"},
		{[]string{"decode", "tx", "00", "--network"}, 2, "flag needs an argument"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"version", "extra"}, 2, "takes no arguments"},
		{[]string{"decode", "tx", "--chain-spec", "/nonexistent/spec.json", "00"}, 2, "chain spec"},
		{[]string{"address", "inspect", "--chain-spec", repoFile("chain", "params", "testdata", "devnet-spec.json"),
			"--network", "main", "bnd1qqqqqqqqq"}, 2, "conflicts with chain spec"},
	} {
		r := bitnode(t, "", tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.msg) || !strings.HasPrefix(r.stderr, "bitnode: ") &&
			!strings.HasPrefix(r.stderr, "Incorrect Usage") {
			t.Errorf("%v: code %d (want %d), stderr %q (want %q)", tc.args, r.code, tc.code, r.stderr, tc.msg)
		}
		if tc.code == 1 && r.stdout != "" {
			t.Errorf("%v: printed %q on failure", tc.args, r.stdout)
		}
	}
}

func TestAddressInspect(t *testing.T) {
	r := bitnode(t, "", "address", "inspect", "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0")
	want := `{
  "isvalid": true,
  "address": "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
  "scriptPubKey": "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
  "isscript": true,
  "iswitness": true,
  "witness_version": 1,
  "witness_program": "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
}
`
	if r.code != 0 || r.stdout != want || r.stderr != "" {
		t.Errorf("valid: code %d stderr %q\n%s", r.code, r.stderr, r.stdout)
	}

	r = bitnode(t, "", "address", "inspect", "tb1pfees9rn5nz", "--network", "signet")
	if r.code != 0 || !strings.Contains(r.stdout, `"isvalid": true`) {
		t.Errorf("signet anchor: code %d stderr %q\n%s", r.code, r.stderr, r.stdout)
	}

	r = bitnode(t, "", "address", "inspect", "bc1gmk9yu")
	wantBad := "{\n  \"isvalid\": false,\n  \"error_locations\": [\n  ],\n  \"error\": \"Empty Bech32 data section\"\n}\n"
	if r.code != 1 || r.stdout != wantBad || !strings.Contains(r.stderr, "Empty Bech32 data section") {
		t.Errorf("invalid: code %d stderr %q\n%s", r.code, r.stderr, r.stdout)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil || len(v) != 3 {
		t.Errorf("invalid result is not Core's three fields: %v %v", v, err)
	}

	// A valid mainnet address is invalid on regtest.
	r = bitnode(t, "", "--network", "regtest", "address", "inspect", "bc1pfeessrawgf")
	if r.code != 1 || !strings.Contains(r.stdout, `"isvalid": false`) {
		t.Errorf("wrong network: code %d\n%s", r.code, r.stdout)
	}
}
