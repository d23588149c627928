package script

import "bytes"

// scriptCode returns the script from just past the last executed
// OP_CODESEPARATOR, the part a legacy or segwit v0 signature commits to.
func (e *engine) scriptCode() []byte { return e.script[e.codeHashFrom:] }

func (e *engine) opCheckSig(op Opcode) error {
	if len(e.stack) < 2 {
		return stackErr(op, 2, len(e.stack))
	}
	sig, pubKey := e.stack.top(-2), e.stack.top(-1)
	ok, err := e.evalCheckSig(sig, pubKey)
	if err != nil {
		return err
	}
	e.stack.popN(2)
	e.stack.push(boolBytes(ok))
	if op == OpCheckSigVerify {
		if !ok {
			return newError(ErrCheckSigVerify, -1, "OP_CHECKSIGVERIFY: signature check failed")
		}
		e.stack.pop()
	}
	return nil
}

// opCheckSigAdd is BIP342's OP_CHECKSIGADD: n + (signature valid ? 1 : 0).
func (e *engine) opCheckSigAdd() error {
	if e.sigVersion == SigVersionBase || e.sigVersion == SigVersionWitnessV0 {
		return newError(ErrBadOpcode, -1, "OP_CHECKSIGADD outside tapscript")
	}
	if len(e.stack) < 3 {
		return stackErr(OpCheckSigAdd, 3, len(e.stack))
	}
	sig, pubKey := e.stack.top(-3), e.stack.top(-1)
	n, err := decodeNum(e.stack.top(-2), e.minimal(), defaultNumSize)
	if err != nil {
		return err
	}
	ok, err := e.evalCheckSig(sig, pubKey)
	if err != nil {
		return err
	}
	e.stack.popN(3)
	e.stack.push(encodeNum(n + b2i(ok)))
	return nil
}

func (e *engine) evalCheckSig(sig, pubKey []byte) (bool, error) {
	if e.sigVersion == SigVersionTapscript {
		return e.checkSigTapscript(sig, pubKey)
	}
	code := e.scriptCode()
	if e.sigVersion == SigVersionBase {
		var found int
		code, found = findAndDelete(code, pushOf(sig))
		if found > 0 && e.flags&VerifyConstScriptCode != 0 {
			return false, newError(ErrSigFindAndDelete, -1, "signature found in scriptCode")
		}
	}
	if err := checkSignatureEncoding(sig, e.flags); err != nil {
		return false, err
	}
	if err := checkPubKeyEncoding(pubKey, e.flags, e.sigVersion); err != nil {
		return false, err
	}
	ok := e.checker.checkECDSA(sig, pubKey, code, e.sigVersion)
	if !ok && e.flags&VerifyNullFail != 0 && len(sig) != 0 {
		return false, newError(ErrNullFail, -1, "failing signature is not empty")
	}
	return ok, nil
}

// checkSigTapscript is BIP342's signature opcode rule: an empty signature
// is a valid "no", every other one must verify and spends validation
// weight; unknown key types succeed unless policy discourages them.
func (e *engine) checkSigTapscript(sig, pubKey []byte) (bool, error) {
	ok := len(sig) != 0
	if ok {
		e.exec.validationWeightLeft -= ValidationWeightPerSigOp
		if e.exec.validationWeightLeft < 0 {
			return false, newError(ErrTapscriptValidationWeight, -1, "signature checks exceed the validation weight budget")
		}
	}
	switch len(pubKey) {
	case 0:
		return false, newError(ErrTapscriptEmptyPubKey, -1, "empty public key in tapscript")
	case 32:
		if ok {
			if err := e.checker.checkSchnorr(sig, pubKey, SigVersionTapscript, e.exec); err != nil {
				return false, err
			}
		}
	default:
		if e.flags&VerifyDiscourageUpgradablePubKeyType != 0 {
			return false, newError(ErrDiscourageUpgradablePubKeyType, -1, "public key of unknown type (%d bytes)", len(pubKey))
		}
	}
	return ok, nil
}

