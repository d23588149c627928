package chain

import (
	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/wire"
)

// NotificationKind says what happened to the active chain.
type NotificationKind int

// Notification kinds.
const (
	BlockConnected NotificationKind = iota
	BlockDisconnected
)

func (k NotificationKind) String() string {
	if k == BlockConnected {
		return "connected"
	}
	return "disconnected"
}

// Notification reports one block joining or leaving the active chain.
// Undo holds the coins the block's transactions spent.
type Notification struct {
	Kind   NotificationKind
	Block  *wire.Block
	Hash   wire.Hash
	Height int32
	Undo   store.BlockUndo
}

// Subscribe registers fn to be called for every change of the active
// chain, in chain order, from the goroutine that made the change and after
// the chain's state lock is released (readers may call back into the
// chain; fn must not process blocks itself, and should be quick: queue the
// work). It returns a function that cancels the subscription.
func (c *Chain) Subscribe(fn func(Notification)) (unsubscribe func()) {
	c.subsMu.Lock()
	defer c.subsMu.Unlock()
	id := c.nextSub
	c.nextSub++
	c.subs[id] = fn
	return func() {
		c.subsMu.Lock()
		defer c.subsMu.Unlock()
		delete(c.subs, id)
	}
}

// deliver hands pending notifications to subscribers. Caller holds
// processMu, so deliveries never interleave.
func (c *Chain) deliver() {
	pending := c.pending
	c.pending = nil
	if len(pending) == 0 {
		return
	}
	c.subsMu.Lock()
	subs := make([]func(Notification), 0, len(c.subs))
	for _, fn := range c.subs {
		subs = append(subs, fn)
	}
	c.subsMu.Unlock()
	for _, n := range pending {
		for _, fn := range subs {
			fn(n)
		}
	}
}
