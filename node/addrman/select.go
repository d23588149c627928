package addrman

import (
	"slices"
	"time"

	"github.com/bitnode/bitnode/wire"
)

// Select picks an address to connect to, as Core's AddrMan::Select: the
// new or the tried table with equal probability (only the new table with
// newOnly, or whichever table has entries of the requested networks), then
// random buckets and positions, accepting an entry with probability
// GetChance × a factor that grows 1.2× per rejection. GetChance divides
// by 100 for an address tried in the last 10 minutes and by 1.52 per
// failed attempt (at most 8 times). Terrible addresses are NOT excluded:
// after an outage of our own every address may have failed, and Core
// still retries them, only less often. With networks, only addresses of
// those BIP155 networks are considered. lastTry is the zero Time if the
// address was never tried; ok is false if no address qualifies.
func (m *Manager) Select(newOnly bool, networks ...wire.NetworkID) (addr wire.NetAddress, lastTry time.Time, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	id := m.t.selectID(newOnly, networks, m.now().Unix())
	if id < 0 {
		return wire.NetAddress{}, time.Time{}, false
	}
	e := &m.t.entries[id]
	return e.netAddress(), e.lastTryTime(), true
}

func (t *table) selectID(newOnly bool, networks []wire.NetworkID, now int64) int32 {
	nNew, nTried := t.nNew, t.nTried
	if len(networks) > 0 {
		nNew, nTried = 0, 0
		seen := [256]bool{}
		for _, n := range networks {
			if !seen[n] {
				seen[n] = true
				nNew += t.counts[n].nNew
				nTried += t.counts[n].nTried
			}
		}
	}
	if nNew+nTried == 0 || (newOnly && nNew == 0) {
		return -1
	}
	useTried := !newOnly && nTried > 0 && (nNew == 0 || t.rng.IntN(2) == 1)
	buckets := NewBucketCount
	if useTried {
		buckets = TriedBucketCount
	}
	factor := 1.0
	for {
		bucket := t.rng.IntN(buckets)
		start := t.rng.IntN(BucketSize)
		id := t.firstInBucket(useTried, bucket, start, networks)
		if id < 0 {
			continue
		}
		if float64(t.rng.Uint32()>>2) < factor*t.entries[id].chance(now)*(1<<30) {
			return id
		}
		factor *= 1.2
	}
}

// firstInBucket returns the first entry of one of the networks (any if
// none are given) at or after position start of a bucket, wrapping around.
func (t *table) firstInBucket(tried bool, bucket, start int, networks []wire.NetworkID) int32 {
	row := t.newT[bucket%NewBucketCount][:]
	if tried {
		row = t.triedT[bucket][:]
	}
	for i := range BucketSize {
		id := row[(start+i)%BucketSize]
		if id >= 0 && (len(networks) == 0 || slices.Contains(networks, t.entries[id].addr.net)) {
			return id
		}
	}
	return -1
}

// GetAddr returns up to maxAddresses random addresses (0: no limit), and
// at most maxPct percent of all known addresses (0: no limit), skipping
// terrible ones, as Core's AddrMan::GetAddr. Answering a peer's getaddr,
// Core asks for GetAddr(1000, 23, nil) and caches the answer for about a
// day per network and local socket (the caller's job). With network, only
// addresses of that class are returned; like Core, the class of an IPv6
// address embedding IPv4 (6to4, Teredo, NAT64) is IPv4.
func (m *Manager) GetAddr(maxAddresses, maxPct int, network *wire.NetworkID) []wire.NetAddress {
	m.mu.Lock()
	defer m.mu.Unlock()
	t := m.t
	n := len(t.random)
	if maxPct > 0 {
		n = min(maxPct, 100) * n / 100
	}
	if maxAddresses > 0 {
		n = min(n, maxAddresses)
	}
	now := m.now().Unix()
	out := make([]wire.NetAddress, 0, n)
	arena := make([]byte, 0, 16*n)
	for i := 0; i < len(t.random) && len(out) < n; i++ {
		t.swapRandom(i, i+t.rng.IntN(len(t.random)-i))
		e := &t.entries[t.random[i]]
		if network != nil && classNetwork(e.addr.class()) != *network {
			continue
		}
		if e.isTerrible(now) {
			continue
		}
		at := len(arena)
		arena = append(arena, e.addr.addr()...)
		out = append(out, e.netAddressIn(arena[at:len(arena):len(arena)]))
	}
	return out
}

