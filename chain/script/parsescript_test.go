package script

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// This file is the script language of Bitcoin Core's test vectors
// (ParseScript in core_read.cpp), which script_tests.json, tx_valid.json and
// tx_invalid.json are written in. Words are separated by single spaces, tabs
// or newlines (no other whitespace) and each is one of:
//
//   - a decimal number in -0xffffffff..0xffffffff, pushed as CScript << int64
//     pushes it: -1 and 1..16 as OP_1NEGATE and OP_1..OP_16, 0 as OP_0, any
//     other value as the minimal push of its CScriptNum encoding;
//   - 0x followed by an even number of hex digits, inserted raw (not pushed);
//   - a 'single-quoted' string (no whitespace inside), pushed with the
//     smallest push opcode for its length;
//   - an opcode name with or without its OP_ prefix, for OP_RESERVED and
//     every opcode from OP_NOP to OP_CHECKSIGADD that has a name.
//
// Anything else is an error.

// coreAsmOpcodes maps every opcode name ParseScript knows, with and without
// the OP_ prefix, to its opcode.
var coreAsmOpcodes = func() map[string]Opcode {
	m := make(map[string]Opcode)
	for op := 0; op <= int(OpCheckSigAdd); op++ {
		if op < int(OpNop) && op != int(OpReserved) {
			continue
		}
		name := opNames[op]
		if name == "" || name == "OP_UNKNOWN" {
			continue
		}
		m[name] = Opcode(op)
		if rest, ok := strings.CutPrefix(name, "OP_"); ok {
			m[rest] = Opcode(op)
		}
	}
	return m
}()

// parseCoreAsm parses a script written in Core's test-vector language.
func parseCoreAsm(s string) ([]byte, error) {
	script := []byte{}
	words := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' })
	for _, w := range words {
		switch {
		case isDecimalWord(w):
			n, err := strconv.ParseInt(w, 10, 64)
			if err != nil || n > 0xffffffff || n < -0xffffffff {
				return nil, fmt.Errorf("script parse error: decimal %q outside -0xFFFFFFFF..0xFFFFFFFF", w)
			}
			script = appendScriptInt(script, n)
		case len(w) > 2 && strings.HasPrefix(w, "0x") && isHexWord(w[2:]):
			raw, _ := hex.DecodeString(w[2:])
			script = append(script, raw...)
		case len(w) >= 2 && w[0] == '\'' && w[len(w)-1] == '\'':
			script = appendScriptPush(script, []byte(w[1:len(w)-1]))
		default:
			op, ok := coreAsmOpcodes[w]
			if !ok {
				return nil, fmt.Errorf("script parse error: unknown opcode %q", w)
			}
			script = append(script, byte(op))
		}
	}
	return script, nil
}

// isDecimalWord is Core's test for a number word: all digits, or '-'
// followed by at least one digit.
func isDecimalWord(w string) bool {
	digits := strings.TrimPrefix(w, "-")
	if digits == "" {
		return false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return false
		}
	}
	return true
}

