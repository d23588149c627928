package script

// ScriptClass is the kind of a scriptPubKey as Bitcoin Core's Solver names
// it (TxoutType); String gives Core's name, the "type" field of RPC results.
type ScriptClass int

// Script classes.
const (
	NonStandard ScriptClass = iota
	Anchor
	PubKey
	PubKeyHash
	ScriptHash
	MultiSig
	NullData
	WitnessV0KeyHash
	WitnessV0ScriptHash
	WitnessV1Taproot
	WitnessUnknown
)

var classNames = [...]string{
	NonStandard:         "nonstandard",
	Anchor:              "anchor",
	PubKey:              "pubkey",
	PubKeyHash:          "pubkeyhash",
	ScriptHash:          "scripthash",
	MultiSig:            "multisig",
	NullData:            "nulldata",
	WitnessV0KeyHash:    "witness_v0_keyhash",
	WitnessV0ScriptHash: "witness_v0_scripthash",
	WitnessV1Taproot:    "witness_v1_taproot",
	WitnessUnknown:      "witness_unknown",
}

func (c ScriptClass) String() string {
	if int(c) < len(classNames) {
		return classNames[c]
	}
	return "nonstandard"
}

// Solution is what Classify extracted from a script: the keys or hashes it
// pays to, and for multisig the number of signatures required.
type Solution struct {
	Class ScriptClass
	// Data: the public key (PubKey), the 20-byte hash (PubKeyHash,
	// ScriptHash, WitnessV0KeyHash), the 32-byte hash or key
	// (WitnessV0ScriptHash, WitnessV1Taproot), the program
	// (WitnessUnknown, Anchor), or the keys (MultiSig).
	Data [][]byte
	// Version is the witness version of witness programs.
	Version int
	// Required is a multisig's threshold.
	Required int
}

// Classify recognises the standard scriptPubKey templates, in the order
// Bitcoin Core's Solver tries them.
func Classify(s []byte) Solution {
	if IsPayToScriptHash(s) {
		return Solution{Class: ScriptHash, Data: [][]byte{s[2:22]}}
	}
	if version, program, ok := WitnessProgram(s); ok {
		switch {
		case version == 0 && len(program) == 20:
			return Solution{Class: WitnessV0KeyHash, Data: [][]byte{program}}
		case version == 0 && len(program) == 32:
			return Solution{Class: WitnessV0ScriptHash, Data: [][]byte{program}}
		case version == 1 && len(program) == 32:
			return Solution{Class: WitnessV1Taproot, Data: [][]byte{program}, Version: 1}
		case isPayToAnchor(version, program):
			return Solution{Class: Anchor, Data: [][]byte{program}, Version: 1}
		case version != 0:
			return Solution{Class: WitnessUnknown, Data: [][]byte{program}, Version: version}
		}
		return Solution{Class: NonStandard}
	}
	// Provably unspendable data carrier: OP_RETURN and pushes only.
	if len(s) >= 1 && s[0] == byte(OpReturn) && IsPushOnly(s[1:]) {
		return Solution{Class: NullData}
	}
	if key, ok := matchPayToPubKey(s); ok {
		return Solution{Class: PubKey, Data: [][]byte{key}}
	}
	if len(s) == 25 && s[0] == byte(OpDup) && s[1] == byte(OpHash160) && s[2] == 20 &&
		s[23] == byte(OpEqualVerify) && s[24] == byte(OpCheckSig) {
		return Solution{Class: PubKeyHash, Data: [][]byte{s[3:23]}}
	}
	if required, keys, ok := matchMultiSig(s); ok {
		return Solution{Class: MultiSig, Data: keys, Required: required}
	}
	return Solution{Class: NonStandard}
}

func matchPayToPubKey(s []byte) ([]byte, bool) {
	switch {
	case len(s) == 35 && s[0] == 33 && s[34] == byte(OpCheckSig):
		return s[1:34], validPubKeyLength(s[1:34])
	case len(s) == 67 && s[0] == 65 && s[66] == byte(OpCheckSig):
		return s[1:66], validPubKeyLength(s[1:66])
	}
	return nil, false
}

