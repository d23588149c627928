package rpc

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/bitnode/bitnode/wire"
)

func TestBlockCountHashes(t *testing.T) {
	n := newNode(t, nil)
	if got := string(n.call("getblockcount")); got != "110" {
		t.Fatalf("getblockcount %s", got)
	}
	tip, _ := n.ch.Tip()
	if got := string(n.call("getbestblockhash")); got != `"`+tip.String()+`"` {
		t.Fatalf("getbestblockhash %s", got)
	}
	if got := string(n.call("getblockhash", 0)); got != `"`+regtest.GenesisHash.String()+`"` {
		t.Fatalf("getblockhash 0: %s", got)
	}
	if got := string(n.call("getblockhash", 110)); got != `"`+tip.String()+`"` {
		t.Fatalf("getblockhash 110: %s", got)
	}
	n.wantErr(ErrInvalidParameter, "Block height out of range", "getblockhash", 111)
	n.wantErr(ErrInvalidParameter, "Block height out of range", "getblockhash", -1)
	n.wantErr(ErrMisc, "JSON integer out of range", "getblockhash", 1.5)
	n.wantErr(ErrMisc, "JSON integer out of range", "getblockhash", 1e300)
	n.wantErr(ErrMisc, "JSON integer out of range", "getblockhash", 4294967296)
	n.wantErr(ErrType, "Wrong type passed:\n{\n    \"Position 1 (height)\": \"JSON value of type string is not of expected type number\"\n}", "getblockhash", "1")
	n.wantErr(ErrType, "", "getblockhash", nil)
	n.wantErr(ErrMisc, "", "getblockhash", 1, 2)
	n.wantErr(ErrMisc, "", "getbestblockhash", 1)
}

func TestGetBlockHeader(t *testing.T) {
	n := newNode(t, nil)
	h1, _ := n.ch.MainChainHash(1)
	m := object(t, n.call("getblockheader", h1.String()))
	if m["height"] != float64(1) || m["confirmations"] != float64(110) || m["hash"] != h1.String() ||
		m["previousblockhash"] != regtest.GenesisHash.String() || m["nTx"] != float64(1) ||
		m["bits"] != "207fffff" || m["versionHex"] != "20000000" || len(m["chainwork"].(string)) != 64 ||
		m["target"] != "7fffff0000000000000000000000000000000000000000000000000000000000" {
		t.Fatalf("header: %v", m)
	}
	h2, _ := n.ch.MainChainHash(2)
	if m["nextblockhash"] != h2.String() {
		t.Errorf("nextblockhash %v", m["nextblockhash"])
	}
	g := object(t, n.call("getblockheader", regtest.GenesisHash.String(), true))
	if _, ok := g["previousblockhash"]; ok {
		t.Error("genesis has a previousblockhash")
	}
	tip, _ := n.ch.Tip()
	if _, ok := object(t, n.call("getblockheader", tip.String()))["nextblockhash"]; ok {
		t.Error("tip has a nextblockhash")
	}
	var raw string
	decode(t, n.call("getblockheader", h1.String(), false), &raw)
	info, _ := n.ch.BlockInfo(h1)
	if raw != hex.EncodeToString(info.Header.Serialize()) {
		t.Errorf("hex header %s", raw)
	}
	n.wantErr(ErrInvalidAddressOrKey, "Block not found", "getblockheader", strings.Repeat("00", 32))
	n.wantErr(ErrInvalidParameter, "hash must be of length 64 (not 3, for 'abc')", "getblockheader", "abc")
	n.wantErr(ErrInvalidParameter, "hash must be hexadecimal string (not '"+strings.Repeat("zz", 32)+"')", "getblockheader", strings.Repeat("zz", 32))
	n.wantErr(ErrType, "", "getblockheader", h1.String(), "yes")
}

