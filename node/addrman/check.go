package addrman

import "fmt"

// check verifies the table's invariants, as Core's CheckAddrman: every
// live entry is in byAddr and the random order; tried entries sit at their
// tried position, have connected and hold no new positions; new entries
// hold 1..MaxNewRefs positions, each at the position their address hashes
// to; the counters match. Load runs it on every decoded file; tests run it
// after every operation.
func (t *table) check() error {
	if t.key == [32]byte{} {
		return fmt.Errorf("zero key")
	}
	if len(t.random) != t.nNew+t.nTried {
		return fmt.Errorf("random order has %d ids, counters say %d+%d", len(t.random), t.nNew, t.nTried)
	}
	refs, counts, err := t.checkEntries()
	if err != nil {
		return err
	}
	if counts != t.counts {
		return fmt.Errorf("per-network counters do not match the entries")
	}
	if err := t.checkTried(); err != nil {
		return err
	}
	for b := range t.newT {
		for p, id := range t.newT[b] {
			if id < 0 {
				continue
			}
			if int(id) >= len(t.entries) || !t.entries[id].used || t.entries[id].inTried {
				return fmt.Errorf("new[%d][%d] holds id %d, not a new entry", b, p, id)
			}
			if t.bucketPos(&t.entries[id].addr, true, b) != p {
				return fmt.Errorf("new[%d][%d] holds an entry belonging at another position", b, p)
			}
			refs[id]--
		}
	}
	for id, n := range refs {
		if n != 0 {
			return fmt.Errorf("entry %d: reference count off by %d", id, n)
		}
	}
	return nil
}

// checkEntries checks each live entry and returns the reference counts
// the new table must account for and the per-network counters.
func (t *table) checkEntries() (map[int32]int32, [256]netCount, error) {
	refs := make(map[int32]int32)
	var counts [256]netCount
	live, nNew, nTried := 0, 0, 0
	for i := range t.entries {
		e, id := &t.entries[i], int32(i)
		if !e.used {
			continue
		}
		live++
		if got, ok := t.byAddr[e.addr]; !ok || got != id {
			return nil, counts, fmt.Errorf("entry %d missing from the address map", id)
		}
		if e.randomPos < 0 || int(e.randomPos) >= len(t.random) || t.random[e.randomPos] != id {
			return nil, counts, fmt.Errorf("entry %d: bad random position %d", id, e.randomPos)
		}
		if e.lastTry < 0 || e.lastSuccess < 0 {
			return nil, counts, fmt.Errorf("entry %d: negative time", id)
		}
		if e.inTried {
			if e.lastSuccess == 0 || e.refCount != 0 {
				return nil, counts, fmt.Errorf("tried entry %d: last success %d, %d new refs", id, e.lastSuccess, e.refCount)
			}
			nTried++
			counts[e.addr.net].nTried++
			continue
		}
		if e.refCount < 1 || e.refCount > MaxNewRefs {
			return nil, counts, fmt.Errorf("new entry %d: %d references", id, e.refCount)
		}
		refs[id] = e.refCount
		nNew++
		counts[e.addr.net].nNew++
	}
	if live != len(t.byAddr) || nNew != t.nNew || nTried != t.nTried {
		return nil, counts, fmt.Errorf("%d live entries (%d new, %d tried), map has %d, counters %d new %d tried",
			live, nNew, nTried, len(t.byAddr), t.nNew, t.nTried)
	}
	return refs, counts, nil
}

func (t *table) checkTried() error {
	seen := 0
	for b := range t.triedT {
		for p, id := range t.triedT[b] {
			if id < 0 {
				continue
			}
			if int(id) >= len(t.entries) || !t.entries[id].used || !t.entries[id].inTried {
				return fmt.Errorf("tried[%d][%d] holds id %d, not a tried entry", b, p, id)
			}
			k := &t.entries[id].addr
			if t.triedBucket(k) != b || t.bucketPos(k, false, b) != p {
				return fmt.Errorf("tried[%d][%d] holds an entry belonging elsewhere", b, p)
			}
			seen++
		}
	}
	if seen != t.nTried {
		return fmt.Errorf("tried table holds %d entries, counter says %d", seen, t.nTried)
	}
	return nil
}
