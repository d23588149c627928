package addrman

import (
	"time"

	"github.com/bitnode/bitnode/wire"
)

// Add adds addresses heard from source (the peer that relayed them; its
// port is ignored) to the new table, as Core's AddrMan::Add. Each address's
// timestamp is moved timePenalty into the past unless the source announces
// itself (Core uses 2 hours for addr messages, none for seeds and manual
// additions). Invalid, unroutable and unknown-network addresses are
// ignored. Add returns how many addresses gained a new-table position.
func (m *Manager) Add(addrs []wire.NetAddress, source wire.NetAddress, timePenalty time.Duration) int {
	src, ok := keyOf(&source)
	if !ok || !source.IsValid() {
		src = netKey{} // Core's default CNetAddr: unroutable, one shared group
	}
	penalty := max(int64(timePenalty/time.Second), 0)
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now().Unix()
	added := 0
	for i := range addrs {
		if m.t.addSingle(&addrs[i], src.host(), penalty, now) {
			added++
		}
	}
	if added > 0 {
		m.log.Debug("added addresses", "added", added, "of", len(addrs), "source", source.Host(),
			"tried", m.t.nTried, "new", m.t.nNew)
	}
	return added
}

// addSingle is Core's AddrManImpl::AddSingle.
func (t *table) addSingle(na *wire.NetAddress, src netKey, penalty, now int64) bool {
	k, ok := keyOf(na)
	if !ok || !k.routable() {
		return false
	}
	if k.host() == src {
		penalty = 0 // no penalty for a source's self-announcement
	}
	seen := int64(na.Timestamp)
	id, e := t.find(&k)
	if e != nil {
		interval := int64(24 * 3600)
		if now-seen < 24*3600 {
			interval = 3600 // periodically update the time of an online node
		}
		if e.time < seen-interval-penalty {
			e.time = max(0, seen-penalty)
		}
		e.services |= na.Services
		switch {
		case seen <= e.time, e.inTried, e.refCount == MaxNewRefs:
			return false // nothing new, already tried, or enough references
		case e.refCount > 0 && t.rng.IntN(1<<e.refCount) != 0:
			return false // with n references, 2^n times harder to get another
		}
	} else {
		id = t.create(&k, &src, na.Services, max(0, seen-penalty))
		e = &t.entries[id]
	}
	bucket := t.newBucket(&k, &src)
	pos := t.bucketPos(&k, true, bucket)
	cur := t.newT[bucket][pos]
	if cur == id {
		return false
	}
	insert := cur < 0
	if !insert {
		old := &t.entries[cur]
		insert = old.isTerrible(now) || (old.refCount > 1 && e.refCount == 0)
	}
	if insert {
		t.clearNew(bucket, pos)
		e.refCount++
		t.newT[bucket][pos] = id
	} else if e.refCount == 0 {
		t.delete(id)
	}
	return insert
}

// Good records a successful connection to addr (network, address and port
// must match) and moves it to the tried table, as Core's AddrMan::Good. If
// its tried position is taken, the move is deferred: the address joins the
// list of collisions that ResolveCollisions settles after the incumbent
// has been tested (test-before-evict). Good reports whether addr moved.
func (m *Manager) Good(addr wire.NetAddress) bool {
	k, ok := keyOf(&addr)
	if !ok {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.t.good(&k, true, m.now().Unix())
}

func (t *table) good(k *netKey, testBeforeEvict bool, now int64) bool {
	t.lastGood = now
	id, e := t.find(k)
	if e == nil {
		return false
	}
	e.lastSuccess = now
	e.lastTry = now
	e.attempts = 0
	// e.time is not updated, to avoid leaking which peers we are connected to.
	if e.inTried || e.refCount == 0 {
		return false
	}
	bucket := t.triedBucket(k)
	pos := t.bucketPos(k, false, bucket)
	if testBeforeEvict && t.triedT[bucket][pos] >= 0 {
		if len(t.collisions) < maxCollisions {
			t.collisions[id] = struct{}{}
		}
		other := &t.entries[t.triedT[bucket][pos]]
		t.log.Debug("tried table collision", "addr", e.addr.String(),
			"with", other.addr.String(), "collisions", len(t.collisions))
		return false
	}
	t.makeTried(id)
	return true
}

// makeTried moves an entry from the new table to its tried position; an
// entry already there goes back to the new table (Core's MakeTried).
func (t *table) makeTried(id int32) {
	e := &t.entries[id]
	start := t.newBucket(&e.addr, &e.source)
	for n := 0; n < NewBucketCount && e.refCount > 0; n++ {
		b := (start + n) % NewBucketCount
		p := t.bucketPos(&e.addr, true, b)
		if t.newT[b][p] == id {
			t.newT[b][p] = -1
			e.refCount--
		}
	}
	t.nNew--
	t.counts[e.addr.net].nNew--
	bucket := t.triedBucket(&e.addr)
	pos := t.bucketPos(&e.addr, false, bucket)
	if evict := t.triedT[bucket][pos]; evict >= 0 {
		old := &t.entries[evict]
		old.inTried = false
		t.triedT[bucket][pos] = -1
		t.nTried--
		t.counts[old.addr.net].nTried--
		nb := t.newBucket(&old.addr, &old.source)
		np := t.bucketPos(&old.addr, true, nb)
		t.clearNew(nb, np)
		old.refCount = 1
		t.newT[nb][np] = evict
		t.nNew++
		t.counts[old.addr.net].nNew++
		t.log.Debug("moved tried entry back to new", "addr", old.addr.String())
	}
	t.triedT[bucket][pos] = id
	t.nTried++
	t.counts[e.addr.net].nTried++
	e.inTried = true
}

// Attempt records a connection attempt to addr. With countFailure, the
// attempt counts as a failure, but only once per successful connection
// anywhere (Core counts failures only if some peer was good since the
// last counted one, so an outage of our own does not ruin every address).
func (m *Manager) Attempt(addr wire.NetAddress, countFailure bool) {
	k, ok := keyOf(&addr)
	if !ok {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.t.attempt(&k, countFailure, m.now().Unix())
}

func (t *table) attempt(k *netKey, countFailure bool, now int64) {
	_, e := t.find(k)
	if e == nil {
		return
	}
	e.lastTry = now
	if countFailure && e.lastCount < t.lastGood {
		e.lastCount = now
		e.attempts++
	}
}

// Connected records that we are (still) connected to addr; its last-seen
// time is refreshed at most every 20 minutes. Core calls it when an
// outbound connection closes, not while it is open, so that the timestamps
// we gossip do not reveal our current peers.
func (m *Manager) Connected(addr wire.NetAddress) {
	k, ok := keyOf(&addr)
	if !ok {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, e := m.t.find(&k); e != nil {
		if now := m.now().Unix(); now-e.time > 20*60 {
			e.time = now
		}
	}
}

// SetServices replaces the services recorded for addr (with those the peer
// announced in its version message).
func (m *Manager) SetServices(addr wire.NetAddress, services wire.ServiceFlag) {
	k, ok := keyOf(&addr)
	if !ok {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, e := m.t.find(&k); e != nil {
		e.services = services
	}
}
