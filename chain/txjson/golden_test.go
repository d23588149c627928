package txjson

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/wire"
)

// The golden files in testdata/ hold what Bitcoin Core prints:
//
//   - tx170.json is bitcoin-cli decoderawtransaction's output for block
//     170's second transaction, as published with Core's own desc
//     checksums;
//   - block170.json (getblock verbosity 2 without the chain fields) and
//     the two segwit transactions were produced by an independent
//     re-implementation of Core's TxToUniv/ScriptToAsmStr/InferDescriptor
//     rules, which reproduces tx170.json exactly.
//
// Comparison is byte-for-byte on compacted JSON, so key order and number
// spelling (50.00000000, 1) count.

func readGolden(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var c bytes.Buffer
	if err := json.Compact(&c, b); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return c.Bytes()
}

func compareJSON(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	want := readGolden(t, name)
	if !bytes.Equal(got, want) {
		t.Errorf("%s mismatch\n got %s\nwant %s\nfirst difference at byte %d", name, got, want, firstDiff(got, want))
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func readHexFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func examplesPath(name string) string {
	return filepath.Join("..", "..", "testdata", "examples", name)
}

func TestDecodeTxGoldenTx170(t *testing.T) {
	tx, err := wire.DecodeTx(readHexFile(t, examplesPath("tx170.hex")))
	if err != nil {
		t.Fatal(err)
	}
	compareJSON(t, "tx170.json", DecodeTx(tx, params.MainNet))
}

func TestDecodeBlockGolden170(t *testing.T) {
	blk, err := wire.DecodeBlock(readHexFile(t, examplesPath("block170.hex")))
	if err != nil {
		t.Fatal(err)
	}
	r := DecodeBlock(blk, params.MainNet)
	compareJSON(t, "block170.json", r)
	// The block's second transaction is tx170.json plus its hex.
	second := r.Tx[1]
	second.Hex = ""
	compareJSON(t, "tx170.json", second)
}

// blockTx returns transaction i of one of btcd's mainnet test blocks.
func blockTx(t *testing.T, file string, i int) *wire.Tx {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "btcd", "wire", file))
	if err != nil {
		t.Fatal(err)
	}
	blk, err := wire.DecodeBlock(b)
	if err != nil {
		t.Fatal(err)
	}
	return blk.Transactions[i]
}

func TestDecodeTxGoldenSegwit(t *testing.T) {
	// A P2WSH 2-of-3 multisig spend (witness with the empty dummy item).
	tx := blockTx(t, "block-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.blk", 52)
	compareJSON(t, "tx-p2wsh-0ed31a69.json", DecodeTx(tx, params.MainNet))

	// A segwit coinbase: witness on a coinbase input, the witness
	// commitment, and a truncated-push output that disassembles to
	// "2 3 [error]".
	cb := blockTx(t, "block-00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab.blk", 0)
	compareJSON(t, "tx-coinbase-5301a783.json", DecodeTx(cb, params.MainNet))
}