// isHexWord is Core's IsHex: a non-empty, even-length run of hex digits.
func isHexWord(s string) bool {
	if s == "" || len(s)%2 != 0 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// appendScriptInt appends n as CScript::push_int64 does.
func appendScriptInt(script []byte, n int64) []byte {
	switch {
	case n == -1:
		return append(script, byte(Op1Negate))
	case n == 0:
		return append(script, byte(Op0))
	case n >= 1 && n <= 16:
		return append(script, byte(Op1)+byte(n-1))
	}
	return appendScriptPush(script, scriptNumBytes(n))
}

// scriptNumBytes is CScriptNum::serialize: little-endian magnitude with the
// sign in the top bit of the last byte, empty for zero.
func scriptNumBytes(n int64) []byte {
	if n == 0 {
		return []byte{}
	}
	neg := n < 0
	mag := uint64(n)
	if neg {
		mag = -mag
	}
	var out []byte
	for mag > 0 {
		out = append(out, byte(mag))
		mag >>= 8
	}
	switch {
	case out[len(out)-1]&0x80 != 0 && neg:
		out = append(out, 0x80)
	case out[len(out)-1]&0x80 != 0:
		out = append(out, 0x00)
	case neg:
		out[len(out)-1] |= 0x80
	}
	return out
}

// appendScriptPush appends data with the smallest push opcode for its
// length, as CScript << std::vector does (an empty push is OP_0).
func appendScriptPush(script, data []byte) []byte {
	n := len(data)
	switch {
	case n < int(OpPushData1):
		script = append(script, byte(n))
	case n <= 0xff:
		script = append(script, byte(OpPushData1), byte(n))
	case n <= 0xffff:
		script = binary.LittleEndian.AppendUint16(append(script, byte(OpPushData2)), uint16(n))
	default:
		script = binary.LittleEndian.AppendUint32(append(script, byte(OpPushData4)), uint32(n))
	}
	return append(script, data...)
}

func TestParseCoreAsm(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	hexa := func(n int) string { return strings.Repeat("61", n) }
	tests := []struct {
		in   string
		want string // hex; "ERR" for a parse error
	}{
		{"", ""},
		{" \t\n ", ""},
		{"0", "00"},
		{"-0", "00"},
		{"000", "00"},
		{"-1", "4f"},
		{"1", "51"},
		{"16", "60"},
		{"0016", "60"},
		{"17", "0111"},
		{"-2", "0182"},
		{"127", "017f"},
		{"128", "028000"},
		{"-127", "01ff"},
		{"-128", "028080"},
		{"255", "02ff00"},
		{"256", "020001"},
		{"-255", "02ff80"},
		{"32767", "02ff7f"},
		{"32768", "03008000"},
		{"2147483647", "04ffffff7f"},
		{"2147483648", "050000008000"},
		{"-2147483648", "050000008080"},
		{"4294967295", "05ffffffff00"},
		{"-4294967295", "05ffffffff80"},
		{"4294967296", "ERR"},
		{"-4294967296", "ERR"},
		{"99999999999999999999", "ERR"},
		{"-", "ERR"},
		{"+1", "ERR"},
		{"1.0", "ERR"},
		{"--1", "ERR"},
		{"0x4c03222222", "4c03222222"},
		{"0xABcd", "abcd"},
		{"0x", "ERR"},
		{"0xabc", "ERR"},
		{"0xzz", "ERR"},
		{"0X00", "ERR"},
		{"''", "00"},
		{"'Az'", "02417a"},
		{"'''", "0127"},
		{"'", "ERR"},
		{"'abc", "ERR"},
		{"'" + long(75) + "'", "4b" + hexa(75)},
		{"'" + long(76) + "'", "4c4c" + hexa(76)},
		{"'" + long(255) + "'", "4cff" + hexa(255)},
		{"'" + long(256) + "'", "4d0001" + hexa(256)},
		{"'" + long(65535) + "'", "4dffff" + hexa(65535)},
		{"'" + long(65536) + "'", "4e00000100" + hexa(65536)},
		{"DUP", "76"},
		{"OP_DUP", "76"},
		{"NOP", "61"},
		{"RESERVED", "50"},
		{"OP_RESERVED", "50"},
		{"CHECKLOCKTIMEVERIFY", "b1"},
		{"OP_CHECKSEQUENCEVERIFY", "b2"},
		{"NOP10", "b9"},
		{"CHECKSIGADD", "ba"},
		{"OP_CHECKSIGADD", "ba"},
		{"NOP2", "ERR"},
		{"OP_NOP3", "ERR"},
		{"OP_0", "ERR"},
		{"OP_1", "ERR"},
		{"OP_1NEGATE", "ERR"},
		{"1NEGATE", "ERR"},
		{"FALSE", "ERR"},
		{"TRUE", "ERR"},
		{"PUSHDATA1", "ERR"},
		{"OP_PUSHDATA4", "ERR"},
		{"OP_INVALIDOPCODE", "ERR"},
		{"OP_UNKNOWN", "ERR"},
		{"dup", "ERR"},
		{"OP_", "ERR"},
		{"1\r", "ERR"},
		{"1 2\t3\n4", "51525354"},
		{"  1   -1  ", "514f"},
		{"0 0x14 0x0102030405060708090a0b0c0d0e0f1011121314 EQUAL",
			"00140102030405060708090a0b0c0d0e0f101112131487"},
		{"'a' 'b' CAT", "016101627e"},
	}
	for _, tt := range tests {
		got, err := parseCoreAsm(tt.in)
		label := tt.in
		if len(label) > 40 {
			label = label[:40] + "…"
		}
		if tt.want == "ERR" {
			if err == nil {
				t.Errorf("%q: got %x, want an error", label, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", label, err)
			continue
		}
		want, _ := hex.DecodeString(tt.want)
		if !bytes.Equal(got, want) {
			t.Errorf("%q: got %x, want %x", label, got, want)
		}
	}
}

// TestParseCoreAsmOpcodeNames checks every named opcode from OP_NOP to
// OP_CHECKSIGADD, with and without the prefix, and that nothing below
// OP_NOP but OP_RESERVED has a name.
func TestParseCoreAsmOpcodeNames(t *testing.T) {
	named := 0
	for op := OpNop; op <= OpCheckSigAdd; op++ {
		name := op.String()
		if name == "OP_UNKNOWN" {
			t.Errorf("opcode %#x has no name", byte(op))
			continue
		}
		for _, w := range []string{name, strings.TrimPrefix(name, "OP_")} {
			got, err := parseCoreAsm(w)
			if err != nil || !bytes.Equal(got, []byte{byte(op)}) {
				t.Errorf("%s: got %x, %v; want %02x", w, got, err, byte(op))
			}
		}
		named++
	}
	if want := int(OpCheckSigAdd-OpNop) + 1; named != want {
		t.Errorf("%d named opcodes, want %d", named, want)
	}
	// Names of OP_0..OP_16 and the pushes are not opcode words.
	for op := 0; op < int(OpNop); op++ {
		name := Opcode(op).String()
		if op == int(OpReserved) || name == "OP_UNKNOWN" {
			continue
		}
		if isDecimalWord(name) {
			continue // "0", "-1", "1".."16" parse as numbers
		}
		if got, err := parseCoreAsm(name); err == nil {
			t.Errorf("%s parsed as %x, want an error", name, got)
		}
	}
	for op := int(OpCheckSigAdd) + 1; op < 256; op++ {
		name := Opcode(op).String()
		if got, err := parseCoreAsm(name); err == nil {
			t.Errorf("%s (%#x) parsed as %x, want an error", name, op, got)
		}
	}
}
