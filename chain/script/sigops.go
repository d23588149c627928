package script

import "github.com/bitnode/bitnode/wire"

// SigOpCount counts a script's signature operations (Core's
// GetSigOpCount). Legacy counting (accurate false) charges every
// CHECKMULTISIG the maximum of 20; accurate counting, used for P2SH redeem
// and witness scripts, charges the key count when OP_1..OP_16 precedes it.
// A parse error ends the count.
func SigOpCount(s []byte, accurate bool) int {
	n := 0
	last := OpInvalidOpcode
	t := MakeTokenizer(s)
	for t.Next() {
		switch op := t.Opcode(); op {
		case OpCheckSig, OpCheckSigVerify:
			n++
		case OpCheckMultiSig, OpCheckMultiSigVerify:
			if accurate && last >= Op1 && last <= Op16 {
				n += last.SmallInt()
			} else {
				n += MaxPubKeysPerMultisig
			}
		}
		last = t.Opcode()
	}
	return n
}

// P2SHSigOpCount counts the signature operations of the redeem script a
// scriptSig spends a P2SH output with: the last push, counted accurately.
// For other scriptPubKeys it is the accurate count of scriptPubKey.
func P2SHSigOpCount(scriptSig, scriptPubKey []byte) int {
	if !IsPayToScriptHash(scriptPubKey) {
		return SigOpCount(scriptPubKey, true)
	}
	var last []byte
	t := MakeTokenizer(scriptSig)
	for t.Next() {
		if t.Opcode() > Op16 {
			return 0
		}
		last = t.Data()
	}
	if t.Err() != nil {
		return 0
	}
	return SigOpCount(last, true)
}

// WitnessSigOpCount counts the signature operations of a witness spend
// (Core's CountWitnessSigOps): one for P2WPKH, the witness script's
// accurate count for P2WSH, native or nested in P2SH; none otherwise.
func WitnessSigOpCount(scriptSig, scriptPubKey []byte, witness wire.TxWitness, flags Flags) int {
	if flags&VerifyWitness == 0 {
		return 0
	}
	if version, program, ok := WitnessProgram(scriptPubKey); ok {
		return witnessSigOps(version, program, witness)
	}
	if IsPayToScriptHash(scriptPubKey) && IsPushOnly(scriptSig) {
		var last []byte
		t := MakeTokenizer(scriptSig)
		for t.Next() {
			last = t.Data()
		}
		if version, program, ok := WitnessProgram(last); ok {
			return witnessSigOps(version, program, witness)
		}
	}
	return 0
}

func witnessSigOps(version int, program []byte, witness wire.TxWitness) int {
	if version == 0 {
		if len(program) == 20 {
			return 1
		}
		if len(program) == 32 && len(witness) > 0 {
			return SigOpCount(witness[len(witness)-1], true)
		}
	}
	return 0
}
