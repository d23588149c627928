package rpc

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/bitnode/bitnode/chain/address"
	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/chain/txjson"
	"github.com/bitnode/bitnode/wire"
)

func TestDecodeRawTransaction(t *testing.T) {
	n := newNode(t, nil)
	tx := spendTx(n.coinbase(), 1000, 2)
	var got txjson.TxResult
	decode(t, n.call("decoderawtransaction", txHex(tx)), &got)
	want := txjson.DecodeTx(tx, regtest)
	if got.TxID != want.TxID || got.Hash != want.Hash || got.VSize != want.VSize || len(got.Vout) != 2 ||
		got.Vout[0].ScriptPubKey.Address != trueAddr || got.Hex != "" || got.Vin[0].TxInWitness[0] != "51" {
		t.Fatalf("decoderawtransaction: %+v", got)
	}
	decode(t, n.call("decoderawtransaction", txHex(tx), true), &got)
	if got.TxID != want.TxID {
		t.Fatal("iswitness true")
	}
	legacy := hex.EncodeToString(tx.SerializeNoWitness())
	decode(t, n.call("decoderawtransaction", legacy, false), &got)
	if got.TxID != want.TxID || got.Hash != want.TxID {
		t.Fatalf("legacy serialization: %+v", got)
	}
	n.wantErr(ErrDeserialization, "TX decode failed", "decoderawtransaction", txHex(tx), false)
	n.wantErr(ErrDeserialization, "TX decode failed", "decoderawtransaction", "zz")
	n.wantErr(ErrDeserialization, "TX decode failed", "decoderawtransaction", "0100")
	n.wantErr(ErrDeserialization, "TX decode failed", "decoderawtransaction", "")
	n.wantErr(ErrType, "", "decoderawtransaction", 5)
}

func TestDecodeScript(t *testing.T) {
	n := newNode(t, nil)
	key := "02" + strings.Repeat("11", 32)
	ukey := "04" + strings.Repeat("22", 64)
	keyB, _ := hex.DecodeString(key)
	pkh := hex.EncodeToString(address.Hash160(keyB))
	cases := []struct {
		name, script, typ string
		p2sh, segwit      bool
		segwitType        string
		descPrefix        string
	}{
		{"p2pk", "21" + key + "ac", "pubkey", true, true, "witness_v0_keyhash", "addr("},
		{"p2pk uncompressed", "41" + ukey + "ac", "pubkey", true, false, "", ""},
		{"p2pkh", "76a914" + pkh + "88ac", "pubkeyhash", true, true, "witness_v0_keyhash", "addr("},
		{"multisig", "5121" + key + "21" + "03" + strings.Repeat("33", 32) + "52ae", "multisig", true, true, "witness_v0_scripthash", "wsh(multi(1,"},
		{"multisig uncompressed", "5141" + ukey + "51ae", "multisig", true, false, "", ""},
		{"p2wpkh", "0014" + pkh, "witness_v0_keyhash", true, false, "", ""},
		{"nulldata", "6a0401020304", "nulldata", false, false, "", ""},
		{"taproot", "5120" + strings.Repeat("44", 32), "witness_v1_taproot", false, false, "", ""},
		{"p2sh", "a914" + pkh + "87", "scripthash", false, false, "", ""},
		{"nonstandard", "51", "nonstandard", true, true, "witness_v0_scripthash", "addr("},
		{"checksigadd", "ba", "nonstandard", false, false, "", ""},
		{"op_success", "50", "nonstandard", false, false, "", ""},
		{"empty", "", "nonstandard", true, true, "witness_v0_scripthash", "addr("},
	}
	for _, c := range cases {
		var r decodeScriptJSON
		decode(t, n.call("decodescript", c.script), &r)
		raw, _ := hex.DecodeString(c.script)
		if r.Type != c.typ || (r.P2SH != "") != c.p2sh || (r.Segwit != nil) != c.segwit {
			t.Errorf("%s: %+v", c.name, r)
			continue
		}
		if c.p2sh {
			a, _ := address.NewP2SHFromScript(raw, regtest)
			if r.P2SH != a.String() {
				t.Errorf("%s: p2sh %s, want %s", c.name, r.P2SH, a)
			}
		}
		if c.segwit && (r.Segwit.Type != c.segwitType || !strings.HasPrefix(r.Segwit.Desc, c.descPrefix) || r.Segwit.P2SHSegwit == "") {
			t.Errorf("%s: segwit %+v", c.name, r.Segwit)
		}
		if c.segwit {
			if _, err := txjson.DescriptorChecksum(strings.Split(r.Segwit.Desc, "#")[0]); err != nil || !strings.Contains(r.Segwit.Desc, "#") {
				t.Errorf("%s: descriptor %s", c.name, r.Segwit.Desc)
			}
		}
	}
	m := object(t, n.call("decodescript", "21"+key+"ac"))
	if _, ok := m["address"]; ok {
		t.Error("P2PK shows an address")
	}
	n.wantErr(ErrInvalidParameter, "argument must be hexadecimal string (not 'zz')", "decodescript", "zz")
	n.wantErr(ErrInvalidParameter, "argument must be hexadecimal string (not 'abc')", "decodescript", "abc")
}

