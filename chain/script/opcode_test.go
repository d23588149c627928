package script

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strconv"
	"testing"
)

// TestOpcodeNames checks every byte against Bitcoin Core's GetOpName.
func TestOpcodeNames(t *testing.T) {
	want := map[Opcode]string{
		Op0: "0", OpPushData1: "OP_PUSHDATA1", OpPushData2: "OP_PUSHDATA2", OpPushData4: "OP_PUSHDATA4",
		Op1Negate: "-1", OpReserved: "OP_RESERVED", Op1: "1", Op2: "2", Op16: "16",
		OpNop: "OP_NOP", OpVer: "OP_VER", OpIf: "OP_IF", OpNotIf: "OP_NOTIF", OpVerIf: "OP_VERIF",
		OpVerNotIf: "OP_VERNOTIF", OpElse: "OP_ELSE", OpEndIf: "OP_ENDIF", OpVerify: "OP_VERIFY",
		OpReturn: "OP_RETURN", OpToAltStack: "OP_TOALTSTACK", OpFromAltStack: "OP_FROMALTSTACK",
		Op2Drop: "OP_2DROP", Op2Dup: "OP_2DUP", Op3Dup: "OP_3DUP", Op2Over: "OP_2OVER",
		Op2Rot: "OP_2ROT", Op2Swap: "OP_2SWAP", OpIfDup: "OP_IFDUP", OpDepth: "OP_DEPTH",
		OpDrop: "OP_DROP", OpDup: "OP_DUP", OpNip: "OP_NIP", OpOver: "OP_OVER", OpPick: "OP_PICK",
		OpRoll: "OP_ROLL", OpRot: "OP_ROT", OpSwap: "OP_SWAP", OpTuck: "OP_TUCK", OpCat: "OP_CAT",
		OpSubstr: "OP_SUBSTR", OpLeft: "OP_LEFT", OpRight: "OP_RIGHT", OpSize: "OP_SIZE",
		OpInvert: "OP_INVERT", OpAnd: "OP_AND", OpOr: "OP_OR", OpXor: "OP_XOR", OpEqual: "OP_EQUAL",
		OpEqualVerify: "OP_EQUALVERIFY", OpReserved1: "OP_RESERVED1", OpReserved2: "OP_RESERVED2",
		Op1Add: "OP_1ADD", Op1Sub: "OP_1SUB", Op2Mul: "OP_2MUL", Op2Div: "OP_2DIV",
		OpNegate: "OP_NEGATE", OpAbs: "OP_ABS", OpNot: "OP_NOT", Op0NotEqual: "OP_0NOTEQUAL",
		OpAdd: "OP_ADD", OpSub: "OP_SUB", OpMul: "OP_MUL", OpDiv: "OP_DIV", OpMod: "OP_MOD",
		OpLShift: "OP_LSHIFT", OpRShift: "OP_RSHIFT", OpBoolAnd: "OP_BOOLAND", OpBoolOr: "OP_BOOLOR",
		OpNumEqual: "OP_NUMEQUAL", OpNumEqualVerify: "OP_NUMEQUALVERIFY",
		OpNumNotEqual: "OP_NUMNOTEQUAL", OpLessThan: "OP_LESSTHAN", OpGreaterThan: "OP_GREATERTHAN",
		OpLessThanOrEqual: "OP_LESSTHANOREQUAL", OpGreaterThanOrEqual: "OP_GREATERTHANOREQUAL",
		OpMin: "OP_MIN", OpMax: "OP_MAX", OpWithin: "OP_WITHIN", OpRipemd160: "OP_RIPEMD160",
		OpSha1: "OP_SHA1", OpSha256: "OP_SHA256", OpHash160: "OP_HASH160", OpHash256: "OP_HASH256",
		OpCodeSeparator: "OP_CODESEPARATOR", OpCheckSig: "OP_CHECKSIG",
		OpCheckSigVerify: "OP_CHECKSIGVERIFY", OpCheckMultiSig: "OP_CHECKMULTISIG",
		OpCheckMultiSigVerify: "OP_CHECKMULTISIGVERIFY", OpNop1: "OP_NOP1",
		OpCheckLockTimeVerify: "OP_CHECKLOCKTIMEVERIFY", OpCheckSequenceVerify: "OP_CHECKSEQUENCEVERIFY",
		OpNop4: "OP_NOP4", OpNop5: "OP_NOP5", OpNop6: "OP_NOP6", OpNop7: "OP_NOP7", OpNop8: "OP_NOP8",
		OpNop9: "OP_NOP9", OpNop10: "OP_NOP10", OpCheckSigAdd: "OP_CHECKSIGADD",
		OpInvalidOpcode: "OP_INVALIDOPCODE",
	}
	for i := range 256 {
		op := Opcode(i)
		exp, ok := want[op]
		switch {
		case ok:
		case op >= Op3 && op <= Op15:
			exp = strconv.Itoa(i - 0x50)
		default:
			exp = "OP_UNKNOWN" // direct pushes 0x01..0x4b and 0xbb..0xfe
		}
		if got := op.String(); got != exp {
			t.Errorf("Opcode(0x%02x).String() = %q, want %q", i, got, exp)
		}
	}
	if OpNop2 != OpCheckLockTimeVerify || OpNop3 != OpCheckSequenceVerify || OpCheckSigAdd != 0xba {
		t.Error("opcode aliases are wrong")
	}
}

