package script

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/bitnode/bitnode/wire"
)

// Core's src/test/script_tests.cpp, script_GetScriptAsm.
const (
	coreDERSig = "304502207fa7a6d1e0ee81132a269ad84e68d695483745cde8b541e3bf630749894e342a022100c1f7ab20e13e22fb95281a870f3dcf38d782e53023ee313d741ad0cfbc0c5090"
	corePubKey = "03b0da749730dc9b4b1f4a14d6902877a92541f5368778853d9c4a0cb7802dcfb2"
)

type asmCase struct {
	name   string
	script string // hex
	sighas bool   // sighashDecode
	want   string
}

func coreGetScriptAsmCases() []asmCase {
	cases := []asmCase{
		{"nop2 decoded", "b1", true, "OP_CHECKLOCKTIMEVERIFY"},
		{"nop2", "b1", false, "OP_CHECKLOCKTIMEVERIFY"},
	}
	// The signature pushed with each hash-type byte, then the key.
	push := func(hashType string) string { return "48" + coreDERSig + hashType + "21" + corePubKey }
	decoded := map[string]string{
		"00": coreDERSig + "00", "80": coreDERSig + "80",
		"01": coreDERSig + "[ALL]", "02": coreDERSig + "[NONE]", "03": coreDERSig + "[SINGLE]",
		"81": coreDERSig + "[ALL|ANYONECANPAY]", "82": coreDERSig + "[NONE|ANYONECANPAY]",
		"83": coreDERSig + "[SINGLE|ANYONECANPAY]",
	}
	for ht, sig := range decoded {
		cases = append(cases,
			asmCase{"sighash " + ht, push(ht), true, sig + " " + corePubKey},
			asmCase{"no sighash " + ht, push(ht), false, coreDERSig + ht + " " + corePubKey})
	}
	return cases
}

// Outputs printed by Bitcoin Core (RPC examples, functional test data and
// bug reports quoting bitcoin-cli).
var coreAsmCases = []asmCase{
	{"p2sh (rpc_decodescript.json)", "a914eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee87", false,
		"OP_HASH160 eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee OP_EQUAL"},
	{"op_return 0 (rpc_decodescript.json)", "6a00", false, "OP_RETURN 0"},
	{"negative push (bitcoinfuzz #81)", "01908b90", false, "-16 OP_1ADD OP_ABS"},
	{"4-byte negative (bitcoin #13505)", "5101620493016387", false, "1 98 -123928979"},
	{"multisig (txcreatemultisig1.json)",
		"522102a5613bd857b7048924264d1e70e08fb2a7e6527d32b7ab1bb993ac59964ff39721021ac43c7ff740014c3b33737ede99c967e4764553d1b2b83db77c83b8715fa72d2102df2089105c77f266fa11a9d33f05c735234075f2e8780824c6b709415f9fb48553ae",
		false, "2 02a5613bd857b7048924264d1e70e08fb2a7e6527d32b7ab1bb993ac59964ff397 021ac43c7ff740014c3b33737ede99c967e4764553d1b2b83db77c83b8715fa72d 02df2089105c77f266fa11a9d33f05c735234075f2e8780824c6b709415f9fb485 3 OP_CHECKMULTISIG"},
	{"p2wpkh (txcreateoutpubkey2.json)", "0014a2516e770582864a6a56ed21a102044e388c62e3", false,
		"0 a2516e770582864a6a56ed21a102044e388c62e3"},
	{"scriptSig (txcreatesignv1.json)",
		"4730440220131432090a6af42da3e8335ff110831b41a44f4e9d18d88f5d50278380696c7202200fc2e48938f323ad13625890c0ea926c8a189c08b8efc38376b20c8a2188e96e01410479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8",
		true, "30440220131432090a6af42da3e8335ff110831b41a44f4e9d18d88f5d50278380696c7202200fc2e48938f323ad13625890c0ea926c8a189c08b8efc38376b20c8a2188e96e[ALL] 0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8"},
	{"block 170 scriptSig (decoderawtransaction f4184fc5...)",
		"47304402204e45e16932b8af514961a1d3a1a25fdf3f4f7732e9d624c6c61548ab5fb8cd410220181522ec8eca07de4860a4acdd12909d831cc56cbbac4622082221a8768d1d0901",
		true, "304402204e45e16932b8af514961a1d3a1a25fdf3f4f7732e9d624c6c61548ab5fb8cd410220181522ec8eca07de4860a4acdd12909d831cc56cbbac4622082221a8768d1d09[ALL]"},
	{"block 170 p2pk output",
		"4104ae1a62fe09c5f51b13905f07f06b99a2f7159b2225f374cd378d71302fa28414e7aab37397f554a7df5f142c21c1b7303b8a0626f1baded5c72a704f7e6cd84cac",
		false, "04ae1a62fe09c5f51b13905f07f06b99a2f7159b2225f374cd378d71302fa28414e7aab37397f554a7df5f142c21c1b7303b8a0626f1baded5c72a704f7e6cd84c OP_CHECKSIG"},
}

