package script

// extraBackends holds the backends compiled in by build tags.
var extraBackends []SignatureBackend
