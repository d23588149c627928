package rpc

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/chain/index"
	"github.com/bitnode/bitnode/wire"
)

func TestGetTxSpendingPrevout(t *testing.T) {
	n := newNode(t, nil)
	c := n.coinbase()
	tx := spendTx(c, 1000, 1)
	txid := n.send(tx)
	var res []spendingJSON
	decode(t, n.call("gettxspendingprevout", []map[string]any{
		{"txid": c.op.Hash.String(), "vout": 0}, {"txid": txid, "vout": 0}}), &res)
	if len(res) != 2 || res[0].SpendingTxID != txid || res[1].SpendingTxID != "" || res[1].TxID != txid {
		t.Fatalf("gettxspendingprevout: %+v", res)
	}
	h := c.op.Hash.String()
	n.wantErr(ErrInvalidParameter, "Invalid parameter, outputs are missing", "gettxspendingprevout", []any{})
	n.wantErr(ErrType, "Missing vout", "gettxspendingprevout", []any{map[string]any{"txid": h}})
	n.wantErr(ErrType, "JSON value of type string for field vout is not of expected type number", "gettxspendingprevout", []any{map[string]any{"txid": h, "vout": "0"}})
	n.wantErr(ErrType, "Unexpected key x", "gettxspendingprevout", []any{map[string]any{"txid": h, "vout": 0, "x": 1}})
	n.wantErr(ErrInvalidParameter, "Invalid parameter, vout cannot be negative", "gettxspendingprevout", []any{map[string]any{"txid": h, "vout": -1}})
	n.wantErr(ErrInvalidParameter, "txid must be of length 64 (not 2, for 'ab')", "gettxspendingprevout", []any{map[string]any{"txid": "ab", "vout": 0}})
	n.wantErr(ErrMisc, "JSON value of type number is not of expected type object", "gettxspendingprevout", []any{5})
}

func TestSaveMempool(t *testing.T) {
	n := newNode(t, nil)
	n.wantErr(ErrMisc, "The mempool was not loaded yet", "savemempool")
	n.pool.Load() // there is no mempool.dat: the load attempt is over
	n.send(spendTx(n.coinbase(), 1000, 1))
	m := object(t, n.call("savemempool"))
	path := filepath.Join(n.dir, "mempool.dat")
	if m["filename"] != path {
		t.Fatalf("savemempool: %v", m)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		t.Fatalf("mempool.dat: %v", err)
	}
}

// filterIndex runs a real BIP158 filter index over the node's chain.
func filterIndex(t *testing.T, n *testNode) *index.FilterIndex {
	t.Helper()
	fi, err := index.OpenFilterIndex(index.Config{Dir: filepath.Join(t.TempDir(), "filters"), Source: n.ch})
	if err != nil {
		t.Fatal(err)
	}
	unsub := n.ch.Subscribe(func(nt chain.Notification) {
		if nt.Kind == chain.BlockConnected {
			fi.BlockConnected(nt.Block, nt.Height, nt.Undo)
		} else {
			fi.BlockDisconnected(nt.Block, nt.Height, nt.Undo)
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); fi.Run(ctx) }()
	t.Cleanup(func() { unsub(); cancel(); <-done; fi.Close() })
	for deadline := time.Now().Add(10 * time.Second); !fi.Synced(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("filter index never synced")
		}
	}
	return fi
}

