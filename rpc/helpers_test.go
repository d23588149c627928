package rpc

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/chain/address"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/mempool"
	"github.com/bitnode/bitnode/mempool/feeest"
	"github.com/bitnode/bitnode/mempool/mining"
	"github.com/bitnode/bitnode/wire"
)

// The tests run real servers on 127.0.0.1:0 over real regtest chains: a
// base chain of baseHeight blocks paying P2WSH(OP_TRUE) is mined once and
// copied into each test's directory, so its first coinbases are mature
// and spendable without signatures.

const baseHeight = 110

var (
	opTrue    = []byte{0x51}
	p2wshTrue = func() []byte { h := sha256.Sum256(opTrue); return script.PayToWitness(0, h[:]) }()
	regtest   = func() *params.Params { p := *params.RegTest; return &p }()
	// trueAddr is P2WSH(OP_TRUE)'s regtest address.
	trueAddr = func() string {
		a, err := address.NewP2WSHFromScript(opTrue, regtest)
		if err != nil {
			panic(err)
		}
		return a.String()
	}()
)

var (
	baseOnce sync.Once
	baseDir  string
	baseErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if baseDir != "" {
		os.RemoveAll(baseDir)
	}
	os.Exit(code)
}

func buildBase() {
	baseDir, baseErr = os.MkdirTemp("", "rpc-base-")
	if baseErr != nil {
		return
	}
	ch, err := chain.New(chain.Config{Params: regtest, DataDir: baseDir, AssumeValid: &wire.Hash{}, CacheBytes: 1 << 20})
	if err != nil {
		baseErr = err
		return
	}
	defer ch.Close()
	if _, err := mining.GenerateToScript(context.Background(), ch, nil, p2wshTrue, baseHeight, 0); err != nil {
		baseErr = err
		return
	}
	baseErr = ch.Flush()
}

func copyDir(dst, src string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

// testNode is a chain, a pool and a running server.
type testNode struct {
	t        testing.TB
	dir      string
	ch       *chain.Chain
	pool     *mempool.Pool
	srv      *Server
	url      string
	user     string
	pass     string
	stopped  chan struct{}
	shutdown chan struct{}
	nextCoin int32
}

// newNode starts a server on a copy of the base chain; edit may change
// its configuration before it starts (with the chain and pool set).
func newNode(t testing.TB, edit func(*Config)) *testNode {
	t.Helper()
	baseOnce.Do(buildBase)
	if baseErr != nil {
		t.Fatal(baseErr)
	}
	n := &testNode{t: t, dir: t.TempDir(), user: "test", pass: "secret", stopped: make(chan struct{}),
		shutdown: make(chan struct{}, 1), nextCoin: 1}
	if err := copyDir(n.dir, baseDir); err != nil {
		t.Fatal(err)
	}
	ch, err := chain.New(chain.Config{Params: regtest, DataDir: n.dir, AssumeValid: &wire.Hash{}, CacheBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	n.ch = ch
	n.pool = mempool.New(mempool.Config{Chain: ch, DataDir: n.dir})
	cfg := Config{Chain: ch, Mempool: n.pool, Miner: NewMiner(ch, n.pool), Fees: feeest.New(),
		Listen: []string{"127.0.0.1:0"}, DataDir: n.dir, BlocksDir: filepath.Join(n.dir, "blocks"),
		User: n.user, Password: n.pass, DocCheck: true, AuthFailDelay: 10 * time.Millisecond,
		Version: 100, SubVersion: "/bitnode:test/", LocalServices: wire.SFNodeNetwork | wire.SFNodeWitness,
		Shutdown: func() {
			select {
			case n.shutdown <- struct{}{}:
			default:
			}
		}}
	if edit != nil {
		edit(&cfg)
	}
	n.start(t, cfg)
	return n
}

func (n *testNode) start(t testing.TB, cfg Config) {
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	n.srv = srv
	n.url = "http://" + srv.Addrs()[0].String() + "/"
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		defer close(n.stopped)
		if err := srv.Run(ctx); err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-n.stopped
		n.pool.Close()
		n.ch.Close()
	})
}

// post sends body with the node's credentials (or auth, when not nil:
// "" sends no Authorization header).
func (n *testNode) post(body string, auth *string) (int, []byte, http.Header) {
	n.t.Helper()
	req, err := http.NewRequest(http.MethodPost, n.url, bytes.NewBufferString(body))
	if err != nil {
		n.t.Fatal(err)
	}
	if auth == nil {
		req.SetBasicAuth(n.user, n.pass)
	} else if *auth != "" {
		req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(*auth)))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		n.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header
}

