package rpc

import (
	"strings"
	"testing"
)

func TestMempoolMethods(t *testing.T) {
	n := newNode(t, nil)
	var info mempoolInfo
	decode(t, n.call("getmempoolinfo"), &info)
	if info.Size != 0 || info.MinRelayTxFee != 100 || info.MempoolMinFee != 100 || info.LimitClusterCount != 64 ||
		info.LimitClusterSize != 101_000 || !info.FullRBF || !info.Optimal || info.MaxDataCarrierSize != 100_000 {
		t.Fatalf("empty pool: %+v", info)
	}
	if got := string(n.call("getrawmempool")); got != "[]" {
		t.Fatalf("empty getrawmempool %s", got)
	}
	if got := string(n.call("getrawmempool", true)); got != "{}" {
		t.Fatalf("empty verbose getrawmempool %s", got)
	}

	parent := spendTx(n.coinbase(), 20_000, 2)
	child := spendTx(output(parent, 0), 30_000, 1)
	pid, cid := n.send(parent), n.send(child)

	decode(t, n.call("getmempoolinfo"), &info)
	if info.Size != 2 || info.TotalFee != 50_000 || info.Bytes <= 0 || info.Usage <= 0 {
		t.Fatalf("pool of two: %+v", info)
	}
	var ids []string
	decode(t, n.call("getrawmempool"), &ids)
	if len(ids) != 2 || ids[0] != pid || ids[1] != cid {
		t.Fatalf("getrawmempool %v, want parent then child", ids)
	}
	var verbose map[string]entryJSON
	decode(t, n.call("getrawmempool", true), &verbose)
	if len(verbose) != 2 || verbose[cid].Depends[0] != pid || verbose[pid].SpentBy[0] != cid {
		t.Fatalf("verbose getrawmempool: %+v", verbose)
	}
	var e entryJSON
	decode(t, n.call("getmempoolentry", pid), &e)
	if e.AncestorCount != 1 || e.DescendantCount != 2 || e.Fees.Base != 20_000 || e.Fees.Modified != 20_000 ||
		e.Fees.Descendant != 50_000 || e.Fees.Chunk != 50_000 || e.Height != 110 || e.WTxID != parent.WitnessHash().String() ||
		e.Weight != parent.Weight() || e.VSize != int64(parent.VSize()) || !e.BIP125Replaceable || len(e.Depends) != 0 {
		t.Fatalf("parent entry: %+v", e)
	}
	var anc, desc []string
	decode(t, n.call("getmempoolancestors", cid), &anc)
	decode(t, n.call("getmempooldescendants", pid), &desc)
	if len(anc) != 1 || anc[0] != pid || len(desc) != 1 || desc[0] != cid {
		t.Fatalf("ancestors %v, descendants %v", anc, desc)
	}
	var ancV map[string]entryJSON
	decode(t, n.call("getmempoolancestors", cid, true), &ancV)
	if ancV[pid].WTxID != parent.WitnessHash().String() {
		t.Fatalf("verbose ancestors %+v", ancV)
	}
	if got := string(n.call("getmempooldescendants", cid)); got != "[]" {
		t.Errorf("childless descendants %s", got)
	}
	var cl clusterJSON
	decode(t, n.call("getmempoolcluster", cid), &cl)
	if cl.TxCount != 2 || len(cl.Chunks) != 1 || strings.Join(cl.Chunks[0].Txs, ",") != pid+","+cid ||
		cl.Chunks[0].ChunkFee != 50_000 || cl.ClusterWeight != cl.Chunks[0].ChunkWeight {
		t.Fatalf("cluster %+v", cl)
	}

	missing := strings.Repeat("ee", 32)
	for _, m := range []string{"getmempoolentry", "getmempoolancestors", "getmempooldescendants", "getmempoolcluster"} {
		n.wantErr(ErrInvalidAddressOrKey, "Transaction not in mempool", m, missing)
		n.wantErr(ErrInvalidParameter, "txid must be of length 64 (not 2, for 'xx')", m, "xx")
	}
	n.wantErr(ErrInvalidParameter, "Verbose results cannot contain mempool sequence values.", "getrawmempool", true, true)
	n.wantErr(ErrInvalidParameter, "", "getrawmempool", false, true)
	n.wantErr(ErrType, "", "getrawmempool", "yes")
}

func TestMempoolDisabled(t *testing.T) {
	n := newNode(t, func(c *Config) { c.Mempool = nil })
	for _, m := range []string{"getmempoolinfo", "getrawmempool", "getmininginfo"} {
		n.wantErr(ErrClientMempoolDisabled, "Mempool disabled or instance not found", m)
	}
	n.wantErr(ErrClientMempoolDisabled, "", "getmempoolentry", strings.Repeat("00", 32))
}
