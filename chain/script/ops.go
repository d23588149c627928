package script

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"

	"golang.org/x/crypto/ripemd160" //nolint:staticcheck // RIPEMD-160 is consensus
)

// stackNeeds is how many elements each stack opcode consumes at least.
var stackNeeds = map[Opcode]int{
	OpToAltStack: 1, Op2Drop: 2, Op2Dup: 2, Op3Dup: 3, Op2Over: 4, Op2Rot: 6, Op2Swap: 4,
	OpIfDup: 1, OpDepth: 0, OpDrop: 1, OpDup: 1, OpNip: 2, OpOver: 2, OpPick: 2, OpRoll: 2,
	OpRot: 3, OpSwap: 2, OpTuck: 2, OpSize: 1,
}

func (e *engine) stackOp(op Opcode) error {
	s := &e.stack
	if op == OpFromAltStack {
		if len(e.alt) < 1 {
			return newError(ErrInvalidAltStackOperation, -1, "OP_FROMALTSTACK with an empty altstack")
		}
		s.push(e.alt.pop())
		return nil
	}
	if need := stackNeeds[op]; len(*s) < need {
		return stackErr(op, need, len(*s))
	}
	switch op {
	case OpToAltStack:
		e.alt.push(s.pop())
	case Op2Drop:
		s.popN(2)
	case Op2Dup:
		a, b := s.top(-2), s.top(-1)
		s.push(a)
		s.push(b)
	case Op3Dup:
		a, b, c := s.top(-3), s.top(-2), s.top(-1)
		s.push(a)
		s.push(b)
		s.push(c)
	case Op2Over:
		a, b := s.top(-4), s.top(-3)
		s.push(a)
		s.push(b)
	case Op2Rot:
		a, b := s.top(-6), s.top(-5)
		s.erase(-6)
		s.erase(-5)
		s.push(a)
		s.push(b)
	case Op2Swap:
		x := *s
		n := len(x)
		x[n-4], x[n-2] = x[n-2], x[n-4]
		x[n-3], x[n-1] = x[n-1], x[n-3]
	case OpIfDup:
		if top := s.top(-1); asBool(top) {
			s.push(top)
		}
	case OpDepth:
		s.push(encodeNum(int64(len(*s))))
	case OpDrop:
		s.pop()
	case OpDup:
		s.push(s.top(-1))
	case OpNip:
		s.erase(-2)
	case OpOver:
		s.push(s.top(-2))
	case OpPick, OpRoll:
		return e.pickRoll(op)
	case OpRot:
		x := *s
		n := len(x)
		x[n-3], x[n-2], x[n-1] = x[n-2], x[n-1], x[n-3]
	case OpSwap:
		x := *s
		n := len(x)
		x[n-2], x[n-1] = x[n-1], x[n-2]
	case OpTuck:
		top := s.top(-1)
		x := append(*s, nil)
		n := len(x)
		copy(x[n-2:], x[n-3:n-1])
		x[n-3] = top
		*s = x
	case OpSize:
		s.push(encodeNum(int64(len(s.top(-1)))))
	}
	return nil
}

func (e *engine) pickRoll(op Opcode) error {
	s := &e.stack
	n, err := decodeNum(s.top(-1), e.minimal(), defaultNumSize)
	if err != nil {
		return err
	}
	s.pop()
	if n < 0 || n >= int64(len(*s)) {
		return newError(ErrInvalidStackOperation, -1, "%s index %d out of range for %d elements", op, n, len(*s))
	}
	v := s.top(int(-n - 1))
	if op == OpRoll {
		s.erase(int(-n - 1))
	}
	s.push(v)
	return nil
}

func (e *engine) minimal() bool { return e.flags&VerifyMinimalData != 0 }

func (e *engine) equalOp(op Opcode) error {
	if len(e.stack) < 2 {
		return stackErr(op, 2, len(e.stack))
	}
	equal := bytes.Equal(e.stack.top(-2), e.stack.top(-1))
	e.stack.popN(2)
	e.stack.push(boolBytes(equal))
	if op == OpEqualVerify {
		if !equal {
			return newError(ErrEqualVerify, -1, "OP_EQUALVERIFY: elements differ")
		}
		e.stack.pop()
	}
	return nil
}

// arithOp runs the numeric opcodes OP_1ADD..OP_WITHIN.
func (e *engine) arithOp(op Opcode) error {
	need := 2
	switch {
	case op <= Op0NotEqual:
		need = 1
	case op == OpWithin:
		need = 3
	}
	if len(e.stack) < need {
		return stackErr(op, need, len(e.stack))
	}
	var args [3]int64
	for i := range need {
		n, err := decodeNum(e.stack.top(i-need), e.minimal(), defaultNumSize)
		if err != nil {
			return err
		}
		args[i] = n
	}
	e.stack.popN(need)
	var r int64
	switch op {
	case Op1Add:
		r = args[0] + 1
	case Op1Sub:
		r = args[0] - 1
	case OpNegate:
		r = -args[0]
	case OpAbs:
		r = max(args[0], -args[0])
	case OpNot:
		r = b2i(args[0] == 0)
	case Op0NotEqual:
		r = b2i(args[0] != 0)
	case OpAdd:
		r = args[0] + args[1]
	case OpSub:
		r = args[0] - args[1]
	case OpBoolAnd:
		r = b2i(args[0] != 0 && args[1] != 0)
	case OpBoolOr:
		r = b2i(args[0] != 0 || args[1] != 0)
	case OpNumEqual, OpNumEqualVerify:
		r = b2i(args[0] == args[1])
	case OpNumNotEqual:
		r = b2i(args[0] != args[1])
	case OpLessThan:
		r = b2i(args[0] < args[1])
	case OpGreaterThan:
		r = b2i(args[0] > args[1])
	case OpLessThanOrEqual:
		r = b2i(args[0] <= args[1])
	case OpGreaterThanOrEqual:
		r = b2i(args[0] >= args[1])
	case OpMin:
		r = min(args[0], args[1])
	case OpMax:
		r = max(args[0], args[1])
	case OpWithin:
		r = b2i(args[1] <= args[0] && args[0] < args[2])
	default:
		return newError(ErrBadOpcode, -1, "%s is not a valid opcode", op)
	}
	e.stack.push(encodeNum(r))
	if op == OpNumEqualVerify {
		if r == 0 {
			return newError(ErrNumEqualVerify, -1, "OP_NUMEQUALVERIFY: numbers differ")
		}
		e.stack.pop()
	}
	return nil
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func (e *engine) hashOp(op Opcode) error {
	if len(e.stack) < 1 {
		return stackErr(op, 1, 0)
	}
	data := e.stack.pop()
	var out []byte
	switch op {
	case OpRipemd160:
		h := ripemd160.New()
		h.Write(data)
		out = h.Sum(nil)
	case OpSha1:
		s := sha1.Sum(data)
		out = s[:]
	case OpSha256:
		s := sha256.Sum256(data)
		out = s[:]
	case OpHash160:
		s := sha256.Sum256(data)
		h := ripemd160.New()
		h.Write(s[:])
		out = h.Sum(nil)
	case OpHash256:
		s := sha256.Sum256(data)
		s = sha256.Sum256(s[:])
		out = s[:]
	}
	e.stack.push(out)
	return nil
}
