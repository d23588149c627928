package wire

import (
	"fmt"
	"strconv"
	"sync"
)

// Transaction serialization limits and constants.
const (
	// TxVersion is the version new transactions are created with.
	TxVersion = 2
	// MaxTxInSequenceNum is the sequence number that disables relative
	// lock-time and, on every input, nLockTime.
	MaxTxInSequenceNum uint32 = 0xffffffff
	// WitnessScaleFactor is the weight of a non-witness byte (BIP141).
	WitnessScaleFactor = 4

	// minTxInSize is an input's smallest serialization: outpoint (36),
	// empty script length (1), sequence (4). It bounds input counts.
	minTxInSize = 41
	// minTxOutSize is an output's smallest serialization: value (8), empty
	// script length (1).
	minTxOutSize = 9
	// minTxSize is the smallest transaction: version, two empty counts and
	// lock time.
	minTxSize = 10
)

// OutPoint names a transaction output: the transaction's id and the output's
// index.
type OutPoint struct {
	Hash  Hash
	Index uint32
}

// String returns "txid:index" as Bitcoin Core prints it.
func (o OutPoint) String() string {
	return o.Hash.String() + ":" + strconv.FormatUint(uint64(o.Index), 10)
}

// TxWitness is an input's witness stack (BIP141).
type TxWitness [][]byte

// SerializeSize is the witness's serialized size in bytes.
func (w TxWitness) SerializeSize() int {
	n := CompactSizeLen(uint64(len(w)))
	for _, item := range w {
		n += CompactSizeLen(uint64(len(item))) + len(item)
	}
	return n
}

// TxIn is a transaction input.
type TxIn struct {
	PreviousOutPoint OutPoint
	SignatureScript  []byte
	Witness          TxWitness
	Sequence         uint32
}

// TxOut is a transaction output.
type TxOut struct {
	Value    int64
	PkScript []byte
}

// Tx is a Bitcoin transaction.
type Tx struct {
	Version  int32
	TxIn     []*TxIn
	TxOut    []*TxOut
	LockTime uint32
}

// HasWitness reports whether any input carries witness data, which decides
// whether the transaction serializes in BIP144 form.
func (tx *Tx) HasWitness() bool {
	for _, in := range tx.TxIn {
		if len(in.Witness) != 0 {
			return true
		}
	}
	return false
}

// IsCoinBase reports whether tx has the coinbase shape: exactly one input
// spending the null outpoint.
func (tx *Tx) IsCoinBase() bool {
	return len(tx.TxIn) == 1 && tx.TxIn[0].PreviousOutPoint.Index == 0xffffffff &&
		tx.TxIn[0].PreviousOutPoint.Hash.IsZero()
}

// AppendTo appends tx's serialization, in BIP144 witness form when it has
// witness data.
func (tx *Tx) AppendTo(b []byte) []byte { return tx.appendTo(b, tx.HasWitness()) }

// AppendNoWitness appends tx's legacy serialization, which its txid hashes.
func (tx *Tx) AppendNoWitness(b []byte) []byte { return tx.appendTo(b, false) }

func (tx *Tx) appendTo(b []byte, witness bool) []byte {
	b = appendUint32(b, uint32(tx.Version))
	if witness {
		b = append(b, 0x00, 0x01) // BIP144 marker and flag
	}
	b = AppendCompactSize(b, uint64(len(tx.TxIn)))
	for _, in := range tx.TxIn {
		b = append(b, in.PreviousOutPoint.Hash[:]...)
		b = appendUint32(b, in.PreviousOutPoint.Index)
		b = AppendVarBytes(b, in.SignatureScript)
		b = appendUint32(b, in.Sequence)
	}
	b = AppendCompactSize(b, uint64(len(tx.TxOut)))
	for _, out := range tx.TxOut {
		b = appendUint64(b, uint64(out.Value))
		b = AppendVarBytes(b, out.PkScript)
	}
	if witness {
		for _, in := range tx.TxIn {
			b = AppendCompactSize(b, uint64(len(in.Witness)))
			for _, item := range in.Witness {
				b = AppendVarBytes(b, item)
			}
		}
	}
	return appendUint32(b, tx.LockTime)
}

// Serialize returns tx's serialization (witness form when it has witnesses).
func (tx *Tx) Serialize() []byte {
	return tx.AppendTo(make([]byte, 0, tx.SerializeSize()))
}

