package mempool

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/bitnode/bitnode/mempool/mining"
	"github.com/bitnode/bitnode/wire"
)

// TestConcurrentAccept: eight goroutines accept independent transactions
// (scripts are checked outside the pool's lock) while readers query the
// pool; run with -race.
func TestConcurrentAccept(t *testing.T) {
	f := newFixture(t, nil)
	const workers, each = 8, 25
	txs := make([][]*wire.Tx, workers)
	for w := range workers {
		for range each {
			txs[w] = append(txs[w], spend([]coin{f.coin()}, 1000))
		}
	}
	// Half the workers also spend signed P2WPKH coins.
	for w := 0; w < workers; w += 2 {
		c := base.keyCoins[w]
		tx := spend([]coin{c}, 1000)
		signP2WPKH(tx, []coin{c})
		txs[w] = append(txs[w], tx)
	}
	var wg sync.WaitGroup
	errs := make(chan error, workers*(each+1))
	done := make(chan struct{})
	go func() { // a reader
		for {
			select {
			case <-done:
				return
			default:
				f.pool.Info()
				f.pool.Chunks(func([]mining.TxDesc) bool { return true })
			}
		}
	}()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, tx := range txs[w] {
				if _, err := f.pool.AcceptTx(tx); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got := f.pool.Count(); got != workers*each+workers/2 {
		t.Fatalf("pool holds %d", got)
	}
}

// TestConcurrentConflicts: goroutines race to spend the same coins; the
// pool ends up consistent, with exactly one spend of each coin.
func TestConcurrentConflicts(t *testing.T) {
	f := newFixture(t, nil)
	coins := make([]coin, 20)
	for i := range coins {
		coins[i] = f.coin()
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, c := range coins {
				f.pool.AcceptTx(spend([]coin{c}, int64(1000+100*w)))
			}
		}()
	}
	wg.Wait()
	if got := f.pool.Count(); got != len(coins) {
		t.Fatalf("pool holds %d, want %d", got, len(coins))
	}
	for _, c := range coins {
		if _, ok := f.pool.SpentBy(c.op); !ok {
			t.Fatalf("%s unspent", c.op)
		}
	}
}

// TestRunNoLeak: Run applies notifications as they arrive and leaves no
// goroutine behind when its context ends.
func TestRunNoLeak(t *testing.T) {
	f := newFixture(t, nil)
	f.pool.tick = 10 * time.Millisecond
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- f.pool.Run(ctx) }()
	tx := f.accept(spend([]coin{f.coin()}, 1000))
	if _, err := mining.GenerateToScript(context.Background(), f.ch, f.pool, p2wshTrue, 1, 0); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		f.pool.mu.Lock()
		_, still := f.pool.byTxid[tx.TxID]
		f.pool.mu.Unlock()
		if !still {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Run did not apply the block")
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(30 * time.Millisecond) // a few ticks
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for time.Now().Before(deadline) && runtime.NumGoroutine() > before {
		time.Sleep(5 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}
