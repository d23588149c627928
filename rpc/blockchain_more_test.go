package rpc

import (
	"strings"
	"testing"
)

func TestWaitForBlocks(t *testing.T) {
	n := newNode(t, nil)
	tip, height := n.ch.Tip()
	var r tipJSON
	// Timeout: the current tip comes back.
	decode(t, n.call("waitfornewblock", 50), &r)
	if r.Hash != tip.String() || r.Height != height {
		t.Fatalf("waitfornewblock timeout %+v", r)
	}
	decode(t, n.call("waitforblockheight", height), &r)
	if r.Height != height {
		t.Fatalf("waitforblockheight reached %+v", r)
	}
	decode(t, n.call("waitforblock", tip.String(), 1000), &r)
	if r.Hash != tip.String() {
		t.Fatalf("waitforblock current %+v", r)
	}
	done := make(chan tipJSON, 1)
	go func() {
		var w tipJSON
		res, e := n.callErr("waitforblockheight", height+1, 10000)
		if e == nil {
			decode(t, res, &w)
		}
		done <- w
	}()
	hashes := n.generate(1)
	w := <-done
	if w.Hash != hashes[0] || w.Height != height+1 {
		t.Fatalf("waitforblockheight new %+v, want %s", w, hashes[0])
	}
	// current_tip differing from the tip returns at once.
	decode(t, n.call("waitfornewblock", 0, tip.String()), &r)
	if r.Hash != hashes[0] {
		t.Fatalf("waitfornewblock current_tip %+v", r)
	}
	n.wantErr(ErrMisc, "Negative timeout", "waitfornewblock", -1)
	n.wantErr(ErrMisc, "Negative timeout", "waitforblockheight", 1, -1)
	n.wantErr(ErrInvalidParameter, "", "waitforblock", "xyz")
}

func TestChainTxStats(t *testing.T) {
	n := newNode(t, nil)
	tip, height := n.ch.Tip()
	r := object(t, n.call("getchaintxstats"))
	if r["window_final_block_hash"] != tip.String() || r["window_final_block_height"] != float64(height) ||
		r["window_block_count"] != float64(height-1) || r["txcount"].(float64) < float64(height+1) {
		t.Fatalf("getchaintxstats %v", r)
	}
	r = object(t, n.call("getchaintxstats", 0))
	if _, ok := r["window_interval"]; ok || r["window_block_count"] != float64(0) {
		t.Fatalf("getchaintxstats 0 %v", r)
	}
	r = object(t, n.call("getchaintxstats", 5, tip.String()))
	if r["window_block_count"] != float64(5) || r["window_tx_count"] == nil {
		t.Fatalf("getchaintxstats 5 %v", r)
	}
	n.wantErr(ErrInvalidParameter, "Invalid block count: should be between 0 and the block's height - 1", "getchaintxstats", height)
	n.wantErr(ErrInvalidParameter, "Invalid block count: should be between 0 and the block's height - 1", "getchaintxstats", -1)
	n.wantErr(ErrInvalidAddressOrKey, "Block not found", "getchaintxstats", 1, strings.Repeat("11", 32))
}

func TestDeploymentInfo(t *testing.T) {
	n := newNode(t, nil)
	tip, height := n.ch.Tip()
	raw := n.call("getdeploymentinfo")
	if !strings.Contains(string(raw), `"deployments":{"bip34":{"type":"buried"`) {
		t.Fatalf("getdeploymentinfo order %s", raw)
	}
	var r struct {
		Hash        string
		Height      int32
		Deployments map[string]deploymentJSON
	}
	decode(t, raw, &r)
	if r.Hash != tip.String() || r.Height != height || len(r.Deployments) != 6 {
		t.Fatalf("getdeploymentinfo %s", raw)
	}
	for _, name := range []string{"bip34", "bip66", "bip65", "csv", "segwit", "taproot"} {
		d, ok := r.Deployments[name]
		if !ok || d.Type != "buried" || d.Active != (height+1 >= d.Height) {
			t.Fatalf("deployment %s: %+v", name, d)
		}
	}
	gen, _ := n.ch.MainChainHash(0)
	decode(t, n.call("getdeploymentinfo", gen.String()), &r)
	if r.Height != 0 {
		t.Fatalf("getdeploymentinfo genesis %+v", r)
	}
	n.wantErr(ErrInvalidAddressOrKey, "Block not found", "getdeploymentinfo", strings.Repeat("11", 32))
}
