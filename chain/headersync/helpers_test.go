package headersync

import (
	"encoding/binary"
	"errors"
	"math/big"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/wire"
)

// regtestBits is regtest's (and the test networks') minimum difficulty:
// about one hash in two meets it, so a header is mined in a few nonces.
const regtestBits = 0x207fffff

// regtestWork is the work of one regtestBits header.
var regtestWork = consensus.CalcWork(regtestBits)

// strictParams is regtest with retargeting on and no min-difficulty
// exception, so that difficulty transitions are checked as on mainnet
// (retarget every 144 blocks) while headers stay cheap to mine.
func strictParams() *params.Params {
	p := *params.RegTest
	p.Name = "strict-regtest"
	p.PowAllowMinDifficultyBlocks = false
	p.PowNoRetargeting = false
	return &p
}

// genesisStart is the Start for a sync building on p's genesis block.
func genesisStart(p *params.Params) Start {
	h := p.GenesisBlock.Header
	return Start{Hash: p.GenesisHash, Height: 0, Header: h, ChainWork: consensus.CalcWork(h.Bits),
		MedianTimePast: int64(h.Timestamp)}
}

// testConfig is a reproducible Config: the given sync parameters, a clock
// a year after the genesis block (which bounds regtest chains at a few
// hundred thousand commitments) and a seeded random source.
func testConfig(sp SyncParams, seed uint64) Config {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	return Config{
		SyncParams: sp,
		Now:        func() time.Time { return time.Unix(1296688602+365*24*3600, 0) },
		rand:       rand.NewChaCha8(key),
	}
}

// mineHeader finds a nonce for h meeting its bits (and accept, if given).
func mineHeader(tb testing.TB, p *params.Params, h wire.BlockHeader, accept func(wire.Hash) bool) wire.BlockHeader {
	tb.Helper()
	for nonce := uint32(0); nonce < 1<<24; nonce++ {
		h.Nonce = nonce
		hash := h.BlockHash()
		if consensus.CheckProofOfWork(hash, h.Bits, p.PowLimit) == nil && (accept == nil || accept(hash)) {
			return h
		}
	}
	tb.Fatalf("no nonce found for bits %08x", h.Bits)
	return h
}

// missHeader finds a nonce for h whose hash misses its target.
func missHeader(tb testing.TB, p *params.Params, h wire.BlockHeader) wire.BlockHeader {
	tb.Helper()
	for nonce := uint32(0); nonce < 1<<16; nonce++ {
		h.Nonce = nonce
		if errors.Is(consensus.CheckProofOfWork(h.BlockHash(), h.Bits, p.PowLimit), consensus.ErrHighHash) {
			return h
		}
	}
	tb.Fatal("every nonce meets the target")
	return h
}

// chainSpec describes a chain to mine on top of a parent header.
type chainSpec struct {
	// bits gives a height's bits; nil means regtestBits throughout.
	bits func(height int64) uint32
	// accept, if set, must hold for each header's hash (tests use it to
	// steer commitment bits).
	accept func(height int64, hash wire.Hash) bool
	// tag distinguishes otherwise identical chains.
	tag uint32
}

// mineChain mines n headers on top of parent (at parentHeight).
func mineChain(tb testing.TB, p *params.Params, parent wire.BlockHeader, parentHeight int64, n int, spec chainSpec) []wire.BlockHeader {
	tb.Helper()
	out := make([]wire.BlockHeader, 0, n)
	prev, prevHash := parent, parent.BlockHash()
	for i := range n {
		height := parentHeight + int64(i) + 1
		h := wire.BlockHeader{Version: 0x20000000, PrevBlock: prevHash, Timestamp: prev.Timestamp + 600, Bits: regtestBits}
		binary.LittleEndian.PutUint32(h.MerkleRoot[:], spec.tag)
		binary.LittleEndian.PutUint64(h.MerkleRoot[4:], uint64(height))
		if spec.bits != nil {
			h.Bits = spec.bits(height)
		}
		var accept func(wire.Hash) bool
		if spec.accept != nil {
			accept = func(hash wire.Hash) bool { return spec.accept(height, hash) }
		}
		h = mineHeader(tb, p, h, accept)
		out = append(out, h)
		prev, prevHash = h, h.BlockHash()
	}
	return out
}

var (
	cachedChainMu sync.Mutex
	cachedChain   []wire.BlockHeader
)