// multisigNumber reads a multisig threshold or key count: OP_1..OP_16 or a
// minimal push of a number, within [lo, hi] (Core's GetScriptNumber).
func multisigNumber(op Opcode, data []byte, lo, hi int) (int, bool) {
	var n int64
	switch {
	case op >= Op1 && op <= Op16:
		n = int64(op.SmallInt())
	case op <= OpPushData4:
		if !checkMinimalPush(data, op) {
			return 0, false
		}
		v, err := decodeNum(data, true, defaultNumSize)
		if err != nil {
			return 0, false
		}
		n = v
	default:
		return 0, false
	}
	if n < int64(lo) || n > int64(hi) {
		return 0, false
	}
	return int(n), true
}

// matchMultiSig recognises m <keys...> n OP_CHECKMULTISIG.
func matchMultiSig(s []byte) (int, [][]byte, bool) {
	if len(s) < 1 || s[len(s)-1] != byte(OpCheckMultiSig) {
		return 0, nil, false
	}
	t := MakeTokenizer(s)
	if !t.Next() {
		return 0, nil, false
	}
	required, ok := multisigNumber(t.Opcode(), t.Data(), 1, MaxPubKeysPerMultisig)
	if !ok {
		return 0, nil, false
	}
	var keys [][]byte
	for t.Next() && validPubKeyLength(t.Data()) {
		keys = append(keys, t.Data())
	}
	count, ok := multisigNumber(t.Opcode(), t.Data(), required, MaxPubKeysPerMultisig)
	if !ok || len(keys) != count {
		return 0, nil, false
	}
	return required, keys, t.ByteIndex()+1 == len(s)
}

// Builders of standard scripts.

// PayToPubKeyHash returns OP_DUP OP_HASH160 <hash> OP_EQUALVERIFY OP_CHECKSIG.
func PayToPubKeyHash(hash []byte) []byte {
	return append(append([]byte{byte(OpDup), byte(OpHash160), 20}, hash...), byte(OpEqualVerify), byte(OpCheckSig))
}

// PayToScriptHash returns OP_HASH160 <hash> OP_EQUAL.
func PayToScriptHash(hash []byte) []byte {
	return append(append([]byte{byte(OpHash160), 20}, hash...), byte(OpEqual))
}

// PayToPubKey returns <key> OP_CHECKSIG.
func PayToPubKey(key []byte) []byte {
	return append(pushOf(key), byte(OpCheckSig))
}

// PayToWitness returns a witness program: OP_n <program>.
func PayToWitness(version int, program []byte) []byte {
	op := byte(Op0)
	if version > 0 {
		op = byte(Op1) + byte(version-1)
	}
	return append([]byte{op, byte(len(program))}, program...)
}

// MultiSigScript returns m <keys...> n OP_CHECKMULTISIG (up to 16 keys with
// small-integer opcodes, more with minimal number pushes).
func MultiSigScript(required int, keys [][]byte) []byte {
	s := appendNumber(nil, int64(required))
	for _, k := range keys {
		s = append(s, pushOf(k)...)
	}
	s = appendNumber(s, int64(len(keys)))
	return append(s, byte(OpCheckMultiSig))
}

// NullDataScript returns OP_RETURN followed by a push of data.
func NullDataScript(data []byte) []byte {
	return append([]byte{byte(OpReturn)}, pushOf(data)...)
}

// appendNumber appends n the way CScript << int64 does: OP_0, OP_1NEGATE,
// OP_1..OP_16, or a minimal number push.
func appendNumber(s []byte, n int64) []byte {
	switch {
	case n == 0:
		return append(s, byte(Op0))
	case n == -1 || (n >= 1 && n <= 16):
		return append(s, byte(Op1)+byte(n-1))
	}
	return append(s, pushOf(encodeNum(n))...)
}
