package mempool

import (
	"context"
	"runtime"
	"sync"
	"testing"

	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/mempool/mining"
	"github.com/bitnode/bitnode/wire"
)

// benchSigned prepares n signed P2WPKH spends of fresh confirmed coins.
func benchSigned(b *testing.B, f *fixture, n int) []*wire.Tx {
	b.Helper()
	var fans []*wire.Tx
	for i := 0; i*1000 < n; i++ {
		fans = append(fans, fanOut(base.cbCoins[i], 1000, testP2WPKH))
	}
	if _, err := mining.GenerateBlock(context.Background(), f.ch, p2wshTrue, fans); err != nil {
		b.Fatal(err)
	}
	var txs []*wire.Tx
	for _, fan := range fans {
		for _, c := range outputs(fan) {
			if len(txs) == n {
				break
			}
			tx := spend([]coin{c}, 1000)
			signP2WPKH(tx, []coin{c})
			txs = append(txs, tx)
		}
	}
	return txs
}

// runAccept accepts txs in order, b.N times in all; whenever every
// transaction has been used, a fresh pool (with a fresh signature cache
// unless warm) takes over, outside the timer. The transactions' coins stay
// unspent on the chain, so they can be accepted again.
func runAccept(b *testing.B, f *fixture, txs []*wire.Tx, warm bool) {
	cache := script.NewSigCache(1 << 20)
	cfg := f.cfg
	fresh := func() *Pool {
		if !warm {
			cache = script.NewSigCache(1 << 20)
		}
		cfg.SigCache = cache
		return New(cfg)
	}
	if warm {
		p := fresh()
		for _, tx := range txs {
			if _, err := p.TestAccept(tx); err != nil {
				b.Fatal(err)
			}
		}
	}
	pool := fresh()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%len(txs) == 0 && i > 0 {
			b.StopTimer()
			pool.Close()
			pool = fresh()
			b.StartTimer()
		}
		if _, err := pool.AcceptTx(txs[i%len(txs)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tx/s")
	pool.Close()
}

func BenchmarkAcceptP2WPKHColdCache(b *testing.B) {
	f := newFixture(b, nil)
	runAccept(b, f, benchSigned(b, f, 2000), false)
}

func BenchmarkAcceptP2WPKHWarmCache(b *testing.B) {
	f := newFixture(b, nil)
	runAccept(b, f, benchSigned(b, f, 2000), true)
}

// BenchmarkAcceptP2WPKHParallel accepts from GOMAXPROCS goroutines with a
// cold cache: scripts run outside the pool's lock.
func BenchmarkAcceptP2WPKHParallel(b *testing.B) {
	f := newFixture(b, nil)
	txs := benchSigned(b, f, 3000)
	workers := runtime.GOMAXPROCS(0)
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; {
		b.StopTimer()
		cfg := f.cfg
		cfg.SigCache = script.NewSigCache(1 << 20)
		pool := New(cfg)
		batch := txs[:min(len(txs), b.N-done)]
		next := make(chan *wire.Tx, len(batch))
		for _, tx := range batch {
			next <- tx
		}
		close(next)
		b.StartTimer()
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for tx := range next {
					if _, err := pool.AcceptTx(tx); err != nil {
						b.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		b.StopTimer()
		pool.Close()
		b.StartTimer()
		done += len(batch)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tx/s")
}

// BenchmarkAcceptChain25 accepts chains of 25 transactions, each spending
// the previous one: every acceptance grows a cluster.
func BenchmarkAcceptChain25(b *testing.B) {
	f := newFixture(b, nil)
	var txs []*wire.Tx
	for range 80 {
		txs = append(txs, chainOf(f.coin(), 25, 1000)...)
	}
	runAccept(b, f, txs, false)
}

// BenchmarkAcceptCluster64 builds clusters of 64: a parent and 63
// children of varied fees, each acceptance relinearizing the cluster.
func BenchmarkAcceptCluster64(b *testing.B) {
	f := newFixture(b, nil)
	var txs []*wire.Tx
	for range 30 {
		scripts := make([][]byte, 63)
		for i := range scripts {
			scripts[i] = p2wshTrue
		}
		parent := spend([]coin{f.coin()}, 500, scripts...)
		txs = append(txs, parent)
		for i, c := range outputs(parent) {
			txs = append(txs, spend([]coin{c}, int64(200+137*i%5000)))
		}
	}
	runAccept(b, f, txs, false)
}