func TestSmallInt(t *testing.T) {
	for i := range 256 {
		op := Opcode(i)
		want := -1
		switch {
		case op == Op0:
			want = 0
		case op >= Op1 && op <= Op16:
			want = i - 0x50
		}
		if got := op.SmallInt(); got != want {
			t.Errorf("Opcode(0x%02x).SmallInt() = %d, want %d", i, got, want)
		}
		if op.IsSmallInt() != (want >= 0) {
			t.Errorf("Opcode(0x%02x).IsSmallInt() = %v", i, op.IsSmallInt())
		}
		if op.IsPush() != (i <= 0x4e) {
			t.Errorf("Opcode(0x%02x).IsPush() = %v", i, op.IsPush())
		}
	}
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func TestParseOps(t *testing.T) {
	tests := []struct {
		script string
		ops    []Op
		bad    bool
	}{
		{"", nil, false},
		{"00", []Op{{Op0, []byte{}}}, false},
		{"51", []Op{{Op1, nil}}, false},
		{"0201ff75", []Op{{Opcode(2), []byte{1, 0xff}}, {OpDrop, nil}}, false},
		{"4c00", []Op{{OpPushData1, []byte{}}}, false},
		{"4c0207", nil, true}, // PUSHDATA1 of 2 bytes, 1 present
		{"4d0100aa", []Op{{OpPushData2, []byte{0xaa}}}, false},
		{"4d01", nil, true}, // PUSHDATA2 length cut
		{"4e01000000bb", []Op{{OpPushData4, []byte{0xbb}}}, false},
		{"4e010000", nil, true},     // PUSHDATA4 length cut
		{"4effffffff00", nil, true}, // 4 GiB push, 1 byte present
		{"76a90314", []Op{{OpDup, nil}, {OpHash160, nil}}, true},
		{"4b", nil, true},
		{"ff", []Op{{OpInvalidOpcode, nil}}, false},
	}
	for _, tc := range tests {
		ops, err := ParseOps(mustHex(t, tc.script))
		if (err != nil) != tc.bad {
			t.Errorf("ParseOps(%s) error = %v, want error %v", tc.script, err, tc.bad)
		}
		if err != nil && !errors.Is(err, ErrBadOpcode) {
			t.Errorf("ParseOps(%s) error %v is not ErrBadOpcode", tc.script, err)
		}
		if len(ops) != len(tc.ops) {
			t.Errorf("ParseOps(%s) = %d ops, want %d", tc.script, len(ops), len(tc.ops))
			continue
		}
		for i := range ops {
			if ops[i].Opcode != tc.ops[i].Opcode || !bytes.Equal(ops[i].Data, tc.ops[i].Data) ||
				(ops[i].Data == nil) != (tc.ops[i].Data == nil) {
				t.Errorf("ParseOps(%s)[%d] = %v, want %v", tc.script, i, ops[i], tc.ops[i])
			}
		}
	}
}

func TestTokenizerOffsets(t *testing.T) {
	s := mustHex(t, "76a914000102030405060708090a0b0c0d0e0f1011121388ac")
	tok := MakeTokenizer(s)
	var offsets []int
	for tok.Next() {
		offsets = append(offsets, tok.Offset())
	}
	if tok.Err() != nil || !tok.Done() || tok.ByteIndex() != len(s) {
		t.Fatalf("walk ended badly: err %v, done %v, index %d", tok.Err(), tok.Done(), tok.ByteIndex())
	}
	want := []int{0, 1, 2, 23, 24}
	if len(offsets) != len(want) {
		t.Fatalf("offsets %v, want %v", offsets, want)
	}
	for i := range want {
		if offsets[i] != want[i] {
			t.Fatalf("offsets %v, want %v", offsets, want)
		}
	}
	// After the end, Next keeps returning false without error.
	if tok.Next() || tok.Err() != nil {
		t.Error("Next after the end")
	}

	bad := MakeTokenizer(mustHex(t, "5102ff"))
	if !bad.Next() || bad.Next() {
		t.Fatal("want one instruction then failure")
	}
	var se *Error
	if !errors.As(bad.Err(), &se) || se.Offset != 1 || !bad.Done() {
		t.Errorf("error = %#v, want *Error at offset 1", bad.Err())
	}
	if bad.Next() {
		t.Error("Next after an error")
	}
}

// TestParseOpsRoundTrip re-encodes the instructions of every script in a
// real mainnet block and checks they give the script back.
func TestParseOpsRoundTrip(t *testing.T) {
	for _, s := range blockScripts(t) {
		ops, err := ParseOps(s)
		if err != nil {
			t.Fatalf("script %x: %v", s, err)
		}
		var re []byte
		for _, op := range ops {
			re = append(re, byte(op.Opcode))
			switch op.Opcode {
			case OpPushData1:
				re = append(re, byte(len(op.Data)))
			case OpPushData2:
				re = append(re, byte(len(op.Data)), byte(len(op.Data)>>8))
			case OpPushData4:
				n := len(op.Data)
				re = append(re, byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
			}
			re = append(re, op.Data...)
		}
		if !bytes.Equal(re, s) {
			t.Fatalf("script %x re-encodes as %x", s, re)
		}
	}
}