func TestGetBlockFilterAndIndexInfo(t *testing.T) {
	n := newNode(t, nil)
	n.wantErr(ErrMisc, "Index is not enabled for filtertype basic", "getblockfilter", regtest.GenesisHash.String())
	if got := string(n.call("getindexinfo")); got != "{}" {
		t.Fatalf("getindexinfo without indexes: %s", got)
	}
	var fi *index.FilterIndex
	n = newNode(t, func(c *Config) {
		fi = filterIndex(t, &testNode{t: t, ch: c.Chain.(*chain.Chain)})
		c.BlockFilters, c.Indexes = fi, []IndexStatus{fi}
	})
	h5, _ := n.ch.MainChainHash(5)
	var r blockFilterJSON
	decode(t, n.call("getblockfilter", h5.String()), &r)
	want, _ := fi.Filter(h5)
	header, _ := fi.FilterHeader(h5)
	if r.Filter != hex.EncodeToString(want) || r.Header != header.String() || r.Filter == "" {
		t.Fatalf("getblockfilter: %+v", r)
	}
	if string(n.call("getblockfilter", h5.String(), "basic")) != string(n.call("getblockfilter", h5.String())) {
		t.Error("explicit basic filtertype")
	}
	n.wantErr(ErrInvalidAddressOrKey, "Unknown filtertype", "getblockfilter", h5.String(), "extended")
	n.wantErr(ErrInvalidAddressOrKey, "Block not found", "getblockfilter", strings.Repeat("00", 32))
	var info map[string]indexInfoJSON
	decode(t, n.call("getindexinfo"), &info)
	if got := info[index.FilterIndexName]; len(info) != 1 || !got.Synced || got.BestBlockHeight != 110 {
		t.Fatalf("getindexinfo: %+v", info)
	}
	if got := string(n.call("getindexinfo", "txindex")); got != "{}" {
		t.Errorf("unknown index name: %s", got)
	}
}

func TestCreateRawTransaction(t *testing.T) {
	n := newNode(t, nil)
	txid := strings.Repeat("ab", 32)
	decodeHex := func(res []byte) *wire.Tx {
		t.Helper()
		var s string
		decode(t, res, &s)
		raw, _ := hex.DecodeString(s)
		tx, err := wire.DecodeTx(raw)
		if err != nil {
			t.Fatal(err)
		}
		return tx
	}
	in := []map[string]any{{"txid": txid, "vout": 1}}
	tx := decodeHex(n.call("createrawtransaction", in, []map[string]any{{trueAddr: 0.5}, {"data": "00010203"}}))
	if tx.Version != 2 || tx.LockTime != 0 || len(tx.TxIn) != 1 || tx.TxIn[0].Sequence != 0xfffffffd ||
		tx.TxIn[0].PreviousOutPoint.Index != 1 || tx.TxOut[0].Value != 50_000_000 || string(tx.TxOut[0].PkScript) != string(p2wshTrue) ||
		hex.EncodeToString(tx.TxOut[1].PkScript) != "6a0400010203" {
		t.Fatalf("createrawtransaction: %+v", tx)
	}
	tx = decodeHex(n.call("createrawtransaction", in, map[string]any{trueAddr: "1"}, 500, false, 3))
	if tx.Version != 3 || tx.LockTime != 500 || tx.TxIn[0].Sequence != 0xfffffffe || tx.TxOut[0].Value != 1e8 {
		t.Fatalf("locktime, no replaceable, version 3: %+v", tx)
	}
	tx = decodeHex(n.call("createrawtransaction", []map[string]any{{"txid": txid, "vout": 0, "sequence": 7}}, map[string]any{}, 0, false))
	if tx.TxIn[0].Sequence != 7 || len(tx.TxOut) != 0 {
		t.Fatalf("explicit sequence: %+v", tx)
	}
	errs := []struct {
		code    int
		msg     string
		in, out any
		more    []any
	}{
		{ErrInvalidParameter, "Invalid parameter, locktime out of range", in, map[string]any{}, []any{-1}},
		{ErrInvalidParameter, "Invalid parameter, locktime out of range", in, map[string]any{}, []any{4294967296}},
		{ErrInvalidParameter, "Invalid parameter, version out of range(1~3)", in, map[string]any{}, []any{0, true, 4}},
		{ErrInvalidParameter, "Invalid parameter combination: Sequence number(s) contradict replaceable option",
			[]map[string]any{{"txid": txid, "vout": 0, "sequence": 0xffffffff}}, map[string]any{}, []any{0, true}},
		{ErrInvalidParameter, "Invalid parameter, missing vout key", []map[string]any{{"txid": txid}}, map[string]any{}, nil},
		{ErrInvalidParameter, "Invalid parameter, vout cannot be negative", []map[string]any{{"txid": txid, "vout": -1}}, map[string]any{}, nil},
		{ErrInvalidParameter, "Invalid parameter, sequence number is out of range", []map[string]any{{"txid": txid, "vout": 0, "sequence": -1}}, map[string]any{}, nil},
		{ErrInvalidParameter, "txid must be of length 64 (not 1, for 'x')", []map[string]any{{"txid": "x", "vout": 0}}, map[string]any{}, nil},
		{ErrInvalidAddressOrKey, "Invalid Bitcoin address: nonsense", in, map[string]any{"nonsense": 1}, nil},
		{ErrInvalidParameter, "Invalid parameter, duplicated address: " + trueAddr, in, []map[string]any{{trueAddr: 1}, {trueAddr: 2}}, nil},
		{ErrInvalidParameter, "Invalid parameter, duplicate key: data", in, []map[string]any{{"data": "00"}, {"data": "01"}}, nil},
		{ErrInvalidParameter, "Data must be hexadecimal string (not 'zz')", in, map[string]any{"data": "zz"}, nil},
		{ErrInvalidParameter, "Invalid parameter, key-value pair must contain exactly one key", in, []map[string]any{{trueAddr: 1, "data": "00"}}, nil},
		{ErrInvalidParameter, "Invalid parameter, key-value pair not an object as expected", in, []any{1}, nil},
		{ErrInvalidParameter, "Invalid parameter, output argument must be non-null", in, nil, nil},
		{ErrType, "Amount out of range", in, map[string]any{trueAddr: -1}, nil},
	}
	for _, e := range errs {
		n.wantErr(e.code, e.msg, "createrawtransaction", append([]any{e.in, e.out}, e.more...)...)
	}
}

