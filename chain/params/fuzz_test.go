package params

import (
	"os"
	"testing"

	"github.com/bitnode/bitnode/chain/consensus"
)

// fuzzMaxWork keeps every genesis search in the fuzzer to a few thousand
// hashes: ParseChainSpecOptions refuses specs that would need more.
const fuzzMaxWork = 1 << 10

func FuzzParseChainSpec(f *testing.F) {
	sample, err := os.ReadFile(sampleSpec)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sample)
	f.Add(specBytes(f, baseSpec()))
	f.Add(specBytes(f, regtestLikeSpec()))
	for _, s := range []string{
		``, `null`, `{}`, `[]`, `{"name":"devnet"}`, `{"genesis":{}}`, `{"foo":1}`,
		`{"name":"main","magic":"f9beb4d9"}`,
		`{"name":"d","magic":"01020304","port":1,"rpcport":2,"bech32_hrp":"x","pubkey_hash_addr_id":1,` +
			`"script_hash_addr_id":2,"private_key_id":3,"pow_limit_bits":"1d00ffff","genesis":{"timestamp":1,"message":"m"}}`,
		`{"name":"d","magic":"01020304","port":1,"rpcport":2,"bech32_hrp":"x","pubkey_hash_addr_id":1,` +
			`"script_hash_addr_id":2,"private_key_id":3,"pow_limit_bits":"2100ffff","genesis":{"timestamp":4294967295,"message":"m","nonce":7}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseChainSpecOptions(data, SpecOptions{MaxGenesisWork: fuzzMaxWork})
		if err != nil {
			if _, ok := err.(*SpecError); !ok {
				t.Fatalf("error is %T, not *SpecError: %v", err, err)
			}
			return
		}
		if p.GenesisBlock.BlockHash() != p.GenesisHash {
			t.Fatal("GenesisHash is not the genesis block's hash")
		}
		if err := consensus.CheckProofOfWork(p.GenesisHash, p.GenesisBlock.Header.Bits, p.PowLimit); err != nil {
			t.Fatalf("accepted genesis fails proof of work: %v", err)
		}
		if isReservedName(p.Name) || p.Bech32HRP == "" || p.PubKeyHashAddrID == p.ScriptHashAddrID {
			t.Fatalf("accepted invalid params %+v", p)
		}
		if _, clash := ByNet(p.Net); clash {
			t.Fatalf("accepted Bitcoin's magic %08x", p.Net)
		}
	})
}
