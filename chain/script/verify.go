package script

import (
	"bytes"
	"crypto/sha256"

	"github.com/bitnode/bitnode/wire"
)

// VerifyScript decides whether an input (scriptSig and witness) may spend
// an output (scriptPubKey) under flags: Bitcoin Core's VerifyScript. It
// returns nil or an *Error whose Err is the ScriptError kind.
func VerifyScript(scriptSig, scriptPubKey []byte, witness wire.TxWitness, flags Flags, checker *TxChecker) error {
	if flags&VerifySigPushOnly != 0 && !IsPushOnly(scriptSig) {
		return newError(ErrSigPushOnly, -1, "scriptSig is not push-only")
	}
	st, err := evalScript(nil, scriptSig, flags, checker, SigVersionBase, nil)
	if err != nil {
		return err
	}
	// P2SH re-runs the redeem script on the stack scriptSig left.
	var p2shStack stack
	if flags&VerifyP2SH != 0 {
		p2shStack = append(stack(nil), st...)
	}
	if st, err = evalScript(st, scriptPubKey, flags, checker, SigVersionBase, nil); err != nil {
		return err
	}
	if len(st) == 0 || !asBool(st.top(-1)) {
		return newError(ErrEvalFalse, -1, "script evaluated to false")
	}
	hadWitness := false
	if flags&VerifyWitness != 0 {
		if version, program, ok := WitnessProgram(scriptPubKey); ok {
			hadWitness = true
			// The scriptSig must be exactly empty, or segwit would be
			// malleable again.
			if len(scriptSig) != 0 {
				return newError(ErrWitnessMalleated, -1, "native witness program with a non-empty scriptSig")
			}
			if err := verifyWitnessProgram(witness, version, program, flags, checker, false); err != nil {
				return err
			}
			st = st[:1] // the stack is not clean, by construction
		}
	}
	if flags&VerifyP2SH != 0 && IsPayToScriptHash(scriptPubKey) {
		if !IsPushOnly(scriptSig) {
			return newError(ErrSigPushOnly, -1, "P2SH scriptSig is not push-only")
		}
		st = p2shStack
		// Not empty: HASH160 <h> EQUAL would have failed on an empty stack.
		redeem := st.pop()
		if st, err = evalScript(st, redeem, flags, checker, SigVersionBase, nil); err != nil {
			return err
		}
		if len(st) == 0 || !asBool(st.top(-1)) {
			return newError(ErrEvalFalse, -1, "redeem script evaluated to false")
		}
		if flags&VerifyWitness != 0 {
			if version, program, ok := WitnessProgram(redeem); ok {
				hadWitness = true
				// The scriptSig must be exactly one push of the redeem
				// script.
				if !bytes.Equal(scriptSig, pushOf(redeem)) {
					return newError(ErrWitnessMalleatedP2SH, -1, "P2SH witness program with a scriptSig other than its push")
				}
				if err := verifyWitnessProgram(witness, version, program, flags, checker, true); err != nil {
					return err
				}
				st = st[:1]
			}
		}
	}
	// CLEANSTACK only makes sense after P2SH and witness evaluation, and
	// only as their extension (Core asserts the same combination).
	if flags&VerifyCleanStack != 0 && flags&VerifyP2SH != 0 && flags&VerifyWitness != 0 && len(st) != 1 {
		return newError(ErrCleanStack, -1, "stack holds %d elements after execution, want 1", len(st))
	}
	if flags&VerifyWitness != 0 && !hadWitness && len(witness) != 0 {
		return newError(ErrWitnessUnexpected, -1, "witness data for a non-witness output")
	}
	return nil
}

// IsPushOnly reports whether script contains only push operations
// (OP_RESERVED included, as Core counts it) and parses completely.
func IsPushOnly(script []byte) bool {
	t := MakeTokenizer(script)
	for t.Next() {
		if t.Opcode() > Op16 {
			return false
		}
	}
	return t.Err() == nil
}

// IsPayToScriptHash reports the BIP16 template OP_HASH160 <20 bytes> OP_EQUAL.
func IsPayToScriptHash(s []byte) bool {
	return len(s) == 23 && s[0] == byte(OpHash160) && s[1] == 0x14 && s[22] == byte(OpEqual)
}

// WitnessProgram recognises a BIP141 witness program: a version opcode
// (OP_0, OP_1..OP_16) and one direct push of 2 to 40 bytes, 4 to 42 bytes in
// all.
func WitnessProgram(s []byte) (version int, program []byte, ok bool) {
	if len(s) < 4 || len(s) > 42 {
		return 0, nil, false
	}
	if s[0] != byte(Op0) && (s[0] < byte(Op1) || s[0] > byte(Op16)) {
		return 0, nil, false
	}
	if int(s[1])+2 != len(s) {
		return 0, nil, false
	}
	return Opcode(s[0]).SmallInt(), s[2:], true
}

