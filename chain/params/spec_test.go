package params

import (
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/wire"
)

const sampleSpec = "testdata/devnet-spec.json"

// baseSpec returns a minimal valid spec as a generic map for tests to edit.
func baseSpec() map[string]any {
	return map[string]any{
		"name":                "devnet",
		"magic":               "d5e7a1c3",
		"port":                19444,
		"rpcport":             19443,
		"bech32_hrp":          "bnd",
		"pubkey_hash_addr_id": 111,
		"script_hash_addr_id": 196,
		"private_key_id":      239,
		"pow_limit_bits":      "207fffff",
		"genesis": map[string]any{
			"timestamp": 1735689600,
			"message":   "bitnode devnet",
		},
	}
}

func specBytes(t testing.TB, m map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func genesisOf(m map[string]any) map[string]any { return m["genesis"].(map[string]any) }

// regtestLikeSpec reproduces Core's regtest genesis inputs.
func regtestLikeSpec() map[string]any {
	m := baseSpec()
	m["genesis"] = map[string]any{
		"timestamp": 1296688602,
		"message":   CoreGenesisMessage,
		"bits":      "207fffff",
		"nonce":     2,
	}
	return m
}

func TestSampleSpec(t *testing.T) {
	p, err := LoadChainSpec(sampleSpec)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "devnet" || p.Net != 0xc3a1e7d5 || p.DefaultPort != 19444 || p.RPCPort != 19443 ||
		p.Bech32HRP != "bnd" || !p.PowNoRetargeting || !p.PowAllowMinDifficultyBlocks ||
		p.SubsidyHalvingInterval != 150 || p.RetargetInterval() != 144 {
		t.Errorf("sample params %+v", p)
	}
	if err := consensus.CheckProofOfWork(p.GenesisHash, p.GenesisBlock.Header.Bits, p.PowLimit); err != nil {
		t.Errorf("genesis does not meet its target: %v", err)
	}
	if p.GenesisBlock.BlockHash() != p.GenesisHash {
		t.Error("GenesisHash is not the block's hash")
	}
	if err := consensus.CheckMerkleRoot(p.GenesisBlock); err != nil {
		t.Error(err)
	}
	again, err := LoadChainSpec(sampleSpec)
	if err != nil || again.GenesisHash != p.GenesisHash || again.GenesisBlock.Header != p.GenesisBlock.Header {
		t.Errorf("mining is not deterministic: %v vs %v (%v)", p.GenesisHash, again.GenesisHash, err)
	}
	// Pinned so that a change to genesis construction is noticed.
	const want = "33f7fb18551398a693fcb631de0935960760d799d270414b984fa52e4c358479"
	if got := p.GenesisHash.String(); got != want {
		t.Errorf("sample genesis %s (nonce %d), want %s", got, p.GenesisBlock.Header.Nonce, want)
	}
	if _, err := ByName(p.Name); err == nil {
		t.Error("custom network leaked into ByName")
	}
}

func TestSpecDefaults(t *testing.T) {
	p, err := ParseChainSpec(specBytes(t, baseSpec()))
	if err != nil {
		t.Fatal(err)
	}
	if p.HDPrivateKeyID != tprv || p.HDPublicKeyID != tpub || p.CoinbaseMaturity != 100 ||
		p.SubsidyHalvingInterval != 210000 || p.PowNoRetargeting || p.PowAllowMinDifficultyBlocks ||
		p.PowTargetSpacing != 10*time.Minute || p.PowTargetTimespan != twoWeeks || p.RetargetInterval() != 2016 {
		t.Errorf("defaults %+v", p)
	}
	heights := []int32{p.BIP34Height, p.BIP65Height, p.BIP66Height, p.CSVHeight, p.SegwitHeight, p.TaprootHeight}
	if want := []int32{1, 1, 1, 1, 0, 0}; !equalInt32(heights, want) {
		t.Errorf("heights %v, want %v", heights, want)
	}
	if p.MinimumChainWork.Sign() != 0 || !p.AssumeValid.IsZero() || p.DNSSeeds != nil || p.SignetChallenge != nil {
		t.Errorf("unexpected chain-trust values %+v", p)
	}
	g := p.GenesisBlock
	if g.Header.Version != 1 || g.Header.Bits != 0x207fffff || g.Transactions[0].TxOut[0].Value != 5_000_000_000 ||
		string(g.Transactions[0].TxOut[0].PkScript) != string(CoreGenesisOutputScript()) {
		t.Errorf("genesis defaults %+v", g.Header)
	}
	if p.PowLimit.Cmp(RegTest.PowLimit) > 0 || p.PowLimitBits != 0x207fffff {
		t.Errorf("pow limit %x", p.PowLimit)
	}
}

func equalInt32(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Specs that reproduce Bitcoin's genesis blocks must hash to them exactly.
func TestSpecReproducesCoreGenesis(t *testing.T) {
	regtest := regtestLikeSpec()

	main := baseSpec()
	main["pow_limit_bits"] = "1d00ffff"
	main["genesis"] = map[string]any{"timestamp": 1231006505, "message": CoreGenesisMessage,
		"bits": "1d00ffff", "nonce": 2083236893}

	tn4 := baseSpec()
	tn4["pow_limit_bits"] = "1d00ffff"
	tn4["genesis"] = map[string]any{"timestamp": 1714777860, "message": testnet4GenesisMessage,
		"nonce": 393743547, "output_script": "21" + strings.Repeat("00", 33) + "ac"}

	tests := []struct {
		name string
		spec map[string]any
		want *Params
	}{
		{"regtest", regtest, RegTest},
		{"mainnet", main, MainNet}, // a valid nonce is used even at a difficulty too hard to mine
		{"testnet4", tn4, TestNet4},
	}
	for _, tt := range tests {
		p, err := ParseChainSpec(specBytes(t, tt.spec))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if p.GenesisHash != tt.want.GenesisHash {
			t.Errorf("%s: genesis %s, want %s", tt.name, p.GenesisHash, tt.want.GenesisHash)
		}
		if got, want := p.GenesisBlock.Serialize(), tt.want.GenesisBlock.Serialize(); string(got) != string(want) {
			t.Errorf("%s: genesis serialization differs", tt.name)
		}
	}
}

func TestSpecMining(t *testing.T) {
	// 2000ffff needs about 256 hashes, so nonce 0 almost surely misses.
	m := baseSpec()
	m["pow_limit_bits"] = "2000ffff"
	absent, err := ParseChainSpec(specBytes(t, m))
	if err != nil {
		t.Fatal(err)
	}
	genesisOf(m)["nonce"] = 0
	wrong, err := ParseChainSpec(specBytes(t, m))
	if err != nil {
		t.Fatal(err)
	}
	if absent.GenesisHash != wrong.GenesisHash {
		t.Errorf("a missing and a failing nonce mine different blocks: %s vs %s", absent.GenesisHash, wrong.GenesisHash)
	}
	target, _, _ := consensus.CompactToBig(0x2000ffff)
	if consensus.HashToBig(absent.GenesisHash).Cmp(target) > 0 {
		t.Errorf("mined hash %s above target", absent.GenesisHash)
	}
	genesisOf(m)["nonce"] = int64(absent.GenesisBlock.Header.Nonce)
	given, err := ParseChainSpec(specBytes(t, m))
	if err != nil || given.GenesisHash != absent.GenesisHash {
		t.Errorf("the mined nonce, given back, does not reproduce the block: %v", err)
	}

	_, err = ParseChainSpecOptions(specBytes(t, baseSpec()), SpecOptions{MaxGenesisWork: 1})
	if !errors.Is(err, ErrGenesisTooHard) {
		t.Errorf("work cap not enforced: %v", err)
	}
}

func TestMineGenesisBudget(t *testing.T) {
	h := RegTest.GenesisBlock.Header
	if mineGenesis(&h, big.NewInt(1), 100) {
		t.Error("found a hash below 2 in 100 tries")
	}
	h = RegTest.GenesisBlock.Header
	if !mineGenesis(&h, RegTest.PowLimit, searchBudget(2)) || !hashMeetsTarget(h.BlockHash(), RegTest.PowLimit) {
		t.Error("failed to mine at regtest difficulty")
	}
	if searchBudget(1<<63) != ^uint64(0) {
		t.Error("search budget overflows")
	}
}

func TestSpecErrors(t *testing.T) {
	type edit func(m map[string]any)
	set := func(k string, v any) edit { return func(m map[string]any) { m[k] = v } }
	del := func(k string) edit { return func(m map[string]any) { delete(m, k) } }
	gset := func(k string, v any) edit { return func(m map[string]any) { genesisOf(m)[k] = v } }
	gdel := func(k string) edit { return func(m map[string]any) { delete(genesisOf(m), k) } }
	height := func(k string, v any) edit {
		return func(m map[string]any) { m["activation_heights"] = map[string]any{k: v} }
	}
	tests := []struct {
		field string
		edit  edit
	}{
		{"name", del("name")}, {"name", set("name", "")}, {"name", set("name", "main")},
		{"name", set("name", "testnet3")}, {"name", set("name", "Regtest")}, {"name", set("name", "Dev")},
		{"name", set("name", "-dev")}, {"name", set("name", "dev net")}, {"name", set("name", strings.Repeat("a", 33))},
		{"name", set("name", 7)},
		{"magic", del("magic")}, {"magic", set("magic", "f9beb4d9")}, {"magic", set("magic", "fabfb5da")},
		{"magic", set("magic", "0a03cf40")}, {"magic", set("magic", "1c163f28")}, {"magic", set("magic", "0b110907")},
		{"magic", set("magic", "abc")}, {"magic", set("magic", "zzzzzzzz")}, {"magic", set("magic", "0102030405")},
		{"port", del("port")}, {"port", set("port", 0)}, {"port", set("port", 65536)}, {"port", set("port", "19444")},
		{"port", set("port", 1.5)},
		{"rpcport", del("rpcport")}, {"rpcport", set("rpcport", 19444)}, {"rpcport", set("rpcport", -1)},
		{"bech32_hrp", del("bech32_hrp")}, {"bech32_hrp", set("bech32_hrp", "")},
		{"bech32_hrp", set("bech32_hrp", "BND")}, {"bech32_hrp", set("bech32_hrp", "bc")},
		{"bech32_hrp", set("bech32_hrp", "b nd")}, {"bech32_hrp", set("bech32_hrp", "bn\x7f")},
		{"bech32_hrp", set("bech32_hrp", strings.Repeat("x", 31))}, {"bech32_hrp", set("bech32_hrp", "bñd")},
		{"pubkey_hash_addr_id", del("pubkey_hash_addr_id")}, {"pubkey_hash_addr_id", set("pubkey_hash_addr_id", 256)},
		{"pubkey_hash_addr_id", set("pubkey_hash_addr_id", -1)}, {"pubkey_hash_addr_id", set("pubkey_hash_addr_id", 0)},
		{"script_hash_addr_id", del("script_hash_addr_id")}, {"script_hash_addr_id", set("script_hash_addr_id", 111)},
		{"script_hash_addr_id", set("script_hash_addr_id", 5)},
		{"private_key_id", del("private_key_id")}, {"private_key_id", set("private_key_id", 300)},
		{"hd_private_key_id", set("hd_private_key_id", "0435839")},
		{"hd_private_key_id", set("hd_private_key_id", "xyzxyzxy")},
		{"hd_public_key_id", set("hd_public_key_id", "04358394")},
		{"pow_limit_bits", del("pow_limit_bits")}, {"pow_limit_bits", set("pow_limit_bits", "7fff")},
		{"pow_limit_bits", set("pow_limit_bits", "00000000")}, {"pow_limit_bits", set("pow_limit_bits", "04923456")},
		{"pow_limit_bits", set("pow_limit_bits", "ff123456")}, {"pow_limit_bits", set("pow_limit_bits", 0x207fffff)},
		{"retarget", set("retarget", "yes")}, {"allow_min_difficulty", set("allow_min_difficulty", 1)},
		{"block_interval_seconds", set("block_interval_seconds", 0)},
		{"block_interval_seconds", set("block_interval_seconds", 1<<40)},
		{"retarget_timespan_seconds", set("retarget_timespan_seconds", 599)},
		{"halving_interval", set("halving_interval", 0)},
		{"activation_heights.bip34", height("bip34", -1)}, {"activation_heights.bip65", height("bip65", 1<<31)},
		{"activation_heights.bip66", height("bip66", -5)}, {"activation_heights.csv", height("csv", -1)},
		{"activation_heights.segwit", height("segwit", "x")}, {"activation_heights.taproot", height("taproot", -1)},
		{"activation_heights.bip16", height("bip16", 1)},
		{"minimum_chain_work", set("minimum_chain_work", "")}, {"minimum_chain_work", set("minimum_chain_work", "xyz")},
		{"minimum_chain_work", set("minimum_chain_work", strings.Repeat("f", 65))},
		{"coinbase_maturity", set("coinbase_maturity", -1)},
		{"genesis", del("genesis")}, {"genesis", set("genesis", "block")},
		{"genesis.timestamp", gdel("timestamp")}, {"genesis.timestamp", gset("timestamp", 0)},
		{"genesis.timestamp", gset("timestamp", int64(1)<<32)},
		{"genesis.message", gdel("message")}, {"genesis.message", gset("message", "")},
		{"genesis.message", gset("message", strings.Repeat("m", 92))},
		{"genesis.bits", gset("bits", "1d00ff")}, {"genesis.bits", gset("bits", "00000000")},
		{"genesis.bits", func(m map[string]any) { m["pow_limit_bits"] = "1d00ffff"; genesisOf(m)["bits"] = "207fffff" }},
		{"genesis.bits", set("pow_limit_bits", "1d00ffff")}, // too hard to mine
		{"genesis.nonce", gset("nonce", -1)}, {"genesis.nonce", gset("nonce", int64(1)<<32)},
		{"genesis.version", gset("version", 0)}, {"genesis.version", gset("version", int64(1)<<31)},
		{"genesis.reward", gset("reward", -1)}, {"genesis.reward", gset("reward", int64(2_100_000_000_000_001))},
		{"genesis.output_script", gset("output_script", "zz")},
		{"genesis.output_script", gset("output_script", strings.Repeat("00", 10_001))},
		{"foo", set("foo", 1)}, {"genesis.extra", gset("extra", true)}, {"NAME", set("NAME", "devnet")},
	}
	for _, tt := range tests {
		m := baseSpec()
		tt.edit(m)
		data := specBytes(t, m)
		_, err := ParseChainSpecOptions(data, SpecOptions{MaxGenesisWork: 1 << 16})
		var se *SpecError
		if !errors.As(err, &se) {
			t.Errorf("%s: %s: got %v, want a *SpecError", tt.field, data, err)
			continue
		}
		if se.Field != tt.field || !strings.Contains(err.Error(), `"`+tt.field+`"`) {
			t.Errorf("%s: error names field %q: %v", tt.field, se.Field, err)
		}
	}
}

func TestSpecDocumentErrors(t *testing.T) {
	for _, doc := range []string{"", "   ", "{", "[]", "null x", `"spec"`, "{} {}", `{"name":}`, "12"} {
		_, err := ParseChainSpec([]byte(doc))
		var se *SpecError
		if !errors.As(err, &se) || se.Field != "" {
			t.Errorf("%q: got %v, want a document-level *SpecError", doc, err)
		}
	}
	// null is an object with every field absent.
	if _, err := ParseChainSpec([]byte("null")); err == nil {
		t.Error("null accepted")
	}
}

func TestLoadChainSpecErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadChainSpec(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing file accepted")
	}
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, make([]byte, maxSpecSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadChainSpec(big); err == nil || !strings.Contains(err.Error(), "larger") {
		t.Errorf("oversized file: %v", err)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"name":"x"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var se *SpecError
	if _, err := LoadChainSpec(bad); !errors.As(err, &se) || !strings.Contains(err.Error(), bad) {
		t.Errorf("invalid file: %v", err)
	}
}

func TestHashBelow(t *testing.T) {
	targets := []*big.Int{big.NewInt(0), big.NewInt(1), RegTest.PowLimit, MainNet.PowLimit,
		new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))}
	hashes := []wire.Hash{wire.ZeroHash, RegTest.GenesisHash, MainNet.GenesisHash, SigNet.GenesisHash,
		wire.MustHash("00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff")}
	for _, target := range targets {
		var be [wire.HashSize]byte
		target.FillBytes(be[:])
		for _, h := range hashes {
			if got, want := hashBelow(h, &be), hashMeetsTarget(h, target); got != want {
				t.Errorf("hashBelow(%s, %x) = %v, want %v", h, target, got, want)
			}
		}
	}
}
