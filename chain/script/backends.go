package script

// extraBackends holds the backends compiled in by build tags, beside the
// always-present btcec one; tests run every vector on each.
var extraBackends []SignatureBackend

// defaultBackend is the fastest backend compiled in: libsecp256k1 when the
// build tag brings it, btcec otherwise.
var defaultBackend SignatureBackend = Btcec{}

// DefaultBackend returns the backend used when a checker names none.
func DefaultBackend() SignatureBackend { return defaultBackend }

// AllBackends returns every backend compiled in, btcec first.
func AllBackends() []SignatureBackend {
	return append([]SignatureBackend{Btcec{}}, extraBackends...)
}