// isPayToAnchor is the P2A output, OP_1 <0x4e73>, which Core exempts from
// DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM.
func isPayToAnchor(version int, program []byte) bool {
	return version == 1 && len(program) == 2 && program[0] == 0x4e && program[1] == 0x73
}

func verifyWitnessProgram(witness wire.TxWitness, version int, program []byte, flags Flags, checker *TxChecker, isP2SH bool) error {
	st := append(stack(nil), witness...)
	switch {
	case version == 0 && len(program) == 32:
		// BIP141 P2WSH: the last item is the script, committed to by
		// its SHA-256.
		if len(st) == 0 {
			return newError(ErrWitnessProgramWitnessEmpty, -1, "P2WSH spend with an empty witness")
		}
		script := st.pop()
		if h := sha256.Sum256(script); !bytes.Equal(h[:], program) {
			return newError(ErrWitnessProgramMismatch, -1, "witness script does not hash to the program")
		}
		return executeWitnessScript(st, script, flags, checker, SigVersionWitnessV0, nil)
	case version == 0 && len(program) == 20:
		// BIP141 P2WPKH: exactly a signature and a key, run through
		// the P2PKH script.
		if len(st) != 2 {
			return newError(ErrWitnessProgramMismatch, -1, "P2WPKH witness has %d items, want 2", len(st))
		}
		script := make([]byte, 0, 25)
		script = append(script, byte(OpDup), byte(OpHash160), 0x14)
		script = append(script, program...)
		script = append(script, byte(OpEqualVerify), byte(OpCheckSig))
		return executeWitnessScript(st, script, flags, checker, SigVersionWitnessV0, nil)
	case version == 0:
		return newError(ErrWitnessProgramWrongLength, -1, "v0 witness program of %d bytes", len(program))
	case version == 1 && len(program) == 32 && !isP2SH:
		if flags&VerifyTaproot == 0 {
			return nil
		}
		return verifyTaproot(witness, st, program, flags, checker)
	case !isP2SH && isPayToAnchor(version, program):
		return nil
	}
	if flags&VerifyDiscourageUpgradableWitnessProgram != 0 {
		return newError(ErrDiscourageUpgradableWitnessProgram, -1, "witness version %d program of %d bytes is reserved for upgrades", version, len(program))
	}
	// Other versions and sizes succeed, for future soft forks.
	return nil
}

// executeWitnessScript runs a segwit v0 or tapscript script on its witness
// stack (Core's ExecuteWitnessScript).
func executeWitnessScript(st stack, script []byte, flags Flags, checker *TxChecker, sv SigVersion, exec *execData) error {
	if sv == SigVersionTapscript {
		// OP_SUCCESSx makes the whole script succeed, before any other
		// rule applies (BIP342), provided the script parses.
		t := MakeTokenizer(script)
		for t.Next() {
			if isOpSuccess(t.Opcode()) {
				if flags&VerifyDiscourageOpSuccess != 0 {
					return newError(ErrDiscourageOpSuccess, t.Offset(), "%s is reserved for upgrades", t.Opcode())
				}
				return nil
			}
		}
		if err := t.Err(); err != nil {
			return err
		}
		if len(st) > MaxStackSize {
			return newError(ErrStackSize, -1, "witness stack holds %d elements, limit %d", len(st), MaxStackSize)
		}
	}
	for _, item := range st {
		if len(item) > MaxScriptElementSize {
			return newError(ErrPushSize, -1, "witness item of %d bytes, limit %d", len(item), MaxScriptElementSize)
		}
	}
	st, err := evalScript(st, script, flags, checker, sv, exec)
	if err != nil {
		return err
	}
	// Witness scripts must leave exactly one true element (implicit
	// CLEANSTACK).
	if len(st) != 1 {
		return newError(ErrCleanStack, -1, "witness script left %d elements, want 1", len(st))
	}
	if !asBool(st.top(-1)) {
		return newError(ErrEvalFalse, -1, "witness script evaluated to false")
	}
	return nil
}

// isOpSuccess lists BIP342's OP_SUCCESSx opcodes.
func isOpSuccess(op Opcode) bool {
	o := int(op)
	return o == 80 || o == 98 || (o >= 126 && o <= 129) || (o >= 131 && o <= 134) ||
		(o >= 137 && o <= 138) || (o >= 141 && o <= 142) || (o >= 149 && o <= 153) ||
		(o >= 187 && o <= 254)
}