// SerializeNoWitness returns tx's legacy serialization.
func (tx *Tx) SerializeNoWitness() []byte {
	return tx.AppendNoWitness(make([]byte, 0, tx.BaseSize()))
}

// BaseSize is the size of the legacy serialization (BIP141's "base size").
func (tx *Tx) BaseSize() int {
	n := 8 + CompactSizeLen(uint64(len(tx.TxIn))) + CompactSizeLen(uint64(len(tx.TxOut)))
	for _, in := range tx.TxIn {
		n += 40 + CompactSizeLen(uint64(len(in.SignatureScript))) + len(in.SignatureScript)
	}
	for _, out := range tx.TxOut {
		n += 8 + CompactSizeLen(uint64(len(out.PkScript))) + len(out.PkScript)
	}
	return n
}

// SerializeSize is the size of Serialize's output (BIP141's "total size").
func (tx *Tx) SerializeSize() int {
	n := tx.BaseSize()
	if tx.HasWitness() {
		n += 2
		for _, in := range tx.TxIn {
			n += in.Witness.SerializeSize()
		}
	}
	return n
}

// Weight is base size × 3 + total size (BIP141).
func (tx *Tx) Weight() int {
	return tx.BaseSize()*(WitnessScaleFactor-1) + tx.SerializeSize()
}

// VSize is the virtual size: weight / 4 rounded up (BIP141).
func (tx *Tx) VSize() int {
	return (tx.Weight() + WitnessScaleFactor - 1) / WitnessScaleFactor
}

// hashBufs recycles serialization buffers for hashing, so computing a txid
// does not allocate.
var hashBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

func hashAppended(appendFn func([]byte) []byte) Hash {
	bp := hashBufs.Get().(*[]byte)
	buf := appendFn((*bp)[:0])
	h := DoubleSHA256(buf)
	if cap(buf) <= 1<<20 { // don't pin megabyte buffers in the pool
		*bp = buf
	}
	hashBufs.Put(bp)
	return h
}

// TxHash returns the transaction id: the double SHA-256 of the legacy
// serialization.
func (tx *Tx) TxHash() Hash { return hashAppended(tx.AppendNoWitness) }

// WitnessHash returns the wtxid (BIP141): the hash of the witness
// serialization, equal to the txid when there is no witness.
func (tx *Tx) WitnessHash() Hash {
	if !tx.HasWitness() {
		return tx.TxHash()
	}
	return hashAppended(tx.AppendTo)
}

// Hashes returns the txid and the wtxid together, hashing a transaction
// without witnesses once rather than twice.
func (tx *Tx) Hashes() (txid, wtxid Hash) {
	txid = tx.TxHash()
	if !tx.HasWitness() {
		return txid, txid
	}
	return txid, hashAppended(tx.AppendTo)
}

// Copy returns a deep copy of tx.
func (tx *Tx) Copy() *Tx {
	c := &Tx{Version: tx.Version, LockTime: tx.LockTime,
		TxIn: make([]*TxIn, len(tx.TxIn)), TxOut: make([]*TxOut, len(tx.TxOut))}
	for i, in := range tx.TxIn {
		ci := *in
		ci.SignatureScript = cloneBytes(in.SignatureScript)
		if in.Witness != nil {
			ci.Witness = make(TxWitness, len(in.Witness))
			for j, item := range in.Witness {
				ci.Witness[j] = cloneBytes(item)
			}
		}
		c.TxIn[i] = &ci
	}
	for i, out := range tx.TxOut {
		c.TxOut[i] = &TxOut{Value: out.Value, PkScript: cloneBytes(out.PkScript)}
	}
	return c
}

func cloneBytes(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append(make([]byte, 0, len(b)), b...)
}

// DecodeTx decodes one transaction that must fill b exactly, accepting the
// BIP144 witness form. The result does not alias b.
func DecodeTx(b []byte) (*Tx, error) {
	r := newReader(cloneBytes(b))
	tx, err := decodeTx(r, true)
	if err != nil {
		return nil, err
	}
	if err := r.done("tx"); err != nil {
		return nil, err
	}
	return tx, nil
}

// DecodeTxNoWitness decodes a transaction in legacy form only, as Bitcoin
// Core does for callers that pass allow-witness false (a zero input count is
// then an empty input list, not the BIP144 marker).
func DecodeTxNoWitness(b []byte) (*Tx, error) {
	r := newReader(cloneBytes(b))
	tx, err := decodeTx(r, false)
	if err != nil {
		return nil, err
	}
	if err := r.done("tx"); err != nil {
		return nil, err
	}
	return tx, nil
}