func TestGetBlock(t *testing.T) {
	n := newNode(t, nil)
	parent := spendTx(n.coinbase(), 20_000, 2)
	child := spendTx(output(parent, 1), 5_000, 1)
	n.send(parent)
	n.send(child)
	var hashes []string
	decode(t, n.call("generatetoaddress", 1, trueAddr), &hashes)
	bh := hashes[0]

	var hexBlock string
	decode(t, n.call("getblock", bh, 0), &hexBlock)
	blk, _ := n.ch.ReadBlock(hashOf(t, bh))
	if hexBlock != hex.EncodeToString(blk.Serialize()) {
		t.Fatal("verbosity 0 is not the serialized block")
	}
	var v1 struct {
		Tx            []string `json:"tx"`
		Confirmations int      `json:"confirmations"`
		Height        int      `json:"height"`
		Size          int      `json:"size"`
		Weight        int      `json:"weight"`
	}
	decode(t, n.call("getblock", bh), &v1)
	if len(v1.Tx) != 3 || v1.Tx[1] != parent.TxHash().String() || v1.Confirmations != 1 || v1.Height != 111 ||
		v1.Size != blk.SerializeSize() || v1.Weight != blk.Weight() {
		t.Fatalf("verbosity 1: %+v", v1)
	}
	if string(n.call("getblock", bh, true)) != string(n.call("getblock", bh, 1)) {
		t.Error("verbosity true differs from 1")
	}
	if string(n.call("getblock", bh, false)) != `"`+hexBlock+`"` {
		t.Error("verbosity false differs from 0")
	}
	type vin struct {
		Prevout *struct {
			Generated bool    `json:"generated"`
			Height    int     `json:"height"`
			Value     float64 `json:"value"`
		} `json:"prevout"`
	}
	type tx struct {
		TxID string   `json:"txid"`
		Fee  *float64 `json:"fee"`
		Hex  string   `json:"hex"`
		Vin  []vin    `json:"vin"`
	}
	var v2, v3 struct {
		Tx []tx `json:"tx"`
	}
	decode(t, n.call("getblock", bh, 2), &v2)
	if v2.Tx[0].Fee != nil || v2.Tx[1].Fee == nil || *v2.Tx[1].Fee != 0.0002 || *v2.Tx[2].Fee != 0.00005 ||
		v2.Tx[1].Vin[0].Prevout != nil || v2.Tx[2].Hex != txHex(child) {
		t.Fatalf("verbosity 2: %+v", v2)
	}
	decode(t, n.call("getblock", bh, 3), &v3)
	p := v3.Tx[1].Vin[0].Prevout
	if p == nil || !p.Generated || p.Height != 1 || p.Value != 50 || v3.Tx[2].Vin[0].Prevout.Generated {
		t.Fatalf("verbosity 3 prevout: %+v", v3.Tx[1].Vin[0])
	}
	if !strings.Contains(string(n.call("getblock", bh, 3)), `"fee":0.00020000`) {
		t.Error("fee not printed with eight decimals")
	}
	n.wantErr(ErrInvalidAddressOrKey, "Block not found", "getblock", strings.Repeat("11", 32))
	n.wantErr(ErrInvalidParameter, "blockhash must be of length 64 (not 2, for 'ab')", "getblock", "ab")
	n.wantErr(ErrMisc, "JSON value of type string is not of expected type number", "getblock", bh, "2")
}

func TestGetBlockHeaderOnly(t *testing.T) {
	n := newNode(t, nil)
	// A header whose block never arrived.
	tip, height := n.ch.Tip()
	tipInfo, _ := n.ch.BlockInfo(tip)
	next := n.ch.NextBlock()
	hdr := wire.BlockHeader{Version: 0x20000000, PrevBlock: tip, Timestamp: tipInfo.Header.Timestamp + 1, Bits: next.Bits}
	for !powOK(hdr) {
		hdr.Nonce++
	}
	if err := n.ch.ProcessHeaders([]wire.BlockHeader{hdr}); err != nil {
		t.Fatal(err)
	}
	h := hdr.BlockHash().String()
	m := object(t, n.call("getblockheader", h))
	if m["confirmations"] != float64(-1) || m["height"] != float64(height+1) || m["nTx"] != float64(0) {
		t.Errorf("header-only block: %v", m)
	}
	n.wantErr(ErrMisc, "Block not available (not fully downloaded)", "getblock", h)
	var tips []chainTipJSON
	decode(t, n.call("getchaintips"), &tips)
	if len(tips) != 2 || tips[0].Hash != h || tips[0].Status != "headers-only" || tips[0].BranchLen != 1 ||
		tips[1].Status != "active" || tips[1].BranchLen != 0 {
		t.Errorf("getchaintips: %+v", tips)
	}
	var info blockchainInfo
	decode(t, n.call("getblockchaininfo"), &info)
	if info.Headers != height+1 || info.Blocks != height || float64(info.VerificationProgress) >= 1 {
		t.Errorf("headers ahead: %+v", info)
	}
}

// powOK reports whether a regtest header meets its target.
func powOK(h wire.BlockHeader) bool {
	hash := h.BlockHash()
	return hash[31] < 0x7f
}

