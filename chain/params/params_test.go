package params

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/wire"
)

// Genesis hashes and merkle roots as Bitcoin Core asserts them.
func TestGenesisBlocks(t *testing.T) {
	const coreRoot = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"
	tests := []struct {
		p          *Params
		hash, root string
		time       uint32
		nonce      uint32
		bits       uint32
	}{
		{MainNet, "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f", coreRoot, 1231006505, 2083236893, 0x1d00ffff},
		{TestNet3, "000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943", coreRoot, 1296688602, 414098458, 0x1d00ffff},
		{TestNet4, "00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043",
			"7aa0a7ae1e223414cb807e40cd57e667b718e42aaf9306db9102fe28912b7b4e", 1714777860, 393743547, 0x1d00ffff},
		{SigNet, "00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6", coreRoot, 1598918400, 52613770, 0x1e0377ae},
		{RegTest, "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206", coreRoot, 1296688602, 2, 0x207fffff},
	}
	for _, tt := range tests {
		t.Run(tt.p.Name, func(t *testing.T) {
			blk := tt.p.GenesisBlock
			if got := blk.BlockHash(); got != wire.MustHash(tt.hash) || got != tt.p.GenesisHash {
				t.Errorf("genesis hash %s, want %s (GenesisHash %s)", got, tt.hash, tt.p.GenesisHash)
			}
			if got := blk.Header.MerkleRoot.String(); got != tt.root {
				t.Errorf("merkle root %s, want %s", got, tt.root)
			}
			if err := consensus.CheckMerkleRoot(blk); err != nil {
				t.Errorf("CheckMerkleRoot: %v", err)
			}
			h := blk.Header
			if h.Timestamp != tt.time || h.Nonce != tt.nonce || h.Bits != tt.bits || h.Version != 1 || !h.PrevBlock.IsZero() {
				t.Errorf("header %+v, want time %d nonce %d bits %08x version 1", h, tt.time, tt.nonce, tt.bits)
			}
			if h.Bits != tt.p.PowLimitBits {
				t.Errorf("genesis bits %08x, PowLimitBits %08x", h.Bits, tt.p.PowLimitBits)
			}
			if err := consensus.CheckProofOfWork(tt.p.GenesisHash, h.Bits, tt.p.PowLimit); err != nil {
				t.Errorf("CheckProofOfWork: %v", err)
			}
			if len(blk.Transactions) != 1 || !blk.Transactions[0].IsCoinBase() ||
				blk.Transactions[0].TxOut[0].Value != 50*100_000_000 {
				t.Errorf("genesis coinbase malformed")
			}
		})
	}
}

// The mainnet genesis coinbase, byte for byte, as Core's comment prints it.
func TestGenesisCoinbaseScripts(t *testing.T) {
	const mainSig = "04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72" +
		"206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73"
	in := MainNet.GenesisBlock.Transactions[0].TxIn[0]
	if got := hex.EncodeToString(in.SignatureScript); got != mainSig {
		t.Errorf("mainnet scriptSig %s, want %s", got, mainSig)
	}
	out := MainNet.GenesisBlock.Transactions[0].TxOut[0].PkScript
	if len(out) != 67 || out[0] != 0x41 || out[66] != 0xac || hex.EncodeToString(out[1:5]) != "04678afd" {
		t.Errorf("mainnet genesis output script %x", out)
	}
	// Testnet4's 76-byte message needs OP_PUSHDATA1.
	sig := TestNet4.GenesisBlock.Transactions[0].TxIn[0].SignatureScript
	if !bytes.Equal(sig[:9], []byte{0x04, 0xff, 0xff, 0x00, 0x1d, 0x01, 0x04, 0x4c, 76}) ||
		string(sig[9:]) != testnet4GenesisMessage {
		t.Errorf("testnet4 scriptSig %x", sig)
	}
	want := append(append([]byte{33}, make([]byte, 33)...), 0xac)
	if got := TestNet4.GenesisBlock.Transactions[0].TxOut[0].PkScript; !bytes.Equal(got, want) {
		t.Errorf("testnet4 output script %x, want %x", got, want)
	}
}