// decodeTx reads a transaction from r. Byte slices in the result alias r's
// buffer, which the caller owns. It follows Bitcoin Core's
// UnserializeTransaction: an empty input list followed by a non-zero flag
// byte is the BIP144 marker; flag bit 0 means witnesses follow.
func decodeTx(r *reader, allowWitness bool) (*Tx, error) {
	version, err := r.uint32("tx version")
	if err != nil {
		return nil, err
	}
	tx := &Tx{Version: int32(version)}
	if err := tx.decodeInputs(r); err != nil {
		return nil, err
	}
	var flags uint8
	if len(tx.TxIn) == 0 && allowWitness {
		if flags, err = r.uint8("tx witness flag"); err != nil {
			return nil, err
		}
		if flags != 0 {
			if err := tx.decodeInputs(r); err != nil {
				return nil, err
			}
			if err := tx.decodeOutputs(r); err != nil {
				return nil, err
			}
		}
	} else if err := tx.decodeOutputs(r); err != nil {
		return nil, err
	}
	if flags&1 != 0 {
		flags ^= 1
		if err := tx.decodeWitnesses(r); err != nil {
			return nil, err
		}
		if !tx.HasWitness() {
			return nil, newError(ErrInvalidValue, "superfluous witness record")
		}
	}
	if flags != 0 {
		return nil, newError(ErrInvalidValue, "unknown transaction optional data (flags 0x%02x)", flags)
	}
	if tx.LockTime, err = r.uint32("tx lock time"); err != nil {
		return nil, err
	}
	return tx, nil
}

func (tx *Tx) decodeInputs(r *reader) error {
	n, err := r.count("tx input count", 0, minTxInSize)
	if err != nil {
		return err
	}
	// One allocation for all inputs: a transaction costs a constant number
	// of allocations, not one per input.
	ins := make([]TxIn, n)
	tx.TxIn = make([]*TxIn, n)
	for i := range ins {
		in := &ins[i]
		if in.PreviousOutPoint.Hash, err = r.hash("previous txid"); err != nil {
			return fmt.Errorf("tx input %d: %w", i, err)
		}
		if in.PreviousOutPoint.Index, err = r.uint32("previous index"); err != nil {
			return fmt.Errorf("tx input %d: %w", i, err)
		}
		if in.SignatureScript, err = r.varBytes("script", 0); err != nil {
			return fmt.Errorf("tx input %d: %w", i, err)
		}
		if in.Sequence, err = r.uint32("sequence"); err != nil {
			return fmt.Errorf("tx input %d: %w", i, err)
		}
		tx.TxIn[i] = in
	}
	return nil
}

func (tx *Tx) decodeOutputs(r *reader) error {
	n, err := r.count("tx output count", 0, minTxOutSize)
	if err != nil {
		return err
	}
	outs := make([]TxOut, n)
	tx.TxOut = make([]*TxOut, n)
	for i := range outs {
		out := &outs[i]
		v, err := r.uint64("value")
		if err != nil {
			return fmt.Errorf("tx output %d: %w", i, err)
		}
		out.Value = int64(v)
		if out.PkScript, err = r.varBytes("script", 0); err != nil {
			return fmt.Errorf("tx output %d: %w", i, err)
		}
		tx.TxOut[i] = out
	}
	return nil
}

func (tx *Tx) decodeWitnesses(r *reader) error {
	// All witness items of the transaction share one backing array; each
	// input's stack is a window into it, assigned once the array has
	// stopped growing.
	var items [][]byte
	bounds := make([]int, len(tx.TxIn)+1)
	for i := range tx.TxIn {
		n, err := r.count("witness item count", 0, 1)
		if err != nil {
			return fmt.Errorf("tx input %d: %w", i, err)
		}
		for j := range n {
			item, err := r.varBytes("data", 0)
			if err != nil {
				return fmt.Errorf("tx input %d: witness item %d: %w", i, j, err)
			}
			items = append(items, item)
		}
		bounds[i+1] = len(items)
	}
	for i, in := range tx.TxIn {
		if bounds[i+1] > bounds[i] {
			in.Witness = items[bounds[i]:bounds[i+1]:bounds[i+1]]
		}
	}
	return nil
}
