package params

import (
	"math/big"
	"time"

	"github.com/bitnode/bitnode/wire"
)

// Values below follow Bitcoin Core's src/kernel/chainparams.cpp and
// src/chainparamsbase.cpp (RPC ports). MinimumChainWork and AssumeValid are
// the ones Bitcoin Core v30.0 ships (the chainparams update made before the
// 30.x branch-off, September 2025); the block height each assume-valid hash
// names is noted beside it. Update them together, from one Core release.

// Proof-of-work limits.
var (
	// mainPowLimit is 2^224 - 1, shared by mainnet, testnet3 and testnet4.
	mainPowLimit = mustBig("00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff")
	// signetPowLimit is the default signet's limit.
	signetPowLimit = mustBig("00000377ae000000000000000000000000000000000000000000000000000000")
	// regtestPowLimit is 2^255 - 1.
	regtestPowLimit = mustBig("7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")
)

// BIP32 version bytes.
var (
	xprv = [4]byte{0x04, 0x88, 0xad, 0xe4}
	xpub = [4]byte{0x04, 0x88, 0xb2, 0x1e}
	tprv = [4]byte{0x04, 0x35, 0x83, 0x94}
	tpub = [4]byte{0x04, 0x35, 0x87, 0xcf}
)

const (
	twoWeeks   = 14 * 24 * time.Hour
	tenMinutes = 10 * time.Minute
)

// DefaultSignetChallenge is the block challenge of Bitcoin's default signet:
// a 1-of-2 bare multisig (OP_1 <pubkey> <pubkey> OP_2 OP_CHECKMULTISIG).
// Each call returns a fresh slice.
func DefaultSignetChallenge() []byte {
	return mustHex("512103ad5e0edad18cb1f0fc0d28a3d4f1f3e445640337489abb10404f2d1e086be430" +
		"210359ef5021964fe22d6f8e05b2463c9540ce96883fe3b278760f048f5189f2e6c452ae")
}

// MainNet is Bitcoin's main network.
var MainNet = &Params{
	Name:        "main",
	Net:         0xd9b4bef9, // f9 be b4 d9
	DefaultPort: 8333,
	RPCPort:     8332,
	DNSSeeds: []string{
		"seed.bitcoin.sipa.be.",
		"dnsseed.bluematt.me.",
		"seed.bitcoin.jonasschnelli.ch.",
		"seed.btc.petertodd.net.",
		"seed.bitcoin.sprovoost.nl.",
		"dnsseed.emzy.de.",
		"seed.bitcoin.wiz.biz.",
		"seed.mainnet.achownodes.xyz.",
	},
	GenesisBlock:           coreGenesisBlock(1231006505, 2083236893, 0x1d00ffff),
	GenesisHash:            wire.MustHash("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"),
	PowLimit:               mainPowLimit,
	PowLimitBits:           0x1d00ffff,
	PowTargetTimespan:      twoWeeks,
	PowTargetSpacing:       tenMinutes,
	SubsidyHalvingInterval: 210000,
	BIP34Height:            227931,
	BIP34Hash:              wire.MustHash("000000000000024b89b42a942fe0d9fea3bb44ab7bd1b19115dd6a759c0808b8"),
	BIP65Height:            388381, // 000000000000000004c2b624ed5d7756c508d90fd0da2c7c679febfa6c4735f0
	BIP66Height:            363725, // 00000000000000000379eaa19dce8c9b722d46ae6a57c2f1a988119488b50931
	CSVHeight:              419328, // 000000000000000004a1b34462cb8aeebd5799177f7a29cf28f2d1961716b5b5
	SegwitHeight:           481824, // 0000000000000000001c8018d9cb3b742ef25114f27563e3fc4a1902167f9893
	TaprootHeight:          709632, // the deployment locked in; this was its min_activation_height
	ScriptFlagExceptions: []ScriptFlagException{
		// BIP16 exception: a pre-BIP16 P2SH spend that fails P2SH rules.
		{Hash: wire.MustHash("00000000000002dc756eebf4f49723ed8d30cc28a5f108eb94b1ba88ac4f9c22")},
		// Taproot exception: a pre-activation witness v1 spend (height 692261).
		{Hash: wire.MustHash("0000000000000000000f14c35b2d841e986ab5441de8c585d5ffe55ea1e395ad"),
			P2SH: true, Witness: true},
	},
	// Bitcoin Core v30.0.
	MinimumChainWork: mustBig("0000000000000000000000000000000000000000dee8e2a309ad8a9820433c68"),
	AssumeValid:      wire.MustHash("00000000000000000000611fd22f2df7c8fbd0688745c3a6c3bb5109cc2a12cb"), // 912683
	CoinbaseMaturity: CoinbaseMaturity,
	PubKeyHashAddrID: 0x00,
	ScriptHashAddrID: 0x05,
	PrivateKeyID:     0x80,
	HDPrivateKeyID:   xprv,
	HDPublicKeyID:    xpub,
	Bech32HRP:        "bc",
}

