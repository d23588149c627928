package mempool

import (
	"context"
	"crypto/sha256"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcec/v2/ecdsa"
	"golang.org/x/crypto/ripemd160" //nolint:staticcheck // HASH160 is defined with RIPEMD-160.

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/mempool/mining"
	"github.com/bitnode/bitnode/wire"
)

// opTrue is a bare OP_TRUE output script: spendable with an empty
// scriptSig, but not a standard script to spend.
var opTrue = []byte{0x51}

// p2wshTrue is P2WSH(OP_TRUE), spent with the witness [OP_TRUE]: standard
// and signature-free.
var p2wshTrue = func() []byte {
	h := sha256.Sum256(opTrue)
	return script.PayToWitness(0, h[:])
}()

// testKey controls the P2WPKH outputs of the base chain.
var testKey, testPub = func() (*btcec.PrivateKey, *btcec.PublicKey) {
	d := sha256.Sum256([]byte("bitnode mempool test key"))
	return btcec.PrivKeyFromBytes(d[:])
}()

func hash160(b []byte) []byte {
	s := sha256.Sum256(b)
	h := ripemd160.New()
	h.Write(s[:])
	return h.Sum(nil)
}

var (
	testPKH    = hash160(testPub.SerializeCompressed())
	testP2WPKH = script.PayToWitness(0, testPKH)
)

// coin is a spendable output.
type coin struct {
	op     wire.OutPoint
	value  int64
	script []byte
}

// Base chain layout: blocks 1-2 pay OP_TRUE, 3-120 pay P2WSH(OP_TRUE);
// block 121 holds two fan-outs of coinbases 3 and 4, into fanOutTrue
// P2WSH(OP_TRUE) outputs and fanOutKey P2WPKH outputs of testKey.
const (
	baseBlocks = 120
	fanOutTrue = 300
	fanOutKey  = 100
)

type baseChain struct {
	dir       string
	trueCoins []coin // P2WSH(OP_TRUE), confirmed at height 121
	keyCoins  []coin // P2WPKH(testKey)
	bareCoins []coin // OP_TRUE coinbases, mature
	cbCoins   []coin // P2WSH(OP_TRUE) coinbases 5..20, mature
	err       error
}

var (
	baseOnce sync.Once
	base     baseChain
)

// regtest returns a private copy of the regtest parameters.
func regtest() *params.Params {
	p := *params.RegTest
	return &p
}

