package params

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/bitnode/bitnode/wire"
)

// CoinbaseMaturity is the number of blocks a coinbase output must wait before
// it can be spent on every Bitcoin network (COINBASE_MATURITY in Core).
const CoinbaseMaturity = 100

// ScriptFlagException names a historical block whose scripts Bitcoin Core
// validates with fewer rules than the rest of the chain. Core enforces the
// P2SH (BIP16), witness (BIP141/143) and taproot (BIP341/342) script rules on
// every block, from genesis, except the blocks listed here; the fields say
// which of those rule sets still apply to the block.
type ScriptFlagException struct {
	// Hash is the excepted block.
	Hash wire.Hash
	// P2SH, Witness and Taproot report whether BIP16, BIP141/143 and
	// BIP341/342 script rules are enforced for the block.
	P2SH, Witness, Taproot bool
}

// Params describes one Bitcoin-like network. The package's values for
// Bitcoin's own networks follow Bitcoin Core; custom networks come from
// ParseChainSpec. A *Params is shared: treat it, and everything it points to
// (GenesisBlock, PowLimit, MinimumChainWork, slices), as read-only.
type Params struct {
	// Name is the network's canonical name as Bitcoin Core spells it in
	// getblockchaininfo's "chain" field: "main", "test", "testnet4",
	// "signet", "regtest", or a custom network's own name.
	Name string

	// Net is the P2P message start (the "magic") read as a little-endian
	// uint32: mainnet's bytes f9 be b4 d9 give 0xd9b4bef9. MessageStart
	// returns the bytes in wire order.
	Net uint32
	// DefaultPort is the default P2P listening port.
	DefaultPort uint16
	// RPCPort is the default JSON-RPC port.
	RPCPort uint16
	// DNSSeeds are the DNS seeds Bitcoin Core queries for peer addresses,
	// spelt as Core spells them (fully qualified, with the trailing dot).
	// Empty for regtest and custom networks.
	DNSSeeds []string

	// GenesisBlock is the network's block 0.
	GenesisBlock *wire.Block
	// GenesisHash is GenesisBlock's hash.
	GenesisHash wire.Hash

	// PowLimit is the easiest target a block may have.
	PowLimit *big.Int
	// PowLimitBits is PowLimit in compact form, the bits of a
	// minimum-difficulty block.
	PowLimitBits uint32
	// PowTargetTimespan is the time one retarget interval should take
	// (two weeks; one day on regtest).
	PowTargetTimespan time.Duration
	// PowTargetSpacing is the intended time between blocks (ten minutes).
	PowTargetSpacing time.Duration
	// PowAllowMinDifficultyBlocks enables the testnet rule that a block
	// whose timestamp is more than twice PowTargetSpacing after its parent's
	// may have PowLimitBits (testnet3, testnet4, regtest).
	PowAllowMinDifficultyBlocks bool
	// PowNoRetargeting disables difficulty adjustment: every block keeps its
	// parent's bits (regtest).
	PowNoRetargeting bool
	// EnforceBIP94 enables BIP94's timewarp fix and its change to the
	// min-difficulty rule's retarget base (testnet4).
	EnforceBIP94 bool

	// SubsidyHalvingInterval is the number of blocks between subsidy
	// halvings (210000; 150 on regtest).
	SubsidyHalvingInterval int32

	// BIP34Height is the first height whose coinbase must commit to its
	// height (BIP34).
	BIP34Height int32
	// BIP34Hash is the hash of the block at BIP34Height where the chain
	// fixes it (mainnet, testnet3); zero elsewhere.
	BIP34Hash wire.Hash
	// BIP65Height is the first height enforcing OP_CHECKLOCKTIMEVERIFY.
	BIP65Height int32
	// BIP66Height is the first height enforcing strict DER signatures.
	BIP66Height int32
	// CSVHeight is the first height enforcing BIP68/112/113 (relative lock
	// times, OP_CHECKSEQUENCEVERIFY, median-time-past lock times).
	CSVHeight int32
	// SegwitHeight is the first height enforcing BIP141/143/147 block rules
	// (witness commitment, NULLDUMMY). Witness script rules themselves apply
	// from genesis; see ScriptFlagExceptions.
	SegwitHeight int32
	// TaprootHeight is the first height at which BIP341/342 were active
	// through their deployment (what getdeploymentinfo reports; 0 where
	// Core's deployment is always active). Core enforces taproot script
	// rules on every block except ScriptFlagExceptions, so validation should
	// not gate script flags on this height.
	TaprootHeight int32
	// ScriptFlagExceptions are the blocks validated with fewer script rules
	// than the chain's defaults.
	ScriptFlagExceptions []ScriptFlagException

	// MinimumChainWork is the least total work a chain must have before
	// the node considers itself out of initial block download and before
	// header sync trusts a peer's chain (Core's nMinimumChainWork).
	MinimumChainWork *big.Int
	// AssumeValid is the block whose ancestors' scripts may skip
	// verification by default (Core's defaultAssumeValid); zero disables.
	AssumeValid wire.Hash

	// CoinbaseMaturity is the number of confirmations a coinbase output
	// needs before it can be spent.
	CoinbaseMaturity int32

	// PubKeyHashAddrID is the Base58Check version byte of P2PKH addresses.
	PubKeyHashAddrID byte
	// ScriptHashAddrID is the Base58Check version byte of P2SH addresses.
	ScriptHashAddrID byte
	// PrivateKeyID is the Base58Check version byte of WIF private keys.
	PrivateKeyID byte
	// HDPrivateKeyID is the BIP32 version of extended private keys
	// (xprv on mainnet, tprv on the test networks).
	HDPrivateKeyID [4]byte
	// HDPublicKeyID is the BIP32 version of extended public keys
	// (xpub on mainnet, tpub on the test networks).
	HDPublicKeyID [4]byte
	// Bech32HRP is the human-readable part of segwit addresses (BIP173).
	Bech32HRP string

	// SignetChallenge is the script every signet block's solution must
	// satisfy (BIP325); nil on non-signet networks.
	SignetChallenge []byte
}

