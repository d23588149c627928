package index

import "fmt"

// ErrorKind identifies the kind of an index error. It implements error, so
// callers test with errors.Is(err, index.ErrNotFound).
type ErrorKind string

func (k ErrorKind) Error() string { return string(k) }

// Error kinds.
const (
	// ErrNotFound: the index has no entry for the transaction or block.
	ErrNotFound = ErrorKind("not found")
	// ErrBadFilter: an encoded BIP158 filter does not decode.
	ErrBadFilter = ErrorKind("bad filter")
	// ErrBadUndo: the spent coins given for a block do not match its
	// inputs.
	ErrBadUndo = ErrorKind("bad undo data")
	// ErrBadRange: a filter range request is empty, reversed or longer than
	// BIP157 allows.
	ErrBadRange = ErrorKind("bad range")
	// ErrCorrupt: the index database holds data that does not decode.
	ErrCorrupt = ErrorKind("corrupt index")
	// ErrWrongIndex: the database at the directory belongs to another kind
	// or version of index.
	ErrWrongIndex = ErrorKind("wrong index database")
	// ErrSource: the Source contradicted itself or failed while the index
	// caught up.
	ErrSource = ErrorKind("source error")
	// ErrRunning: Run was called twice, or Close while Run is active.
	ErrRunning = ErrorKind("index running")
	// ErrClosed: the index was used after Close.
	ErrClosed = ErrorKind("index closed")
)

// Error is the error this package returns: a kind and a description.
type Error struct {
	Err         ErrorKind
	Description string
}

func (e *Error) Error() string { return e.Description }

// Unwrap returns the kind, for errors.Is.
func (e *Error) Unwrap() error { return e.Err }

func newError(kind ErrorKind, format string, args ...any) *Error {
	return &Error{Err: kind, Description: "index: " + fmt.Sprintf(format, args...)}
}
