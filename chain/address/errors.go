package address

import (
	"errors"
	"fmt"
)

// ErrorKind identifies a class of decoding or encoding failure. It
// implements error so that it can be the target of errors.Is:
//
//	if errors.Is(err, address.ErrWrongNetwork) { ... }
type ErrorKind string

// Error returns the kind's short name.
func (k ErrorKind) Error() string { return string(k) }

// The kinds of error this package returns.
const (
	// ErrInvalidLength: the input or a decoded payload has the wrong size
	// (string too long or too short, checksum missing, payload not 20
	// bytes, private key not 32 bytes, ...).
	ErrInvalidLength = ErrorKind("ErrInvalidLength")
	// ErrInvalidCharacter: a character outside the encoding's alphabet.
	ErrInvalidCharacter = ErrorKind("ErrInvalidCharacter")
	// ErrInvalidChecksum: the checksum does not verify, or (segwit) the
	// checksum constant is the wrong one for the witness version.
	ErrInvalidChecksum = ErrorKind("ErrInvalidChecksum")
	// ErrMixedCase: a bech32 string mixes upper and lower case.
	ErrMixedCase = ErrorKind("ErrMixedCase")
	// ErrMissingSeparator: a bech32 string has no '1' separator.
	ErrMissingSeparator = ErrorKind("ErrMissingSeparator")
	// ErrInvalidHRP: the bech32 human-readable part is empty or invalid.
	ErrInvalidHRP = ErrorKind("ErrInvalidHRP")
	// ErrInvalidPadding: a 5-to-8 bit conversion left more than 4 bits
	// or non-zero padding bits.
	ErrInvalidPadding = ErrorKind("ErrInvalidPadding")
	// ErrEmptyData: a bech32 string has no data besides its checksum.
	ErrEmptyData = ErrorKind("ErrEmptyData")
	// ErrInvalidWitnessVersion: the witness version is above 16.
	ErrInvalidWitnessVersion = ErrorKind("ErrInvalidWitnessVersion")
	// ErrInvalidProgramLength: the witness program is not 2..40 bytes,
	// or not 20 or 32 bytes for version 0.
	ErrInvalidProgramLength = ErrorKind("ErrInvalidProgramLength")
	// ErrWrongNetwork: a well-formed string for another network (unknown
	// Base58 version byte, other bech32 HRP, other WIF prefix).
	ErrWrongNetwork = ErrorKind("ErrWrongNetwork")
	// ErrUnsupportedScript: a scriptPubKey that has no address form.
	ErrUnsupportedScript = ErrorKind("ErrUnsupportedScript")
	// ErrInvalidPrivateKey: a private key that is zero or not below the
	// secp256k1 group order, or a malformed compression flag.
	ErrInvalidPrivateKey = ErrorKind("ErrInvalidPrivateKey")
	// ErrInvalidArgument: a caller-supplied value is out of range (nil
	// params, bit width, data value too wide, ...).
	ErrInvalidArgument = ErrorKind("ErrInvalidArgument")
)

// Error is the error type returned (as *Error) by every function of this
// package. Err is the kind, Description says precisely what was wrong and
// where. Use errors.Is(err, ErrX) to test the kind and errors.As with a
// *Error to read the fields.
type Error struct {
	Err         ErrorKind
	Description string

	// core is Bitcoin Core's wording for the same failure, where the
	// failing function knows it; see CoreErrorMessage.
	core string
	// locations are the string positions Core reports alongside core;
	// see ErrorLocations.
	locations []int
}

// Error returns the description (or the kind if there is none).
func (e *Error) Error() string {
	if e.Description == "" {
		return string(e.Err)
	}
	return e.Description
}

// Unwrap returns the kind, so errors.Is(err, ErrX) works.
func (e *Error) Unwrap() error { return e.Err }

// newError builds an Error with a formatted description.
func newError(kind ErrorKind, format string, args ...any) *Error {
	return &Error{Err: kind, Description: fmt.Sprintf(format, args...)}
}

// withCore sets Bitcoin Core's message for the failure and returns e.
func (e *Error) withCore(msg string) *Error {
	e.core = msg
	return e
}

// withLocations sets the error positions Core reports and returns e.
func (e *Error) withLocations(locs []int) *Error {
	e.locations = locs
	return e
}

// asError returns err as *Error (err must come from this package).
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) && e != nil {
		return e
	}
	return &Error{Err: ErrInvalidArgument, Description: err.Error()}
}

