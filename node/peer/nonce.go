package peer

import (
	"math/rand/v2"
	"sync"
)

// NonceSet holds the version nonces of a node's outbound connections whose
// handshake is still under way. An inbound peer whose version carries one of
// them is the node itself (Core's CheckIncomingNonce). One set is shared by
// all the peers of a node; the zero value is ready to use.
type NonceSet struct {
	mu sync.Mutex
	m  map[uint64]struct{}
}

// NewNonceSet returns an empty set.
func NewNonceSet() *NonceSet { return &NonceSet{} }

// Generate returns a new random, non-zero nonce and adds it to the set.
func (s *NonceSet) Generate() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = make(map[uint64]struct{})
	}
	for {
		n := rand.Uint64()
		if _, dup := s.m[n]; n != 0 && !dup {
			s.m[n] = struct{}{}
			return n
		}
	}
}

// Contains reports whether n is in the set. Zero never is.
func (s *NonceSet) Contains(n uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.m[n]
	return ok
}

// Remove takes n out of the set.
func (s *NonceSet) Remove(n uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, n)
}

// Len returns the number of nonces in the set.
func (s *NonceSet) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

// randomNonce returns a random non-zero nonce.
func randomNonce() uint64 {
	for {
		if n := rand.Uint64(); n != 0 {
			return n
		}
	}
}
