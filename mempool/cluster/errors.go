package cluster

// ErrorKind identifies why a cluster could not be built or extended. It
// implements error for errors.Is.
type ErrorKind string

func (k ErrorKind) Error() string { return string(k) }

// Error kinds. ErrTooLargeCluster is spelt as Core's reject reason for a
// transaction that would push its cluster over the limits.
const (
	ErrTooLargeCluster = ErrorKind("too-large-cluster")      // more than MaxClusterCount transactions, or a total size beyond int32
	ErrBadTx           = ErrorKind("bad-cluster-tx")         // a size below 1 or a fee beyond ±MaxAbsTxFee
	ErrBadDependency   = ErrorKind("bad-cluster-dependency") // a parent out of range, a self-dependency or a cycle
)

// Error describes a rejected cluster operation.
type Error struct {
	Err         ErrorKind
	Description string
}

func (e *Error) Error() string { return e.Description }

// Unwrap returns the kind, for errors.Is.
func (e *Error) Unwrap() error { return e.Err }

func clusterError(kind ErrorKind, desc string) *Error {
	return &Error{Err: kind, Description: string(kind) + ": " + desc}
}