// RetargetInterval is the number of blocks between difficulty adjustments:
// PowTargetTimespan / PowTargetSpacing (2016; 144 on regtest).
func (p *Params) RetargetInterval() int64 {
	return int64(p.PowTargetTimespan / p.PowTargetSpacing)
}

// MessageStart returns the four message-start bytes in wire order.
func (p *Params) MessageStart() [4]byte {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], p.Net)
	return b
}

// String returns the network's name.
func (p *Params) String() string { return p.Name }

// ErrUnknownNetwork is returned by ByName for a name it does not know.
var ErrUnknownNetwork = errors.New("unknown network")

// Networks returns Bitcoin's five networks in a fixed order: main, testnet3,
// testnet4, signet, regtest.
func Networks() []*Params {
	return []*Params{MainNet, TestNet3, TestNet4, SigNet, RegTest}
}

// networkNames maps every accepted spelling to its network. Core's names
// come first; the rest are common aliases.
var networkNames = map[string]**Params{
	"main":     &MainNet,
	"mainnet":  &MainNet,
	"bitcoin":  &MainNet,
	"test":     &TestNet3,
	"testnet":  &TestNet3,
	"testnet3": &TestNet3,
	"testnet4": &TestNet4,
	"signet":   &SigNet,
	"regtest":  &RegTest,
}

// ByName returns the Bitcoin network with the given name: Core's chain names
// ("main", "test", "testnet4", "signet", "regtest") or the aliases "mainnet",
// "bitcoin", "testnet" and "testnet3". Case is ignored.
func ByName(name string) (*Params, error) {
	if p, ok := networkNames[strings.ToLower(name)]; ok {
		return *p, nil
	}
	return nil, fmt.Errorf("params: %w %q (want main, test, testnet4, signet or regtest)",
		ErrUnknownNetwork, name)
}

// isReservedName reports whether name is, or aliases, a Bitcoin network.
func isReservedName(name string) bool {
	_, ok := networkNames[strings.ToLower(name)]
	return ok
}

// ByNet returns the Bitcoin network whose message start is net.
func ByNet(net uint32) (*Params, bool) {
	for _, p := range Networks() {
		if p.Net == net {
			return p, true
		}
	}
	return nil, false
}
