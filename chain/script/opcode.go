package script

import (
	"encoding/binary"
	"fmt"
)

// Opcode is one script instruction byte.
type Opcode byte

// The opcodes, named after Bitcoin Core's script.h in Go style (OP_CHECKSIG
// is OpCheckSig). Bytes 0x01..0x4b push that many following bytes and have
// no names of their own.
const (
	// Push value.
	Op0         Opcode = 0x00
	OpFalse     Opcode = Op0
	OpPushData1 Opcode = 0x4c
	OpPushData2 Opcode = 0x4d
	OpPushData4 Opcode = 0x4e
	Op1Negate   Opcode = 0x4f
	OpReserved  Opcode = 0x50
	Op1         Opcode = 0x51
	OpTrue      Opcode = Op1
	Op2         Opcode = 0x52
	Op3         Opcode = 0x53
	Op4         Opcode = 0x54
	Op5         Opcode = 0x55
	Op6         Opcode = 0x56
	Op7         Opcode = 0x57
	Op8         Opcode = 0x58
	Op9         Opcode = 0x59
	Op10        Opcode = 0x5a
	Op11        Opcode = 0x5b
	Op12        Opcode = 0x5c
	Op13        Opcode = 0x5d
	Op14        Opcode = 0x5e
	Op15        Opcode = 0x5f
	Op16        Opcode = 0x60

	// Control.
	OpNop      Opcode = 0x61
	OpVer      Opcode = 0x62
	OpIf       Opcode = 0x63
	OpNotIf    Opcode = 0x64
	OpVerIf    Opcode = 0x65
	OpVerNotIf Opcode = 0x66
	OpElse     Opcode = 0x67
	OpEndIf    Opcode = 0x68
	OpVerify   Opcode = 0x69
	OpReturn   Opcode = 0x6a

	// Stack.
	OpToAltStack   Opcode = 0x6b
	OpFromAltStack Opcode = 0x6c
	Op2Drop        Opcode = 0x6d
	Op2Dup         Opcode = 0x6e
	Op3Dup         Opcode = 0x6f
	Op2Over        Opcode = 0x70
	Op2Rot         Opcode = 0x71
	Op2Swap        Opcode = 0x72
	OpIfDup        Opcode = 0x73
	OpDepth        Opcode = 0x74
	OpDrop         Opcode = 0x75
	OpDup          Opcode = 0x76
	OpNip          Opcode = 0x77
	OpOver         Opcode = 0x78
	OpPick         Opcode = 0x79
	OpRoll         Opcode = 0x7a
	OpRot          Opcode = 0x7b
	OpSwap         Opcode = 0x7c
	OpTuck         Opcode = 0x7d

	// Splice (disabled).
	OpCat    Opcode = 0x7e
	OpSubstr Opcode = 0x7f
	OpLeft   Opcode = 0x80
	OpRight  Opcode = 0x81
	OpSize   Opcode = 0x82

	// Bit logic (mostly disabled).
	OpInvert      Opcode = 0x83
	OpAnd         Opcode = 0x84
	OpOr          Opcode = 0x85
	OpXor         Opcode = 0x86
	OpEqual       Opcode = 0x87
	OpEqualVerify Opcode = 0x88
	OpReserved1   Opcode = 0x89
	OpReserved2   Opcode = 0x8a

	// Arithmetic.
	Op1Add               Opcode = 0x8b
	Op1Sub               Opcode = 0x8c
	Op2Mul               Opcode = 0x8d
	Op2Div               Opcode = 0x8e
	OpNegate             Opcode = 0x8f
	OpAbs                Opcode = 0x90
	OpNot                Opcode = 0x91
	Op0NotEqual          Opcode = 0x92
	OpAdd                Opcode = 0x93
	OpSub                Opcode = 0x94
	OpMul                Opcode = 0x95
	OpDiv                Opcode = 0x96
	OpMod                Opcode = 0x97
	OpLShift             Opcode = 0x98
	OpRShift             Opcode = 0x99
	OpBoolAnd            Opcode = 0x9a
	OpBoolOr             Opcode = 0x9b
	OpNumEqual           Opcode = 0x9c
	OpNumEqualVerify     Opcode = 0x9d
	OpNumNotEqual        Opcode = 0x9e
	OpLessThan           Opcode = 0x9f
	OpGreaterThan        Opcode = 0xa0
	OpLessThanOrEqual    Opcode = 0xa1
	OpGreaterThanOrEqual Opcode = 0xa2
	OpMin                Opcode = 0xa3
	OpMax                Opcode = 0xa4
	OpWithin             Opcode = 0xa5

	// Crypto.
	OpRipemd160           Opcode = 0xa6
	OpSha1                Opcode = 0xa7
	OpSha256              Opcode = 0xa8
	OpHash160             Opcode = 0xa9
	OpHash256             Opcode = 0xaa
	OpCodeSeparator       Opcode = 0xab
	OpCheckSig            Opcode = 0xac
	OpCheckSigVerify      Opcode = 0xad
	OpCheckMultiSig       Opcode = 0xae
	OpCheckMultiSigVerify Opcode = 0xaf

	// Expansion.
	OpNop1                Opcode = 0xb0
	OpCheckLockTimeVerify Opcode = 0xb1 // BIP65
	OpNop2                Opcode = OpCheckLockTimeVerify
	OpCheckSequenceVerify Opcode = 0xb2 // BIP112
	OpNop3                Opcode = OpCheckSequenceVerify
	OpNop4                Opcode = 0xb3
	OpNop5                Opcode = 0xb4
	OpNop6                Opcode = 0xb5
	OpNop7                Opcode = 0xb6
	OpNop8                Opcode = 0xb7
	OpNop9                Opcode = 0xb8
	OpNop10               Opcode = 0xb9

	// OpCheckSigAdd is BIP342's tapscript-only opcode.
	OpCheckSigAdd Opcode = 0xba

	// OpInvalidOpcode is the byte Bitcoin Core uses as "no opcode".
	OpInvalidOpcode Opcode = 0xff
)