func (e *engine) opCheckMultiSig(op Opcode) error {
	if e.sigVersion == SigVersionTapscript {
		return newError(ErrTapscriptCheckMultiSig, -1, "%s is disabled in tapscript", op)
	}
	s := e.stack
	i := 1
	if len(s) < i {
		return stackErr(op, i, len(s))
	}
	nKeys, err := decodeNum(s.top(-i), e.minimal(), defaultNumSize)
	if err != nil {
		return err
	}
	if nKeys < 0 || nKeys > MaxPubKeysPerMultisig {
		return newError(ErrPubKeyCount, -1, "%d public keys, limit %d", nKeys, MaxPubKeysPerMultisig)
	}
	e.opCount += int(nKeys)
	if e.opCount > MaxOpsPerScript {
		return newError(ErrOpCount, -1, "more than %d opcodes", MaxOpsPerScript)
	}
	i++
	keyAt := i
	// keyAt2 counts down the keys and count elements so NULLFAIL can
	// tell signatures from keys while cleaning up.
	keyAt2 := int(nKeys) + 2
	i += int(nKeys)
	if len(s) < i {
		return stackErr(op, i, len(s))
	}
	nSigs, err := decodeNum(s.top(-i), e.minimal(), defaultNumSize)
	if err != nil {
		return err
	}
	if nSigs < 0 || nSigs > nKeys {
		return newError(ErrSigCount, -1, "%d signatures for %d keys", nSigs, nKeys)
	}
	i++
	sigAt := i
	i += int(nSigs)
	if len(s) < i {
		return stackErr(op, i, len(s))
	}
	code := e.scriptCode()
	for k := range int(nSigs) {
		if e.sigVersion == SigVersionBase {
			var found int
			code, found = findAndDelete(code, pushOf(s.top(-sigAt-k)))
			if found > 0 && e.flags&VerifyConstScriptCode != 0 {
				return newError(ErrSigFindAndDelete, -1, "signature found in scriptCode")
			}
		}
	}
	success := true
	for success && nSigs > 0 {
		sig, pubKey := s.top(-sigAt), s.top(-keyAt)
		// Encodings are checked lazily, as Core does: only the pairs
		// actually tried.
		if err := checkSignatureEncoding(sig, e.flags); err != nil {
			return err
		}
		if err := checkPubKeyEncoding(pubKey, e.flags, e.sigVersion); err != nil {
			return err
		}
		if e.checker.checkECDSA(sig, pubKey, code, e.sigVersion) {
			sigAt++
			nSigs--
		}
		keyAt++
		nKeys--
		if nSigs > nKeys {
			success = false
		}
	}
	for ; i > 1; i-- {
		if !success && e.flags&VerifyNullFail != 0 && keyAt2 == 0 && len(e.stack.top(-1)) != 0 {
			return newError(ErrNullFail, -1, "failing signature is not empty")
		}
		if keyAt2 > 0 {
			keyAt2--
		}
		e.stack.pop()
	}
	// The extra element CHECKMULTISIG pops by mistake (BIP147 NULLDUMMY).
	if len(e.stack) < 1 {
		return stackErr(op, 1, 0)
	}
	if e.flags&VerifyNullDummy != 0 && len(e.stack.top(-1)) != 0 {
		return newError(ErrSigNullDummy, -1, "CHECKMULTISIG dummy element is not empty")
	}
	e.stack.pop()
	e.stack.push(boolBytes(success))
	if op == OpCheckMultiSigVerify {
		if !success {
			return newError(ErrCheckMultiSigVerify, -1, "OP_CHECKMULTISIGVERIFY failed")
		}
		e.stack.pop()
	}
	return nil
}

// pushOf returns the canonical push of data (CScript() << data), which is
// what FindAndDelete searches for.
func pushOf(data []byte) []byte {
	n := len(data)
	var b []byte
	switch {
	case n < int(OpPushData1):
		b = append(make([]byte, 0, n+1), byte(n))
	case n <= 0xff:
		b = append(make([]byte, 0, n+2), byte(OpPushData1), byte(n))
	case n <= 0xffff:
		b = append(make([]byte, 0, n+3), byte(OpPushData2), byte(n), byte(n>>8))
	default:
		b = append(make([]byte, 0, n+5), byte(OpPushData4), byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
	}
	return append(b, data...)
}

// findAndDelete removes every occurrence of pattern that starts at an
// instruction boundary of script (Core's FindAndDelete). The script is not
// modified; a new one is returned when something was removed.
func findAndDelete(script, pattern []byte) ([]byte, int) {
	if len(pattern) == 0 || !bytes.Contains(script, pattern) {
		return script, 0
	}
	var out []byte
	found := 0
	pc, kept := 0, 0
	t := MakeTokenizer(script)
	for {
		out = append(out, script[kept:pc]...)
		for len(script)-pc >= len(pattern) && bytes.Equal(script[pc:pc+len(pattern)], pattern) {
			pc += len(pattern)
			found++
		}
		kept = pc
		t = MakeTokenizer(script[pc:])
		if !t.Next() {
			break
		}
		pc += t.ByteIndex()
	}
	if found == 0 {
		return script, 0
	}
	return append(out, script[kept:]...), found
}
