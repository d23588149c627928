package chaingen

import (
	"bytes"
	"crypto/sha256"

	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/wire"
)

// DefaultFee is what a spend leaves for the miner unless told otherwise.
const DefaultFee = 1000

// OpTrue is the script OP_TRUE: anyone can spend it with an empty
// scriptSig.
func OpTrue() []byte { return []byte{byte(script.OpTrue)} }

// P2WPKH returns the generator key's P2WPKH script (coinbases pay it).
func (g *Generator) P2WPKH() []byte { return g.keys.p2wpkh }

// P2PKH returns the generator key's P2PKH script.
func (g *Generator) P2PKH() []byte { return g.keys.p2pkh }

// P2PK returns the generator key's P2PK script.
func (g *Generator) P2PK() []byte { return g.keys.p2pk }

// P2TR returns the generator key's BIP86 P2TR script (key path only).
func (g *Generator) P2TR() []byte { return g.keys.p2tr }

// PubKey returns the generator's compressed public key.
func (g *Generator) PubKey() []byte { return g.keys.pub }

// P2SH registers redeem and returns its P2SH script. Spends sign it when
// it is the generator's P2PK or P2WPKH script, and otherwise push it
// alone (a script that needs no signature, such as OP_TRUE).
func (g *Generator) P2SH(redeem []byte) []byte {
	h := hash160(redeem)
	g.scripts[string(h)] = redeem
	return script.PayToScriptHash(h)
}

// P2WSH registers a witness script and returns its P2WSH script. Spends
// sign it when it is the generator's P2PK script, and otherwise put the
// script alone on the witness stack.
func (g *Generator) P2WSH(witnessScript []byte) []byte {
	h := sha256.Sum256(witnessScript)
	g.scripts[string(h[:])] = witnessScript
	return script.PayToWitness(0, h[:])
}

// spendBuilder collects a spend's options.
type spendBuilder struct {
	tx          *wire.Tx
	fee         int64
	to          []byte
	split       int
	outs        []*wire.TxOut
	annex       []byte
	mungeTx     []func(*wire.Tx)
	mungeSigned []func(*wire.Tx)
}

// TxOption changes how Spend builds a transaction.
type TxOption func(*spendBuilder)

// Fee sets the fee (DefaultFee otherwise) of the default change output.
func Fee(f int64) TxOption { return func(s *spendBuilder) { s.fee = f } }

// To makes the change output pay to pkScript (the generator's P2WPKH
// script otherwise).
func To(pkScript []byte) TxOption { return func(s *spendBuilder) { s.to = pkScript } }

// Split divides the change into n outputs of equal value (the remainder
// goes to the fee).
func Split(n int) TxOption { return func(s *spendBuilder) { s.split = n } }

// Outputs replaces the change output with exactly these outputs.
func Outputs(outs ...*wire.TxOut) TxOption {
	return func(s *spendBuilder) { s.outs = append(s.outs, outs...) }
}

// TxVersion sets the transaction version (2 by default).
func TxVersion(v int32) TxOption { return func(s *spendBuilder) { s.tx.Version = v } }

// LockTime sets nLockTime.
func LockTime(t uint32) TxOption { return func(s *spendBuilder) { s.tx.LockTime = t } }

// Sequence sets every input's nSequence (0xffffffff by default).
func Sequence(seq uint32) TxOption {
	return func(s *spendBuilder) {
		for _, in := range s.tx.TxIn {
			in.Sequence = seq
		}
	}
}

// Annex adds a BIP341 annex (its first byte must be 0x50) to every P2TR
// input's witness; the signature commits to it.
func Annex(annex []byte) TxOption { return func(s *spendBuilder) { s.annex = annex } }

// MungeTx runs fn on the transaction before it is signed.
func MungeTx(fn func(*wire.Tx)) TxOption {
	return func(s *spendBuilder) { s.mungeTx = append(s.mungeTx, fn) }
}

// MungeSigned runs fn on the transaction after it is signed.
func MungeSigned(fn func(*wire.Tx)) TxOption {
	return func(s *spendBuilder) { s.mungeSigned = append(s.mungeSigned, fn) }
}

// BadSignature corrupts the first input's signature after signing (its
// last witness item or scriptSig byte before the hash type).
func BadSignature() TxOption {
	return MungeSigned(func(tx *wire.Tx) {
		in := tx.TxIn[0]
		if len(in.Witness) > 0 {
			sig := append([]byte(nil), in.Witness[0]...)
			sig[len(sig)/2] ^= 1
			in.Witness[0] = sig
			return
		}
		if len(in.SignatureScript) < 3 {
			return // nothing signed
		}
		sig := append([]byte(nil), in.SignatureScript...)
		sig[len(sig)/3] ^= 1
		in.SignatureScript = sig
	})
}

// Spend returns a signed transaction spending in.
func (g *Generator) Spend(in Output, opts ...TxOption) *wire.Tx {
	return g.SpendMany([]Output{in}, opts...)
}