func TestGetBlockStats(t *testing.T) {
	n := newNode(t, nil)
	a := spendTx(n.coinbase(), 10_000, 2)
	b := spendTx(n.coinbase(), 40_000, 1)
	n.send(a)
	n.send(b)
	bh := n.generate(1)[0]
	var st map[string]any
	decode(t, n.call("getblockstats", bh), &st)
	fee := func(k string) float64 { return st[k].(float64) }
	if fee("txs") != 3 || fee("ins") != 2 || fee("outs") != 5 || fee("totalfee") != 50_000 || fee("maxfee") != 40_000 ||
		fee("minfee") != 10_000 || fee("medianfee") != 25_000 || fee("avgfee") != 25_000 || fee("height") != 111 ||
		fee("subsidy") != 50e8 || fee("swtxs") != 2 || st["blockhash"] != bh || fee("utxo_increase") != 3 || fee("utxo_increase_actual") != 2 {
		t.Fatalf("getblockstats: %v", st)
	}
	if len(st) != len(blockStatNames) {
		t.Errorf("%d statistics, want %d", len(st), len(blockStatNames))
	}
	if p := st["feerate_percentiles"].([]any); len(p) != 5 || p[0].(float64) > p[4].(float64) {
		t.Errorf("percentiles %v", p)
	}
	res := n.call("getblockstats", 111, []string{"txs", "height", "txs"})
	if string(res) != `{"height":111,"txs":3}` {
		t.Errorf("selected stats: %s", res)
	}
	g := object(t, n.call("getblockstats", 0))
	if g["utxo_increase_actual"] != float64(0) || g["txs"] != float64(1) {
		t.Errorf("genesis stats: %v", g)
	}
	n.wantErr(ErrInvalidParameter, "Invalid selected statistic 'bogus'", "getblockstats", 1, []string{"bogus"})
	n.wantErr(ErrInvalidParameter, "Target block height -1 is negative", "getblockstats", -1)
	n.wantErr(ErrInvalidParameter, "Target block height 500 after current tip 111", "getblockstats", 500)
	n.wantErr(ErrInvalidAddressOrKey, "Block not found", "getblockstats", strings.Repeat("00", 32))
	n.wantErr(ErrInvalidParameter, "hash_or_height must be of length 64 (not 1, for 'x')", "getblockstats", "x")
}

func TestStatHelpers(t *testing.T) {
	if truncatedMedian([]int64{5, 1, 4, 2}) != 3 || truncatedMedian([]int64{3, 1, 2}) != 2 || truncatedMedian(nil) != 0 {
		t.Error("truncatedMedian")
	}
	p := percentilesByWeight([][2]int64{{10, 100}, {1, 300}, {5, 600}}, 1000)
	if fmt.Sprint(p) != "[1 1 5 5 5]" {
		t.Errorf("percentiles %v", p)
	}
	if fmt.Sprint(percentilesByWeight(nil, 0)) != "[0 0 0 0 0]" {
		t.Error("empty percentiles")
	}
}
