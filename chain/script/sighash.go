package script

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"hash"

	"github.com/bitnode/bitnode/wire"
)

// SigHashType is a signature's hash type, its last byte (ECDSA) or its
// optional 65th byte (BIP341).
type SigHashType uint32

// Hash types.
const (
	SigHashDefault      SigHashType = 0x00 // BIP341: ALL, with a 64-byte signature
	SigHashAll          SigHashType = 0x01
	SigHashNone         SigHashType = 0x02
	SigHashSingle       SigHashType = 0x03
	SigHashAnyOneCanPay SigHashType = 0x80

	sigHashOutputMask = 0x1f
)

// legacySigHashOne is what Bitcoin Core's legacy SignatureHash returns for an
// input index past the inputs, or SIGHASH_SINGLE without a matching output:
// the number 1. A signature over it is valid (the "SIGHASH_SINGLE bug").
var legacySigHashOne = wire.Hash{1}

// TxSigHashes holds the per-transaction hashes BIP143 and BIP341 reuse for
// every input, computed once per transaction rather than once per input (the
// quadratic hashing legacy signatures suffer from).
type TxSigHashes struct {
	// BIP143 (double SHA-256).
	HashPrevouts, HashSequence, HashOutputs wire.Hash
	// BIP341 (single SHA-256). Amounts and scripts need the spent outputs;
	// haveSpent says whether they were given.
	ShaPrevouts, ShaAmounts, ShaScriptPubKeys, ShaSequences, ShaOutputs [32]byte
	haveSpent                                                           bool
}

// NewTxSigHashes computes tx's midstates. spent holds the outputs tx's
// inputs spend, in input order; it may be nil when they are unknown, in
// which case only BIP143 hashes can be computed from the result.
func NewTxSigHashes(tx *wire.Tx, spent []*wire.TxOut) *TxSigHashes {
	var h TxSigHashes
	s := sha256.New()
	var buf [8]byte
	for _, in := range tx.TxIn {
		s.Write(in.PreviousOutPoint.Hash[:])
		binary.LittleEndian.PutUint32(buf[:4], in.PreviousOutPoint.Index)
		s.Write(buf[:4])
	}
	s.Sum(h.ShaPrevouts[:0])
	s.Reset()
	for _, in := range tx.TxIn {
		binary.LittleEndian.PutUint32(buf[:4], in.Sequence)
		s.Write(buf[:4])
	}
	s.Sum(h.ShaSequences[:0])
	s.Reset()
	for _, out := range tx.TxOut {
		writeTxOut(s, out)
	}
	s.Sum(h.ShaOutputs[:0])
	h.HashPrevouts = sha256.Sum256(h.ShaPrevouts[:])
	h.HashSequence = sha256.Sum256(h.ShaSequences[:])
	h.HashOutputs = sha256.Sum256(h.ShaOutputs[:])
	if spent != nil && len(spent) == len(tx.TxIn) {
		s.Reset()
		for _, out := range spent {
			binary.LittleEndian.PutUint64(buf[:], uint64(out.Value))
			s.Write(buf[:])
		}
		s.Sum(h.ShaAmounts[:0])
		s.Reset()
		for _, out := range spent {
			writeVarBytes(s, out.PkScript)
		}
		s.Sum(h.ShaScriptPubKeys[:0])
		h.haveSpent = true
	}
	return &h
}

func writeTxOut(w hash.Hash, out *wire.TxOut) {
	var buf [8]byte
	binary.LittleEndian.PutUint64(buf[:], uint64(out.Value))
	w.Write(buf[:])
	writeVarBytes(w, out.PkScript)
}

func writeVarBytes(w hash.Hash, b []byte) {
	var buf [9]byte
	w.Write(wire.AppendCompactSize(buf[:0], uint64(len(b))))
	w.Write(b)
}

func writeUint32(w hash.Hash, v uint32) {
	var buf [4]byte
	binary.LittleEndian.PutUint32(buf[:], v)
	w.Write(buf[:])
}

func sumDouble(w hash.Hash) wire.Hash {
	var first [32]byte
	w.Sum(first[:0])
	return wire.Hash(sha256.Sum256(first[:]))
}

