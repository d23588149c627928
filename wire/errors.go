package wire

import "fmt"

// ErrorKind identifies the kind of a decoding or encoding failure. It
// implements error so that callers can test with errors.Is(err, ErrTruncated).
type ErrorKind string

func (k ErrorKind) Error() string { return string(k) }

// Kinds of wire errors.
const (
	// ErrTruncated: the data ended before the structure did.
	ErrTruncated = ErrorKind("truncated data")
	// ErrNonCanonical: a CompactSize integer was not minimally encoded.
	ErrNonCanonical = ErrorKind("non-canonical CompactSize")
	// ErrTooLarge: a length, count or size exceeds the bytes present or a
	// protocol limit.
	ErrTooLarge = ErrorKind("exceeds limit")
	// ErrTrailingData: bytes remained after a structure that must fill its
	// container (a message payload, a raw transaction).
	ErrTrailingData = ErrorKind("trailing data")
	// ErrInvalidValue: a field holds a value the format does not allow.
	ErrInvalidValue = ErrorKind("invalid value")
	// ErrBadMagic: a message header carries another network's magic.
	ErrBadMagic = ErrorKind("bad network magic")
	// ErrBadChecksum: a message payload does not match its header checksum.
	ErrBadChecksum = ErrorKind("bad checksum")
	// ErrBadCommand: a message command is malformed (not NUL-padded ASCII).
	ErrBadCommand = ErrorKind("malformed command")
	// ErrUnknownCommand: a well-formed command this implementation does not
	// know. Bitcoin Core ignores such messages; the caller decides.
	ErrUnknownCommand = ErrorKind("unknown command")
)

// MessageError is the error every decoder in this package returns. Context
// (which input, which transaction) is prepended by wrapping with fmt.Errorf
// and %w, so errors.Is and errors.As see through it.
type MessageError struct {
	Err         ErrorKind
	Description string
}

func (e *MessageError) Error() string { return e.Description }

// Unwrap returns the kind, for errors.Is.
func (e *MessageError) Unwrap() error { return e.Err }

func newError(kind ErrorKind, format string, args ...any) *MessageError {
	return &MessageError{Err: kind, Description: fmt.Sprintf(format, args...)}
}
