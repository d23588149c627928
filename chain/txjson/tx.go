package txjson

import (
	"encoding/hex"

	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/wire"
)

// TxResult is a transaction as Bitcoin Core's TxToUniv shows it
// (decoderawtransaction; getrawtransaction and getblock verbose). Fields
// are in Core's output order. The optional fields at the ends are filled
// by callers that know them: InActiveChain, Fee, Hex and the block
// context of getrawtransaction.
type TxResult struct {
	// InActiveChain is getrawtransaction's first field when called with
	// an explicit block hash.
	InActiveChain *bool        `json:"in_active_chain,omitempty"`
	TxID          string       `json:"txid"`
	Hash          string       `json:"hash"`
	Version       int32        `json:"version"`
	Size          int          `json:"size"`
	VSize         int          `json:"vsize"`
	Weight        int          `json:"weight"`
	LockTime      uint32       `json:"locktime"`
	Vin           []VinResult  `json:"vin"`
	Vout          []VoutResult `json:"vout"`
	// Fee is present when the spent outputs are known (block undo data).
	Fee *Amount `json:"fee,omitempty"`
	// Hex is the serialized transaction (getblock verbosity 2+,
	// getrawtransaction verbose); decoderawtransaction leaves it out.
	Hex string `json:"hex,omitempty"`
	// Block context (getrawtransaction for a confirmed transaction).
	BlockHash     string `json:"blockhash,omitempty"`
	Confirmations *int64 `json:"confirmations,omitempty"`
	Time          *int64 `json:"time,omitempty"`
	BlockTime     *int64 `json:"blocktime,omitempty"`
}

// VinResult is one input. A coinbase input has Coinbase instead of TxID,
// Vout and ScriptSig.
type VinResult struct {
	Coinbase    *string          `json:"coinbase,omitempty"`
	TxID        string           `json:"txid,omitempty"`
	Vout        *uint32          `json:"vout,omitempty"`
	ScriptSig   *ScriptSigResult `json:"scriptSig,omitempty"`
	TxInWitness []string         `json:"txinwitness,omitempty"`
	// Prevout is getblock verbosity 3's spent output.
	Prevout  *PrevoutResult `json:"prevout,omitempty"`
	Sequence uint32         `json:"sequence"`
}

// ScriptSigResult is an input script: its disassembly (with signature hash
// types decoded) and hex.
type ScriptSigResult struct {
	Asm string `json:"asm"`
	Hex string `json:"hex"`
}

// PrevoutResult is the output an input spends (getblock verbosity 3).
type PrevoutResult struct {
	Generated    bool               `json:"generated"`
	Height       int64              `json:"height"`
	Value        Amount             `json:"value"`
	ScriptPubKey ScriptPubKeyResult `json:"scriptPubKey"`
}

// VoutResult is one output.
type VoutResult struct {
	Value        Amount             `json:"value"`
	N            int                `json:"n"`
	ScriptPubKey ScriptPubKeyResult `json:"scriptPubKey"`
	// IsChange is the wallet's mark on its own change outputs.
	IsChange bool `json:"ischange,omitempty"`
}

// ScriptPubKeyResult is an output script as Core's ScriptToUniv shows it
// with hex and address: disassembly, inferred descriptor, hex, address
// (when the script has one) and type.
type ScriptPubKeyResult struct {
	Asm     string `json:"asm"`
	Desc    string `json:"desc"`
	Hex     string `json:"hex"`
	Address string `json:"address,omitempty"`
	Type    string `json:"type"`
}

// DecodeScriptPubKey describes an output script, with addresses for
// network p (no address when p is nil).
func DecodeScriptPubKey(pkScript []byte, p *params.Params) ScriptPubKeyResult {
	sol := script.Classify(pkScript)
	r := ScriptPubKeyResult{
		Asm:  script.Disasm(pkScript, false),
		Desc: AddChecksum(inferDescriptor(pkScript, sol, p)),
		Hex:  hex.EncodeToString(pkScript),
		Type: sol.Class.String(),
	}
	if addr, ok := scriptAddress(pkScript, sol.Class, p); ok {
		r.Address = addr
	}
	return r
}

// ScriptType returns the name Core gives an output script's type:
// "pubkeyhash", "witness_v1_taproot", "nulldata", "nonstandard", ...
func ScriptType(pkScript []byte) string { return script.Classify(pkScript).Class.String() }

// DecodeTx describes tx as decoderawtransaction does, with addresses for
// network p. Hex and the optional context fields are left empty.
func DecodeTx(tx *wire.Tx, p *params.Params) TxResult {
	txid, wtxid := tx.Hashes()
	r := TxResult{
		TxID:     txid.String(),
		Hash:     wtxid.String(),
		Version:  tx.Version,
		Size:     tx.SerializeSize(),
		VSize:    tx.VSize(),
		Weight:   tx.Weight(),
		LockTime: tx.LockTime,
		Vin:      make([]VinResult, len(tx.TxIn)),
		Vout:     make([]VoutResult, len(tx.TxOut)),
	}
	coinbase := tx.IsCoinBase()
	for i, in := range tx.TxIn {
		r.Vin[i] = decodeInput(in, coinbase)
	}
	for i, out := range tx.TxOut {
		r.Vout[i] = VoutResult{Value: Amount(out.Value), N: i, ScriptPubKey: DecodeScriptPubKey(out.PkScript, p)}
	}
	return r
}

func decodeInput(in *wire.TxIn, coinbase bool) VinResult {
	v := VinResult{Sequence: in.Sequence}
	if coinbase {
		cb := hex.EncodeToString(in.SignatureScript)
		v.Coinbase = &cb
	} else {
		index := in.PreviousOutPoint.Index
		v.TxID = in.PreviousOutPoint.Hash.String()
		v.Vout = &index
		v.ScriptSig = &ScriptSigResult{
			Asm: script.Disasm(in.SignatureScript, true),
			Hex: hex.EncodeToString(in.SignatureScript),
		}
	}
	if len(in.Witness) > 0 {
		v.TxInWitness = make([]string, len(in.Witness))
		for j, item := range in.Witness {
			v.TxInWitness[j] = hex.EncodeToString(item)
		}
	}
	return v
}

// DecodeTxWithHex is DecodeTx plus the "hex" field, the shape getblock
// verbosity 2 and getrawtransaction verbose use.
func DecodeTxWithHex(tx *wire.Tx, p *params.Params) TxResult {
	r := DecodeTx(tx, p)
	r.Hex = hex.EncodeToString(tx.Serialize())
	return r
}
