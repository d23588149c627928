package consensus

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