// ResolveCollisions settles pending tried-table collisions (Core's
// AddrMan::ResolveCollisions; the connection manager calls it before each
// feeler). The newcomer replaces the incumbent if the incumbent was tried
// and failed more than a minute but less than 4 hours ago, or if the
// newcomer has waited over 40 minutes for a test; the collision is
// dropped, the incumbent kept, if the incumbent connected within 4 hours.
func (m *Manager) ResolveCollisions() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.t.resolveCollisions(m.now().Unix())
}

func (t *table) resolveCollisions(now int64) {
	for _, id := range t.collisionIDs() {
		e := &t.entries[id]
		if !e.used || e.inTried {
			delete(t.collisions, id)
			continue
		}
		bucket := t.triedBucket(&e.addr)
		pos := t.bucketPos(&e.addr, false, bucket)
		erase := true
		if old := t.triedT[bucket][pos]; old >= 0 {
			o := &t.entries[old]
			switch {
			case now-o.lastSuccess < replacement:
				// The incumbent is good: keep it, forget the newcomer.
			case now-o.lastTry < replacement:
				erase = now-o.lastTry > 60 // give the test a minute to connect
				if erase {
					t.log.Debug("replacing in tried table", "old", o.addr.String(),
						"new", e.addr.String())
					t.good(&e.addr, false, now)
				}
			case now-e.lastSuccess > testWindow:
				t.log.Debug("unable to test; replacing in tried table anyway",
					"old", o.addr.String(), "new", e.addr.String())
				t.good(&e.addr, false, now)
			default:
				erase = false
			}
		} else {
			t.good(&e.addr, false, now) // no longer a collision
		}
		if erase {
			delete(t.collisions, id)
		}
	}
}

// collisionIDs returns the pending collisions in id order, for
// deterministic iteration.
func (t *table) collisionIDs() []int32 {
	ids := make([]int32, 0, len(t.collisions))
	for id := range t.collisions {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// SelectTriedCollision returns the tried-table incumbent of a random
// pending collision: the address a feeler connection should test before
// it is evicted (Core's AddrMan::SelectTriedCollision). ok is false if no
// collision is pending.
func (m *Manager) SelectTriedCollision() (addr wire.NetAddress, lastTry time.Time, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t := m.t
	if len(t.collisions) == 0 {
		return wire.NetAddress{}, time.Time{}, false
	}
	ids := t.collisionIDs()
	id := ids[t.rng.IntN(len(ids))]
	e := &t.entries[id]
	if !e.used || e.inTried {
		delete(t.collisions, id)
		return wire.NetAddress{}, time.Time{}, false
	}
	bucket := t.triedBucket(&e.addr)
	old := t.triedT[bucket][t.bucketPos(&e.addr, false, bucket)]
	if old < 0 {
		return wire.NetAddress{}, time.Time{}, false
	}
	o := &t.entries[old]
	return o.netAddress(), o.lastTryTime(), true
}

// Size returns how many addresses are known: of one BIP155 network if
// network is not nil, in the new table only (inNew true) or the tried
// table only (inNew false) if inNew is not nil (Core's AddrMan::Size).
func (m *Manager) Size(network *wire.NetworkID, inNew *bool) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	nNew, nTried := m.t.nNew, m.t.nTried
	if network != nil {
		c := m.t.counts[*network]
		nNew, nTried = c.nNew, c.nTried
	}
	switch {
	case inNew == nil:
		return nNew + nTried
	case *inNew:
		return nNew
	}
	return nTried
}

// Len returns the number of known addresses, Size(nil, nil).
func (m *Manager) Len() int { return m.Size(nil, nil) }
