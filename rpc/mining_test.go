package rpc

import (
	"context"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/bitnode/bitnode/chain/txjson"
	"github.com/bitnode/bitnode/mempool/mining"
	"github.com/bitnode/bitnode/wire"
)

// solvedBlock builds a template on the tip paying P2WSH(OP_TRUE) and
// solves it.
func (n *testNode) solvedBlock(extraNonce uint64) *wire.Block {
	n.t.Helper()
	tmpl, err := n.srv.cfg.Miner.Template(mining.Options{CoinbaseScript: p2wshTrue, ExtraNonce: extraNonce})
	if err != nil {
		n.t.Fatal(err)
	}
	if ok, err := mining.Mine(context.Background(), tmpl.Block, regtest.PowLimit, 0); !ok || err != nil {
		n.t.Fatal("cannot solve", err)
	}
	return tmpl.Block
}

func blockHex(b *wire.Block) string { return hex.EncodeToString(b.Serialize()) }

func TestSubmitBlock(t *testing.T) {
	n := newNode(t, nil)
	a, b := n.solvedBlock(1), n.solvedBlock(2)
	if got := string(n.call("submitblock", blockHex(a))); got != "null" {
		t.Fatalf("valid block: %s", got)
	}
	if got := string(n.call("submitblock", blockHex(a), "ignored")); got != `"duplicate"` {
		t.Fatalf("resubmitted: %s", got)
	}
	if got := string(n.call("submitblock", blockHex(b))); got != `"inconclusive"` {
		t.Fatalf("competing block of equal work: %s", got)
	}
	// Without the coinbase's witness reserved value the server adds it.
	c := n.solvedBlock(3)
	c.Transactions[0].TxIn[0].Witness = nil
	if got := string(n.call("submitblock", blockHex(c))); got != "null" {
		t.Fatalf("block without witness nonce: %s", got)
	}
	bad := n.solvedBlock(4)
	bad.Header.MerkleRoot[0] ^= 1
	if ok, _ := mining.Mine(context.Background(), bad, regtest.PowLimit, 0); !ok {
		t.Fatal("cannot solve")
	}
	if got := string(n.call("submitblock", blockHex(bad))); got != `"bad-txnmrklroot"` {
		t.Fatalf("bad merkle root: %s", got)
	}
	noCoinbase := n.solvedBlock(5)
	noCoinbase.Transactions[0] = spendTx(n.coinbase(), 1000, 1)
	n.wantErr(ErrDeserialization, "Block does not start with a coinbase", "submitblock", blockHex(noCoinbase))
	n.wantErr(ErrDeserialization, "Block decode failed", "submitblock", "zz")
	n.wantErr(ErrDeserialization, "Block decode failed", "submitblock", "0000")
	n.wantErr(ErrType, "", "submitblock", 1)
}

func TestGetBlockTemplate(t *testing.T) {
	n := newNode(t, nil)
	msg := `getblocktemplate must be called with the segwit rule set (call with {"rules": ["segwit"]})`
	n.wantErr(ErrInvalidParameter, msg, "getblocktemplate")
	n.wantErr(ErrInvalidParameter, msg, "getblocktemplate", map[string]any{"rules": []string{"csv"}})
	n.wantErr(ErrInvalidParameter, "Invalid mode", "getblocktemplate", map[string]any{"mode": "bogus", "rules": []string{"segwit"}})
	n.wantErr(ErrInvalidParameter, "Invalid mode", "getblocktemplate", map[string]any{"mode": 5})
	n.wantErr(ErrType, "", "getblocktemplate", "segwit")

	tx := spendTx(n.coinbase(), 25_000, 1)
	n.send(tx)
	var gbt mining.GBTResult
	decode(t, n.call("getblocktemplate", map[string]any{"rules": []string{"segwit"}}), &gbt)
	tip, height := n.ch.Tip()
	if gbt.Height != int64(height+1) || gbt.PreviousBlockHash != tip.String() || len(gbt.Transactions) != 1 ||
		gbt.Transactions[0].TxID != tx.TxHash().String() || gbt.Transactions[0].Fee != 25_000 ||
		gbt.CoinbaseValue != 50*1e8+25_000 || gbt.Bits != "207fffff" || gbt.DefaultWitnessCommitment == "" ||
		gbt.LongPollID != tip.String()+"1" || !strings.Contains(strings.Join(gbt.Rules, ","), "!segwit") {
		t.Fatalf("template: %+v", gbt)
	}
	m := object(t, n.call("getmininginfo"))
	if m["currentblocktx"] != float64(1) || m["currentblockweight"].(float64) < 8000 {
		t.Errorf("getmininginfo after a template: %v", m)
	}
}

