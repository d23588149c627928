package mempool

import (
	"sync"
	"testing"
)

// TestSubscribeEvents: Subscribe reports additions and removals (a block
// confirming the transaction) with increasing sequence numbers, and
// nothing after unsubscribing.
func TestSubscribeEvents(t *testing.T) {
	f := newFixture(t, nil)
	var mu sync.Mutex
	var got []Event
	unsub := f.pool.Subscribe(func(e Event) {
		mu.Lock()
		got = append(got, e)
		mu.Unlock()
	})
	tx := spend([]coin{f.coin()}, 1000)
	f.accept(tx)
	f.mine(1)
	f.pool.sync()
	mu.Lock()
	events := append([]Event(nil), got...)
	mu.Unlock()
	if len(events) != 2 || events[0].Kind != TxAdded || events[1].Kind != TxRemoved ||
		events[0].TxID != tx.TxHash() || events[1].TxID != tx.TxHash() || events[0].Tx != tx ||
		events[1].Sequence <= events[0].Sequence {
		t.Fatalf("events %+v", events)
	}
	unsub()
	f.accept(spend([]coin{f.coin()}, 1000))
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 {
		t.Fatalf("event after unsubscribe: %+v", got[2:])
	}
}