// MaxOpcode is the highest opcode Core's CScript::HasValidOps accepts
// (OP_NOP10; OP_CHECKSIGADD only exists inside tapscript).
const MaxOpcode = OpNop10

// opNames holds Core's GetOpName for every byte that has a name; the rest
// are "OP_UNKNOWN".
var opNames = func() [256]string {
	var n [256]string
	n[Op0] = "0"
	n[OpPushData1], n[OpPushData2], n[OpPushData4] = "OP_PUSHDATA1", "OP_PUSHDATA2", "OP_PUSHDATA4"
	n[Op1Negate] = "-1"
	n[OpReserved] = "OP_RESERVED"
	for op := Op1; op <= Op16; op++ {
		n[op] = fmt.Sprint(int(op-Op1) + 1)
	}
	names := []string{
		"OP_NOP", "OP_VER", "OP_IF", "OP_NOTIF", "OP_VERIF", "OP_VERNOTIF", "OP_ELSE", "OP_ENDIF",
		"OP_VERIFY", "OP_RETURN", "OP_TOALTSTACK", "OP_FROMALTSTACK", "OP_2DROP", "OP_2DUP",
		"OP_3DUP", "OP_2OVER", "OP_2ROT", "OP_2SWAP", "OP_IFDUP", "OP_DEPTH", "OP_DROP", "OP_DUP",
		"OP_NIP", "OP_OVER", "OP_PICK", "OP_ROLL", "OP_ROT", "OP_SWAP", "OP_TUCK", "OP_CAT",
		"OP_SUBSTR", "OP_LEFT", "OP_RIGHT", "OP_SIZE", "OP_INVERT", "OP_AND", "OP_OR", "OP_XOR",
		"OP_EQUAL", "OP_EQUALVERIFY", "OP_RESERVED1", "OP_RESERVED2", "OP_1ADD", "OP_1SUB",
		"OP_2MUL", "OP_2DIV", "OP_NEGATE", "OP_ABS", "OP_NOT", "OP_0NOTEQUAL", "OP_ADD", "OP_SUB",
		"OP_MUL", "OP_DIV", "OP_MOD", "OP_LSHIFT", "OP_RSHIFT", "OP_BOOLAND", "OP_BOOLOR",
		"OP_NUMEQUAL", "OP_NUMEQUALVERIFY", "OP_NUMNOTEQUAL", "OP_LESSTHAN", "OP_GREATERTHAN",
		"OP_LESSTHANOREQUAL", "OP_GREATERTHANOREQUAL", "OP_MIN", "OP_MAX", "OP_WITHIN",
		"OP_RIPEMD160", "OP_SHA1", "OP_SHA256", "OP_HASH160", "OP_HASH256", "OP_CODESEPARATOR",
		"OP_CHECKSIG", "OP_CHECKSIGVERIFY", "OP_CHECKMULTISIG", "OP_CHECKMULTISIGVERIFY",
		"OP_NOP1", "OP_CHECKLOCKTIMEVERIFY", "OP_CHECKSEQUENCEVERIFY", "OP_NOP4", "OP_NOP5",
		"OP_NOP6", "OP_NOP7", "OP_NOP8", "OP_NOP9", "OP_NOP10", "OP_CHECKSIGADD",
	}
	for i, name := range names {
		n[int(OpNop)+i] = name
	}
	n[OpInvalidOpcode] = "OP_INVALIDOPCODE"
	return n
}()