// fakeTxIndex finds transactions by scanning the active chain.
type fakeTxIndex struct {
	n      *testNode
	synced bool
}

func (f *fakeTxIndex) Synced() bool { return f.synced }

func (f *fakeTxIndex) Tx(txid wire.Hash) (wire.Hash, int, error) {
	_, tip := f.n.ch.Tip()
	for h := int32(1); h <= tip; h++ {
		bh, _ := f.n.ch.MainChainHash(h)
		blk, _ := f.n.ch.ReadBlock(bh)
		for i, tx := range blk.Transactions {
			if tx.TxHash() == txid {
				return bh, i, nil
			}
		}
	}
	return wire.Hash{}, 0, errors.New("not found")
}

func TestGetRawTransaction(t *testing.T) {
	n := newNode(t, nil)
	tx := spendTx(n.coinbase(), 12_345, 1)
	txid := n.send(tx)
	var hexTx string
	decode(t, n.call("getrawtransaction", txid), &hexTx)
	if hexTx != txHex(tx) {
		t.Fatal("mempool hex")
	}
	for _, v := range []any{1, true, 2} {
		m := object(t, n.call("getrawtransaction", txid, v))
		if m["txid"] != txid || m["hex"] != txHex(tx) || m["blockhash"] != nil || m["fee"] != nil {
			t.Fatalf("mempool verbosity %v: %v", v, m)
		}
	}
	if string(n.call("getrawtransaction", txid, false)) != `"`+hexTx+`"` {
		t.Error("verbose false")
	}
	bh := n.generate(1)[0]
	n.wantErr(ErrInvalidAddressOrKey, "No such mempool transaction. Use -txindex or provide a block hash to enable blockchain transaction queries. Use gettransaction for wallet transactions.",
		"getrawtransaction", txid)
	var r txjson.TxResult
	decode(t, n.call("getrawtransaction", txid, 1, bh), &r)
	if r.InActiveChain == nil || !*r.InActiveChain || r.BlockHash != bh || *r.Confirmations != 1 || r.Time == nil ||
		*r.Time != *r.BlockTime || r.Fee != nil {
		t.Fatalf("verbosity 1 in block: %+v", r)
	}
	decode(t, n.call("getrawtransaction", txid, 2, bh), &r)
	if r.Fee == nil || *r.Fee != 12_345 || r.Vin[0].Prevout == nil || !r.Vin[0].Prevout.Generated {
		t.Fatalf("verbosity 2 in block: %+v", r)
	}
	if !strings.Contains(string(n.call("getrawtransaction", txid, 2, bh)), `"fee":0.00012345,"hex"`) {
		t.Error("fee not before hex")
	}
	other, _ := n.ch.MainChainHash(5)
	n.wantErr(ErrInvalidAddressOrKey, "No such transaction found in the provided block. Use gettransaction for wallet transactions.",
		"getrawtransaction", txid, 0, other.String())
	n.wantErr(ErrInvalidAddressOrKey, "Block hash not found", "getrawtransaction", txid, 0, strings.Repeat("ab", 32))
	n.wantErr(ErrInvalidAddressOrKey, "The genesis block coinbase is not considered an ordinary transaction and cannot be retrieved",
		"getrawtransaction", regtest.GenesisBlock.Header.MerkleRoot.String())
	n.wantErr(ErrInvalidParameter, "parameter 1 must be of length 64 (not 1, for 'x')", "getrawtransaction", "x")
	n.wantErr(ErrInvalidParameter, "parameter 3 must be of length 64 (not 1, for 'y')", "getrawtransaction", txid, 0, "y")
	n.wantErr(ErrMisc, "JSON value of type string is not of expected type number", "getrawtransaction", txid, "1")

	idx := &fakeTxIndex{n: n}
	withIndex := newNode(t, func(c *Config) { c.TxIndex = idx })
	idx.n = withIndex
	cb := withIndex.coinbase()
	withIndex.wantErr(ErrInvalidAddressOrKey, "No such mempool transaction. Blockchain transactions are still in the process of being indexed. Use gettransaction for wallet transactions.",
		"getrawtransaction", strings.Repeat("cd", 32))
	idx.synced = true
	withIndex.wantErr(ErrInvalidAddressOrKey, "No such mempool or blockchain transaction. Use gettransaction for wallet transactions.",
		"getrawtransaction", strings.Repeat("cd", 32))
	m := object(t, withIndex.call("getrawtransaction", cb.op.Hash.String(), 2))
	if m["confirmations"] != float64(110) || m["fee"] != nil || m["in_active_chain"] != nil {
		t.Errorf("coinbase through the index: %v", m)
	}
}

