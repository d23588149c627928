package addrman

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"log/slog"
	mrand "math/rand/v2"
	"sync"
	"time"

	"github.com/bitnode/bitnode/wire"
)

// Table geometry and policy constants, Bitcoin Core's ADDRMAN_* values.
const (
	// NewBucketCount is the number of buckets of the new table.
	NewBucketCount = 1024
	// TriedBucketCount is the number of buckets of the tried table.
	TriedBucketCount = 256
	// BucketSize is the number of positions in a bucket.
	BucketSize = 64
	// MaxNewRefs is how many new-table positions one address may occupy
	// (Core's ADDRMAN_NEW_BUCKETS_PER_ADDRESS).
	MaxNewRefs = 8

	triedBucketsPerGroup     = 8
	newBucketsPerSourceGroup = 64

	horizon         = 30 * 24 * 3600 // seconds an address may go unseen
	retries         = 3              // failures before giving up on a never-successful address
	maxFailures     = 10             // failures since ...
	minFail         = 7 * 24 * 3600  // ... at least this long ago make an address terrible
	replacement     = 4 * 3600       // a tried entry this recently good is not evicted
	maxCollisions   = 10             // pending tried-table collisions kept
	testWindow      = 40 * 60        // how long a collision may wait for its test
	maxFutureSkew   = 10 * 60        // timestamps this far ahead are terrible
	recentTry       = 60             // an address tried this recently is never terrible
	chanceRecentTry = 10 * 60        // tries this recent cut the selection chance to 1%
)

// Config configures a Manager.
type Config struct {
	// Key randomizes bucket placement; it must stay secret, or an attacker
	// can choose addresses that collide. The zero value means a random key
	// (Core's nKey). Tests use a fixed key; Load replaces the key with the
	// one stored in the file so that positions are preserved.
	Key [32]byte
	// Seed seeds the random choices (Select, GetAddr, the stochastic
	// multiplicity test). Zero means a random seed.
	Seed [32]byte
	// Now returns the current time (adjusted network time in Core);
	// defaults to time.Now.
	Now func() time.Time
	// Logger receives debug messages; nil discards them.
	Logger *slog.Logger
}

// Manager is Bitcoin Core's address manager (addrman): a "new" table of
// addresses heard about and a "tried" table of addresses connected to,
// with bucket placement keyed by a secret so that no peer or group of
// peers can fill the tables. It is safe for concurrent use; every method
// holds one mutex briefly.
type Manager struct {
	mu  sync.Mutex
	now func() time.Time
	log *slog.Logger
	t   *table
}

// New returns an empty address manager.
func New(cfg Config) *Manager {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Key == [32]byte{} {
		rand.Read(cfg.Key[:])
	}
	if cfg.Seed == [32]byte{} {
		rand.Read(cfg.Seed[:])
	}
	rng := mrand.New(mrand.NewChaCha8(cfg.Seed))
	return &Manager{now: cfg.Now, log: cfg.Logger, t: newTable(cfg.Key, rng, cfg.Logger)}
}

// entry is Core's AddrInfo.
type entry struct {
	addr     netKey
	source   netKey // host only
	services wire.ServiceFlag
	// time is when the address was last seen, as gossiped (Core's nTime).
	time        int64
	lastTry     int64
	lastCount   int64 // last attempt counted as a failure
	lastSuccess int64
	attempts    int32
	refCount    int32 // positions held in the new table
	inTried     bool
	used        bool
	randomPos   int32
}

type netCount struct{ nNew, nTried int }

// table holds the state Load replaces as a whole.
type table struct {
	key        [32]byte
	rng        *mrand.Rand
	log        *slog.Logger
	entries    []entry // slab indexed by id; free slots are listed in free
	free       []int32
	byAddr     map[netKey]int32
	random     []int32 // every id, in an order GetAddr shuffles (vRandom)
	newT       [NewBucketCount][BucketSize]int32
	triedT     [TriedBucketCount][BucketSize]int32
	nNew       int
	nTried     int
	counts     [256]netCount // by BIP155 network id
	collisions map[int32]struct{}
	lastGood   int64
	hbuf       []byte
}

func newTable(key [32]byte, rng *mrand.Rand, log *slog.Logger) *table {
	t := &table{key: key, rng: rng, log: log, byAddr: make(map[netKey]int32),
		collisions: make(map[int32]struct{}), lastGood: 1}
	for b := range t.newT {
		for i := range t.newT[b] {
			t.newT[b][i] = -1
		}
	}
	for b := range t.triedT {
		for i := range t.triedT[b] {
			t.triedT[b][i] = -1
		}
	}
	return t
}

// cheapHash is Core's (HashWriter{} << ...).GetCheapHash(): the first 8
// bytes, little-endian, of the double SHA-256 of the serialized values.
func cheapHash(b []byte) uint64 {
	h := sha256.Sum256(b)
	h = sha256.Sum256(h[:])
	return binary.LittleEndian.Uint64(h[:8])
}

// appendVec appends a byte vector as Core serializes one: a CompactSize
// length (always one byte here) and the bytes.
func appendVec(dst, v []byte) []byte {
	return append(append(dst, byte(len(v))), v...)
}

