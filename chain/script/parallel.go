package script

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/bitnode/bitnode/wire"
)

// InputCheck is one input to verify: input Idx of Tx, whose inputs spend
// Spent (all of them, in order), under Flags. Hashes are the transaction's
// shared midstates; the same pointer should be given for every input of a
// transaction so they are computed once.
type InputCheck struct {
	Tx     *wire.Tx
	Idx    int
	Spent  []*wire.TxOut
	Hashes *TxSigHashes
	Flags  Flags
}

// Verifier checks many inputs in parallel, as block validation needs.
type Verifier struct {
	// Workers is the number of goroutines; GOMAXPROCS when zero.
	Workers int
	// Backend verifies signatures; Btcec{} when nil.
	Backend SignatureBackend
	// Cache is shared with the mempool; may be nil.
	Cache *SigCache
}

// InputError says which input failed and wraps the script error.
type InputError struct {
	TxID wire.Hash
	Idx  int
	Err  error
}

func (e *InputError) Error() string {
	return fmt.Sprintf("tx %s input %d: %v", e.TxID, e.Idx, e.Err)
}

// Unwrap returns the script error.
func (e *InputError) Unwrap() error { return e.Err }

// Verify checks every input and returns nil or the failure of one of them
// (an *InputError). Workers stop taking new inputs as soon as one fails, so
// an invalid block costs little more than its first bad signature.
func (v *Verifier) Verify(checks []InputCheck) error {
	workers := v.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(checks))
	if workers <= 1 {
		for i := range checks {
			if err := v.verifyOne(&checks[i]); err != nil {
				return err
			}
		}
		return nil
	}
	var (
		next     atomic.Int64
		failed   atomic.Bool
		errOnce  sync.Once
		firstErr error
		wg       sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= len(checks) {
					return
				}
				if err := v.verifyOne(&checks[i]); err != nil {
					failed.Store(true)
					errOnce.Do(func() { firstErr = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	return firstErr
}

func (v *Verifier) verifyOne(c *InputCheck) error {
	in := c.Tx.TxIn[c.Idx]
	prev := c.Spent[c.Idx]
	checker := &TxChecker{Tx: c.Tx, Idx: c.Idx, Amount: prev.Value, Hashes: c.Hashes,
		Spent: c.Spent, Backend: v.Backend, Cache: v.Cache}
	if err := VerifyScript(in.SignatureScript, prev.PkScript, in.Witness, c.Flags, checker); err != nil {
		return &InputError{TxID: c.Tx.TxHash(), Idx: c.Idx, Err: err}
	}
	return nil
}
