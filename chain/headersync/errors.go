package headersync

import "fmt"

// ErrorKind identifies why a sync was aborted. Core has no reject reasons
// here (it only logs), so the names describe the failure.
type ErrorKind string

func (k ErrorKind) Error() string { return string(k) }

// Abort reasons.
const (
	// ErrNonContinuous: a header does not build on the previous one (in
	// PRESYNC, on the last header received; in REDOWNLOAD, on the last one
	// redownloaded). Often benign: the peer reorganised.
	ErrNonContinuous = ErrorKind("headers-sync-non-continuous")
	// ErrBadProofOfWork: a header's bits are invalid or its hash misses its
	// target; the wrapped consensus error says which.
	ErrBadProofOfWork = ErrorKind("headers-sync-bad-pow")
	// ErrDifficultyTransition: a header's bits are not a permitted successor
	// of its parent's (PermittedDifficultyTransition).
	ErrDifficultyTransition = ErrorKind("headers-sync-difficulty-transition")
	// ErrTooManyCommitments: the peer's chain is longer than any
	// consensus-valid chain could be by now.
	ErrTooManyCommitments = ErrorKind("headers-sync-max-commitments")
	// ErrCommitmentMismatch: a redownloaded header differs from the one
	// committed to in PRESYNC.
	ErrCommitmentMismatch = ErrorKind("headers-sync-commitment-mismatch")
	// ErrCommitmentOverrun: the redownloaded chain is longer than the
	// presynced one yet has not reached the minimum work.
	ErrCommitmentOverrun = ErrorKind("headers-sync-commitment-overrun")
	// ErrTooManyHeaders: one call carried more than wire.MaxHeadersPerMsg
	// headers.
	ErrTooManyHeaders = ErrorKind("headers-sync-oversized-message")
	// ErrFinished: ProcessNextHeaders was called after the sync reached
	// Final.
	ErrFinished = ErrorKind("headers-sync-finished")
)

// Error is an abort with its context. errors.Is matches its Kind and, for
// ErrBadProofOfWork, the consensus error kind (consensus.ErrHighHash,
// consensus.ErrBadDiffBits).
type Error struct {
	// Kind is the reason.
	Kind ErrorKind
	// State is the phase the sync was in.
	State State
	// Height is the height of the offending header (or of the last good
	// one for ErrTooManyHeaders and ErrFinished).
	Height int64
	// Err is the underlying cause, if any.
	Err error
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("headers sync (%s) at height %d: %s", e.State, e.Height, e.Kind)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the kind and the cause, for errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}
