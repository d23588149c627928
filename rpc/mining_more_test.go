package rpc

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/bitnode/bitnode/wire"
)

func TestPrioritisedTransactions(t *testing.T) {
	n := newNode(t, nil)
	if got := string(n.call("getprioritisedtransactions")); got != "{}" {
		t.Fatalf("empty: %s", got)
	}
	c := n.coinbase()
	tx := spendTx(c, 1000, 1)
	txid := n.send(tx)
	absent := strings.Repeat("ab", 32)
	n.call("prioritisetransaction", txid, 0, 5000)
	n.call("prioritisetransaction", absent, 0, -300)
	var r map[string]prioritisedJSON
	decode(t, n.call("getprioritisedtransactions"), &r)
	in, out := r[txid], r[absent]
	if len(r) != 2 || in.FeeDelta != 5000 || !in.InMempool || in.ModifiedFee == nil || *in.ModifiedFee != 6000 ||
		out.FeeDelta != -300 || out.InMempool || out.ModifiedFee != nil {
		t.Fatalf("getprioritisedtransactions %+v", r)
	}
	n.wantErr(ErrMisc, "", "getprioritisedtransactions", 1)
}

func TestSubmitHeader(t *testing.T) {
	n := newNode(t, nil)
	tip, _ := n.ch.Tip()
	info, _ := n.ch.BlockInfo(tip)
	hdr := wire.BlockHeader{Version: 0x20000000, PrevBlock: tip, Timestamp: info.Header.Timestamp + 1, Bits: info.Header.Bits}
	hdr.MerkleRoot[0] = 1
	for ; ; hdr.Nonce++ {
		_, e := n.callErr("submitheader", hex.EncodeToString(hdr.Serialize()))
		if e == nil {
			break
		}
		if e.Code != ErrVerify || e.Message != "high-hash" || hdr.Nonce > 100 {
			t.Fatalf("submitheader: %d %s", e.Code, e.Message)
		}
	}
	if best, _ := n.ch.BestHeader(); best != hdr.BlockHash() {
		t.Fatalf("best header %s, want %s", best, hdr.BlockHash())
	}
	orphan := hdr
	orphan.PrevBlock = wire.Hash{1}
	n.wantErr(ErrVerify, "Must submit previous header ("+orphan.PrevBlock.String()+") first",
		"submitheader", hex.EncodeToString(orphan.Serialize()))
	n.wantErr(ErrDeserialization, "Block header decode failed", "submitheader", "aabbcc")
	bad := hdr
	bad.Bits = 0x1d00ffff
	n.wantErr(ErrVerify, "", "submitheader", hex.EncodeToString(bad.Serialize()))
}