// String returns the opcode's name exactly as Bitcoin Core's GetOpName
// spells it: "0", "-1" and "1".."16" for the small-number opcodes,
// "OP_CHECKSIG" and friends for the rest, "OP_UNKNOWN" for bytes with no
// meaning (0xbb..0xfe) and for the direct pushes 0x01..0x4b, which Core
// never names.
func (op Opcode) String() string {
	if name := opNames[op]; name != "" {
		return name
	}
	return "OP_UNKNOWN"
}

// IsSmallInt reports whether op pushes a small integer: OP_0 or
// OP_1..OP_16 (not OP_1NEGATE), as Core's IsSmallInteger plus OP_0.
func (op Opcode) IsSmallInt() bool { return op == Op0 || (op >= Op1 && op <= Op16) }

// SmallInt returns the value a small-integer opcode pushes (Core's
// DecodeOP_N): 0 for OP_0, 1..16 for OP_1..OP_16. Other opcodes give -1.
func (op Opcode) SmallInt() int {
	switch {
	case op == Op0:
		return 0
	case op >= Op1 && op <= Op16:
		return int(op-Op1) + 1
	}
	return -1
}

// IsPush reports whether op pushes data from the script itself (OP_0,
// 0x01..0x4b, OP_PUSHDATA1/2/4).
func (op Opcode) IsPush() bool { return op <= OpPushData4 }

// ErrorKind identifies a kind of script error. Names are Bitcoin Core's
// ScriptError names as script_tests.json spells them ("BAD_OPCODE"), so
// test vectors compare directly. It implements error for errors.Is.
type ErrorKind string

func (k ErrorKind) Error() string { return string(k) }

// ErrBadOpcode: an instruction could not be read, such as a push whose
// length runs past the end of the script (Core's SCRIPT_ERR_BAD_OPCODE,
// "Opcode missing or not understood").
const ErrBadOpcode = ErrorKind("BAD_OPCODE")

// Error is a script error: its kind, a description and the byte offset of
// the instruction it concerns (-1 when none applies).
type Error struct {
	Err         ErrorKind
	Description string
	Offset      int
}

func (e *Error) Error() string { return e.Description }

// Unwrap returns the kind, for errors.Is.
func (e *Error) Unwrap() error { return e.Err }

func newError(kind ErrorKind, offset int, format string, args ...any) *Error {
	return &Error{Err: kind, Offset: offset, Description: fmt.Sprintf(format, args...)}
}

// Op is one parsed instruction: its opcode and, for pushes, the pushed
// bytes (a sub-slice of the script; nil for non-push opcodes, empty for
// OP_0 and zero-length pushes).
type Op struct {
	Opcode Opcode
	Data   []byte
}