func TestSendRawTransaction(t *testing.T) {
	n := newNode(t, nil)
	tx := spendTx(n.coinbase(), 10_000, 1)
	if got := n.send(tx); got != tx.TxHash().String() {
		t.Fatalf("txid %s", got)
	}
	if got := n.send(tx); got != tx.TxHash().String() {
		t.Fatal("resending a pool transaction does not return its txid")
	}
	n.generate(1)
	n.wantErr(ErrVerifyAlreadyInUTXO, "Transaction outputs already in utxo set", "sendrawtransaction", txHex(tx))

	missing := spendTx(coin{op: wire.OutPoint{Hash: hashOf(t, strings.Repeat("12", 32))}, value: 1e8}, 1000, 1)
	n.wantErr(ErrVerify, "bad-txns-inputs-missingorspent", "sendrawtransaction", txHex(missing))

	free := spendTx(n.coinbase(), 0, 1)
	_, e := n.callErr("sendrawtransaction", txHex(free))
	if e == nil || e.Code != ErrVerifyRejected || !strings.HasPrefix(e.Message, "min relay fee not met") {
		t.Fatalf("zero fee: %+v", e)
	}
	c := n.coinbase()
	rich := spendTx(c, 100_000_000, 1)
	n.wantErr(ErrVerify, "Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)", "sendrawtransaction", txHex(rich))
	n.wantErr(ErrVerify, "Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)", "sendrawtransaction", txHex(rich), "0.5")
	if got, _ := n.callErr("sendrawtransaction", txHex(rich), 0); string(got) != `"`+rich.TxHash().String()+`"` {
		t.Fatalf("maxfeerate 0: %s", got)
	}

	burn := spendTx(n.coinbase(), 10_000, 1)
	burn.TxOut[0].Value -= 5000
	burn.TxOut = append(burn.TxOut, &wire.TxOut{Value: 5000, PkScript: []byte{0x6a, 0x01, 0x01}})
	n.wantErr(ErrVerify, "Unspendable output exceeds maximum configured by user (maxburnamount)", "sendrawtransaction", txHex(burn))
	if got, e := n.callErr("sendrawtransaction", txHex(burn), nil, "0.00005"); e != nil || string(got) != `"`+burn.TxHash().String()+`"` {
		t.Fatalf("maxburnamount 0.00005: %s %+v", got, e)
	}

	n.wantErr(ErrDeserialization, "TX decode failed. Make sure the tx has at least one input.", "sendrawtransaction", "zz")
	n.wantErr(ErrDeserialization, "TX decode failed. Make sure the tx has at least one input.", "sendrawtransaction", "00")
	fresh := txHex(spendTx(n.coinbase(), 1000, 1))
	n.wantErr(ErrInvalidParameter, "Fee rates larger than or equal to 1BTC/kvB are not accepted", "sendrawtransaction", fresh, 1)
	n.wantErr(ErrType, "Invalid amount", "sendrawtransaction", fresh, "abc")
	n.wantErr(ErrType, "Amount out of range", "sendrawtransaction", fresh, -0.1)
	n.wantErr(ErrType, "Amount is not a number or string", "sendrawtransaction", fresh, true)
	n.wantErr(ErrType, "Invalid amount", "sendrawtransaction", fresh, 0.000000001)
	if _, e := n.callErr("sendrawtransaction", fresh, "1e-2"); e != nil {
		t.Fatalf("exponent amount: %+v", e)
	}
}