func TestBlockProposal(t *testing.T) {
	n := newNode(t, nil)
	tmpl, err := n.srv.cfg.Miner.Template(mining.Options{CoinbaseScript: p2wshTrue})
	if err != nil {
		t.Fatal(err)
	}
	proposal := func(b *wire.Block) string {
		t.Helper()
		return string(n.call("getblocktemplate", map[string]any{"mode": "proposal", "data": blockHex(b)}))
	}
	if got := proposal(tmpl.Block); got != "null" {
		t.Fatalf("unsolved template proposal: %s", got)
	}
	bad := *tmpl.Block
	bad.Header.MerkleRoot = wire.Hash{1}
	if got := proposal(&bad); got != `"bad-txnmrklroot"` {
		t.Fatalf("bad merkle proposal: %s", got)
	}
	solved := n.solvedBlock(7)
	n.call("submitblock", blockHex(solved))
	if got := proposal(solved); got != `"duplicate"` {
		t.Fatalf("known block: %s", got)
	}
	if got := proposal(tmpl.Block); got != `"inconclusive-not-best-prevblk"` {
		t.Fatalf("stale proposal: %s", got)
	}
	n.wantErr(ErrType, "Missing data String key for proposal", "getblocktemplate", map[string]any{"mode": "proposal"})
	n.wantErr(ErrDeserialization, "Block decode failed", "getblocktemplate", map[string]any{"mode": "proposal", "data": "zz"})
}