// Cases derived from Core's ScriptToAsmStr and GetScriptOp rules.
var ruleAsmCases = []asmCase{
	{"empty", "", true, ""},
	{"op_0", "00", false, "0"},
	{"1negate and small ints", "4f51526060", false, "-1 1 2 16 16"},
	{"one-byte pushes", "0100010101800181017f", false, "0 1 0 -1 127"},
	{"two-byte push", "02ff7f", false, "32767"},
	{"4-byte max", "04ffffff7f", false, "2147483647"},
	{"4-byte min", "04ffffffff", false, "-2147483647"},
	{"5-byte push is hex", "050000000080", false, "0000000080"},
	{"pushdata1 small", "4c0100", false, "0"},
	{"pushdata2 empty", "4d0000", false, "0"},
	{"pushdata4 small", "4e0200000001ff", false, "-32513"},
	{"reserved and unknowns", "50bbfeff62ba", false, "OP_RESERVED OP_UNKNOWN OP_UNKNOWN OP_INVALIDOPCODE OP_VER OP_CHECKSIGADD"},
	{"nops", "61b0b1b2b3b9", false, "OP_NOP OP_NOP1 OP_CHECKLOCKTIMEVERIFY OP_CHECKSEQUENCEVERIFY OP_NOP4 OP_NOP10"},
	{"truncated push alone", "4c", false, "[error]"},
	{"truncated after op", "514c", false, "1 [error]"},
	{"truncated direct push", "0201", true, "[error]"},
	{"truncated pushdata2", "76a94d0100", false, "OP_DUP OP_HASH160 [error]"},
	{"truncated pushdata4 length", "4e0100", false, "[error]"},
	{"error stops output", "5103ffff", false, "1 [error]"},
	{"op_return not sighash-decoded", "6a48" + coreDERSig + "01", true, "OP_RETURN " + coreDERSig + "01"},
	{"undefined hash type", "48" + coreDERSig + "04", true, coreDERSig + "04"},
	{"not DER", "09310602010102010101", true, "310602010102010101"},
	{"minimal DER", "09300602010102010101", true, "3006020101020101[ALL]"},
	{"negative R is not DER", "09300602018102010101", true, "300602018102010101"},
}

func TestDisasm(t *testing.T) {
	var all []asmCase
	all = append(all, coreGetScriptAsmCases()...)
	all = append(all, coreAsmCases...)
	all = append(all, ruleAsmCases...)
	for _, tc := range all {
		if got := Disasm(mustHex(t, tc.script), tc.sighas); got != tc.want {
			t.Errorf("%s: Disasm(%s, %v)\n got %q\nwant %q", tc.name, tc.script, tc.sighas, got, tc.want)
		}
	}
}

func TestIsValidSignatureEncoding(t *testing.T) {
	tests := []struct {
		sig  string
		want bool
	}{
		{coreDERSig + "01", true},
		{coreDERSig, false}, // length byte covers the hash type
		{"3006020101020101" + "01", true},
		{"3006020100020101" + "01", true},    // R = 0 is encodable
		{"300702020001020101" + "01", false}, // R padded without need
		{"300702020080020101" + "01", true},  // R padding needed for 0x80
		{"3006020101020181" + "01", false},   // negative S
		{"3006020101030101" + "01", false},   // S not an integer
		{"3006020101020101", false},          // too short (8 bytes)
		{"31060201010201010101", false},
		{"3005020101020001", false}, // zero-length S
	}
	for _, tc := range tests {
		if got := IsValidSignatureEncoding(mustHex(t, tc.sig)); got != tc.want {
			t.Errorf("IsValidSignatureEncoding(%s) = %v, want %v", tc.sig, got, tc.want)
		}
	}
}