// LegacySigHash is the original signature hash (Bitcoin Core's
// SignatureHash with SigVersion::BASE). scriptCode is the script being
// executed from the last OP_CODESEPARATOR, with the signature already
// removed by FindAndDelete; OP_CODESEPARATORs left in it are skipped here.
func LegacySigHash(tx *wire.Tx, idx int, scriptCode []byte, hashType int32) wire.Hash {
	if idx >= len(tx.TxIn) {
		return legacySigHashOne
	}
	base := uint32(hashType) & sigHashOutputMask
	anyoneCanPay := uint32(hashType)&uint32(SigHashAnyOneCanPay) != 0
	if base == uint32(SigHashSingle) && idx >= len(tx.TxOut) {
		return legacySigHashOne
	}
	w := sha256.New()
	writeUint32(w, uint32(tx.Version))
	inputs := tx.TxIn
	if anyoneCanPay {
		inputs = tx.TxIn[idx : idx+1]
		w.Write([]byte{1})
	} else {
		w.Write(wire.AppendCompactSize(nil, uint64(len(inputs))))
	}
	code := removeCodeSeparators(scriptCode)
	for i, in := range inputs {
		own := anyoneCanPay || i == idx
		w.Write(in.PreviousOutPoint.Hash[:])
		writeUint32(w, in.PreviousOutPoint.Index)
		if own {
			writeVarBytes(w, code)
		} else {
			w.Write([]byte{0})
		}
		if !own && (base == uint32(SigHashNone) || base == uint32(SigHashSingle)) {
			writeUint32(w, 0)
		} else {
			writeUint32(w, in.Sequence)
		}
	}
	switch base {
	case uint32(SigHashNone):
		w.Write([]byte{0})
	case uint32(SigHashSingle):
		w.Write(wire.AppendCompactSize(nil, uint64(idx+1)))
		for range idx {
			w.Write([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0})
		}
		writeTxOut(w, tx.TxOut[idx])
	default:
		w.Write(wire.AppendCompactSize(nil, uint64(len(tx.TxOut))))
		for _, out := range tx.TxOut {
			writeTxOut(w, out)
		}
	}
	writeUint32(w, tx.LockTime)
	writeUint32(w, uint32(hashType))
	return sumDouble(w)
}

// WitnessV0SigHash is BIP143's signature hash for segwit v0 inputs. The
// preimage is assembled in a stack buffer: this runs once per signature.
func WitnessV0SigHash(tx *wire.Tx, hashes *TxSigHashes, idx int, scriptCode []byte, amount int64, hashType int32) wire.Hash {
	base := uint32(hashType) & sigHashOutputMask
	anyoneCanPay := uint32(hashType)&uint32(SigHashAnyOneCanPay) != 0
	var zero wire.Hash
	var arr [512]byte
	b := binary.LittleEndian.AppendUint32(arr[:0], uint32(tx.Version))
	if anyoneCanPay {
		b = append(b, zero[:]...)
	} else {
		b = append(b, hashes.HashPrevouts[:]...)
	}
	if anyoneCanPay || base == uint32(SigHashSingle) || base == uint32(SigHashNone) {
		b = append(b, zero[:]...)
	} else {
		b = append(b, hashes.HashSequence[:]...)
	}
	in := tx.TxIn[idx]
	b = append(b, in.PreviousOutPoint.Hash[:]...)
	b = binary.LittleEndian.AppendUint32(b, in.PreviousOutPoint.Index)
	b = wire.AppendVarBytes(b, scriptCode)
	b = binary.LittleEndian.AppendUint64(b, uint64(amount))
	b = binary.LittleEndian.AppendUint32(b, in.Sequence)
	switch {
	case base != uint32(SigHashSingle) && base != uint32(SigHashNone):
		b = append(b, hashes.HashOutputs[:]...)
	case base == uint32(SigHashSingle) && idx < len(tx.TxOut):
		var outArr [128]byte
		out := tx.TxOut[idx]
		ob := binary.LittleEndian.AppendUint64(outArr[:0], uint64(out.Value))
		ob = wire.AppendVarBytes(ob, out.PkScript)
		single := wire.DoubleSHA256(ob)
		b = append(b, single[:]...)
	default:
		b = append(b, zero[:]...)
	}
	b = binary.LittleEndian.AppendUint32(b, tx.LockTime)
	b = binary.LittleEndian.AppendUint32(b, uint32(hashType))
	return wire.DoubleSHA256(b)
}

// TapscriptContext carries what BIP342 adds to the BIP341 message for a
// script-path spend.
type TapscriptContext struct {
	LeafHash   [32]byte
	CodeSepPos uint32 // opcode position of the last executed OP_CODESEPARATOR, 0xffffffff if none
}

// Taproot signature hash errors.
var (
	errTaprootHashType   = errors.New("invalid taproot hash type")
	errSigHashSingle     = errors.New("SIGHASH_SINGLE without a corresponding output")
	errSigHashNoSpent    = errors.New("taproot signature hash needs every spent output")
	errSigHashInputIndex = errors.New("input index out of range")
)