func TestGenerateToAddress(t *testing.T) {
	n := newNode(t, nil)
	hashes := n.generate(3)
	if len(hashes) != 3 {
		t.Fatalf("%d hashes", len(hashes))
	}
	if tip, h := n.ch.Tip(); h != 113 || tip.String() != hashes[2] {
		t.Fatalf("tip %s at %d", tip, h)
	}
	if got := string(n.call("generatetoaddress", 0, trueAddr)); got != "[]" {
		t.Errorf("zero blocks: %s", got)
	}
	if got := string(n.call("generatetoaddress", 2, trueAddr, 0)); got != "[]" {
		t.Errorf("zero tries: %s", got)
	}
	n.wantErr(ErrInvalidAddressOrKey, "Error: Invalid address", "generatetoaddress", 1, "notanaddress")
	n.wantErr(ErrInvalidAddressOrKey, "Error: Invalid address", "generatetoaddress", 1, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")
	n.wantErr(ErrMisc, "JSON integer out of range", "generatetoaddress", 1, trueAddr, -1)
	n.wantErr(ErrType, "", "generatetoaddress", "1", trueAddr)
	n.wantErr(ErrMisc, "", "generatetoaddress", 1)
}

func TestGenerateBlock(t *testing.T) {
	n := newNode(t, nil)
	tx := spendTx(n.coinbase(), 5000, 1)
	txid := n.send(tx)
	raw := spendTx(n.coinbase(), 7000, 1)
	var r generateBlockJSON
	decode(t, n.call("generateblock", trueAddr, []string{txid, txHex(raw)}), &r)
	blk, err := n.ch.ReadBlock(hashOf(t, r.Hash))
	if err != nil || len(blk.Transactions) != 3 || blk.Transactions[1].TxHash().String() != txid || r.Hex != "" {
		t.Fatalf("generateblock: %+v %v", r, err)
	}
	if tip, _ := n.ch.Tip(); tip.String() != r.Hash {
		t.Fatal("block not submitted")
	}
	decode(t, n.call("generateblock", "raw(51)", []string{}, false), &r)
	if tip, _ := n.ch.Tip(); tip.String() == r.Hash || r.Hex == "" {
		t.Fatalf("submit=false: %+v", r)
	}
	if got := string(n.call("submitblock", r.Hex)); got != "null" {
		t.Fatalf("submitting the returned hex: %s", got)
	}
	addrDesc := txjson.AddChecksum("addr(" + trueAddr + ")")
	decode(t, n.call("generateblock", addrDesc, []string{}), &r)
	blk, _ = n.ch.ReadBlock(hashOf(t, r.Hash))
	if string(blk.Transactions[0].TxOut[0].PkScript) != string(p2wshTrue) {
		t.Error("addr() descriptor payout")
	}
	for _, bad := range []string{"nonsense", "addr(" + trueAddr + ")#00000000", "wpkh(02" + strings.Repeat("11", 32) + ")", "raw(zz)"} {
		n.wantErr(ErrInvalidAddressOrKey, "Error: Invalid address or descriptor", "generateblock", bad, []string{})
	}
	missing := strings.Repeat("9a", 32)
	n.wantErr(ErrInvalidAddressOrKey, "Transaction "+missing+" not in mempool.", "generateblock", trueAddr, []string{missing})
	n.wantErr(ErrDeserialization, "Transaction decode failed for zz. Make sure the tx has at least one input.", "generateblock", trueAddr, []string{"zz"})
	orphan := spendTx(coin{op: wire.OutPoint{Hash: hashOf(t, strings.Repeat("12", 32))}, value: 1e8}, 1000, 1)
	_, e := n.callErr("generateblock", trueAddr, []string{txHex(orphan)})
	if e == nil || e.Code != ErrVerify || !strings.HasPrefix(e.Message, "TestBlockValidity failed: bad-txns-inputs-missingorspent") {
		t.Fatalf("invalid transaction: %+v", e)
	}
}

func TestGetMiningInfo(t *testing.T) {
	n := newNode(t, nil)
	var m miningInfo
	decode(t, n.call("getmininginfo"), &m)
	if m.Blocks != 110 || m.Bits != "207fffff" || m.Chain != "regtest" || m.PooledTx != 0 || m.BlockMinTxFee != 1 ||
		m.Next.Height != 111 || m.Next.Bits != "207fffff" || m.CurrentBlockTx != nil || float64(m.NetworkHashPS) <= 0 {
		t.Fatalf("getmininginfo: %+v", m)
	}
	var hps float64
	decode(t, n.call("getnetworkhashps"), &hps)
	if hps != float64(m.NetworkHashPS) {
		t.Errorf("getnetworkhashps %v, getmininginfo %v", hps, m.NetworkHashPS)
	}
	decode(t, n.call("getnetworkhashps", -1, 50), &hps)
	if hps < 0 {
		t.Errorf("since retarget: %v", hps)
	}
	if got := string(n.call("getnetworkhashps", 10, 0)); got != "0" {
		t.Errorf("at genesis: %s", got)
	}
	n.wantErr(ErrInvalidParameter, "Invalid nblocks. Must be a positive number or -1.", "getnetworkhashps", 0)
	n.wantErr(ErrInvalidParameter, "Block does not exist at specified height", "getnetworkhashps", 10, 111)
}

func TestPrioritiseTransaction(t *testing.T) {
	n := newNode(t, nil)
	tx := spendTx(n.coinbase(), 5000, 1)
	txid := n.send(tx)
	if got := string(n.call("prioritisetransaction", txid, 0, 10_000)); got != "true" {
		t.Fatalf("prioritisetransaction: %s", got)
	}
	var e entryJSON
	decode(t, n.call("getmempoolentry", txid), &e)
	if e.Fees.Base != 5000 || e.Fees.Modified != 15_000 {
		t.Fatalf("after prioritising: %+v", e.Fees)
	}
	if got := string(n.call("prioritisetransaction", txid, nil, -10_000)); got != "true" {
		t.Fatalf("null dummy: %s", got)
	}
	n.wantErr(ErrInvalidParameter, "Priority is no longer supported, dummy argument to prioritisetransaction must be 0.", "prioritisetransaction", txid, 1, 5)
	n.wantErr(ErrMisc, "JSON integer out of range", "prioritisetransaction", txid, 0, 1.5)
	n.wantErr(ErrMisc, "", "prioritisetransaction", txid, 0)
}
