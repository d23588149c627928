package script

// Limits from Bitcoin Core's script.h.
const (
	MaxScriptSize         = 10_000 // bytes, legacy and segwit v0 scripts
	MaxScriptElementSize  = 520    // bytes per stack element
	MaxOpsPerScript       = 201    // non-push opcodes, legacy and segwit v0
	MaxPubKeysPerMultisig = 20
	MaxStackSize          = 1_000 // stack + altstack elements

	// ValidationWeightPerSigOp and ValidationWeightOffset are BIP342's
	// signature budget: each executed signature check costs 50 units of a
	// budget of the witness size plus 50.
	ValidationWeightPerSigOp = 50
	ValidationWeightOffset   = 50

	lockTimeThreshold = 500_000_000 // nLockTime below: a height; above: a time

	sequenceLockTimeDisabled = 1 << 31 // BIP68
	sequenceLockTimeTypeFlag = 1 << 22
	sequenceLockTimeMask     = 0x0000ffff
)

// SigVersion says which rules a script runs under.
type SigVersion int

// Script versions.
const (
	SigVersionBase      SigVersion = iota // legacy and P2SH
	SigVersionWitnessV0                   // BIP141 P2WPKH/P2WSH
	SigVersionTaproot                     // BIP341 key path
	SigVersionTapscript                   // BIP342 script path, leaf version 0xc0
)

// execData is what a taproot spend carries into signature checks (Core's
// ScriptExecutionData).
type execData struct {
	codeSepPos           uint32 // opcode position of the last OP_CODESEPARATOR
	annex                []byte // with its 0x50 tag; nil when absent
	tapLeafHash          [32]byte
	validationWeightLeft int64
}

// engine runs one script.
type engine struct {
	flags      Flags
	checker    *TxChecker
	sigVersion SigVersion
	exec       *execData

	script       []byte
	codeHashFrom int // byte offset just past the last OP_CODESEPARATOR
	opCount      int
	conds        conditionStack
	stack        stack
	alt          stack
}

// isDisabled reports the opcodes removed in 2010 (CVE-2010-5137); they fail
// even in an unexecuted branch.
func isDisabled(op Opcode) bool {
	switch op {
	case OpCat, OpSubstr, OpLeft, OpRight, OpInvert, OpAnd, OpOr, OpXor,
		Op2Mul, Op2Div, OpMul, OpDiv, OpMod, OpLShift, OpRShift:
		return true
	}
	return false
}

// evalScript executes script on st (Core's EvalScript).
func evalScript(st stack, script []byte, flags Flags, checker *TxChecker, sv SigVersion, exec *execData) (stack, error) {
	if (sv == SigVersionBase || sv == SigVersionWitnessV0) && len(script) > MaxScriptSize {
		return st, newError(ErrScriptSize, -1, "script is %d bytes, limit %d", len(script), MaxScriptSize)
	}
	if exec == nil {
		exec = &execData{}
	}
	exec.codeSepPos = 0xffffffff
	e := &engine{flags: flags, checker: checker, sigVersion: sv, exec: exec,
		script: script, conds: newConditionStack(), stack: st}
	t := MakeTokenizer(script)
	for opPos := uint32(0); t.Next(); opPos++ {
		if err := e.step(&t, opPos); err != nil {
			return e.stack, err
		}
		if len(e.stack)+len(e.alt) > MaxStackSize {
			return e.stack, newError(ErrStackSize, t.Offset(), "stack holds %d elements, limit %d", len(e.stack)+len(e.alt), MaxStackSize)
		}
	}
	if t.Err() != nil {
		return e.stack, t.Err()
	}
	if !e.conds.empty() {
		return e.stack, newError(ErrUnbalancedConditional, -1, "OP_IF without OP_ENDIF")
	}
	return e.stack, nil
}

// step executes the instruction the tokenizer is on.
func (e *engine) step(t *Tokenizer, opPos uint32) error {
	op, data := t.Opcode(), t.Data()
	executing := e.conds.allTrue()
	if len(data) > MaxScriptElementSize {
		return newError(ErrPushSize, t.Offset(), "push of %d bytes, limit %d", len(data), MaxScriptElementSize)
	}
	if e.sigVersion == SigVersionBase || e.sigVersion == SigVersionWitnessV0 {
		// OP_RESERVED and pushes do not count towards the limit.
		if op > Op16 {
			e.opCount++
			if e.opCount > MaxOpsPerScript {
				return newError(ErrOpCount, t.Offset(), "more than %d opcodes", MaxOpsPerScript)
			}
		}
	}
	if isDisabled(op) {
		return newError(ErrDisabledOpcode, t.Offset(), "%s is disabled", op)
	}
	if op == OpCodeSeparator && e.sigVersion == SigVersionBase && e.flags&VerifyConstScriptCode != 0 {
		return newError(ErrOpCodeSeparator, t.Offset(), "OP_CODESEPARATOR in a legacy script")
	}
	if op <= OpPushData4 {
		if !executing {
			return nil
		}
		if e.flags&VerifyMinimalData != 0 && !checkMinimalPush(data, op) {
			return newError(ErrMinimalData, t.Offset(), "non-minimal push of %d bytes", len(data))
		}
		e.stack.push(data)
		return nil
	}
	if !executing && (op < OpIf || op > OpEndIf) {
		return nil
	}
	if err := e.execute(t, op, opPos); err != nil {
		if se, ok := err.(*Error); ok && se.Offset < 0 {
			se.Offset = t.Offset()
		}
		return err
	}
	return nil
}

