package txjson

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/bitnode/bitnode/chain/params"
)

type spkCase struct {
	name    string
	net     *params.Params
	script  string
	asm     string
	desc    string // with checksum when from Core, without otherwise
	address string
	typ     string
}

// Output scripts as Bitcoin Core printed them (decoderawtransaction,
// getrawtransaction, gettxout and bitcoin-tx outputs quoted in public
// material and Core's functional test data), checksums included.
var coreSPKCases = []spkCase{
	{"p2tr mainnet", params.MainNet, "51203b8b3ab1453eb47e2d4903b963776680e30863df3625d3e74292338ae7928da1",
		"1 3b8b3ab1453eb47e2d4903b963776680e30863df3625d3e74292338ae7928da1",
		"rawtr(3b8b3ab1453eb47e2d4903b963776680e30863df3625d3e74292338ae7928da1)#tv35u9pg",
		"bc1p8w9n4v298668ut2fqwukxamxsr3ssc7lxcja8e6zjgec4euj3ksswckxz6", "witness_v1_taproot"},
	{"p2tr testnet", params.TestNet3, "51207f182f1de8ff40f3c8f96b0eae3412a1d94640f9fd80d01d51aa29b754ec96d9",
		"1 7f182f1de8ff40f3c8f96b0eae3412a1d94640f9fd80d01d51aa29b754ec96d9",
		"rawtr(7f182f1de8ff40f3c8f96b0eae3412a1d94640f9fd80d01d51aa29b754ec96d9)#9akpgdjz",
		"tb1p0uvz780glaq08j8edv82udqj58v5vs8elkqdq8234g5mw48vjmvs5rqa8m", "witness_v1_taproot"},
	{"p2tr regtest", params.RegTest, "512083b591cd94083108f40e0b99fdfb2ed5ff5de7142049b4ba82bc8398247a5c06",
		"1 83b591cd94083108f40e0b99fdfb2ed5ff5de7142049b4ba82bc8398247a5c06",
		"rawtr(83b591cd94083108f40e0b99fdfb2ed5ff5de7142049b4ba82bc8398247a5c06)#v7zanhk5",
		"bcrt1psw6ernv5pqcs3aqwpwvlm7ew6hl4mec5ypymfw5zhjpesfr6tsrq4x9mqn", "witness_v1_taproot"},
	{"p2wpkh", params.MainNet, "0014f6875e1b5f7f1c9b65d9e2831d34701004d3b444",
		"0 f6875e1b5f7f1c9b65d9e2831d34701004d3b444",
		"addr(bc1q76r4ux6l0uwfkeweu2p36drszqzd8dzyl74g5t)#pjg6r820",
		"bc1q76r4ux6l0uwfkeweu2p36drszqzd8dzyl74g5t", "witness_v0_keyhash"},
	{"p2pkh", params.MainNet, "76a9147bb1218a48c58c35c3537e6560e804023ee7310688ac",
		"OP_DUP OP_HASH160 7bb1218a48c58c35c3537e6560e804023ee73106 OP_EQUALVERIFY OP_CHECKSIG",
		"addr(1CH2JsgrMXmXUZWokyekHPZq4dYmeNBQjv)#pk83yamv",
		"1CH2JsgrMXmXUZWokyekHPZq4dYmeNBQjv", "pubkeyhash"},
	{"p2pkh (tt-locktime317000)", params.MainNet, "76a9148fd139bb39ced713f231c58a4d07bf6954d1c20188ac",
		"OP_DUP OP_HASH160 8fd139bb39ced713f231c58a4d07bf6954d1c201 OP_EQUALVERIFY OP_CHECKSIG",
		"addr(1E7SGgAZFCHDnVZLuRViX3gUmxpMfdvd2o)#xvg87vgr",
		"1E7SGgAZFCHDnVZLuRViX3gUmxpMfdvd2o", "pubkeyhash"},
	{"nulldata", params.MainNet,
		"6a430c00000003016101000000000000000000006728ee0d1d8901640100000000000000000000000000000001017005164d6b19dec3167ab350e29871b625e827de2aceba",
		"OP_RETURN 0c00000003016101000000000000000000006728ee0d1d8901640100000000000000000000000000000001017005164d6b19dec3167ab350e29871b625e827de2aceba",
		"raw(6a430c00000003016101000000000000000000006728ee0d1d8901640100000000000000000000000000000001017005164d6b19dec3167ab350e29871b625e827de2aceba)#cxxgm8hp",
		"", "nulldata"},
}