// TestNet3 is Bitcoin's third public test network (Core's "test").
var TestNet3 = &Params{
	Name:        "test",
	Net:         0x0709110b, // 0b 11 09 07
	DefaultPort: 18333,
	RPCPort:     18332,
	DNSSeeds: []string{
		"testnet-seed.bitcoin.jonasschnelli.ch.",
		"seed.tbtc.petertodd.net.",
		"seed.testnet.bitcoin.sprovoost.nl.",
		"testnet-seed.bluematt.me.",
		"seed.testnet.achownodes.xyz.",
	},
	GenesisBlock:                coreGenesisBlock(1296688602, 414098458, 0x1d00ffff),
	GenesisHash:                 wire.MustHash("000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943"),
	PowLimit:                    mainPowLimit,
	PowLimitBits:                0x1d00ffff,
	PowTargetTimespan:           twoWeeks,
	PowTargetSpacing:            tenMinutes,
	PowAllowMinDifficultyBlocks: true,
	SubsidyHalvingInterval:      210000,
	BIP34Height:                 21111,
	BIP34Hash:                   wire.MustHash("0000000023b3a96d3484e5abb3755c413e7d41500f8e2a5c3f0dd01299cd8ef8"),
	BIP65Height:                 581885, // 00000000007f6655f22f98e72ed80d8b06dc761d5da09df0fa1dc4be4f861eb6
	BIP66Height:                 330776, // 000000002104c8c45e99a8853285a3b592602a3ccde2b832481da85e9e4ba182
	CSVHeight:                   770112, // 00000000025e930139bac5c6c31a403776da130831ab85be56578f3fa75369bb
	SegwitHeight:                834624, // 00000000002b980fcd729daaa248fd9316a5200e9b367f4ff2c42453e84201ca
	TaprootHeight:               2011968,
	ScriptFlagExceptions: []ScriptFlagException{
		// BIP16 exception.
		{Hash: wire.MustHash("00000000dd30457c001f4095d208cc1296b0eed002427aa599874af7a432b105")},
	},
	// Bitcoin Core v30.0.
	MinimumChainWork: mustBig("0000000000000000000000000000000000000000000016dd270dd94fac1d7632"),
	AssumeValid:      wire.MustHash("0000000000000065c6c38258e201971a3fdfcc2ceee0dd6e85a6c022d45dee34"), // 4550000
	CoinbaseMaturity: CoinbaseMaturity,
	PubKeyHashAddrID: 0x6f,
	ScriptHashAddrID: 0xc4,
	PrivateKeyID:     0xef,
	HDPrivateKeyID:   tprv,
	HDPublicKeyID:    tpub,
	Bech32HRP:        "tb",
}

// testnet4GenesisMessage is testnet4's genesis coinbase message (BIP94).
const testnet4GenesisMessage = "03/May/2024 000000000000000000001ebd58c244970b3aa9d783bb001011fbe8ea8e98e00e"

