package rpc

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/bitnode/bitnode/chain/txjson"
	"github.com/bitnode/bitnode/wire"
)

// restGet fetches path from n's REST interface without credentials.
func (n *testNode) restGet(path string) (int, string, []byte) {
	n.t.Helper()
	resp, err := http.Get(strings.TrimSuffix(n.url, "/") + path)
	if err != nil {
		n.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

// restOK fetches path, wanting 200 with content type ctype.
func (n *testNode) restOK(path, ctype string) []byte {
	n.t.Helper()
	status, ct, b := n.restGet(path)
	if status != http.StatusOK || ct != ctype {
		n.t.Fatalf("%s: %d %q: %s", path, status, ct, b)
	}
	return b
}

// restJSON fetches path as JSON and compares it with the RPC result want.
func (n *testNode) restJSON(path string, want json.RawMessage) {
	n.t.Helper()
	got := n.restOK(path, "application/json")
	if !bytes.Equal(got, append(append([]byte{}, want...), '\n')) {
		n.t.Errorf("%s:\n got %s\nwant %s", path, got, want)
	}
}

// restBinHex checks path's .bin and .hex forms against data.
func (n *testNode) restBinHex(path string, data []byte) {
	n.t.Helper()
	if got := n.restOK(path+".bin", "application/octet-stream"); !bytes.Equal(got, data) {
		n.t.Errorf("%s.bin: got %x want %x", path, got, data)
	}
	if got := string(n.restOK(path+".hex", "text/plain")); got != hex.EncodeToString(data)+"\n" {
		n.t.Errorf("%s.hex: got %q", path, got)
	}
}

// restWantErr fetches path, wanting status and Core's plain-text message.
func (n *testNode) restWantErr(path string, status int, msg string) {
	n.t.Helper()
	got, ct, b := n.restGet(path)
	if got != status || ct != "text/plain" || string(b) != msg+"\r\n" {
		n.t.Errorf("%s: got %d %q %q, want %d %q", path, got, ct, b, status, msg)
	}
}

func TestRESTDisabled(t *testing.T) {
	n := newNode(t, nil)
	tip, _ := n.ch.Tip()
	for _, p := range []string{"/rest/chaininfo.json", "/rest/block/" + tip.String() + ".json"} {
		if status, _, _ := n.restGet(p); status != http.StatusNotFound {
			t.Errorf("%s with REST off: %d", p, status)
		}
	}
}

func TestRESTBlocksAndHeaders(t *testing.T) {
	n := newNode(t, func(c *Config) { c.REST = true })
	tip, height := n.ch.Tip()
	h := tip.String()
	blk, err := n.ch.ReadBlock(tip)
	if err != nil {
		t.Fatal(err)
	}
	n.restJSON("/rest/block/"+h+".json", n.call("getblock", h, 2))
	n.restJSON("/rest/block/notxdetails/"+h+".json", n.call("getblock", h, 1))
	n.restBinHex("/rest/block/"+h, blk.Serialize())
	n.restBinHex("/rest/block/notxdetails/"+h, blk.Serialize())

	// Headers upwards from height-4: five remain in the chain.
	start, _ := n.ch.MainChainHash(height - 4)
	var hdrs []byte
	var js []json.RawMessage
	for i := height - 4; i <= height; i++ {
		bh, _ := n.ch.MainChainHash(i)
		info, _ := n.ch.BlockInfo(bh)
		hdrs = append(hdrs, info.Header.Serialize()...)
		js = append(js, n.call("getblockheader", bh.String(), true))
	}
	want := mustJSON(t, js)
	s := start.String()
	n.restJSON("/rest/headers/"+s+".json?count=10", want)
	n.restJSON("/rest/headers/10/"+s+".json", want)
	n.restJSON("/rest/headers/"+s+".json?count=2", mustJSON(t, js[:2]))
	n.restBinHex("/rest/headers/5/"+s, hdrs)
	if got := n.restOK("/rest/headers/"+s+".bin?count=3", "application/octet-stream"); !bytes.Equal(got, hdrs[:240]) {
		t.Error("headers count=3")
	}
	if got := n.restOK("/rest/headers/"+s+".bin", "application/octet-stream"); !bytes.Equal(got, hdrs) {
		t.Error("headers default count")
	}
	n.restJSON("/rest/headers/"+strings.Repeat("ab", 32)+".json?count=1", json.RawMessage(`[]`))

	// Block hash by height.
	gen, _ := n.ch.MainChainHash(0)
	n.restJSON("/rest/blockhashbyheight/0.json", mustJSON(t, map[string]string{"blockhash": gen.String()}))
	if got := n.restOK("/rest/blockhashbyheight/0.bin", "application/octet-stream"); !bytes.Equal(got, gen[:]) {
		t.Errorf("blockhashbyheight bin %x", got)
	}
	if got := string(n.restOK("/rest/blockhashbyheight/0.hex", "text/plain")); got != gen.String()+"\n" {
		t.Errorf("blockhashbyheight hex %q", got)
	}

	n.restJSON("/rest/chaininfo.json", n.call("getblockchaininfo"))

	// Errors.
	missing := strings.Repeat("ab", 32)
	n.restWantErr("/rest/block/"+missing+".json", 404, missing+" not found")
	n.restWantErr("/rest/block/notxdetails/"+missing+".bin", 404, missing+" not found")
	n.restWantErr("/rest/block/xyz.json", 400, "Invalid hash: xyz")
	n.restWantErr("/rest/block/"+h+".xml", 400, "Invalid hash: "+h+".xml")
	n.restWantErr("/rest/block/"+h, 404, "output format not found (available: json, bin, hex)")
	n.restWantErr("/rest/headers/"+s+".json?count=0", 400, "Header count is invalid or out of acceptable range (1-2000): 0")
	n.restWantErr("/rest/headers/2001/"+s+".json", 400, "Header count is invalid or out of acceptable range (1-2000): 2001")
	n.restWantErr("/rest/headers/"+s+".json?count=x", 400, "Header count is invalid or out of acceptable range (1-2000): x")
	n.restWantErr("/rest/headers/1/zz.bin", 400, "Invalid hash: zz")
	n.restWantErr("/rest/blockhashbyheight/-1.json", 400, "Invalid height: -1")
	n.restWantErr("/rest/blockhashbyheight/abc.json", 400, "Invalid height: abc")
	n.restWantErr("/rest/blockhashbyheight/100000.json", 404, "Block height out of range")
	n.restWantErr("/rest/chaininfo.bin", 404, "output format not found (available: json)")
	if status, _, _ := n.restGet("/rest/nothing.json"); status != 404 {
		t.Errorf("unknown endpoint: %d", status)
	}
	req, _ := http.NewRequest(http.MethodPost, strings.TrimSuffix(n.url, "/")+"/rest/chaininfo.json", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", resp.StatusCode)
	}
}

func TestRESTTxAndMempool(t *testing.T) {
	n := newNode(t, func(c *Config) { c.REST = true })
	tx := spendTx(n.coinbase(), 12_345, 2)
	txid := n.send(tx)
	n.restJSON("/rest/tx/"+txid+".json", n.call("getrawtransaction", txid, true))
	n.restBinHex("/rest/tx/"+txid, tx.Serialize())
	n.restJSON("/rest/mempool/info.json", n.call("getmempoolinfo"))
	n.restJSON("/rest/mempool/contents.json", n.call("getrawmempool", true))
	n.restWantErr("/rest/mempool/contents.bin", 404, "output format not found (available: json)")
	n.restWantErr("/rest/tx/nothex.json", 400, "Invalid hash: nothex")

	// Confirmed: not found without the index, found through it.
	n.generate(1)
	n.restWantErr("/rest/tx/"+txid+".hex", 404, txid+" not found")
	n.restWantErr("/rest/tx/"+txid+".json", 404, txid+" not found")
	idx := &fakeTxIndex{synced: true}
	withIndex := newNode(t, func(c *Config) { c.REST = true; c.TxIndex = idx })
	idx.n = withIndex
	cb := withIndex.coinbase()
	id := cb.op.Hash.String()
	withIndex.restJSON("/rest/tx/"+id+".json", withIndex.call("getrawtransaction", id, true))
	bh, _ := withIndex.ch.MainChainHash(1)
	blk, _ := withIndex.ch.ReadBlock(bh)
	withIndex.restBinHex("/rest/tx/"+id, blk.Transactions[0].Serialize())
}

func TestRESTGetUTXOs(t *testing.T) {
	n := newNode(t, func(c *Config) { c.REST = true })
	confirmed := n.coinbase()
	spent := n.coinbase()
	tx := spendTx(spent, 10_000, 2)
	n.send(tx)
	tip, height := n.ch.Tip()
	missing := strings.Repeat("ab", 32) + "-0"
	opStr := func(op wire.OutPoint) string { return op.Hash.String() + "-" + fmt.Sprint(op.Index) }
	path := "/" + opStr(confirmed.op) + "/" + opStr(spent.op) + "/" + opStr(output(tx, 1).op) + "/" + missing

	// Without the mempool: the confirmed and the mempool-spent coins.
	coinAt := func(op wire.OutPoint) (int32, int64, []byte) {
		c, err := n.ch.FetchCoin(op)
		if err != nil || c == nil {
			t.Fatalf("coin %v: %v", op, err)
		}
		return c.Height, c.Value, c.PkScript
	}
	type utxo struct {
		height int32
		value  int64
		script []byte
	}
	h1, v1, s1 := coinAt(confirmed.op)
	h2, v2, s2 := coinAt(spent.op)
	spk := func(script []byte) json.RawMessage {
		return json.RawMessage(mustJSON(t, txjson.DecodeScriptPubKey(script, regtest)))
	}
	wantJSON := func(bitmap string, us []utxo) json.RawMessage {
		var parts []string
		for _, u := range us {
			parts = append(parts, fmt.Sprintf(`{"height":%d,"value":%s,"scriptPubKey":%s}`, u.height,
				mustJSON(t, txjson.Amount(u.value)), spk(u.script)))
		}
		return json.RawMessage(fmt.Sprintf(`{"chainHeight":%d,"chaintipHash":"%s","bitmap":"%s","utxos":[%s]}`,
			height, tip, bitmap, strings.Join(parts, ",")))
	}
	wantBin := func(bitmap byte, us []utxo) []byte {
		b := binary.LittleEndian.AppendUint32(nil, uint32(height))
		b = append(b, tip[:]...)
		b = append(b, 1, bitmap, byte(len(us)))
		for _, u := range us {
			b = binary.LittleEndian.AppendUint32(b, 0)
			b = binary.LittleEndian.AppendUint32(b, uint32(u.height))
			b = binary.LittleEndian.AppendUint64(b, uint64(u.value))
			b = append(b, byte(len(u.script)))
			b = append(b, u.script...)
		}
		return b
	}
	chainOnly := []utxo{{h1, v1, s1}, {h2, v2, s2}}
	n.restJSON("/rest/getutxos"+path+".json", wantJSON("1100", chainOnly))
	n.restBinHex("/rest/getutxos"+path, wantBin(0b0011, chainOnly))
	// With it: the spent coin is gone and the mempool output is there.
	withPool := []utxo{{h1, v1, s1}, {mempoolHeight, tx.TxOut[1].Value, tx.TxOut[1].PkScript}}
	n.restJSON("/rest/getutxos/checkmempool"+path+".json", wantJSON("1010", withPool))
	n.restBinHex("/rest/getutxos/checkmempool"+path, wantBin(0b0101, withPool))
	// The JSON values match gettxout's.
	var txout struct {
		Value        json.RawMessage `json:"value"`
		ScriptPubKey json.RawMessage `json:"scriptPubKey"`
	}
	decode(t, n.call("gettxout", confirmed.op.Hash.String(), 0), &txout)
	if !bytes.Equal(txout.ScriptPubKey, spk(s1)) || string(txout.Value) != string(mustJSON(t, txjson.Amount(v1))) {
		t.Errorf("gettxout %s %s", txout.Value, txout.ScriptPubKey)
	}

	n.restWantErr("/rest/getutxos/checkmempool.json", 400, "Error: empty request")
	n.restWantErr("/rest/getutxos/"+strings.Repeat(missing+"/", 16)+"x.json", 400, "Parse error")
	n.restWantErr("/rest/getutxos"+strings.Repeat("/"+missing, 16)+".json", 400, "Error: max outpoints exceeded (max: 15, tried: 16)")
	n.restWantErr("/rest/getutxos/abc-0.json", 400, "Parse error")
	n.restWantErr("/rest/getutxos/"+strings.Repeat("ab", 32)+"-x.bin", 400, "Parse error")
	n.restWantErr("/rest/getutxos/"+missing, 404, "output format not found (available: json, bin, hex)")
}