func TestGetBlockchainInfo(t *testing.T) {
	n := newNode(t, nil)
	m := object(t, n.call("getblockchaininfo"))
	tip, _ := n.ch.Tip()
	if m["chain"] != "regtest" || m["blocks"] != float64(110) || m["headers"] != float64(110) ||
		m["bestblockhash"] != tip.String() || m["bits"] != "207fffff" || m["difficulty"] != 4.656542373906925e-10 ||
		m["pruned"] != false || m["initialblockdownload"] != false || m["verificationprogress"] != float64(1) ||
		m["size_on_disk"].(float64) <= 0 {
		t.Fatalf("getblockchaininfo: %v", m)
	}
	if w, ok := m["warnings"].([]any); !ok || len(w) != 0 {
		t.Errorf("warnings %v", m["warnings"])
	}
	for _, k := range []string{"pruneheight", "automatic_pruning", "prune_target_size", "signet_challenge"} {
		if _, ok := m[k]; ok {
			t.Errorf("unexpected %s", k)
		}
	}
	pruned := newNode(t, func(c *Config) { c.PruneTarget = 550 << 20 })
	m = object(t, pruned.call("getblockchaininfo"))
	if m["pruned"] != true || m["pruneheight"] != float64(0) || m["automatic_pruning"] != true || m["prune_target_size"] != float64(550<<20) {
		t.Errorf("pruned node: %v", m)
	}
}

func TestGetDifficulty(t *testing.T) {
	n := newNode(t, nil)
	if got := string(n.call("getdifficulty")); got != "4.656542373906925e-10" {
		t.Errorf("getdifficulty %s", got)
	}
}

func TestGetTxOut(t *testing.T) {
	n := newNode(t, nil)
	c := n.coinbase()
	var out struct {
		BestBlock     string  `json:"bestblock"`
		Confirmations int     `json:"confirmations"`
		Value         float64 `json:"value"`
		Coinbase      bool    `json:"coinbase"`
		ScriptPubKey  struct {
			Address string `json:"address"`
			Type    string `json:"type"`
		} `json:"scriptPubKey"`
	}
	decode(t, n.call("gettxout", c.op.Hash.String(), 0), &out)
	tip, _ := n.ch.Tip()
	if out.BestBlock != tip.String() || out.Confirmations != 110 || out.Value != 50 || !out.Coinbase ||
		out.ScriptPubKey.Address != trueAddr || out.ScriptPubKey.Type != "witness_v0_scripthash" {
		t.Fatalf("confirmed coin: %+v", out)
	}
	if string(n.call("gettxout", c.op.Hash.String(), 1)) != "null" {
		t.Error("the witness commitment output (OP_RETURN) is not a coin")
	}
	tx := spendTx(c, 10_000, 2)
	n.send(tx)
	if string(n.call("gettxout", c.op.Hash.String(), 0)) != "null" {
		t.Error("an output spent in the mempool is still shown")
	}
	if string(n.call("gettxout", c.op.Hash.String(), 0, false)) == "null" {
		t.Error("without the mempool the confirmed coin is gone")
	}
	out.Confirmations = -1
	decode(t, n.call("gettxout", tx.TxHash().String(), 1), &out)
	if out.Confirmations != 0 || out.Coinbase || out.Value != float64(tx.TxOut[1].Value)/1e8 {
		t.Errorf("mempool output: %+v", out)
	}
	if string(n.call("gettxout", tx.TxHash().String(), 1, false)) != "null" {
		t.Error("mempool output shown without include_mempool")
	}
	if string(n.call("gettxout", tx.TxHash().String(), 2)) != "null" {
		t.Error("missing output index shown")
	}
	n.wantErr(ErrMisc, "JSON integer out of range", "gettxout", c.op.Hash.String(), -1)
	n.wantErr(ErrInvalidParameter, "txid must be of length 64 (not 1, for 'x')", "gettxout", "x", 0)
	n.wantErr(ErrType, "", "gettxout", c.op.Hash.String(), "0")
}

func TestGetTxOutSetInfo(t *testing.T) {
	n := newNode(t, nil)
	var info txOutSetInfo
	decode(t, n.call("gettxoutsetinfo"), &info)
	tip, _ := n.ch.Tip()
	st, err := n.ch.UTXOStats()
	if err != nil {
		t.Fatal(err)
	}
	if info.Height != 110 || info.BestBlock != tip.String() || info.TxOuts != 110 || info.Transactions != 110 ||
		info.HashSerialized3 != st.HashSerialized.String() || int64(info.TotalAmount) != st.TotalAmount {
		t.Fatalf("gettxoutsetinfo: %+v", info)
	}
	m := object(t, n.call("gettxoutsetinfo", "none"))
	if _, ok := m["hash_serialized_3"]; ok {
		t.Error("hash with hash_type none")
	}
	n.wantErr(ErrInvalidParameter, "'bogus' is not a valid hash_type", "gettxoutsetinfo", "bogus")
	n.wantErr(ErrInvalidParameter, "hash_type 'muhash' is not supported", "gettxoutsetinfo", "muhash")
	n.wantErr(ErrInvalidParameter, "Querying specific block heights requires coinstatsindex", "gettxoutsetinfo", "none", 5)
}
