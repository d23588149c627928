package mempool

import (
	"context"
	"time"
)

// Run applies chain notifications as they arrive and, every minute,
// expires old entries and orphans and spends spare effort improving
// clusters whose linearization is not known to be optimal. It returns nil
// when ctx is done, leaving no goroutine behind. The pool works without
// Run too: every method first applies pending notifications itself.
func (p *Pool) Run(ctx context.Context) error {
	t := time.NewTicker(p.tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-p.wake:
			p.sync()
		case <-t.C:
			p.sync()
			now := p.cfg.Now()
			p.mu.Lock()
			p.expire(now)
			p.improveClusters(8)
			p.mu.Unlock()
			p.orphans.expire(now)
		}
	}
}

// improveClusters relinearizes up to n non-optimal clusters with ten times
// the usual budget. Caller holds mu.
func (p *Pool) improveClusters(n int) {
	var todo []*poolCluster
	for cl := range p.clusters {
		if !cl.optimal {
			todo = append(todo, cl)
			if len(todo) == n {
				break
			}
		}
	}
	for _, cl := range todo {
		nc := linearizeWith(cl.c, cl.txs, cl.lin, 10*p.cfg.LinearizeIterations)
		p.apply(&changeset{old: []*poolCluster{cl}, new: []*poolCluster{nc}})
	}
}