func openChain(t testing.TB, dir string) *chain.Chain {
	t.Helper()
	ch, err := chain.New(chain.Config{Params: regtest(), DataDir: dir, AssumeValid: &wire.Hash{}, CacheBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// buildBase mines the shared base chain once into a temporary directory.
func buildBase() {
	dir, err := os.MkdirTemp("", "mempool-base-")
	if err != nil {
		base.err = err
		return
	}
	base.dir = dir
	ch, err := chain.New(chain.Config{Params: regtest(), DataDir: dir, AssumeValid: &wire.Hash{}, CacheBytes: 1 << 20})
	if err != nil {
		base.err = err
		return
	}
	defer ch.Close()
	base.err = mineBase(ch)
}

func mineBase(ch *chain.Chain) error {
	ctx := context.Background()
	h1, err := mining.GenerateToScript(ctx, ch, nil, opTrue, 2, 0)
	if err != nil {
		return err
	}
	h2, err := mining.GenerateToScript(ctx, ch, nil, p2wshTrue, baseBlocks-2, 0)
	if err != nil {
		return err
	}
	cb := func(h wire.Hash) coin {
		blk, _ := ch.ReadBlock(h)
		tx := blk.Transactions[0]
		return coin{op: wire.OutPoint{Hash: tx.TxHash()}, value: tx.TxOut[0].Value, script: tx.TxOut[0].PkScript}
	}
	for _, h := range h1 {
		base.bareCoins = append(base.bareCoins, cb(h))
	}
	fanTrue := fanOut(cb(h2[0]), fanOutTrue, p2wshTrue)
	fanKey := fanOut(cb(h2[1]), fanOutKey, testP2WPKH)
	for _, h := range h2[2:18] {
		base.cbCoins = append(base.cbCoins, cb(h))
	}
	if _, err := mining.GenerateBlock(ctx, ch, p2wshTrue, []*wire.Tx{fanTrue, fanKey}); err != nil {
		return err
	}
	base.trueCoins = outputs(fanTrue)
	base.keyCoins = outputs(fanKey)
	return ch.Flush()
}

// fanOut splits c into n equal outputs paying to pk (fee 10,000 sat).
func fanOut(c coin, n int, pk []byte) *wire.Tx {
	tx := &wire.Tx{Version: 2, TxIn: []*wire.TxIn{spendIn(c)}}
	each := (c.value - 10_000) / int64(n)
	for range n {
		tx.TxOut = append(tx.TxOut, &wire.TxOut{Value: each, PkScript: pk})
	}
	return tx
}

// outputs returns tx's outputs as coins.
func outputs(tx *wire.Tx) []coin {
	id := tx.TxHash()
	cs := make([]coin, len(tx.TxOut))
	for i, out := range tx.TxOut {
		cs[i] = coin{op: wire.OutPoint{Hash: id, Index: uint32(i)}, value: out.Value, script: out.PkScript}
	}
	return cs
}

// spendIn is an input spending c, with the witness P2WSH(OP_TRUE) needs.
func spendIn(c coin) *wire.TxIn {
	in := &wire.TxIn{PreviousOutPoint: c.op, Sequence: wire.MaxTxInSequenceNum - 2}
	if string(c.script) == string(p2wshTrue) {
		in.Witness = wire.TxWitness{opTrue}
	}
	return in
}

// copyDir copies the base chain's files.
func copyDir(dst, src string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

// clock is a settable test clock.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(time.Now().UnixNano())
	return c
}

func (c *clock) Now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *clock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// fixture is a pool on a private copy of the base chain.
type fixture struct {
	t     testing.TB
	dir   string
	ch    *chain.Chain
	pool  *Pool
	clock *clock
	cfg   Config
	next  int // next unused trueCoin
}

// newFixture opens a copy of the base chain and a pool on it; edit may
// change the pool's configuration.
func newFixture(t testing.TB, edit func(*Config)) *fixture {
	t.Helper()
	baseOnce.Do(buildBase)
	if base.err != nil {
		t.Fatal(base.err)
	}
	dir := t.TempDir()
	if err := copyDir(filepath.Join(dir, "chain"), base.dir); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, dir: dir, clock: newClock()}
	f.ch = openChain(t, filepath.Join(dir, "chain"))
	t.Cleanup(func() { f.ch.Close() })
	f.cfg = Config{Chain: f.ch, SigCache: script.NewSigCache(10_000), Now: f.clock.Now,
		DataDir: filepath.Join(dir, "chain")}
	if edit != nil {
		edit(&f.cfg)
	}
	f.pool = New(f.cfg)
	t.Cleanup(f.pool.Close)
	return f
}

// coin returns an unused confirmed P2WSH(OP_TRUE) coin.
func (f *fixture) coin() coin {
	if f.next >= len(base.trueCoins) {
		f.t.Fatal("out of test coins")
	}
	c := base.trueCoins[f.next]
	f.next++
	return c
}

// spend builds a version-2 transaction spending in, paying fee and
// splitting the rest evenly over outputs to each script (P2WSH(OP_TRUE)
// when none is given).
func spend(in []coin, fee int64, scripts ...[]byte) *wire.Tx {
	if len(scripts) == 0 {
		scripts = [][]byte{p2wshTrue}
	}
	tx := &wire.Tx{Version: 2}
	var total int64
	for _, c := range in {
		tx.TxIn = append(tx.TxIn, spendIn(c))
		total += c.value
	}
	left := total - fee
	each := left / int64(len(scripts))
	for i, s := range scripts {
		v := each
		if i == 0 {
			v += left - each*int64(len(scripts))
		}
		tx.TxOut = append(tx.TxOut, &wire.TxOut{Value: v, PkScript: s})
	}
	return tx
}

// signP2WPKH signs every input of tx spending testKey's P2WPKH outputs.
func signP2WPKH(tx *wire.Tx, spent []coin) {
	outs := make([]*wire.TxOut, len(spent))
	for i, c := range spent {
		outs[i] = &wire.TxOut{Value: c.value, PkScript: c.script}
	}
	hashes := script.NewTxSigHashes(tx, outs)
	scriptCode := script.PayToPubKeyHash(testPKH)
	for i, c := range spent {
		if string(c.script) != string(testP2WPKH) {
			continue
		}
		h := script.WitnessV0SigHash(tx, hashes, i, scriptCode, c.value, int32(script.SigHashAll))
		sig := ecdsa.Sign(testKey, h[:]).Serialize()
		tx.TxIn[i].Witness = wire.TxWitness{append(sig, byte(script.SigHashAll)), testPub.SerializeCompressed()}
	}
}

// accept submits tx and fails the test on rejection.
func (f *fixture) accept(tx *wire.Tx) *AcceptResult {
	f.t.Helper()
	res, err := f.pool.AcceptTx(tx)
	if err != nil {
		f.t.Fatalf("AcceptTx %s: %v", tx.TxHash(), err)
	}
	return res
}

// expectReject submits tx and checks Core's reject reason.
func (f *fixture) expectReject(tx *wire.Tx, reason string) *RejectError {
	f.t.Helper()
	_, err := f.pool.AcceptTx(tx)
	var re *RejectError
	if !errors.As(err, &re) {
		f.t.Fatalf("AcceptTx: got %v, want rejection %q", err, reason)
	}
	if re.Reason != reason {
		f.t.Fatalf("AcceptTx: reason %q (%v), want %q", re.Reason, err, reason)
	}
	return re
}

// mine mines n blocks from the pool's chunks.
func (f *fixture) mine(n int) []wire.Hash {
	f.t.Helper()
	hashes, err := mining.GenerateToScript(context.Background(), f.ch, f.pool, p2wshTrue, n, 0)
	if err != nil {
		f.t.Fatal(err)
	}
	f.pool.sync() // as Run would, promptly
	return hashes
}

// chainOf spends c through n transactions, each paying fee.
func chainOf(c coin, n int, fee int64) []*wire.Tx {
	txs := make([]*wire.Tx, n)
	for i := range n {
		txs[i] = spend([]coin{c}, fee)
		c = outputs(txs[i])[0]
	}
	return txs
}

// highS rewrites a DER signature (with its hash-type byte) to use N-s.
func highS(sig []byte) []byte {
	der := sig[:len(sig)-1]
	rLen := int(der[3])
	r := der[4 : 4+rLen]
	sBytes := der[6+rLen:]
	var s btcec.ModNScalar
	var buf [32]byte
	copy(buf[32-len(trimZero(sBytes)):], trimZero(sBytes))
	s.SetBytes(&buf)
	s.Negate()
	sb := s.Bytes()
	sEnc := derInt(sb[:])
	out := []byte{0x30, byte(2 + len(r) + 2 + len(sEnc)), 0x02, byte(len(r))}
	out = append(out, r...)
	out = append(out, 0x02, byte(len(sEnc)))
	out = append(out, sEnc...)
	return append(out, sig[len(sig)-1])
}

func trimZero(b []byte) []byte {
	for len(b) > 0 && b[0] == 0 {
		b = b[1:]
	}
	return b
}

// derInt encodes a big-endian unsigned integer as a DER INTEGER body.
func derInt(b []byte) []byte {
	b = trimZero(b)
	if len(b) == 0 || b[0]&0x80 != 0 {
		b = append([]byte{0}, b...)
	}
	return b
}