// triedBucket is Core's AddrInfo::GetTriedBucket.
func (t *table) triedBucket(k *netKey) int {
	var kb, gb [40]byte
	b := appendVec(append(t.hbuf[:0], t.key[:]...), appendServiceKey(kb[:0], k))
	h1 := cheapHash(b)
	b = appendVec(append(b[:0], t.key[:]...), appendGroup(gb[:0], k))
	b = binary.LittleEndian.AppendUint64(b, h1%triedBucketsPerGroup)
	t.hbuf = b
	return int(cheapHash(b) % TriedBucketCount)
}

// newBucket is Core's AddrInfo::GetNewBucket for an address heard from src.
func (t *table) newBucket(k, src *netKey) int {
	var gb, sb [40]byte
	srcGroup := appendGroup(sb[:0], src)
	b := appendVec(append(t.hbuf[:0], t.key[:]...), appendGroup(gb[:0], k))
	h1 := cheapHash(appendVec(b, srcGroup))
	b = appendVec(append(b[:0], t.key[:]...), srcGroup)
	b = binary.LittleEndian.AppendUint64(b, h1%newBucketsPerSourceGroup)
	t.hbuf = b
	return int(cheapHash(b) % NewBucketCount)
}

// bucketPos is Core's AddrInfo::GetBucketPosition.
func (t *table) bucketPos(k *netKey, isNew bool, bucket int) int {
	tag := byte('K')
	if isNew {
		tag = 'N'
	}
	var kb [40]byte
	b := append(append(t.hbuf[:0], t.key[:]...), tag)
	b = binary.LittleEndian.AppendUint32(b, uint32(int32(bucket)))
	b = appendVec(b, appendServiceKey(kb[:0], k))
	t.hbuf = b
	return int(cheapHash(b) % BucketSize)
}

// isTerrible is Core's AddrInfo::IsTerrible: whether an address is not
// worth keeping (it may be overwritten in the new table and is left out of
// GetAddr answers).
func (e *entry) isTerrible(now int64) bool {
	switch {
	case e.lastTry != 0 && now-e.lastTry <= recentTry:
		return false // never drop what we tried in the last minute
	case e.time > now+maxFutureSkew:
		return true // came in a flying DeLorean
	case now-e.time > horizon:
		return true // not seen in recent history
	case e.lastSuccess == 0 && e.attempts >= retries:
		return true // tried N times and never a success
	case now-e.lastSuccess > minFail && e.attempts >= maxFailures:
		return true // N successive failures in the last week
	}
	return false
}

// chance is Core's AddrInfo::GetChance: the relative probability of
// selecting an address.
func (e *entry) chance(now int64) float64 {
	c := 1.0
	if now-e.lastTry < chanceRecentTry {
		c *= 0.01 // deprioritize very recent attempts
	}
	for range min(e.attempts, 8) {
		c *= 0.66 // 66% less per failure, at most 8 times
	}
	return c
}

func (e *entry) netAddress() wire.NetAddress {
	return e.netAddressIn(append([]byte(nil), e.addr.addr()...))
}

// netAddressIn returns the entry as a NetAddress whose Addr is raw (a copy
// of the address bytes the caller made).
func (e *entry) netAddressIn(raw []byte) wire.NetAddress {
	return wire.NetAddress{
		Timestamp: uint32(min(max(e.time, 0), 1<<32-1)),
		Services:  e.services,
		Network:   e.addr.net,
		Addr:      raw,
		Port:      e.addr.port,
	}
}

func (e *entry) lastTryTime() time.Time {
	if e.lastTry == 0 {
		return time.Time{}
	}
	return time.Unix(e.lastTry, 0)
}

// find returns the id of an address (network, bytes and port).
func (t *table) find(k *netKey) (int32, *entry) {
	id, ok := t.byAddr[*k]
	if !ok {
		return -1, nil
	}
	return id, &t.entries[id]
}

// create adds an entry with no table positions (Core's Create).
func (t *table) create(k, src *netKey, services wire.ServiceFlag, seen int64) int32 {
	e := entry{addr: *k, source: src.host(), services: services, time: seen,
		used: true, randomPos: int32(len(t.random))}
	var id int32
	if n := len(t.free); n > 0 {
		id = t.free[n-1]
		t.free = t.free[:n-1]
		t.entries[id] = e
	} else {
		id = int32(len(t.entries))
		t.entries = append(t.entries, e)
	}
	t.byAddr[*k] = id
	t.random = append(t.random, id)
	t.nNew++
	t.counts[k.net].nNew++
	return id
}

func (t *table) swapRandom(p1, p2 int) {
	if p1 == p2 {
		return
	}
	id1, id2 := t.random[p1], t.random[p2]
	t.entries[id1].randomPos = int32(p2)
	t.entries[id2].randomPos = int32(p1)
	t.random[p1], t.random[p2] = id2, id1
}

// delete removes a new-table entry that no position refers to any more.
func (t *table) delete(id int32) {
	e := &t.entries[id]
	t.swapRandom(int(e.randomPos), len(t.random)-1)
	t.random = t.random[:len(t.random)-1]
	delete(t.byAddr, e.addr)
	delete(t.collisions, id) // ids are reused
	t.nNew--
	t.counts[e.addr.net].nNew--
	*e = entry{}
	t.free = append(t.free, id)
}

// clearNew empties a new-table position, deleting its entry if that was
// its last reference.
func (t *table) clearNew(bucket, pos int) {
	id := t.newT[bucket][pos]
	if id < 0 {
		return
	}
	e := &t.entries[id]
	e.refCount--
	t.newT[bucket][pos] = -1
	if e.refCount == 0 {
		t.delete(id)
	}
}
