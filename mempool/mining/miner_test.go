package mining

import (
	"bytes"
	"context"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/wire"
)

// hardBlock is a regtest template whose bits ask for mainnet's difficulty:
// no CPU finds it in a test's lifetime.
func hardBlock(t *testing.T) (*wire.Block, *big.Int) {
	t.Helper()
	ch := newChain(t, nil)
	tmpl, err := NewTemplate(ch, nil, Options{CoinbaseScript: opTrue})
	if err != nil {
		t.Fatal(err)
	}
	tmpl.Block.Header.Bits = 0x1d00ffff
	return tmpl.Block, params.MainNet.PowLimit
}

func TestMineSolves(t *testing.T) {
	ch := newChain(t, nil)
	tmpl, err := NewTemplate(ch, nil, Options{CoinbaseScript: opTrue})
	if err != nil {
		t.Fatal(err)
	}
	found, err := Mine(t.Context(), tmpl.Block, ch.Params().PowLimit, 0)
	if err != nil || !found {
		t.Fatal(found, err)
	}
	if err := consensus.CheckProofOfWork(tmpl.Block.BlockHash(), tmpl.Block.Header.Bits, ch.Params().PowLimit); err != nil {
		t.Fatal(err)
	}
}

func TestMineRespectsContext(t *testing.T) {
	blk, limit := hardBlock(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if found, err := Mine(ctx, blk, limit, 1<<40); found || !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v %v", found, err)
	}
	ctx, cancel = context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	found, err := Mine(ctx, blk, limit, 1<<40)
	if found || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("deadline: %v %v", found, err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %v to notice the deadline", d)
	}
}

func TestMineBudgetAndBits(t *testing.T) {
	blk, limit := hardBlock(t)
	found, err := Mine(t.Context(), blk, limit, 1000)
	if found || err != nil {
		t.Fatalf("%v %v", found, err)
	}
	if blk.Header.Nonce != 1000 {
		t.Fatalf("nonce %d after 1000 tries", blk.Header.Nonce)
	}
	for _, bits := range []uint32{0x2100ffff /* easier than regtest's limit */, 0x04923456 /* negative */, 0} {
		blk.Header.Bits = bits
		if _, err := Mine(t.Context(), blk, params.RegTest.PowLimit, 10); !errors.Is(err, ErrBadBits) {
			t.Fatalf("bits %08x: %v", bits, err)
		}
	}
	// GenerateToScript shares one budget: with a single try on a fresh
	// chain it may find a block (half of regtest hashes do) but not 50.
	ch := newChain(t, nil)
	hashes, err := GenerateToScript(t.Context(), ch, nil, opTrue, 50, 1)
	if !errors.Is(err, ErrMaxTries) || len(hashes) > 1 {
		t.Fatalf("%d blocks, %v", len(hashes), err)
	}
}

// TestMineNonceWrap: when the nonce space runs out the extra nonce is
// bumped and the merkle root follows.
func TestMineNonceWrap(t *testing.T) {
	blk, limit := hardBlock(t)
	blk.Header.Nonce = ^uint32(0) - 4
	oldRoot := blk.Header.MerkleRoot
	found, err := Mine(t.Context(), blk, limit, 10)
	if found || err != nil {
		t.Fatal(found, err)
	}
	cb := blk.Transactions[0]
	if got := cb.TxIn[0].SignatureScript; !bytes.Equal(got, []byte{0x51, 0x51}) { // height 1, extra nonce 1
		t.Fatalf("scriptSig %x", got)
	}
	if blk.Header.MerkleRoot == oldRoot || blk.Header.Nonce != 5 {
		t.Fatalf("root unchanged or nonce %d", blk.Header.Nonce)
	}
	if err := consensus.CheckMerkleRoot(blk); err != nil {
		t.Fatal(err)
	}
	if err := consensus.CheckWitnessCommitment(blk); err != nil {
		t.Fatal(err)
	}
	// A coinbase of another shape: the timestamp moves instead.
	cb.TxIn[0].SignatureScript = []byte{0x51, 0x01, 0x80} // negative push
	blk.Header.Nonce = ^uint32(0)
	ts := blk.Header.Timestamp
	if found, err := Mine(t.Context(), blk, limit, 2); found || err != nil || blk.Header.Timestamp != ts+1 {
		t.Fatalf("%v %v time %d→%d", found, err, ts, blk.Header.Timestamp)
	}
}

func TestScriptNum(t *testing.T) {
	for _, c := range []struct {
		n    uint64
		want []byte
	}{
		{0, []byte{0x00}}, {1, []byte{0x51}}, {16, []byte{0x60}}, {17, []byte{0x01, 0x11}},
		{127, []byte{0x01, 0x7f}}, {128, []byte{0x02, 0x80, 0x00}}, {300, []byte{0x02, 0x2c, 0x01}},
		{1<<63 - 1, []byte{0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}},
		{^uint64(0), []byte{0x09, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00}},
	} {
		got := appendScriptNum(nil, c.n)
		if !bytes.Equal(got, c.want) {
			t.Errorf("%d: %x, want %x", c.n, got, c.want)
		}
		n, l, ok := scriptNumPush(got)
		if !ok || n != c.n || l != len(got) {
			t.Errorf("%d: decoded %d (%d bytes, %v)", c.n, n, l, ok)
		}
	}
	// The coinbase scriptSig keeps Core's shape at every height.
	for _, h := range []int32{1, 16, 17, 128, 32768, 1 << 23} {
		s := coinbaseScriptSig(h, 0)
		if !bytes.HasPrefix(s, consensus.ExpectedCoinbaseHeightPrefix(h)) || s[len(s)-1] != 0x00 || len(s) < 2 {
			t.Errorf("height %d: %x", h, s)
		}
		cb := newCoinbase(h, 0, opTrue, 1, true)
		for range 300 {
			if !bumpExtraNonce(cb) {
				t.Fatalf("height %d: bump failed at %x", h, cb.TxIn[0].SignatureScript)
			}
		}
		if want := coinbaseScriptSig(h, 300); !bytes.Equal(cb.TxIn[0].SignatureScript, want) {
			t.Errorf("height %d: %x, want %x", h, cb.TxIn[0].SignatureScript, want)
		}
	}
}