func TestNetMagic(t *testing.T) {
	tests := []struct {
		p     *Params
		bytes string
		net   uint32
	}{
		{MainNet, "f9beb4d9", 0xd9b4bef9},
		{TestNet3, "0b110907", 0x0709110b},
		{TestNet4, "1c163f28", 0x283f161c},
		{SigNet, "0a03cf40", 0x40cf030a},
		{RegTest, "fabfb5da", 0xdab5bffa},
	}
	for _, tt := range tests {
		ms := tt.p.MessageStart()
		if got := hex.EncodeToString(ms[:]); got != tt.bytes || tt.p.Net != tt.net {
			t.Errorf("%s: message start %s net %#08x, want %s %#08x", tt.p.Name, got, tt.p.Net, tt.bytes, tt.net)
		}
		if p, ok := ByNet(tt.net); !ok || p != tt.p {
			t.Errorf("ByNet(%#08x) = %v, %v", tt.net, p, ok)
		}
	}
	if SignetNet(DefaultSignetChallenge()) != SigNet.Net {
		t.Error("signet magic not derived from its challenge")
	}
	if _, ok := ByNet(0x12345678); ok {
		t.Error("ByNet found an unknown magic")
	}
}

func TestByName(t *testing.T) {
	tests := []struct {
		name string
		want *Params
	}{
		{"main", MainNet}, {"mainnet", MainNet}, {"bitcoin", MainNet}, {"MAIN", MainNet},
		{"test", TestNet3}, {"testnet", TestNet3}, {"testnet3", TestNet3},
		{"testnet4", TestNet4}, {"signet", SigNet}, {"regtest", RegTest}, {"RegTest", RegTest},
		{"", nil}, {"simnet", nil}, {"testnet5", nil}, {" main", nil},
	}
	for _, tt := range tests {
		got, err := ByName(tt.name)
		if got != tt.want {
			t.Errorf("ByName(%q) = %v, want %v", tt.name, got, tt.want)
		}
		if (err != nil) != (tt.want == nil) || (err != nil && !errors.Is(err, ErrUnknownNetwork)) {
			t.Errorf("ByName(%q) error %v", tt.name, err)
		}
	}
	for _, p := range Networks() {
		if got, err := ByName(p.Name); err != nil || got != p {
			t.Errorf("ByName(%q) does not return the network itself", p.Name)
		}
	}
}