// SpendMany returns a signed transaction spending ins, by default with one
// output paying their sum less DefaultFee to the generator's P2WPKH
// script. The generator remembers its outputs, so they can be spent in
// turn (even in the same block).
func (g *Generator) SpendMany(ins []Output, opts ...TxOption) *wire.Tx {
	s := &spendBuilder{tx: &wire.Tx{Version: wire.TxVersion}, fee: DefaultFee, to: g.keys.p2wpkh, split: 1}
	var total int64
	prev := make([]*wire.TxOut, len(ins))
	for i, o := range ins {
		s.tx.TxIn = append(s.tx.TxIn, &wire.TxIn{PreviousOutPoint: o.OutPoint, Sequence: wire.MaxTxInSequenceNum})
		prev[i] = &wire.TxOut{Value: o.Value, PkScript: o.PkScript}
		total += o.Value
	}
	for _, o := range opts {
		o(s)
	}
	if len(s.outs) > 0 {
		s.tx.TxOut = s.outs
	} else {
		each := (total - s.fee) / int64(s.split)
		for range s.split {
			s.tx.TxOut = append(s.tx.TxOut, &wire.TxOut{Value: each, PkScript: s.to})
		}
	}
	for _, fn := range s.mungeTx {
		fn(s.tx)
	}
	g.sign(s.tx, prev, s.annex)
	for _, fn := range s.mungeSigned {
		fn(s.tx)
	}
	g.remember(s.tx)
	return s.tx
}

// Sign (re)signs every input of tx whose spent output (prev, in input
// order) the generator can sign for.
func (g *Generator) Sign(tx *wire.Tx, prev []Output) {
	outs := make([]*wire.TxOut, len(prev))
	for i, o := range prev {
		outs[i] = &wire.TxOut{Value: o.Value, PkScript: o.PkScript}
	}
	g.sign(tx, outs, nil)
}

func (g *Generator) sign(tx *wire.Tx, prev []*wire.TxOut, annex []byte) {
	if len(prev) != len(tx.TxIn) {
		return // munged inputs: nothing sensible to sign
	}
	hashes := script.NewTxSigHashes(tx, prev)
	for i := range tx.TxIn {
		g.signInput(tx, i, prev, hashes, annex)
	}
}

func (g *Generator) signInput(tx *wire.Tx, i int, prev []*wire.TxOut, hashes *script.TxSigHashes, annex []byte) {
	k, in, pk := g.keys, tx.TxIn[i], prev[i].PkScript
	switch {
	case bytes.Equal(pk, k.p2wpkh):
		in.Witness = g.p2wpkhWitness(tx, i, hashes, prev[i].Value)
	case bytes.Equal(pk, k.p2pkh):
		sig := k.signECDSA(script.LegacySigHash(tx, i, pk, int32(script.SigHashAll)))
		in.SignatureScript = append(PushData(sig), PushData(k.pub)...)
	case bytes.Equal(pk, k.p2pk):
		in.SignatureScript = PushData(k.signECDSA(script.LegacySigHash(tx, i, pk, int32(script.SigHashAll))))
	case bytes.Equal(pk, k.p2tr):
		msg, err := script.TaprootSigHash(tx, hashes, prev, i, script.SigHashDefault, annex, nil)
		if err != nil {
			return
		}
		sig := signSchnorr(k.tapPriv, msg[:])
		in.Witness = wire.TxWitness{sig[:]}
		if annex != nil {
			in.Witness = append(in.Witness, annex)
		}
	case script.IsPayToScriptHash(pk):
		g.signP2SH(tx, i, hashes, prev[i].Value, g.scripts[string(pk[2:22])])
	default:
		v, program, ok := script.WitnessProgram(pk)
		if ok && v == 0 && len(program) == 32 {
			g.signP2WSH(tx, i, hashes, prev[i].Value, g.scripts[string(program)])
		}
	}
}

func (g *Generator) p2wpkhWitness(tx *wire.Tx, i int, hashes *script.TxSigHashes, value int64) wire.TxWitness {
	h := script.WitnessV0SigHash(tx, hashes, i, g.keys.p2pkh, value, int32(script.SigHashAll))
	return wire.TxWitness{g.keys.signECDSA(h), g.keys.pub}
}

func (g *Generator) signP2SH(tx *wire.Tx, i int, hashes *script.TxSigHashes, value int64, redeem []byte) {
	if redeem == nil {
		return
	}
	in := tx.TxIn[i]
	switch {
	case bytes.Equal(redeem, g.keys.p2wpkh):
		in.SignatureScript = PushData(redeem)
		in.Witness = g.p2wpkhWitness(tx, i, hashes, value)
	case bytes.Equal(redeem, g.keys.p2pk):
		sig := g.keys.signECDSA(script.LegacySigHash(tx, i, redeem, int32(script.SigHashAll)))
		in.SignatureScript = append(PushData(sig), PushData(redeem)...)
	default:
		in.SignatureScript = PushData(redeem)
	}
}

func (g *Generator) signP2WSH(tx *wire.Tx, i int, hashes *script.TxSigHashes, value int64, ws []byte) {
	if ws == nil {
		return
	}
	in := tx.TxIn[i]
	if bytes.Equal(ws, g.keys.p2pk) {
		h := script.WitnessV0SigHash(tx, hashes, i, ws, value, int32(script.SigHashAll))
		in.Witness = wire.TxWitness{g.keys.signECDSA(h), ws}
		return
	}
	in.Witness = wire.TxWitness{ws}
}
