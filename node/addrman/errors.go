package addrman

import "fmt"

// ErrorKind identifies the kind of a persistence error. It implements error,
// so callers test with errors.Is(err, addrman.ErrBadChecksum).
type ErrorKind string

func (k ErrorKind) Error() string { return string(k) }

// Kinds of errors returned by Load and Bans.Load.
const (
	// ErrBadFormat: not a file of this kind, or a format version this build
	// does not read.
	ErrBadFormat = ErrorKind("bad file format")
	// ErrTruncated: the data ended before the structure did.
	ErrTruncated = ErrorKind("truncated data")
	// ErrTooLarge: the data or a count in it exceeds the format's limits.
	ErrTooLarge = ErrorKind("exceeds limit")
	// ErrBadChecksum: the data does not match its checksum.
	ErrBadChecksum = ErrorKind("bad checksum")
	// ErrCorrupt: a field holds a value the format does not allow, or the
	// tables it describes are inconsistent.
	ErrCorrupt = ErrorKind("corrupt data")
)

// Error is the error Load returns: a kind and a description saying what was
// wrong and where.
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