func TestNetworkValues(t *testing.T) {
	tests := []struct {
		p                                     *Params
		port, rpc                             uint16
		hrp                                   string
		pkh, sh, wif                          byte
		hdPriv                                string
		bip34, bip65, bip66, csv, sw, taproot int32
		halving                               int32
		interval                              int64
		minDiff, noRetarget, bip94            bool
		seeds                                 int
	}{
		{MainNet, 8333, 8332, "bc", 0x00, 0x05, 0x80, "0488ade4", 227931, 388381, 363725, 419328, 481824, 709632, 210000, 2016, false, false, false, 8},
		{TestNet3, 18333, 18332, "tb", 0x6f, 0xc4, 0xef, "04358394", 21111, 581885, 330776, 770112, 834624, 2011968, 210000, 2016, true, false, false, 5},
		{TestNet4, 48333, 48332, "tb", 0x6f, 0xc4, 0xef, "04358394", 1, 1, 1, 1, 1, 0, 210000, 2016, true, false, true, 2},
		{SigNet, 38333, 38332, "tb", 0x6f, 0xc4, 0xef, "04358394", 1, 1, 1, 1, 1, 0, 210000, 2016, false, false, false, 2},
		{RegTest, 18444, 18443, "bcrt", 0x6f, 0xc4, 0xef, "04358394", 1, 1, 1, 1, 0, 0, 150, 144, true, true, false, 0},
	}
	for _, tt := range tests {
		p := tt.p
		if p.DefaultPort != tt.port || p.RPCPort != tt.rpc || p.Bech32HRP != tt.hrp {
			t.Errorf("%s: ports %d/%d hrp %q", p.Name, p.DefaultPort, p.RPCPort, p.Bech32HRP)
		}
		if p.PubKeyHashAddrID != tt.pkh || p.ScriptHashAddrID != tt.sh || p.PrivateKeyID != tt.wif ||
			hex.EncodeToString(p.HDPrivateKeyID[:]) != tt.hdPriv {
			t.Errorf("%s: address versions %x %x %x %x", p.Name, p.PubKeyHashAddrID, p.ScriptHashAddrID,
				p.PrivateKeyID, p.HDPrivateKeyID)
		}
		got := []int32{p.BIP34Height, p.BIP65Height, p.BIP66Height, p.CSVHeight, p.SegwitHeight, p.TaprootHeight}
		want := []int32{tt.bip34, tt.bip65, tt.bip66, tt.csv, tt.sw, tt.taproot}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: heights %v, want %v", p.Name, got, want)
				break
			}
		}
		if p.SubsidyHalvingInterval != tt.halving || p.RetargetInterval() != tt.interval ||
			p.PowTargetSpacing != 10*time.Minute || p.CoinbaseMaturity != 100 {
			t.Errorf("%s: halving %d interval %d spacing %v maturity %d", p.Name,
				p.SubsidyHalvingInterval, p.RetargetInterval(), p.PowTargetSpacing, p.CoinbaseMaturity)
		}
		if p.PowAllowMinDifficultyBlocks != tt.minDiff || p.PowNoRetargeting != tt.noRetarget ||
			p.EnforceBIP94 != tt.bip94 || len(p.DNSSeeds) != tt.seeds {
			t.Errorf("%s: flags %v %v %v seeds %d", p.Name, p.PowAllowMinDifficultyBlocks,
				p.PowNoRetargeting, p.EnforceBIP94, len(p.DNSSeeds))
		}
		if consensus.BigToCompact(p.PowLimit) != p.PowLimitBits {
			t.Errorf("%s: PowLimitBits %08x, compact(PowLimit) %08x", p.Name, p.PowLimitBits,
				consensus.BigToCompact(p.PowLimit))
		}
		if p.MinimumChainWork == nil || (p == RegTest) != (p.MinimumChainWork.Sign() == 0) ||
			(p == RegTest) != p.AssumeValid.IsZero() {
			t.Errorf("%s: minimum chain work %v assume-valid %s", p.Name, p.MinimumChainWork, p.AssumeValid)
		}
		if (p == SigNet) != (len(p.SignetChallenge) != 0) {
			t.Errorf("%s: signet challenge %x", p.Name, p.SignetChallenge)
		}
		if p.String() != p.Name {
			t.Errorf("String() = %q", p.String())
		}
	}
}

// The minimum chain work of each network must not exceed the work a chain
// needs to reach it, and must be at least the genesis block's own work.
func TestMinimumChainWorkPlausible(t *testing.T) {
	for _, p := range []*Params{MainNet, TestNet3, TestNet4, SigNet} {
		if p.MinimumChainWork.Cmp(consensus.CalcWork(p.PowLimitBits)) <= 0 {
			t.Errorf("%s: minimum chain work %x not above one block's work", p.Name, p.MinimumChainWork)
		}
		if p.MinimumChainWork.BitLen() > 128 {
			t.Errorf("%s: minimum chain work %x implausibly large", p.Name, p.MinimumChainWork)
		}
	}
	if MainNet.PowLimit.Cmp(new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 224), big.NewInt(1))) != 0 {
		t.Error("mainnet pow limit is not 2^224-1")
	}
}

func TestScriptFlagExceptions(t *testing.T) {
	if len(MainNet.ScriptFlagExceptions) != 2 || len(TestNet3.ScriptFlagExceptions) != 1 {
		t.Fatalf("exceptions: main %d, testnet3 %d", len(MainNet.ScriptFlagExceptions),
			len(TestNet3.ScriptFlagExceptions))
	}
	tap := MainNet.ScriptFlagExceptions[1]
	if !tap.P2SH || !tap.Witness || tap.Taproot {
		t.Errorf("taproot exception flags %+v", tap)
	}
	bip16 := MainNet.ScriptFlagExceptions[0]
	if bip16.P2SH || bip16.Witness || bip16.Taproot {
		t.Errorf("BIP16 exception flags %+v", bip16)
	}
}