// Cases derived from Core's Solver/InferDescriptor rules, without Core's
// checksum (the checksum itself is tested against Core above and BIP380).
var ruleSPKCases = []spkCase{
	{"empty", params.MainNet, "", "", "raw()", "", "nonstandard"},
	{"anchor", params.MainNet, "51024e73", "1 29518", "addr(bc1pfeessrawgf)", "bc1pfeessrawgf", "anchor"},
	{"anchor signet", params.SigNet, "51024e73", "1 29518", "addr(tb1pfees9rn5nz)", "tb1pfees9rn5nz", "anchor"},
	{"witness v16", params.MainNet, "6002751e", "16 7797", "addr(bc1sw50qgdz25j)", "bc1sw50qgdz25j", "witness_unknown"},
	{"witness v2", params.MainNet, "5210751e76e8199196d454941c45d1b3a323",
		"2 751e76e8199196d454941c45d1b3a323", "addr(bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs)",
		"bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "witness_unknown"},
	{"witness v1 40 bytes", params.MainNet,
		"5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6",
		"1 751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6",
		"addr(bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y)",
		"bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y", "witness_unknown"},
	{"witness v0 bad length", params.MainNet, "0015751e76e8199196d454941c45d1b3a323f1433bd600",
		"0 751e76e8199196d454941c45d1b3a323f1433bd600", "raw(0015751e76e8199196d454941c45d1b3a323f1433bd600)",
		"", "nonstandard"},
	{"p2tr key off the curve", params.MainNet,
		"5120" + strings.Repeat("ff", 32), "1 " + strings.Repeat("ff", 32),
		"addr(bc1plllllllllllllllllllllllllllllllllllllllllllllllllllsr7rg6v)",
		"bc1plllllllllllllllllllllllllllllllllllllllllllllllllllsr7rg6v", "witness_v1_taproot"},
	{"p2tr generator x", params.MainNet,
		"512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
		"1 79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
		"rawtr(79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798)",
		"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "witness_v1_taproot"},
	{"p2sh", params.MainNet, "a914eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee87",
		"OP_HASH160 eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee OP_EQUAL",
		"addr(3PUNyaW7M55oKWJ3kDukwk9bsKvryra15j)", "3PUNyaW7M55oKWJ3kDukwk9bsKvryra15j", "scripthash"},
	{"p2pk compressed", params.MainNet,
		"21" + "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798" + "ac",
		"0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798 OP_CHECKSIG",
		"pk(0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798)", "", "pubkey"},
	{"p2pk hybrid key", params.MainNet, "41" + "06" + strings.Repeat("11", 64) + "ac",
		"06" + strings.Repeat("11", 64) + " OP_CHECKSIG",
		"raw(4106" + strings.Repeat("11", 64) + "ac)", "", "pubkey"},
	{"p2pk wrong prefix", params.MainNet, "21" + "05" + strings.Repeat("11", 32) + "ac",
		"05" + strings.Repeat("11", 32) + " OP_CHECKSIG",
		"raw(2105" + strings.Repeat("11", 32) + "ac)", "", "nonstandard"},
	{"multisig with hybrid key", params.MainNet,
		"51" + "21" + "02" + strings.Repeat("22", 32) + "41" + "07" + strings.Repeat("33", 64) + "52ae",
		"1 02" + strings.Repeat("22", 32) + " 07" + strings.Repeat("33", 64) + " 2 OP_CHECKMULTISIG",
		"raw(512102" + strings.Repeat("22", 32) + "4107" + strings.Repeat("33", 64) + "52ae)", "", "multisig"},
	{"multisig non-minimal count", params.MainNet,
		"51" + "21" + "02" + strings.Repeat("22", 32) + "0101" + "ae",
		"1 02" + strings.Repeat("22", 32) + " 1 OP_CHECKMULTISIG",
		"raw(512102" + strings.Repeat("22", 32) + "0101ae)", "", "nonstandard"},
	{"multisig m > n", params.MainNet,
		"52" + "21" + "02" + strings.Repeat("22", 32) + "51" + "ae",
		"2 02" + strings.Repeat("22", 32) + " 1 OP_CHECKMULTISIG",
		"raw(522102" + strings.Repeat("22", 32) + "51ae)", "", "nonstandard"},
	{"nulldata empty", params.MainNet, "6a", "OP_RETURN", "raw(6a)", "", "nulldata"},
	{"nulldata with reserved", params.MainNet, "6a50", "OP_RETURN OP_RESERVED", "raw(6a50)", "", "nulldata"},
	{"op_return not push-only", params.MainNet, "6a61", "OP_RETURN OP_NOP", "raw(6a61)", "", "nonstandard"},
	{"op_return truncated", params.MainNet, "6a05ff", "OP_RETURN [error]", "raw(6a05ff)", "", "nonstandard"},
	{"p2pkh on regtest", params.RegTest, "76a9147bb1218a48c58c35c3537e6560e804023ee7310688ac",
		"OP_DUP OP_HASH160 7bb1218a48c58c35c3537e6560e804023ee73106 OP_EQUALVERIFY OP_CHECKSIG",
		"addr(mrnybvmqAZCnFfzRUYd87Jn9vd9UW6gTBT)", "mrnybvmqAZCnFfzRUYd87Jn9vd9UW6gTBT", "pubkeyhash"},
}

func checkSPK(t *testing.T, tc spkCase, withChecksum bool) {
	t.Helper()
	s, err := hex.DecodeString(tc.script)
	if err != nil {
		t.Fatal(err)
	}
	r := DecodeScriptPubKey(s, tc.net)
	desc := r.Desc
	if !withChecksum {
		body, sum, _ := strings.Cut(r.Desc, "#")
		if want, _ := DescriptorChecksum(body); sum != want {
			t.Errorf("%s: desc %q has a wrong checksum", tc.name, r.Desc)
		}
		desc = body
	}
	if r.Asm != tc.asm || desc != tc.desc || r.Hex != tc.script || r.Address != tc.address || r.Type != tc.typ {
		t.Errorf("%s:\n got %+v\nwant asm %q desc %q address %q type %q", tc.name, r, tc.asm, tc.desc, tc.address, tc.typ)
	}
	if ScriptType(s) != tc.typ {
		t.Errorf("%s: ScriptType = %q", tc.name, ScriptType(s))
	}
}

func TestDecodeScriptPubKeyCore(t *testing.T) {
	for _, tc := range coreSPKCases {
		checkSPK(t, tc, true)
	}
}

func TestDecodeScriptPubKeyRules(t *testing.T) {
	for _, tc := range ruleSPKCases {
		checkSPK(t, tc, false)
	}
}

func TestMultisigUpTo20Keys(t *testing.T) {
	key := "21" + "03" + strings.Repeat("44", 32)
	s := "51" + strings.Repeat(key, 17) + "0111" + "ae" // 1-of-17, n as a minimal push
	b, _ := hex.DecodeString(s)
	r := DecodeScriptPubKey(b, params.MainNet)
	if r.Type != "multisig" || !strings.HasPrefix(r.Desc, "multi(1,03") || strings.Count(r.Desc, ",") != 17 {
		t.Errorf("1-of-17: %+v", r)
	}
	s21 := "51" + strings.Repeat(key, 21) + "0115" + "ae" // 21 keys: too many
	b, _ = hex.DecodeString(s21)
	if typ := ScriptType(b); typ != "nonstandard" {
		t.Errorf("1-of-21 type %q", typ)
	}
}

func TestNoAddressWithoutParams(t *testing.T) {
	b, _ := hex.DecodeString("0014f6875e1b5f7f1c9b65d9e2831d34701004d3b444")
	r := DecodeScriptPubKey(b, nil)
	if r.Address != "" || !strings.HasPrefix(r.Desc, "raw(") || r.Type != "witness_v0_keyhash" {
		t.Errorf("nil params: %+v", r)
	}
}
