package store

import "fmt"

// ErrorKind identifies the kind of a storage error. It implements error, so
// callers test with errors.Is(err, store.ErrMissingCoin).
type ErrorKind string

func (k ErrorKind) Error() string { return string(k) }

// Kinds of storage errors.
const (
	// ErrMissingCoin: a spend of a coin that does not exist or was already
	// spent (Core's "bad-txns-inputs-missingorspent").
	ErrMissingCoin = ErrorKind("bad-txns-inputs-missingorspent")
	// ErrCorrupt: data read from disk fails its checksum or does not decode.
	ErrCorrupt = ErrorKind("corrupt data")
	// ErrClosed: the DB or the block files were used after Close.
	ErrClosed = ErrorKind("closed")
)

// Error is the error this package returns: a kind and a description saying
// what and where.
type Error struct {
	Err         ErrorKind
	Description string
}

func (e *Error) Error() string { return e.Description }

// Unwrap returns the kind, for errors.Is.
func (e *Error) Unwrap() error { return e.Err }

func newError(kind ErrorKind, format string, args ...any) *Error {
	return &Error{Err: kind, Description: fmt.Sprintf(format, args...)}
}

func corrupt(format string, args ...any) *Error {
	return newError(ErrCorrupt, "store: "+format, args...)
}