// TestNet4 is Bitcoin's fourth public test network (BIP94).
var TestNet4 = &Params{
	Name:        "testnet4",
	Net:         0x283f161c, // 1c 16 3f 28
	DefaultPort: 48333,
	RPCPort:     48332,
	DNSSeeds: []string{
		"seed.testnet4.bitcoin.sprovoost.nl.",
		"seed.testnet4.wiz.biz.",
	},
	GenesisBlock: newGenesisBlock(genesisInputs{
		message: testnet4GenesisMessage,
		// A pay-to-pubkey to 33 zero bytes, which no key can spend.
		outputScript: p2pkScript(make([]byte, 33)),
		timestamp:    1714777860,
		nonce:        393743547,
		bits:         0x1d00ffff,
		version:      1,
		reward:       genesisReward,
	}),
	GenesisHash:                 wire.MustHash("00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043"),
	PowLimit:                    mainPowLimit,
	PowLimitBits:                0x1d00ffff,
	PowTargetTimespan:           twoWeeks,
	PowTargetSpacing:            tenMinutes,
	PowAllowMinDifficultyBlocks: true,
	EnforceBIP94:                true,
	SubsidyHalvingInterval:      210000,
	BIP34Height:                 1,
	BIP65Height:                 1,
	BIP66Height:                 1,
	CSVHeight:                   1,
	SegwitHeight:                1,
	TaprootHeight:               0, // always active
	// Bitcoin Core v30.0.
	MinimumChainWork: mustBig("00000000000000000000000000000000000000000000034a4690fe592dc49c7c"),
	AssumeValid:      wire.MustHash("000000000000000180a58e7fa3b0db84b5ea76377524894f53660d93ac839d9b"), // 91000
	CoinbaseMaturity: CoinbaseMaturity,
	PubKeyHashAddrID: 0x6f,
	ScriptHashAddrID: 0xc4,
	PrivateKeyID:     0xef,
	HDPrivateKeyID:   tprv,
	HDPublicKeyID:    tpub,
	Bech32HRP:        "tb",
}

// SigNet is Bitcoin's default signet (BIP325), whose blocks must satisfy
// DefaultSignetChallenge. Its message start is derived from the challenge.
var SigNet = &Params{
	Name:        "signet",
	Net:         SignetNet(DefaultSignetChallenge()), // 0a 03 cf 40
	DefaultPort: 38333,
	RPCPort:     38332,
	DNSSeeds: []string{
		"seed.signet.bitcoin.sprovoost.nl.",
		"seed.signet.achownodes.xyz.",
	},
	GenesisBlock:           coreGenesisBlock(1598918400, 52613770, 0x1e0377ae),
	GenesisHash:            wire.MustHash("00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6"),
	PowLimit:               signetPowLimit,
	PowLimitBits:           0x1e0377ae,
	PowTargetTimespan:      twoWeeks,
	PowTargetSpacing:       tenMinutes,
	SubsidyHalvingInterval: 210000,
	BIP34Height:            1,
	BIP65Height:            1,
	BIP66Height:            1,
	CSVHeight:              1,
	SegwitHeight:           1,
	TaprootHeight:          0, // always active
	// Bitcoin Core v30.0.
	MinimumChainWork: mustBig("0000000000000000000000000000000000000000000000000000067d328e681a"),
	AssumeValid:      wire.MustHash("000000128586e26813922680309f04e1de713c7542fee86ed908f56368aefe2e"), // 267665
	CoinbaseMaturity: CoinbaseMaturity,
	PubKeyHashAddrID: 0x6f,
	ScriptHashAddrID: 0xc4,
	PrivateKeyID:     0xef,
	HDPrivateKeyID:   tprv,
	HDPublicKeyID:    tpub,
	Bech32HRP:        "tb",
	SignetChallenge:  DefaultSignetChallenge(),
}

// RegTest is Bitcoin's regression-test network: trivial proof of work, no
// retargeting, every soft fork active from the start. Its heights are Core's
// defaults (which Core's -testactivationheight can override).
var RegTest = &Params{
	Name:                        "regtest",
	Net:                         0xdab5bffa, // fa bf b5 da
	DefaultPort:                 18444,
	RPCPort:                     18443,
	GenesisBlock:                coreGenesisBlock(1296688602, 2, 0x207fffff),
	GenesisHash:                 wire.MustHash("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206"),
	PowLimit:                    regtestPowLimit,
	PowLimitBits:                0x207fffff,
	PowTargetTimespan:           24 * time.Hour,
	PowTargetSpacing:            tenMinutes,
	PowAllowMinDifficultyBlocks: true,
	PowNoRetargeting:            true,
	SubsidyHalvingInterval:      150,
	BIP34Height:                 1,
	BIP65Height:                 1,
	BIP66Height:                 1,
	CSVHeight:                   1,
	SegwitHeight:                0,
	TaprootHeight:               0, // always active
	MinimumChainWork:            new(big.Int),
	CoinbaseMaturity:            CoinbaseMaturity,
	PubKeyHashAddrID:            0x6f,
	ScriptHashAddrID:            0xc4,
	PrivateKeyID:                0xef,
	HDPrivateKeyID:              tprv,
	HDPublicKeyID:               tpub,
	Bech32HRP:                   "bcrt",
}

// mustBig parses a hex constant as a big integer.
func mustBig(s string) *big.Int {
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("params: bad big-integer constant " + s)
	}
	return n
}