// Tokenizer walks a script one instruction at a time without allocating,
// exactly as Bitcoin Core's GetScriptOp reads it:
//
//	t := script.MakeTokenizer(s)
//	for t.Next() {
//		use(t.Opcode(), t.Data())
//	}
//	if err := t.Err(); err != nil { ... } // truncated push
//
// Data returns a sub-slice of the script, valid as long as the script is.
// A truncated push ends the walk with an *Error of kind ErrBadOpcode; the
// tokenizer never panics and never reads past the script.
type Tokenizer struct {
	script []byte
	offset int // offset of the next instruction
	start  int // offset of the current instruction
	op     Opcode
	data   []byte
	err    error
}

// MakeTokenizer returns a tokenizer positioned before the first
// instruction of script.
func MakeTokenizer(script []byte) Tokenizer { return Tokenizer{script: script} }

// Next reads the next instruction. It returns false at the end of the
// script or on a malformed instruction (then Err is non-nil).
func (t *Tokenizer) Next() bool {
	if t.err != nil || t.offset >= len(t.script) {
		t.op, t.data = OpInvalidOpcode, nil
		return false
	}
	t.start = t.offset
	op := Opcode(t.script[t.offset])
	rest := t.script[t.offset+1:]
	if !op.IsPush() {
		t.op, t.data = op, nil
		t.offset++
		return true
	}
	size, header, ok := pushSize(op, rest)
	if !ok || uint64(len(rest)-header) < size {
		t.err = newError(ErrBadOpcode, t.start, "script offset %d: %s push runs past the end of the %d-byte script",
			t.start, pushName(op), len(t.script))
		t.op, t.data = OpInvalidOpcode, nil
		return false
	}
	t.op = op
	t.data = rest[header : header+int(size) : header+int(size)]
	t.offset += 1 + header + int(size)
	return true
}

// pushSize decodes a push opcode's length: the pushed size and how many
// length bytes follow the opcode. ok is false when those bytes are missing.
func pushSize(op Opcode, rest []byte) (size uint64, header int, ok bool) {
	switch op {
	case OpPushData1:
		if len(rest) < 1 {
			return 0, 0, false
		}
		return uint64(rest[0]), 1, true
	case OpPushData2:
		if len(rest) < 2 {
			return 0, 0, false
		}
		return uint64(binary.LittleEndian.Uint16(rest)), 2, true
	case OpPushData4:
		if len(rest) < 4 {
			return 0, 0, false
		}
		return uint64(binary.LittleEndian.Uint32(rest)), 4, true
	default:
		return uint64(op), 0, true
	}
}

func pushName(op Opcode) string {
	if op >= OpPushData1 {
		return op.String()
	}
	return fmt.Sprintf("%d-byte", int(op))
}

// Opcode returns the current instruction's opcode.
func (t *Tokenizer) Opcode() Opcode { return t.op }

// Data returns the current instruction's pushed bytes (nil for non-push
// opcodes).
func (t *Tokenizer) Data() []byte { return t.data }

// Op returns the current instruction.
func (t *Tokenizer) Op() Op { return Op{Opcode: t.op, Data: t.data} }

// Offset returns the byte offset of the current instruction.
func (t *Tokenizer) Offset() int { return t.start }

// ByteIndex returns the byte offset of the next instruction: after a
// successful walk, the script's length.
func (t *Tokenizer) ByteIndex() int { return t.offset }

// Done reports whether the walk has ended, at the script's end or on an
// error.
func (t *Tokenizer) Done() bool { return t.err != nil || t.offset >= len(t.script) }

// Err returns the error that ended the walk, or nil.
func (t *Tokenizer) Err() error { return t.err }

// ParseOps splits script into its instructions. On a malformed
// instruction it returns the instructions before it together with an
// *Error of kind ErrBadOpcode.
func ParseOps(script []byte) ([]Op, error) {
	var ops []Op
	t := MakeTokenizer(script)
	for t.Next() {
		ops = append(ops, t.Op())
	}
	return ops, t.Err()
}
