package txjson

import (
	"encoding/hex"
	"math/big"
	"strconv"
	"strings"

	"github.com/bitnode/bitnode/chain/address"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/chain/script"
)

// InferDescriptor returns the output descriptor, with its BIP380 checksum,
// that Bitcoin Core's InferDescriptor gives an output script when it knows
// no keys or scripts (the "desc" field of decoderawtransaction, getblock
// and decodescript):
//
//	pk(KEY)            P2PK with a compressed or uncompressed (not hybrid) key
//	multi(k,KEY,...)   bare multisig whose keys are all non-hybrid
//	rawtr(XONLY)       P2TR whose output key is on the curve
//	addr(ADDRESS)      any other script with an address: P2PKH, P2SH,
//	                   P2WPKH, P2WSH, P2TR off the curve, anchors and
//	                   unknown witness versions
//	raw(HEX)           everything else (null data, nonstandard, ...)
//
// Addresses are encoded for network p.
func InferDescriptor(s []byte, p *params.Params) string {
	return AddChecksum(inferDescriptor(s, script.Classify(s), p))
}

func inferDescriptor(s []byte, sol script.Solution, p *params.Params) string {
	switch sol.Class {
	case script.PubKey:
		if isNonHybridPubKey(sol.Data[0]) {
			return "pk(" + hex.EncodeToString(sol.Data[0]) + ")"
		}
	case script.MultiSig:
		if desc, ok := multiDescriptor(sol); ok {
			return desc
		}
	case script.WitnessV1Taproot:
		if isXOnlyPubKeyOnCurve(sol.Data[0]) {
			return "rawtr(" + hex.EncodeToString(sol.Data[0]) + ")"
		}
	}
	if addr, ok := scriptAddress(s, sol.Class, p); ok {
		return "addr(" + addr + ")"
	}
	return "raw(" + hex.EncodeToString(s) + ")"
}

func multiDescriptor(sol script.Solution) (string, bool) {
	var b strings.Builder
	b.WriteString("multi(" + strconv.Itoa(sol.Required))
	for _, key := range sol.Data {
		if !isNonHybridPubKey(key) {
			return "", false
		}
		b.WriteString("," + hex.EncodeToString(key))
	}
	b.WriteString(")")
	return b.String(), true
}

// scriptAddress is Core's ExtractDestination followed by EncodeDestination:
// the address of the script types that have one. P2PK has none here
// (decoderawtransaction shows no address for it).
func scriptAddress(s []byte, class script.ScriptClass, p *params.Params) (string, bool) {
	switch class {
	case script.PubKeyHash, script.ScriptHash, script.WitnessV0KeyHash, script.WitnessV0ScriptHash,
		script.WitnessV1Taproot, script.Anchor, script.WitnessUnknown:
	default:
		return "", false
	}
	if p == nil {
		return "", false
	}
	a, err := address.FromScriptPubKey(s, p)
	if err != nil {
		return "", false
	}
	return a.String(), true
}

// isNonHybridPubKey is Core's CPubKey::IsValidNonHybrid: a 33-byte key
// starting 02/03 or a 65-byte key starting 04. Like Core, it does not check
// that the point is on the curve.
func isNonHybridPubKey(key []byte) bool {
	switch {
	case len(key) == 33:
		return key[0] == 0x02 || key[0] == 0x03
	case len(key) == 65:
		return key[0] == 0x04
	}
	return false
}

// secp256k1P is the field prime 2^256 - 2^32 - 977.
var secp256k1P, _ = new(big.Int).SetString("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f", 16)

// isXOnlyPubKeyOnCurve is Core's XOnlyPubKey::IsFullyValid: x is below
// the field prime and x^3 + 7 is a square, so some point has that x.
func isXOnlyPubKeyOnCurve(x []byte) bool {
	if len(x) != 32 {
		return false
	}
	xi := new(big.Int).SetBytes(x)
	if xi.Cmp(secp256k1P) >= 0 {
		return false
	}
	y2 := new(big.Int).Exp(xi, big.NewInt(3), secp256k1P)
	y2.Add(y2, big.NewInt(7))
	y2.Mod(y2, secp256k1P)
	return big.Jacobi(y2, secp256k1P) >= 0
}
