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
