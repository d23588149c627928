package script

import (
	"encoding/hex"
	"strconv"
	"strings"
)

// Disasm renders script as Bitcoin Core's ScriptToAsmStr does, the "asm"
// field of decoderawtransaction, decodescript and getblock:
//
//   - pushes of at most 4 bytes print as decimal script numbers ("0" for
//     OP_0 and empty pushes, "-1" for 0x81, "-16" for 0x90);
//   - longer pushes print as lowercase hex;
//   - OP_1NEGATE and OP_1..OP_16 print as "-1" and "1".."16", other
//     opcodes by their Core names (OP_CHECKSIG, OP_UNKNOWN, ...);
//   - a malformed instruction (a truncated push) prints "[error]" and ends
//     the text.
//
// With sighashDecode (Core passes true for scriptSigs only), a push that is
// a strictly DER-encoded signature with a defined hash type prints as the
// signature's hex without its last byte followed by the hash type, such as
// "3044...01" → "3044...[ALL]". Scripts starting with OP_RETURN (or longer
// than MaxScriptSize) are never sighash-decoded.
func Disasm(script []byte, sighashDecode bool) string {
	var b strings.Builder
	decodeSigs := sighashDecode && !asmUnspendable(script)
	t := MakeTokenizer(script)
	for !t.Done() {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		if !t.Next() {
			b.WriteString("[error]")
			break
		}
		op, data := t.Opcode(), t.Data()
		switch {
		case !op.IsPush():
			b.WriteString(op.String())
		case len(data) <= 4:
			b.WriteString(strconv.FormatInt(asmScriptNum(data), 10))
		case decodeSigs:
			asmWriteSignature(&b, data)
		default:
			b.WriteString(hex.EncodeToString(data))
		}
	}
	return b.String()
}

// asmUnspendable is Core's CScript::IsUnspendable: an OP_RETURN script or
// one longer than MaxScriptSize.
func asmUnspendable(script []byte) bool {
	return (len(script) > 0 && Opcode(script[0]) == OpReturn) || len(script) > MaxScriptSize
}

// asmScriptNum decodes at most 4 bytes as a script number the way Core's
// CScriptNum(vch, false) does: little-endian magnitude with the sign in
// the top bit of the last byte, so 0x80 is "negative zero", i.e. 0.
func asmScriptNum(data []byte) int64 {
	if len(data) == 0 {
		return 0
	}
	var v int64
	for i, c := range data {
		v |= int64(c) << (8 * i)
	}
	last := len(data) - 1
	if data[last]&0x80 != 0 {
		return -(v &^ (int64(0x80) << (8 * last)))
	}
	return v
}

// sigHashNames are the hash-type suffixes Core's mapSigHashTypes prints.
var sigHashNames = map[byte]string{
	0x01: "ALL",
	0x02: "NONE",
	0x03: "SINGLE",
	0x81: "ALL|ANYONECANPAY",
	0x82: "NONE|ANYONECANPAY",
	0x83: "SINGLE|ANYONECANPAY",
}

// asmWriteSignature writes a push of a scriptSig: a signature passing
// Core's CheckSignatureEncoding with SCRIPT_VERIFY_STRICTENC prints with
// its hash type decoded, anything else as plain hex.
func asmWriteSignature(b *strings.Builder, data []byte) {
	if name, ok := sigHashNames[data[len(data)-1]]; ok && IsValidSignatureEncoding(data) {
		b.WriteString(hex.EncodeToString(data[:len(data)-1]))
		b.WriteString("[" + name + "]")
		return
	}
	b.WriteString(hex.EncodeToString(data))
}

// IsValidSignatureEncoding reports whether sig is a strictly DER-encoded
// ECDSA signature followed by a hash-type byte (BIP66; Core's
// IsValidSignatureEncoding): 0x30 len 0x02 lenR R 0x02 lenS S hashtype,
// 9..73 bytes in all, with R and S positive and minimally encoded. The hash
// type's value and S's size relative to the curve order are not checked.
func IsValidSignatureEncoding(sig []byte) bool {
	n := len(sig)
	if n < 9 || n > 73 || sig[0] != 0x30 || int(sig[1]) != n-3 {
		return false
	}
	lenR := int(sig[3])
	if 5+lenR >= n {
		return false
	}
	lenS := int(sig[5+lenR])
	if lenR+lenS+7 != n {
		return false
	}
	if sig[2] != 0x02 || lenR == 0 || sig[4]&0x80 != 0 {
		return false
	}
	if lenR > 1 && sig[4] == 0x00 && sig[5]&0x80 == 0 {
		return false
	}
	if sig[lenR+4] != 0x02 || lenS == 0 || sig[lenR+6]&0x80 != 0 {
		return false
	}
	return !(lenS > 1 && sig[lenR+6] == 0x00 && sig[lenR+7]&0x80 == 0)
}
