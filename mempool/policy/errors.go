package policy

import "fmt"

// ErrorKind identifies which policy rule an error is about. Values are
// Bitcoin Core's reject reasons, byte for byte, so they can be sent in
// reject messages and RPC errors unchanged. It implements error for
// errors.Is.
type ErrorKind string

func (k ErrorKind) Error() string { return string(k) }

// Reject reasons of IsStandardTx and PreChecks' standardness checks
// (TX_NOT_STANDARD).
const (
	ErrVersion              = ErrorKind("version")                // version outside 1..3
	ErrTxSize               = ErrorKind("tx-size")                // weight above MaxStandardTxWeight
	ErrTxSizeSmall          = ErrorKind("tx-size-small")          // non-witness size below MinStandardTxNonWitnessSize
	ErrScriptSigSize        = ErrorKind("scriptsig-size")         // a scriptSig above MaxStandardScriptSigSize
	ErrScriptSigNotPushOnly = ErrorKind("scriptsig-not-pushonly") // a scriptSig with a non-push opcode
	ErrScriptPubKey         = ErrorKind("scriptpubkey")           // an output script of no standard template
	ErrBareMultisig         = ErrorKind("bare-multisig")          // bare multisig with -permitbaremultisig=0
	ErrDataCarrier          = ErrorKind("datacarrier")            // OP_RETURN outputs above -datacarriersize, or -datacarrier=0
	ErrDust                 = ErrorKind("dust")                   // more than one dust output, or dust in a fee-paying tx
	ErrTooManySigOps        = ErrorKind("bad-txns-too-many-sigops")
)

// Reject reasons about the inputs (TX_INPUTS_NOT_STANDARD, and
// TX_WITNESS_MUTATED for the witness).
const (
	ErrNonstandardInputs  = ErrorKind("bad-txns-nonstandard-inputs") // AreInputsStandard failed
	ErrNonstandardWitness = ErrorKind("bad-witness-nonstandard")     // IsWitnessStandard failed
)

// Reject reasons of package and topology rules (TX_MEMPOOL_POLICY).
const (
	ErrTRUCViolation          = ErrorKind("TRUC-violation")           // a BIP431 rule
	ErrMissingEphemeralSpends = ErrorKind("missing-ephemeral-spends") // a child left its parent's dust unspent
)

// Reject reasons the mempool itself gives (validation.cpp, rbf.cpp),
// declared here so that every relay reject reason is one ErrorKind.
const (
	ErrMinRelayFee                = ErrorKind("min relay fee not met")   // below -minrelaytxfee (TX_RECONSIDERABLE)
	ErrMempoolMinFee              = ErrorKind("mempool min fee not met") // below the rolling mempool minimum
	ErrInsufficientFee            = ErrorKind("insufficient fee")        // a replacement pays too little
	ErrNonFinal                   = ErrorKind("non-final")               // lock time not met at the next block
	ErrNonBIP68Final              = ErrorKind("non-BIP68-final")         // relative lock time not met
	ErrCoinbase                   = ErrorKind("coinbase")                // a loose coinbase transaction
	ErrAlreadyInMempool           = ErrorKind("txn-already-in-mempool")
	ErrAlreadyKnown               = ErrorKind("txn-already-known")                   // every output already spent or confirmed
	ErrSameNonWitnessData         = ErrorKind("txn-same-nonwitness-data-in-mempool") // same txid, other witness
	ErrMempoolConflict            = ErrorKind("txn-mempool-conflict")                // spends an output a non-replaceable tx spends
	ErrMempoolFull                = ErrorKind("mempool full")
	ErrScriptVerifyFailed         = ErrorKind("mempool-script-verify-flag-failed") // Core 30.0 (#33183); was (non-)mandatory-script-verify-flag
	ErrTooManyReplacements        = ErrorKind("too many potential replacements")
	ErrReplacementAddsUnconfirmed = ErrorKind("replacement-adds-unconfirmed")
)

// RuleError reports a broken policy rule: Err is the reject reason and
// Description Core's debug message, or a description in its spirit.
type RuleError struct {
	Err         ErrorKind
	Description string
}

// Error renders the error as Core's ValidationState::ToString does:
// "reason, debug message", or the reason alone.
func (e *RuleError) Error() string {
	if e.Description == "" {
		return string(e.Err)
	}
	return string(e.Err) + ", " + e.Description
}

// Unwrap returns the kind, for errors.Is.
func (e *RuleError) Unwrap() error { return e.Err }

// NewRuleError builds a RuleError; the mempool uses it for the kinds it
// rejects with itself, so that every policy failure has the same shape.
func NewRuleError(kind ErrorKind, format string, args ...any) *RuleError {
	return &RuleError{Err: kind, Description: fmt.Sprintf(format, args...)}
}

func ruleError(kind ErrorKind, desc string) *RuleError {
	return &RuleError{Err: kind, Description: desc}
}