// blockScripts returns every scriptSig and output script of mainnet block
// 413567 (Bitcoin Core's benchmark block).
func blockScripts(t testing.TB) [][]byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "bitcoin-core", "block413567.raw"))
	if err != nil {
		t.Fatal(err)
	}
	blk, err := wire.DecodeBlock(raw)
	if err != nil {
		t.Fatal(err)
	}
	var scripts [][]byte
	for _, tx := range blk.Transactions {
		for _, in := range tx.TxIn {
			scripts = append(scripts, in.SignatureScript)
		}
		for _, out := range tx.TxOut {
			scripts = append(scripts, out.PkScript)
		}
	}
	return scripts
}

// TestDisasmRealBlock disassembles every script of a real block and checks
// that the text reads back to the pushed bytes: numbers to their script
// numbers, hex to the data, decoded signatures to data plus hash type.
func TestDisasmRealBlock(t *testing.T) {
	sigs := 0
	for _, s := range blockScripts(t) {
		asm := Disasm(s, true)
		ops, err := ParseOps(s)
		if err != nil || strings.Contains(asm, "[error]") {
			t.Fatalf("script %x: %v / %q", s, err, asm)
		}
		words := strings.Split(asm, " ")
		if len(s) == 0 {
			words = nil
		}
		if len(words) != len(ops) {
			t.Fatalf("script %x: %d words for %d ops: %q", s, len(words), len(ops), asm)
		}
		for i, op := range ops {
			if checkAsmWord(t, op, words[i]) {
				sigs++
			}
		}
	}
	if sigs < 5000 {
		t.Errorf("only %d signatures decoded; block 413567 has over 5000", sigs)
	}
}

func checkAsmWord(t *testing.T, op Op, word string) (signature bool) {
	t.Helper()
	switch {
	case !op.Opcode.IsPush():
		if word != op.Opcode.String() {
			t.Fatalf("opcode %v printed as %q", op.Opcode, word)
		}
	case len(op.Data) <= 4:
		if n, err := strconv.ParseInt(word, 10, 64); err != nil || n != asmScriptNum(op.Data) {
			t.Fatalf("push %x printed as %q", op.Data, word)
		}
	case strings.HasSuffix(word, "]"):
		i := strings.IndexByte(word, '[')
		ht := map[string]byte{"ALL": 1, "NONE": 2, "SINGLE": 3, "ALL|ANYONECANPAY": 0x81,
			"NONE|ANYONECANPAY": 0x82, "SINGLE|ANYONECANPAY": 0x83}[word[i+1:len(word)-1]]
		if word[:i]+hex.EncodeToString([]byte{ht}) != hex.EncodeToString(op.Data) {
			t.Fatalf("signature %x printed as %q", op.Data, word)
		}
		return true
	default:
		if word != hex.EncodeToString(op.Data) {
			t.Fatalf("push %x printed as %q", op.Data, word)
		}
	}
	return false
}

// FuzzDisasm checks Disasm never panics, ends in "[error]" exactly when the
// script does not parse, and only decodes sighashes when asked.
func FuzzDisasm(f *testing.F) {
	for _, tc := range append(append(coreGetScriptAsmCases(), coreAsmCases...), ruleAsmCases...) {
		b, _ := hex.DecodeString(tc.script)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, s []byte) {
		plain, decoded := Disasm(s, false), Disasm(s, true)
		_, err := ParseOps(s)
		if bad := strings.HasSuffix(plain, "[error]"); bad != (err != nil) {
			t.Fatalf("script %x: %q, parse error %v", s, plain, err)
		}
		if strings.Count(plain, "[") > 1 || (err == nil && strings.Contains(plain, "[")) {
			t.Fatalf("script %x: sighash decoded without asking: %q", s, plain)
		}
		if len(decoded) > len(plain)+len(s)*20 {
			t.Fatalf("script %x: decoded text out of proportion", s)
		}
	})
}