func validTaprootHashType(t SigHashType) bool {
	switch t {
	case SigHashDefault, SigHashAll, SigHashNone, SigHashSingle,
		SigHashAll | SigHashAnyOneCanPay, SigHashNone | SigHashAnyOneCanPay, SigHashSingle | SigHashAnyOneCanPay:
		return true
	}
	return false
}

// TaprootSigHash is BIP341's signature hash (with BIP342's extension when
// leaf is not nil). annex includes its 0x50 prefix, or is nil.
func TaprootSigHash(tx *wire.Tx, hashes *TxSigHashes, spent []*wire.TxOut, idx int,
	hashType SigHashType, annex []byte, leaf *TapscriptContext) ([32]byte, error) {
	var out [32]byte
	if !validTaprootHashType(hashType) {
		return out, errTaprootHashType
	}
	if !hashes.haveSpent || len(spent) != len(tx.TxIn) {
		return out, errSigHashNoSpent
	}
	if idx < 0 || idx >= len(tx.TxIn) {
		return out, errSigHashInputIndex
	}
	base := hashType & 3
	anyoneCanPay := hashType&SigHashAnyOneCanPay != 0
	if base == SigHashSingle && idx >= len(tx.TxOut) {
		return out, errSigHashSingle
	}
	tag := sha256.Sum256([]byte(TagTapSighash))
	w := sha256.New()
	w.Write(tag[:])
	w.Write(tag[:])
	w.Write([]byte{0x00, byte(hashType)}) // epoch 0, hash type
	writeUint32(w, uint32(tx.Version))
	writeUint32(w, tx.LockTime)
	if !anyoneCanPay {
		w.Write(hashes.ShaPrevouts[:])
		w.Write(hashes.ShaAmounts[:])
		w.Write(hashes.ShaScriptPubKeys[:])
		w.Write(hashes.ShaSequences[:])
	}
	if base != SigHashNone && base != SigHashSingle {
		w.Write(hashes.ShaOutputs[:])
	}
	var spendType byte
	if leaf != nil {
		spendType = 2 // ext_flag 1
	}
	if annex != nil {
		spendType |= 1
	}
	w.Write([]byte{spendType})
	if anyoneCanPay {
		in := tx.TxIn[idx]
		w.Write(in.PreviousOutPoint.Hash[:])
		writeUint32(w, in.PreviousOutPoint.Index)
		writeTxOut(w, spent[idx])
		writeUint32(w, in.Sequence)
	} else {
		writeUint32(w, uint32(idx))
	}
	if annex != nil {
		a := sha256.New()
		writeVarBytes(a, annex)
		w.Write(a.Sum(nil))
	}
	if base == SigHashSingle {
		o := sha256.New()
		writeTxOut(o, tx.TxOut[idx])
		w.Write(o.Sum(nil))
	}
	if leaf != nil {
		w.Write(leaf.LeafHash[:])
		w.Write([]byte{0x00}) // key_version
		writeUint32(w, leaf.CodeSepPos)
	}
	w.Sum(out[:0])
	return out, nil
}

// removeCodeSeparators drops OP_CODESEPARATOR from a legacy scriptCode as
// Bitcoin Core's signature serializer does. A malformed push ends the walk;
// everything from there on is kept verbatim, as Core keeps it.
func removeCodeSeparators(script []byte) []byte {
	var out []byte
	start, pc := 0, 0
	for pc < len(script) {
		op := script[pc]
		next, ok := skipOp(script, pc)
		if !ok {
			break
		}
		if op == opCodeSeparator {
			if out == nil {
				out = make([]byte, 0, len(script))
			}
			out = append(out, script[start:pc]...)
			start = next
		}
		pc = next
	}
	if out == nil {
		return script
	}
	return append(out, script[start:]...)
}

const opCodeSeparator = 0xab

// skipOp returns the position after the operation at pc, or false when a
// push runs past the end of the script.
func skipOp(script []byte, pc int) (int, bool) {
	op := script[pc]
	pc++
	var n int
	switch {
	case op < 0x4c:
		n = int(op)
	case op == 0x4c:
		if pc+1 > len(script) {
			return 0, false
		}
		n = int(script[pc])
		pc++
	case op == 0x4d:
		if pc+2 > len(script) {
			return 0, false
		}
		n = int(binary.LittleEndian.Uint16(script[pc:]))
		pc += 2
	case op == 0x4e:
		if pc+4 > len(script) {
			return 0, false
		}
		n = int(binary.LittleEndian.Uint32(script[pc:]))
		pc += 4
		if n < 0 {
			return 0, false
		}
	}
	if n > len(script)-pc {
		return 0, false
	}
	return pc + n, true
}