// regtestChain is a chain of n regtestBits headers on regtest's genesis.
// One chain is mined, extended as needed and shared between tests: every
// call returns a prefix of it, which callers must not modify.
func regtestChain(tb testing.TB, n int) []wire.BlockHeader {
	tb.Helper()
	cachedChainMu.Lock()
	defer cachedChainMu.Unlock()
	if have := len(cachedChain); have < n {
		parent := params.RegTest.GenesisBlock.Header
		if have > 0 {
			parent = cachedChain[have-1]
		}
		more := mineChain(tb, params.RegTest, parent, int64(have), n-have, chainSpec{})
		cachedChain = append(cachedChain[:have:have], more...)
	}
	return cachedChain[:n:n]
}

// peer serves a chain of headers on top of start to getheaders requests,
// like a node whose best chain it is.
type peer struct {
	start  wire.Hash
	chain  []wire.BlockHeader
	hashes []wire.Hash
}

func newPeer(start wire.Hash, chain []wire.BlockHeader) *peer {
	hashes := make([]wire.Hash, len(chain))
	for i := range chain {
		hashes[i] = chain[i].BlockHash()
	}
	return &peer{start: start, chain: chain, hashes: hashes}
}

// getHeaders answers a locator: up to MaxHeadersPerMsg headers after the
// first locator entry the peer knows, and whether the message is full.
func (p *peer) getHeaders(locator []wire.Hash) ([]wire.BlockHeader, bool) {
	for _, want := range locator {
		from := -1
		if want == p.start {
			from = 0
		}
		for i, h := range p.hashes {
			if h == want {
				from = i + 1
				break
			}
		}
		if from >= 0 {
			end := min(from+wire.MaxHeadersPerMsg, len(p.chain))
			return p.chain[from:end], end-from == wire.MaxHeadersPerMsg
		}
	}
	return nil, false
}

// syncRun is what driving a sync to its end produced.
type syncRun struct {
	released    []wire.BlockHeader
	last        Result
	messages    int
	sawRedown   bool
	firstEarly  int // headers released before the redownload reached the minimum work
	maxBuffered int
}

// drive runs s against the peers (the presync peer, then, from the switch
// to REDOWNLOAD, the redownload peer) until a Result asks for nothing
// more, checking the memory bounds after every message.
func drive(tb testing.TB, s *Sync, presync, redownload *peer) syncRun {
	tb.Helper()
	var run syncRun
	for run.messages = 1; ; run.messages++ {
		if run.messages > 10_000 {
			tb.Fatal("sync does not end")
		}
		src := presync
		if s.State() == Redownload {
			src, run.sawRedown = redownload, true
		}
		headers, full := src.getHeaders(s.NextHeadersRequestLocator())
		res := s.ProcessNextHeaders(headers, full)
		checkBounds(tb, s)
		run.maxBuffered = max(run.maxBuffered, s.Buffered())
		if len(res.PowValidatedHeaders) > 0 && s.State() == Redownload && !s.releaseAll {
			run.firstEarly += len(res.PowValidatedHeaders)
		}
		run.released = append(run.released, res.PowValidatedHeaders...)
		run.last = res
		if res.Success != (res.Err == nil) {
			tb.Fatalf("Success %v with Err %v", res.Success, res.Err)
		}
		if !res.Success || !res.RequestMore {
			if s.State() != Final {
				tb.Fatalf("sync ended in state %s", s.State())
			}
			return run
		}
	}
}

// checkBounds asserts the memory invariants.
func checkBounds(tb testing.TB, s *Sync) {
	tb.Helper()
	if s.Commitments() > s.MaxCommitments() {
		tb.Fatalf("%d commitments held, above the bound %d", s.Commitments(), s.MaxCommitments())
	}
	if words := uint64(len(s.commitments.words)); words > s.MaxCommitments()/64+1 {
		tb.Fatalf("%d words of commitments for a cap of %d bits", words, s.MaxCommitments())
	}
	if s.Buffered() > s.Params().RedownloadBufferSize+wire.MaxHeadersPerMsg {
		tb.Fatalf("%d headers buffered, above %d + one message", s.Buffered(), s.Params().RedownloadBufferSize)
	}
	if s.State() == Final && (s.Commitments() != 0 || s.Buffered() != 0 || len(s.commitments.words) != 0 || s.buffer != nil) {
		tb.Fatal("final sync still holds memory")
	}
}

// heightReaching is the number of headers of chain (on top of start) after
// which the chain work reaches min, or -1.
func heightReaching(start Start, chain []wire.BlockHeader, min *big.Int) int {
	work := new(big.Int).Set(start.ChainWork)
	for i, h := range chain {
		work.Add(work, consensus.CalcWork(h.Bits))
		if work.Cmp(min) >= 0 {
			return i + 1
		}
	}
	return -1
}

// workOf is start's work plus n regtestBits headers.
func workOf(start Start, n int) *big.Int {
	w := new(big.Int).Mul(regtestWork, big.NewInt(int64(n)))
	return w.Add(w, start.ChainWork)
}
