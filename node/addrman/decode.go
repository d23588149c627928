package addrman

import (
	"fmt"
	"log/slog"
	mrand "math/rand/v2"

	"github.com/bitnode/bitnode/wire"
)

// decodeTable rebuilds a table from a peers.dat image. lost counts the
// entries dropped (invalid addresses, taken tried positions, new entries
// left without a position).
func decodeTable(data []byte, rng *mrand.Rand, log *slog.Logger) (*table, int, error) {
	r, err := checkHeader(data)
	if err != nil {
		return nil, 0, err
	}
	key := [32]byte(r.take(32, "key"))
	nNew, nTried := r.u32("new count"), r.u32("tried count")
	switch {
	case nNew > maxNew:
		return nil, 0, newError(ErrTooLarge, "peers.dat: %d new entries, limit %d", nNew, maxNew)
	case nTried > maxTried:
		return nil, 0, newError(ErrTooLarge, "peers.dat: %d tried entries, limit %d", nTried, maxTried)
	case int(nNew+nTried)*minEntrySize > len(r.b)-r.off:
		return nil, 0, newError(ErrTruncated, "peers.dat: %d entries cannot fit in %d bytes", nNew+nTried, len(r.b)-r.off)
	case key == [32]byte{}:
		return nil, 0, newError(ErrCorrupt, "peers.dat: zero bucket key")
	}
	t := newTable(key, rng, log)
	newIDs, lost := t.readEntries(r, int(nNew), false)
	_, lostTried := t.readEntries(r, int(nTried), true)
	lost += lostTried
	t.readBuckets(r, newIDs)
	if r.err == nil && r.off != len(r.b) {
		r.fail(ErrCorrupt, "%d bytes of trailing data before the checksum", len(r.b)-r.off)
	}
	if r.err != nil {
		return nil, 0, r.err
	}
	for _, id := range newIDs {
		if id >= 0 && t.entries[id].refCount == 0 {
			t.delete(id) // no position left for it
			lost++
		}
	}
	if err := t.check(); err != nil {
		return nil, 0, newError(ErrCorrupt, "peers.dat: inconsistent tables: %v", err)
	}
	return t, lost, nil
}

// readEntries reads n entries of one table. It returns the id of each (-1
// for one dropped) and how many were dropped.
func (t *table) readEntries(r *reader, n int, tried bool) (ids []int32, lost int) {
	what := "new"
	if tried {
		what = "tried"
	} else {
		ids = make([]int32, 0, n)
	}
	for i := range n {
		e, keep := readEntry(r, what, i)
		if r.err != nil {
			return nil, 0
		}
		if _, dup := t.byAddr[e.addr]; dup {
			r.fail(ErrCorrupt, "%s entry %d: duplicate address %s", what, i, e.addr.String())
			return nil, 0
		}
		if tried && e.lastSuccess == 0 {
			r.fail(ErrCorrupt, "tried entry %d: never connected", i)
			return nil, 0
		}
		bucket, pos := -1, -1
		if keep && tried {
			bucket = t.triedBucket(&e.addr)
			pos = t.bucketPos(&e.addr, false, bucket)
			keep = t.triedT[bucket][pos] < 0 // else lost, as in Core
		}
		id := int32(-1)
		if keep {
			id = t.create(&e.addr, &e.source, e.services, e.time)
			t.entries[id].lastTry, t.entries[id].lastSuccess, t.entries[id].attempts = e.lastTry, e.lastSuccess, e.attempts
		} else {
			lost++
		}
		if tried && id >= 0 {
			t.entries[id].inTried = true
			t.triedT[bucket][pos] = id
			t.nNew--
			t.counts[e.addr.net].nNew--
			t.nTried++
			t.counts[e.addr.net].nTried++
		}
		if !tried {
			ids = append(ids, id)
		}
	}
	return ids, lost
}

// readEntry reads one entry. keep is false for an address the manager
// does not store (invalid or unroutable), which Core also drops on load.
func readEntry(r *reader, what string, i int) (e entry, keep bool) {
	const field = "an entry" // the reader's error gives the offset
	addr, okAddr := readAddr(r, what, i)
	e.addr = addr
	e.addr.port = r.u16(field)
	e.services = wire.ServiceFlag(r.i64(field))
	e.time, e.lastTry, e.lastSuccess = r.i64(field), r.i64(field), r.i64(field)
	e.attempts = int32(r.u32(field))
	src, okSrc := readAddr(r, what, i)
	if r.err != nil {
		return e, false
	}
	where := fmt.Sprintf("%s entry %d", what, i)
	switch {
	case !okAddr:
		r.fail(ErrCorrupt, "%s: network %d with a %d-byte address", where, addr.net, addr.n)
	case !okSrc && src != (netKey{}):
		r.fail(ErrCorrupt, "%s: source network %d with a %d-byte address", where, src.net, src.n)
	case e.time < 0 || e.lastTry < 0 || e.lastSuccess < 0:
		r.fail(ErrCorrupt, "%s: negative time", where)
	case e.attempts < 0:
		r.fail(ErrCorrupt, "%s: %d attempts", where, e.attempts)
	}
	e.source = src
	return e, r.err == nil && e.addr.routable()
}

// readAddr reads a network id, a length and the address; ok reports a
// known network with its length.
func readAddr(r *reader, what string, i int) (k netKey, ok bool) {
	const field = "an address"
	k.net = wire.NetworkID(r.u8(field))
	k.n = r.u8(field)
	if k.n > maxAddrLen {
		r.fail(ErrCorrupt, "%s entry %d: %d-byte address", what, i, k.n)
		return netKey{}, false
	}
	copy(k.b[:], r.take(int(k.n), field))
	return k, k.net.AddrSize() != 0 && int(k.n) == k.net.AddrSize()
}

// readBuckets reads the new-table references and places them as Core
// does: at the stored bucket if that position is free, else in the
// entry's primary bucket (by its source) if that position is free.
func (t *table) readBuckets(r *reader, newIDs []int32) {
	for bucket := range NewBucketCount {
		count := int(r.u8("bucket count"))
		if count > BucketSize {
			r.fail(ErrCorrupt, "new bucket %d holds %d entries, limit %d", bucket, count, BucketSize)
		}
		if r.err != nil {
			return
		}
		for range count {
			idx := r.u32("bucket entry")
			if r.err == nil && idx >= uint32(len(newIDs)) {
				r.fail(ErrCorrupt, "new bucket %d refers to entry %d of %d", bucket, idx, len(newIDs))
			}
			if r.err != nil {
				return
			}
			if id := newIDs[idx]; id >= 0 {
				t.placeNew(id, bucket)
			}
		}
	}
}

func (t *table) placeNew(id int32, bucket int) {
	e := &t.entries[id]
	if e.refCount >= MaxNewRefs {
		return
	}
	pos := t.bucketPos(&e.addr, true, bucket)
	if t.newT[bucket][pos] >= 0 {
		bucket = t.newBucket(&e.addr, &e.source)
		pos = t.bucketPos(&e.addr, true, bucket)
		if t.newT[bucket][pos] >= 0 {
			return
		}
	}
	t.newT[bucket][pos] = id
	e.refCount++
}
