package consensus

import "fmt"

// ErrorKind identifies which consensus rule an error is about. Names follow
// Bitcoin Core's reject reasons where one exists.
type ErrorKind string

func (k ErrorKind) Error() string { return string(k) }

// Rule kinds.
const (
	ErrHighHash            = ErrorKind("high-hash")    // proof of work does not meet the target
	ErrBadDiffBits         = ErrorKind("bad-diffbits") // compact target negative, overflowing or above the limit
	ErrBadMerkle           = ErrorKind("bad-txnmrklroot")
	ErrDuplicateTx         = ErrorKind("bad-txns-duplicate")
	ErrBadWitnessNonceSize = ErrorKind("bad-witness-nonce-size")
	ErrBadWitnessMerkle    = ErrorKind("bad-witness-merkle-match")
	ErrUnexpectedWitness   = ErrorKind("unexpected-witness")
)

// RuleError reports a broken consensus rule.
type RuleError struct {
	Err         ErrorKind
	Description string
}

func (e *RuleError) Error() string { return e.Description }

// Unwrap returns the kind, for errors.Is.
func (e *RuleError) Unwrap() error { return e.Err }

func ruleError(kind ErrorKind, desc string) *RuleError {
	return &RuleError{Err: kind, Description: desc}
}

// Context-free transaction rule kinds (Core's CheckTransaction reject
// reasons).
const (
	ErrTxVinEmpty         = ErrorKind("bad-txns-vin-empty")           // no inputs
	ErrTxVoutEmpty        = ErrorKind("bad-txns-vout-empty")          // no outputs
	ErrTxOversize         = ErrorKind("bad-txns-oversize")            // stripped size × 4 above the block weight limit
	ErrTxVoutNegative     = ErrorKind("bad-txns-vout-negative")       // an output value below zero
	ErrTxVoutTooLarge     = ErrorKind("bad-txns-vout-toolarge")       // an output value above MaxMoney
	ErrTxOutTotalTooLarge = ErrorKind("bad-txns-txouttotal-toolarge") // the running output sum above MaxMoney
	ErrTxInputsDuplicate  = ErrorKind("bad-txns-inputs-duplicate")    // two inputs spend the same outpoint
	ErrBadCoinbaseLength  = ErrorKind("bad-cb-length")                // coinbase scriptSig outside 2..100 bytes
	ErrTxPrevoutNull      = ErrorKind("bad-txns-prevout-null")        // a non-coinbase input spends the null outpoint
)

// Block and contextual transaction rule kinds (Bitcoin Core's reject
// reasons).
const (
	ErrBadBlockLength    = ErrorKind("bad-blk-length")                       // no transactions, or too many / too large
	ErrBadBlockWeight    = ErrorKind("bad-blk-weight")                       // weight above 4,000,000
	ErrBadBlockSigOps    = ErrorKind("bad-blk-sigops")                       // signature-operation cost above 80,000
	ErrCoinbaseMissing   = ErrorKind("bad-cb-missing")                       // first transaction is not a coinbase
	ErrCoinbaseMultiple  = ErrorKind("bad-cb-multiple")                      // a later transaction is a coinbase
	ErrCoinbaseHeight    = ErrorKind("bad-cb-height")                        // BIP34 height missing or wrong
	ErrCoinbaseAmount    = ErrorKind("bad-cb-amount")                        // coinbase pays more than subsidy plus fees
	ErrTxNonFinal        = ErrorKind("bad-txns-nonfinal")                    // lock time or BIP68 sequence lock not met
	ErrMissingOrSpent    = ErrorKind("bad-txns-inputs-missingorspent")       // an input's coin does not exist
	ErrPrematureCoinbase = ErrorKind("bad-txns-premature-spend-of-coinbase") // coinbase output spent before 100 confirmations
	ErrInputValuesRange  = ErrorKind("bad-txns-inputvalues-outofrange")
	ErrInBelowOut        = ErrorKind("bad-txns-in-belowout")
	ErrFeeOutOfRange     = ErrorKind("bad-txns-fee-outofrange")
	ErrAccumulatedFee    = ErrorKind("bad-txns-accumulated-fee-outofrange") // a block's fees sum out of range
	ErrBIP30             = ErrorKind("bad-txns-BIP30")                      // a transaction would overwrite unspent outputs
	ErrScriptVerify      = ErrorKind("mandatory-script-verify-flag-failed") // an input's script fails
	ErrBadVersion        = ErrorKind("bad-version")                         // header version obsoleted by BIP34/65/66
	ErrTimeTooOld        = ErrorKind("time-too-old")                        // timestamp not after the median time past
	ErrTimeTooNew        = ErrorKind("time-too-new")                        // timestamp more than two hours ahead
	ErrTimewarp          = ErrorKind("time-timewarp-attack")                // BIP94
	ErrPrevBlockNotFound = ErrorKind("prev-blk-not-found")
	ErrBadPrevBlock      = ErrorKind("bad-prevblk") // builds on an invalid block
	ErrDuplicateBlock    = ErrorKind("duplicate")
	ErrDuplicateInvalid  = ErrorKind("duplicate-invalid")
	ErrInconclusivePrev  = ErrorKind("inconclusive-not-best-prevblk") // a proposal not built on the tip
)

// NewRuleError builds a RuleError; validation outside this package uses it
// so that every rule failure has the same shape.
func NewRuleError(kind ErrorKind, format string, args ...any) *RuleError {
	return &RuleError{Err: kind, Description: fmt.Sprintf(format, args...)}
}