// Transactions printed by Bitcoin Core's bitcoin-tx in its functional
// test data (test/functional/data/util/*.json), hex included.
var coreBitcoinTxCases = []struct {
	name, hex, json string
}{
	{"txcreatemultisig1",
		"01000000000100e1f50500000000" + "69522102a5613bd857b7048924264d1e70e08fb2a7e6527d32b7ab1bb993ac59964ff39721021ac43c7ff740014c3b33737ede99c967e4764553d1b2b83db77c83b8715fa72d2102df2089105c77f266fa11a9d33f05c735234075f2e8780824c6b709415f9fb48553ae00000000",
		`{"txid":"0d1d4edfc217d9db3ab6a9298f26a52eae3c52f55a6cb8ccbc14f7c727572894","hash":"0d1d4edfc217d9db3ab6a9298f26a52eae3c52f55a6cb8ccbc14f7c727572894","version":1,"size":124,"vsize":124,"weight":496,"locktime":0,"vin":[],"vout":[{"value":1.00000000,"n":0,"scriptPubKey":{"asm":"2 02a5613bd857b7048924264d1e70e08fb2a7e6527d32b7ab1bb993ac59964ff397 021ac43c7ff740014c3b33737ede99c967e4764553d1b2b83db77c83b8715fa72d 02df2089105c77f266fa11a9d33f05c735234075f2e8780824c6b709415f9fb485 3 OP_CHECKMULTISIG","desc":"multi(2,02a5613bd857b7048924264d1e70e08fb2a7e6527d32b7ab1bb993ac59964ff397,021ac43c7ff740014c3b33737ede99c967e4764553d1b2b83db77c83b8715fa72d,02df2089105c77f266fa11a9d33f05c735234075f2e8780824c6b709415f9fb485)#8s88p9pl","hex":"522102a5613bd857b7048924264d1e70e08fb2a7e6527d32b7ab1bb993ac59964ff39721021ac43c7ff740014c3b33737ede99c967e4764553d1b2b83db77c83b8715fa72d2102df2089105c77f266fa11a9d33f05c735234075f2e8780824c6b709415f9fb48553ae","type":"multisig"}}],"hex":"01000000000100e1f5050000000069522102a5613bd857b7048924264d1e70e08fb2a7e6527d32b7ab1bb993ac59964ff39721021ac43c7ff740014c3b33737ede99c967e4764553d1b2b83db77c83b8715fa72d2102df2089105c77f266fa11a9d33f05c735234075f2e8780824c6b709415f9fb48553ae00000000"}`},
	{"txcreateoutpubkey2",
		"0100000000010000000000000000160014a2516e770582864a6a56ed21a102044e388c62e300000000",
		`{"txid":"70f2a088cde460e677415fa1fb71895e90c231e6ed38ed203a35b6f848e9cc73","hash":"70f2a088cde460e677415fa1fb71895e90c231e6ed38ed203a35b6f848e9cc73","version":1,"size":41,"vsize":41,"weight":164,"locktime":0,"vin":[],"vout":[{"value":0.00000000,"n":0,"scriptPubKey":{"asm":"0 a2516e770582864a6a56ed21a102044e388c62e3","desc":"addr(bc1q5fgkuac9s2ry56jka5s6zqsyfcugcchry5cwu0)#gm7zhxq2","hex":"0014a2516e770582864a6a56ed21a102044e388c62e3","address":"bc1q5fgkuac9s2ry56jka5s6zqsyfcugcchry5cwu0","type":"witness_v0_keyhash"}}],"hex":"0100000000010000000000000000160014a2516e770582864a6a56ed21a102044e388c62e300000000"}`},
	{"txcreatesignv1",
		"01000000018594c5bdcaec8f06b78b596f31cd292a294fd031e24eec716f43dac91ea7494d000000008a4730440220131432090a6af42da3e8335ff110831b41a44f4e9d18d88f5d50278380696c7202200fc2e48938f323ad13625890c0ea926c8a189c08b8efc38376b20c8a2188e96e01410479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8ffffffff01a0860100000000001976a9145834479edbbe0539b31ffd3a8f8ebadc2165ed0188ac00000000",
		`{"txid":"ffc7e509ec3fd60a182eb712621d41a47dc7d4ff310a70826c2fb0e9afb3fa02","hash":"ffc7e509ec3fd60a182eb712621d41a47dc7d4ff310a70826c2fb0e9afb3fa02","version":1,"size":223,"vsize":223,"weight":892,"locktime":0,"vin":[{"txid":"4d49a71ec9da436f71ec4ee231d04f292a29cd316f598bb7068feccabdc59485","vout":0,"scriptSig":{"asm":"30440220131432090a6af42da3e8335ff110831b41a44f4e9d18d88f5d50278380696c7202200fc2e48938f323ad13625890c0ea926c8a189c08b8efc38376b20c8a2188e96e[ALL] 0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8","hex":"4730440220131432090a6af42da3e8335ff110831b41a44f4e9d18d88f5d50278380696c7202200fc2e48938f323ad13625890c0ea926c8a189c08b8efc38376b20c8a2188e96e01410479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8"},"sequence":4294967295}],"vout":[{"value":0.00100000,"n":0,"scriptPubKey":{"asm":"OP_DUP OP_HASH160 5834479edbbe0539b31ffd3a8f8ebadc2165ed01 OP_EQUALVERIFY OP_CHECKSIG","desc":"addr(193P6LtvS4nCnkDvM9uXn1gsSRqh4aDAz7)#nw04wh58","hex":"76a9145834479edbbe0539b31ffd3a8f8ebadc2165ed0188ac","address":"193P6LtvS4nCnkDvM9uXn1gsSRqh4aDAz7","type":"pubkeyhash"}}],"hex":"01000000018594c5bdcaec8f06b78b596f31cd292a294fd031e24eec716f43dac91ea7494d000000008a4730440220131432090a6af42da3e8335ff110831b41a44f4e9d18d88f5d50278380696c7202200fc2e48938f323ad13625890c0ea926c8a189c08b8efc38376b20c8a2188e96e01410479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8ffffffff01a0860100000000001976a9145834479edbbe0539b31ffd3a8f8ebadc2165ed0188ac00000000"}`},
}

func TestCoreBitcoinTxOutputs(t *testing.T) {
	for _, tc := range coreBitcoinTxCases {
		raw, err := hex.DecodeString(tc.hex)
		if err != nil {
			t.Fatal(err)
		}
		// Two of these have no inputs, whose legacy encoding looks like
		// the witness marker: ParseRawTx must pick the legacy reading.
		tx, err := ParseRawTx(raw, true, true)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got, err := json.Marshal(DecodeTxWithHex(tx, params.MainNet))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tc.json {
			t.Errorf("%s\n got %s\nwant %s", tc.name, got, tc.json)
		}
	}
}

func TestParseRawTx(t *testing.T) {
	zeroIn, _ := hex.DecodeString(coreBitcoinTxCases[1].hex)
	if _, err := ParseRawTx(zeroIn, false, true); err == nil {
		t.Error("witness-only reading of a zero-input transaction succeeded")
	}
	tx, err := ParseRawTx(zeroIn, false, false) // both tried
	if err != nil || len(tx.TxIn) != 0 || len(tx.TxOut) != 1 {
		t.Errorf("ParseRawTx(both) = %v, %v", tx, err)
	}
	seg := blockTx(t, "block-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.blk", 52)
	got, err := ParseRawTx(seg.Serialize(), true, true)
	if err != nil || !got.HasWitness() || got.TxHash() != seg.TxHash() {
		t.Errorf("segwit transaction: %v", err)
	}
	if _, err := ParseRawTx(seg.Serialize(), true, false); err == nil {
		t.Error("legacy-only reading of a witness transaction succeeded")
	}
	for _, bad := range []string{"", "00", "0100000001", "deadbeef"} {
		b, _ := hex.DecodeString(bad)
		if _, err := ParseRawTx(b, true, true); err == nil {
			t.Errorf("ParseRawTx(%q) succeeded", bad)
		}
	}
}
