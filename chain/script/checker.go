package script

import "github.com/bitnode/bitnode/wire"

// TxChecker checks signatures and lock times for one input of a
// transaction (Core's GenericTransactionSignatureChecker).
type TxChecker struct {
	Tx     *wire.Tx
	Idx    int
	Amount int64
	// Hashes are the transaction's signature-hash midstates, shared by
	// all its inputs; computed on first use when nil.
	Hashes *TxSigHashes
	// Spent are the outputs every input spends, in input order; BIP341
	// signatures commit to all of them. Nil when unknown (then taproot
	// signatures fail).
	Spent []*wire.TxOut
	// Backend verifies the signatures; DefaultBackend() when nil.
	Backend SignatureBackend
	// Cache remembers signatures already verified; may be nil.
	Cache *SigCache
}

// NewTxChecker returns a checker for input idx of tx, which spends amount.
func NewTxChecker(tx *wire.Tx, idx int, amount int64, hashes *TxSigHashes, spent []*wire.TxOut) *TxChecker {
	return &TxChecker{Tx: tx, Idx: idx, Amount: amount, Hashes: hashes, Spent: spent}
}

func (c *TxChecker) backend() SignatureBackend {
	if c.Backend == nil {
		return defaultBackend
	}
	return c.Backend
}

func (c *TxChecker) hashes() *TxSigHashes {
	if c.Hashes == nil {
		c.Hashes = NewTxSigHashes(c.Tx, c.Spent)
	}
	return c.Hashes
}

// checkECDSA verifies an ECDSA signature with its hash-type byte against
// pubKey, for a legacy or segwit v0 scriptCode.
func (c *TxChecker) checkECDSA(sig, pubKey, scriptCode []byte, sv SigVersion) bool {
	if !validPubKeyLength(pubKey) || len(sig) == 0 {
		return false
	}
	hashType := int32(sig[len(sig)-1])
	der := sig[:len(sig)-1]
	var hash wire.Hash
	if sv == SigVersionWitnessV0 {
		hash = WitnessV0SigHash(c.Tx, c.hashes(), c.Idx, scriptCode, c.Amount, hashType)
	} else {
		hash = LegacySigHash(c.Tx, c.Idx, scriptCode, hashType)
	}
	compact, ok := ParseDERLax(der)
	if !ok {
		return false
	}
	normalizeS(&compact)
	h := [32]byte(hash)
	if c.Cache.containsECDSA(&h, pubKey, &compact) {
		return true
	}
	if !c.backend().VerifyECDSA(pubKey, &compact, &h) {
		return false
	}
	c.Cache.addECDSA(&h, pubKey, &compact)
	return true
}

// checkSchnorr verifies a BIP340 signature (64 bytes, or 65 with an
// explicit hash type) for a taproot key-path or tapscript spend.
func (c *TxChecker) checkSchnorr(sig, pubKey []byte, sv SigVersion, exec *execData) error {
	if len(sig) != 64 && len(sig) != 65 {
		return newError(ErrSchnorrSigSize, -1, "schnorr signature is %d bytes, want 64 or 65", len(sig))
	}
	hashType := SigHashDefault
	if len(sig) == 65 {
		hashType = SigHashType(sig[64])
		if hashType == SigHashDefault {
			return newError(ErrSchnorrSigHashType, -1, "explicit SIGHASH_DEFAULT in a 65-byte signature")
		}
		sig = sig[:64]
	}
	var leaf *TapscriptContext
	if sv == SigVersionTapscript {
		leaf = &TapscriptContext{LeafHash: exec.tapLeafHash, CodeSepPos: exec.codeSepPos}
	}
	msg, err := TaprootSigHash(c.Tx, c.hashes(), c.Spent, c.Idx, hashType, exec.annex, leaf)
	if err != nil {
		return newError(ErrSchnorrSigHashType, -1, "taproot signature hash: %v", err)
	}
	var key [32]byte
	var s [64]byte
	copy(key[:], pubKey)
	copy(s[:], sig)
	if c.Cache.containsSchnorr(&msg, &key, &s) {
		return nil
	}
	if !c.backend().VerifySchnorr(&key, &s, msg[:]) {
		return newError(ErrSchnorrSig, -1, "invalid schnorr signature")
	}
	c.Cache.addSchnorr(&msg, &key, &s)
	return nil
}

// checkLockTime is OP_CHECKLOCKTIMEVERIFY's test against the transaction
// (BIP65).
func (c *TxChecker) checkLockTime(n int64) bool {
	txLock := int64(c.Tx.LockTime)
	// Heights and times are not comparable.
	if (txLock < lockTimeThreshold) != (n < lockTimeThreshold) {
		return false
	}
	if n > txLock {
		return false
	}
	// A final input disables nLockTime, and with it this check.
	return c.Tx.TxIn[c.Idx].Sequence != wire.MaxTxInSequenceNum
}

// checkSequence is OP_CHECKSEQUENCEVERIFY's test against the input's
// relative lock time (BIP112).
func (c *TxChecker) checkSequence(n int64) bool {
	txSeq := int64(c.Tx.TxIn[c.Idx].Sequence)
	if uint32(c.Tx.Version) < 2 {
		return false
	}
	if txSeq&sequenceLockTimeDisabled != 0 {
		return false
	}
	const mask = sequenceLockTimeTypeFlag | sequenceLockTimeMask
	txMasked, nMasked := txSeq&mask, n&mask
	if (txMasked < sequenceLockTimeTypeFlag) != (nMasked < sequenceLockTimeTypeFlag) {
		return false
	}
	return nMasked <= txMasked
}

func (e *engine) opCheckLockTimeVerify() error {
	if e.flags&VerifyCheckLockTimeVerify == 0 {
		// Not enabled: OP_NOP2, which (unlike the other NOPs) Core does
		// not discourage.
		return nil
	}
	if len(e.stack) < 1 {
		return stackErr(OpCheckLockTimeVerify, 1, 0)
	}
	// Five bytes: times reach 2^32 − 1, past the 4-byte number range.
	n, err := decodeNum(e.stack.top(-1), e.minimal(), lockTimeNumSize)
	if err != nil {
		return err
	}
	if n < 0 {
		return newError(ErrNegativeLockTime, -1, "negative lock time %d", n)
	}
	if !e.checker.checkLockTime(n) {
		return newError(ErrUnsatisfiedLockTime, -1, "lock time %d not satisfied", n)
	}
	return nil
}

func (e *engine) opCheckSequenceVerify() error {
	if e.flags&VerifyCheckSequenceVerify == 0 {
		return nil // OP_NOP3, as above
	}
	if len(e.stack) < 1 {
		return stackErr(OpCheckSequenceVerify, 1, 0)
	}
	n, err := decodeNum(e.stack.top(-1), e.minimal(), lockTimeNumSize)
	if err != nil {
		return err
	}
	if n < 0 {
		return newError(ErrNegativeLockTime, -1, "negative sequence %d", n)
	}
	if n&sequenceLockTimeDisabled != 0 {
		return nil // the disable flag makes it a NOP, for future soft forks
	}
	if !e.checker.checkSequence(n) {
		return newError(ErrUnsatisfiedLockTime, -1, "relative lock time %d not satisfied", n)
	}
	return nil
}
