package mempool

import (
	"sync"

	"github.com/bitnode/bitnode/wire"
)

// EventKind says whether a transaction entered or left the pool.
type EventKind int

// Event kinds.
const (
	TxAdded EventKind = iota
	TxRemoved
)

// Event reports one transaction entering or leaving the pool. Sequence is
// the pool's sequence number (Core's mempool_sequence), bumped by every
// event.
type Event struct {
	Kind     EventKind
	TxID     wire.Hash
	Tx       *wire.Tx
	Sequence uint64
}

// eventHub holds the Subscribe callbacks; its zero value is ready.
type eventHub struct {
	mu   sync.Mutex
	subs map[uint64]func(Event)
	next uint64
	seq  uint64
}

// Subscribe registers fn to be called for every transaction added to or
// removed from the pool, in order. fn runs with the pool's lock held: it
// must be quick, must not block and must not call back into the pool
// (queue the work). It returns a function that cancels the subscription.
func (p *Pool) Subscribe(fn func(Event)) (unsubscribe func()) {
	h := &p.events
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs == nil {
		h.subs = map[uint64]func(Event){}
	}
	id := h.next
	h.next++
	h.subs[id] = fn
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.subs, id)
	}
}

// emit reports e to the subscribers. Caller holds mu.
func (p *Pool) emit(kind EventKind, e *entry) {
	h := &p.events
	h.mu.Lock()
	h.seq++
	ev := Event{Kind: kind, TxID: e.txid, Tx: e.tx, Sequence: h.seq}
	subs := make([]func(Event), 0, len(h.subs))
	for _, fn := range h.subs {
		subs = append(subs, fn)
	}
	h.mu.Unlock()
	for _, fn := range subs {
		fn(ev)
	}
}