// execute runs one non-push opcode.
func (e *engine) execute(t *Tokenizer, op Opcode, opPos uint32) error {
	switch {
	case op == Op1Negate || (op >= Op1 && op <= Op16):
		e.stack.push(encodeNum(int64(op) - int64(Op1) + 1))
		return nil
	case op >= OpIf && op <= OpEndIf || op == OpVerify || op == OpReturn:
		return e.flowOp(op)
	case op >= OpToAltStack && op <= OpTuck || op == OpSize:
		return e.stackOp(op)
	case op == OpEqual || op == OpEqualVerify:
		return e.equalOp(op)
	case op >= Op1Add && op <= OpWithin:
		return e.arithOp(op)
	case op >= OpRipemd160 && op <= OpHash256:
		return e.hashOp(op)
	case op == OpCodeSeparator:
		e.codeHashFrom = t.ByteIndex()
		e.exec.codeSepPos = opPos
		return nil
	case op == OpCheckSig || op == OpCheckSigVerify:
		return e.opCheckSig(op)
	case op == OpCheckSigAdd:
		return e.opCheckSigAdd()
	case op == OpCheckMultiSig || op == OpCheckMultiSigVerify:
		return e.opCheckMultiSig(op)
	case op == OpCheckLockTimeVerify:
		return e.opCheckLockTimeVerify()
	case op == OpCheckSequenceVerify:
		return e.opCheckSequenceVerify()
	case op == OpNop:
		return nil
	case op == OpNop1 || (op >= OpNop4 && op <= OpNop10):
		if e.flags&VerifyDiscourageUpgradableNops != 0 {
			return newError(ErrDiscourageUpgradableNops, -1, "%s is reserved for soft-fork upgrades", op)
		}
		return nil
	}
	return newError(ErrBadOpcode, -1, "%s is not a valid opcode here", op)
}

func stackErr(op Opcode, need, have int) error {
	return newError(ErrInvalidStackOperation, -1, "%s needs %d stack elements, %d present", op, need, have)
}

func (e *engine) flowOp(op Opcode) error {
	switch op {
	case OpIf, OpNotIf:
		value := false
		if e.conds.allTrue() {
			if len(e.stack) < 1 {
				return stackErr(op, 1, 0)
			}
			top := e.stack.top(-1)
			if err := e.checkMinimalIf(top); err != nil {
				return err
			}
			value = asBool(top)
			if op == OpNotIf {
				value = !value
			}
			e.stack.pop()
		}
		e.conds.pushBack(value)
	case OpElse:
		if e.conds.empty() {
			return newError(ErrUnbalancedConditional, -1, "OP_ELSE without OP_IF")
		}
		e.conds.toggleTop()
	case OpEndIf:
		if e.conds.empty() {
			return newError(ErrUnbalancedConditional, -1, "OP_ENDIF without OP_IF")
		}
		e.conds.popBack()
	case OpVerify:
		if len(e.stack) < 1 {
			return stackErr(op, 1, 0)
		}
		if !asBool(e.stack.top(-1)) {
			return newError(ErrVerify, -1, "OP_VERIFY failed")
		}
		e.stack.pop()
	case OpReturn:
		return newError(ErrOpReturn, -1, "OP_RETURN executed")
	default: // OP_VERIF, OP_VERNOTIF: invalid even unexecuted
		return newError(ErrBadOpcode, -1, "%s is not a valid opcode", op)
	}
	return nil
}

// checkMinimalIf enforces that OP_IF's argument is empty or exactly 0x01:
// consensus in tapscript (BIP342), policy (MINIMALIF) in segwit v0.
func (e *engine) checkMinimalIf(top []byte) error {
	minimal := len(top) == 0 || (len(top) == 1 && top[0] == 1)
	switch {
	case e.sigVersion == SigVersionTapscript && !minimal:
		return newError(ErrTapscriptMinimalIf, -1, "OP_IF argument must be empty or 0x01 in tapscript")
	case e.sigVersion == SigVersionWitnessV0 && e.flags&VerifyMinimalIf != 0 && !minimal:
		return newError(ErrMinimalIf, -1, "OP_IF argument must be empty or 0x01")
	}
	return nil
}
