package params

import (
	"encoding/binary"
	"encoding/hex"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/wire"
)

// CoreGenesisMessage is the newspaper headline in Bitcoin's genesis coinbase,
// shared by mainnet, testnet3, signet and regtest.
const CoreGenesisMessage = "The Times 03/Jan/2009 Chancellor on brink of second bailout for banks"

// coreGenesisPubKey is the uncompressed public key Bitcoin's genesis coinbase
// pays to.
const coreGenesisPubKey = "04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61de" +
	"b649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5f"

// genesisReward is the genesis coinbase's value on every Bitcoin network:
// 50 BTC in satoshis.
const genesisReward = 50 * 100_000_000

// Script opcodes the genesis scripts use.
const (
	opPushData1 = 0x4c
	opPushData2 = 0x4d
	opCheckSig  = 0xac
)

// genesisBitsPush is the start of every genesis coinbase scriptSig as Core
// builds it: the number 486604799 (0x1d00ffff, pushed as the 4-byte script
// number ff ff 00 1d) and then the number 4 (pushed as the 1-byte vector 04).
var genesisBitsPush = []byte{0x04, 0xff, 0xff, 0x00, 0x1d, 0x01, 0x04}

// CoreGenesisOutputScript returns the genesis coinbase's output script on
// mainnet, testnet3, signet and regtest: a pay-to-pubkey to the 65-byte
// coreGenesisPubKey. Each call returns a fresh slice.
func CoreGenesisOutputScript() []byte {
	return p2pkScript(mustHex(coreGenesisPubKey))
}

// p2pkScript returns <pubkey> OP_CHECKSIG.
func p2pkScript(pubKey []byte) []byte {
	return append(appendPush(nil, pubKey), opCheckSig)
}

// appendPush appends the minimal push of data: a direct push below 76 bytes,
// OP_PUSHDATA1 up to 255, OP_PUSHDATA2 beyond (Core's CScript << vector).
func appendPush(b, data []byte) []byte {
	switch n := len(data); {
	case n < opPushData1:
		b = append(b, byte(n))
	case n <= 0xff:
		b = append(b, opPushData1, byte(n))
	default:
		b = binary.LittleEndian.AppendUint16(append(b, opPushData2), uint16(n))
	}
	return append(b, data...)
}

// genesisScriptSig is the genesis coinbase scriptSig for message.
func genesisScriptSig(message string) []byte {
	b := append([]byte(nil), genesisBitsPush...)
	return appendPush(b, []byte(message))
}

// genesisInputs are the values a genesis block is built from, mirroring
// Core's CreateGenesisBlock arguments.
type genesisInputs struct {
	message      string
	outputScript []byte
	timestamp    uint32
	nonce        uint32
	bits         uint32
	version      int32
	reward       int64
}

// newGenesisBlock builds a genesis block as Core's CreateGenesisBlock does: a
// version-1 coinbase spending the null outpoint with the message in its
// scriptSig, one output of reward to outputScript, and a header over it with
// a zero previous block.
func newGenesisBlock(in genesisInputs) *wire.Block {
	coinbase := &wire.Tx{
		Version: 1,
		TxIn: []*wire.TxIn{{
			PreviousOutPoint: wire.OutPoint{Index: 0xffffffff},
			SignatureScript:  genesisScriptSig(in.message),
			Sequence:         wire.MaxTxInSequenceNum,
		}},
		TxOut: []*wire.TxOut{{
			Value:    in.reward,
			PkScript: append([]byte(nil), in.outputScript...),
		}},
	}
	root, _ := consensus.MerkleRoot([]wire.Hash{coinbase.TxHash()})
	return &wire.Block{
		Header: wire.BlockHeader{
			Version:    in.version,
			MerkleRoot: root,
			Timestamp:  in.timestamp,
			Bits:       in.bits,
			Nonce:      in.nonce,
		},
		Transactions: []*wire.Tx{coinbase},
	}
}

// coreGenesisBlock builds a genesis block with Bitcoin's coinbase (message,
// output script, 50 BTC), as mainnet, testnet3, signet and regtest do.
func coreGenesisBlock(timestamp, nonce, bits uint32) *wire.Block {
	return newGenesisBlock(genesisInputs{
		message:      CoreGenesisMessage,
		outputScript: CoreGenesisOutputScript(),
		timestamp:    timestamp,
		nonce:        nonce,
		bits:         bits,
		version:      1,
		reward:       genesisReward,
	})
}

// SignetNet returns the message start, as a Params.Net value, of a signet
// whose block challenge is challenge (BIP325): the first four bytes of the
// double SHA-256 of the challenge serialized with its length prefix.
func SignetNet(challenge []byte) uint32 {
	h := wire.DoubleSHA256(wire.AppendVarBytes(nil, challenge))
	return binary.LittleEndian.Uint32(h[:4])
}

// mustHex decodes a hex constant, panicking on a malformed one.
func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic("params: bad hex constant " + s + ": " + err.Error())
	}
	return b
}
