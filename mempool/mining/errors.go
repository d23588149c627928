package mining

// ErrorKind is the kind of a mining failure; it implements error, so
// errors.Is(err, mining.ErrMaxTries) works on wrapped errors.
type ErrorKind string

func (k ErrorKind) Error() string { return string(k) }

// Failure kinds.
const (
	// ErrBadOptions: an Options field is out of range.
	ErrBadOptions = ErrorKind("bad-options")
	// ErrBadBits: the header's compact target is negative, overflows, is
	// zero or is easier than the network's proof-of-work limit.
	ErrBadBits = ErrorKind("bad-diffbits")
	// ErrMaxTries: the nonce budget ran out before a solution was found.
	ErrMaxTries = ErrorKind("max-tries-exhausted")
	// ErrTemplateTooLarge: the coinbase outgrew the reserved weight or
	// sigops so much that the block would break a consensus limit.
	ErrTemplateTooLarge = ErrorKind("template-too-large")
)