// Messages Bitcoin Core uses for address and key decoding failures
// (src/key_io.cpp and src/bech32.cpp, as seen in validateaddress's "error"
// field and importprivkey's error). The last two are this package's own,
// for failures Core reports differently.
const (
	coreInvalidEncoding    = "Invalid or unsupported Segwit (Bech32) or Base58 encoding."
	coreBase58Checksum     = "Invalid checksum or length of Base58 address (P2PKH or P2SH)"
	coreBase58Length       = "Invalid length for Base58 address (P2PKH or P2SH)"
	coreBase58Unsupported  = "Invalid or unsupported Base58-encoded address."
	coreBech32TooLong      = "Bech32 string too long"
	coreBech32BadChar      = "Invalid character or mixed case"
	coreBech32NoSeparator  = "Missing separator"
	coreBech32SepPosition  = "Invalid separator position"
	coreBech32Base32Char   = "Invalid Base 32 character"
	coreBech32Checksum     = "Invalid Bech32 checksum"
	coreBech32mChecksum    = "Invalid Bech32m checksum"
	coreInvalidChecksum    = "Invalid checksum"
	coreBech32EmptyData    = "Empty Bech32 data section"
	coreBech32Padding      = "Invalid padding in Bech32 data section"
	coreWitnessVersion     = "Invalid Bech32 address witness version"
	coreV0NeedsBech32      = "Version 0 witness address must use Bech32 checksum"
	coreV1NeedsBech32m     = "Version 1+ witness address must use Bech32m checksum"
	coreV0ProgramSizeFmt   = "Invalid Bech32 v0 address program size (%d %s), per BIP141"
	coreProgramSizeFmt     = "Invalid Bech32 address program size (%d %s)"
	coreWrongHRPFmt        = "Invalid or unsupported prefix for Segwit (Bech32) address (expected %s, got %s)."
	coreInvalidPrivateKey  = "Invalid private key encoding"
	coreUnsupportedScript  = "Script has no address form"
	coreInvalidArgumentMsg = "Invalid argument"
)

// CoreErrorMessage maps an error returned by this package to the message
// Bitcoin Core would put in validateaddress's "error" field (or, for WIF
// keys, importprivkey's error) for the same input. Errors from Decode carry
// the message Core's own decision order would produce, including Core's
// routing of any string that does not start with the network's HRP to the
// Base58 decoder; ErrorLocations gives the matching "error_locations".
// Errors from other functions map by kind (with this package's own wording
// where Core has none). It returns "" for a nil error and err.Error() for
// errors not from this package.
func CoreErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if !errors.As(err, &e) || e == nil {
		return err.Error()
	}
	if e.core != "" {
		return e.core
	}
	switch e.Err {
	case ErrInvalidChecksum:
		return coreBech32Checksum
	case ErrInvalidCharacter, ErrMixedCase:
		return coreBech32BadChar
	case ErrMissingSeparator:
		return coreBech32NoSeparator
	case ErrInvalidHRP:
		return coreBech32SepPosition
	case ErrInvalidPadding:
		return coreBech32Padding
	case ErrEmptyData:
		return coreBech32EmptyData
	case ErrInvalidWitnessVersion:
		return coreWitnessVersion
	case ErrInvalidPrivateKey:
		return coreInvalidPrivateKey
	case ErrUnsupportedScript:
		return coreUnsupportedScript
	case ErrInvalidArgument:
		return coreInvalidArgumentMsg
	default:
		return coreInvalidEncoding
	}
}

// ErrorLocations returns the 0-based byte positions in the input that
// Bitcoin Core's validateaddress reports in "error_locations" for the
// same failure: characters beyond the 90-character limit, invalid or
// mixed-case characters, a misplaced separator, the first invalid data
// character, or up to two likely typos located with the bech32 BCH code.
// It returns nil when Core reports none (Base58 and segwit-rule errors).
func ErrorLocations(err error) []int {
	var e *Error
	if !errors.As(err, &e) || e == nil || len(e.locations) == 0 {
		return nil
	}
	return append([]int(nil), e.locations...)
}

// byteWord returns "byte" or "bytes" for n, as Core's messages do.
func byteWord(n int) string {
	if n == 1 {
		return "byte"
	}
	return "bytes"
}

// charDesc renders one input byte for an error message: 'b' for printable
// ASCII, 0xff otherwise.
func charDesc(c byte) string {
	if c > 32 && c < 127 {
		return fmt.Sprintf("'%c'", c)
	}
	return fmt.Sprintf("0x%02x", c)
}