type reply struct {
	Result json.RawMessage `json:"result"`
	Error  *Error          `json:"error"`
}

// callErr calls method with positional params over JSON-RPC 2.0.
func (n *testNode) callErr(method string, params ...any) (json.RawMessage, *Error) {
	n.t.Helper()
	if params == nil {
		params = []any{}
	}
	return n.callRaw(method, mustJSON(n.t, params))
}

// callRaw calls method with params given as JSON (array or object).
func (n *testNode) callRaw(method string, params json.RawMessage) (json.RawMessage, *Error) {
	n.t.Helper()
	body := fmt.Sprintf(`{"jsonrpc":"2.0","id":1,"method":%q,"params":%s}`, method, params)
	status, b, _ := n.post(body, nil)
	if status != http.StatusOK {
		n.t.Fatalf("%s: HTTP %d: %s", method, status, b)
	}
	var r reply
	if err := json.Unmarshal(b, &r); err != nil {
		n.t.Fatalf("%s: %v in %s", method, err, b)
	}
	return r.Result, r.Error
}

// call calls method and fails the test on an error.
func (n *testNode) call(method string, params ...any) json.RawMessage {
	n.t.Helper()
	res, e := n.callErr(method, params...)
	if e != nil {
		n.t.Fatalf("%s%v: error %d: %s", method, params, e.Code, e.Message)
	}
	return res
}

// wantErr calls method and checks the error code and message.
func (n *testNode) wantErr(code int, msg string, method string, params ...any) {
	n.t.Helper()
	res, e := n.callErr(method, params...)
	if e == nil {
		n.t.Fatalf("%s%v: got result %s, want error %d %q", method, params, res, code, msg)
	}
	if e.Code != code || (msg != "" && e.Message != msg) {
		n.t.Fatalf("%s%v: got error %d %q, want %d %q", method, params, e.Code, e.Message, code, msg)
	}
}

func mustJSON(t testing.TB, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// decode unmarshals raw into v.
func decode(t testing.TB, raw json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%v in %s", err, raw)
	}
}

// object decodes a JSON object result.
func object(t *testing.T, raw json.RawMessage) map[string]any {
	t.Helper()
	var m map[string]any
	decode(t, raw, &m)
	return m
}

// coin is a spendable P2WSH(OP_TRUE) output.
type coin struct {
	op    wire.OutPoint
	value int64
}

// coinbase returns the next unspent mature coinbase of the base chain.
func (n *testNode) coinbase() coin {
	n.t.Helper()
	h, ok := n.ch.MainChainHash(n.nextCoin)
	if !ok {
		n.t.Fatal("no block")
	}
	n.nextCoin++
	blk, err := n.ch.ReadBlock(h)
	if err != nil {
		n.t.Fatal(err)
	}
	cb := blk.Transactions[0]
	return coin{op: wire.OutPoint{Hash: cb.TxHash()}, value: cb.TxOut[0].Value}
}

// spendTx spends c to P2WSH(OP_TRUE) outputs of equal value after fee.
func spendTx(c coin, fee int64, outputs int) *wire.Tx {
	tx := &wire.Tx{Version: 2, TxIn: []*wire.TxIn{{PreviousOutPoint: c.op, Sequence: wire.MaxTxInSequenceNum - 2,
		Witness: wire.TxWitness{opTrue}}}}
	each := (c.value - fee) / int64(outputs)
	for range outputs {
		tx.TxOut = append(tx.TxOut, &wire.TxOut{Value: each, PkScript: p2wshTrue})
	}
	return tx
}

// output returns output i of tx as a coin.
func output(tx *wire.Tx, i int) coin {
	return coin{op: wire.OutPoint{Hash: tx.TxHash(), Index: uint32(i)}, value: tx.TxOut[i].Value}
}

func txHex(tx *wire.Tx) string { return hex.EncodeToString(tx.Serialize()) }

// send submits tx through sendrawtransaction and returns its txid.
func (n *testNode) send(tx *wire.Tx) string {
	n.t.Helper()
	var txid string
	decode(n.t, n.call("sendrawtransaction", txHex(tx)), &txid)
	return txid
}

// generate mines k blocks to P2WSH(OP_TRUE) through the RPC.
func (n *testNode) generate(k int) []string {
	n.t.Helper()
	var hashes []string
	decode(n.t, n.call("generatetoaddress", k, trueAddr), &hashes)
	return hashes
}

func hashOf(t *testing.T, s string) wire.Hash {
	t.Helper()
	h, err := wire.NewHashFromStr(s)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

var errTest = errors.New("test error")