func TestTestMempoolAccept(t *testing.T) {
	n := newNode(t, nil)
	tx := spendTx(n.coinbase(), 10_000, 1)
	var res []acceptJSON
	test := func(args ...any) {
		t.Helper()
		res = nil
		decode(t, n.call("testmempoolaccept", args...), &res)
	}
	test([]string{txHex(tx)})
	r := res[0]
	if len(res) != 1 || r.TxID != tx.TxHash().String() || r.WTxID != tx.WitnessHash().String() || r.Allowed == nil ||
		!*r.Allowed || *r.VSize != int64(tx.VSize()) || r.Fees.Base != 10_000 || r.Fees.EffectiveIncludes[0] != r.WTxID ||
		r.Fees.EffectiveFeeRate != txjson.Amount(10_000*1000/int64(tx.VSize())) {
		t.Fatalf("allowed: %+v %+v", r, r.Fees)
	}
	if got := string(n.call("getrawmempool")); got != "[]" {
		t.Fatal("testmempoolaccept changed the pool")
	}
	n.send(tx)
	test([]string{txHex(tx)})
	if *res[0].Allowed || res[0].RejectReason != "txn-already-in-mempool" || res[0].RejectDetails == "" {
		t.Fatalf("already in pool: %+v", res[0])
	}
	missing := spendTx(coin{op: wire.OutPoint{Hash: hashOf(t, strings.Repeat("12", 32))}, value: 1e8}, 1000, 1)
	test([]string{txHex(missing)})
	if res[0].RejectReason != "missing-inputs" || res[0].RejectDetails != "" {
		t.Fatalf("missing inputs: %+v", res[0])
	}
	rich := spendTx(n.coinbase(), 100_000_000, 1)
	test([]string{txHex(rich)})
	if res[0].RejectReason != "max-fee-exceeded" || res[0].Fees != nil {
		t.Fatalf("max fee: %+v", res[0])
	}
	test([]string{txHex(rich)}, 0)
	if !*res[0].Allowed {
		t.Fatalf("maxfeerate 0: %+v", res[0])
	}
	n.wantErr(ErrInvalidParameter, "Array must contain between 1 and 25 transactions.", "testmempoolaccept", []string{})
	n.wantErr(ErrInvalidParameter, "Array must contain between 1 and 25 transactions.", "testmempoolaccept", make([]string, 26))
	n.wantErr(ErrDeserialization, "TX decode failed: zz Make sure the tx has at least one input.", "testmempoolaccept", []string{"zz"})
	n.wantErr(ErrInvalidParameter, "", "testmempoolaccept", []string{txHex(rich), txHex(missing)})
	n.wantErr(ErrType, "", "testmempoolaccept", txHex(tx))
	n.wantErr(ErrMisc, "JSON value of type number is not of expected type string", "testmempoolaccept", []any{5})
}

// TestUnspendableHelpers covers the script checks behind maxburnamount.
func TestUnspendableHelpers(t *testing.T) {
	if !unspendable([]byte{byte(script.OpReturn)}) || unspendable(p2wshTrue) || !unspendable(make([]byte, script.MaxScriptSize+1)) {
		t.Error("unspendable")
	}
	if validOps([]byte{0x4c}) || !validOps(p2wshTrue) || validOps([]byte{0xff}) {
		t.Error("validOps")
	}
}
