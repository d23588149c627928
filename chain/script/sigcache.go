package script

import (
	"crypto/rand"
	"crypto/sha256"
	"sync"
)

// SigCache remembers signatures that verified, so a transaction checked on
// entry to the mempool is not checked again when its block arrives. An
// entry is the salted hash of everything the verification depended on
// (kind, message, key, signature): a hit is as safe as a verify, and a peer
// cannot aim collisions at it without the salt. Shared by mempool and block
// validation; safe for concurrent use; a nil *SigCache caches nothing.
type SigCache struct {
	mu      sync.RWMutex
	salt    [32]byte
	entries map[[32]byte]struct{}
	max     int
}

// NewSigCache returns a cache holding at most maxEntries signatures
// (Bitcoin Core sizes its cache by memory, 32 MiB by default; an entry here
// costs about 64 bytes with the map's overhead).
func NewSigCache(maxEntries int) *SigCache {
	c := &SigCache{entries: make(map[[32]byte]struct{}, min(maxEntries, 1<<16)), max: maxEntries}
	if _, err := rand.Read(c.salt[:]); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return c
}

// Len returns the number of cached signatures.
func (c *SigCache) Len() int {
	if c == nil {
		return 0
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}

func (c *SigCache) key(kind byte, parts ...[]byte) [32]byte {
	h := sha256.New()
	h.Write(c.salt[:])
	h.Write([]byte{kind})
	for _, p := range parts {
		h.Write([]byte{byte(len(p))}) // lengths separate the fields
		h.Write(p)
	}
	var k [32]byte
	h.Sum(k[:0])
	return k
}

func (c *SigCache) contains(k [32]byte) bool {
	c.mu.RLock()
	_, ok := c.entries[k]
	c.mu.RUnlock()
	return ok
}

func (c *SigCache) add(k [32]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.max <= 0 {
		return
	}
	if len(c.entries) >= c.max {
		// Evict an arbitrary entry: map iteration order is randomised, so
		// a peer cannot choose what gets evicted.
		for old := range c.entries {
			delete(c.entries, old)
			break
		}
	}
	c.entries[k] = struct{}{}
}

const (
	cacheKindECDSA   = 1
	cacheKindSchnorr = 2
)

func (c *SigCache) containsECDSA(hash *[32]byte, pubKey []byte, sig *[64]byte) bool {
	if c == nil {
		return false
	}
	return c.contains(c.key(cacheKindECDSA, hash[:], pubKey, sig[:]))
}

func (c *SigCache) addECDSA(hash *[32]byte, pubKey []byte, sig *[64]byte) {
	if c != nil {
		c.add(c.key(cacheKindECDSA, hash[:], pubKey, sig[:]))
	}
}

func (c *SigCache) containsSchnorr(msg, pubKey *[32]byte, sig *[64]byte) bool {
	if c == nil {
		return false
	}
	return c.contains(c.key(cacheKindSchnorr, msg[:], pubKey[:], sig[:]))
}

func (c *SigCache) addSchnorr(msg, pubKey *[32]byte, sig *[64]byte) {
	if c != nil {
		c.add(c.key(cacheKindSchnorr, msg[:], pubKey[:], sig[:]))
	}
}
