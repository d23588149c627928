package headersync

import (
	"errors"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/wire"
)

// expectReleased is what an honest sync releases: every header up to the
// end of the message in which the chain reaches the minimum work (Core
// releases the rest of that message too), messages being aligned at
// MaxHeadersPerMsg from the start.
func expectReleased(chain []wire.BlockHeader, reach int) []wire.BlockHeader {
	end := (reach + wire.MaxHeadersPerMsg - 1) / wire.MaxHeadersPerMsg * wire.MaxHeadersPerMsg
	return chain[:min(end, len(chain))]
}

func TestHonestSync(t *testing.T) {
	strict := strictParams()
	tests := []struct {
		name    string
		p       *params.Params
		sp      SyncParams // zero: Core's
		length  int        // chain length
		shown   int        // headers the peer shows in PRESYNC, if fewer
		reach   int        // headers needed for the minimum work
		bits    func(int64) uint32
		early   bool // headers leave the buffer before the minimum is reached
		maxBuf  int  // bound on the buffer, if set
		wantMsg int  // messages exchanged, if set
	}{
		{name: "core params, long chain", p: params.RegTest, length: 20_000, reach: 18_000, early: true},
		{name: "minimum reached mid-message", p: params.RegTest, length: 7_000, reach: 5_001},
		{name: "one short message", p: params.RegTest, length: 1_500, reach: 1_000, wantMsg: 2},
		{name: "minimum at the last header", p: params.RegTest, length: 4_000, reach: 4_000, wantMsg: 4},
		{name: "minimum one header before a message ends", p: params.RegTest, length: 9_000, reach: 3_999},
		{name: "chain grew between the passes", p: params.RegTest, length: 6_000, shown: 3_000, reach: 3_000, wantMsg: 4},
		{name: "small period and buffer", p: params.RegTest, sp: SyncParams{CommitmentPeriod: 7, RedownloadBufferSize: 50},
			length: 6_000, reach: 5_500, early: true, maxBuf: 50 + wire.MaxHeadersPerMsg},
		{name: "period 1", p: params.RegTest, sp: SyncParams{CommitmentPeriod: 1, RedownloadBufferSize: 10},
			length: 2_500, reach: 2_100, early: true},
		{name: "retargeting network, 2x harder at 144", p: strict, length: 3_000, reach: 2_500,
			bits: func(h int64) uint32 {
				if h >= 144 {
					return 0x203fffff
				}
				return regtestBits
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := genesisStart(tc.p)
			var chain []wire.BlockHeader
			if tc.bits == nil && tc.p == params.RegTest {
				chain = regtestChain(t, tc.length)
			} else {
				chain = mineChain(t, tc.p, start.Header, 0, tc.length, chainSpec{bits: tc.bits, tag: 7})
			}
			prefix := new(big.Int).Set(start.ChainWork)
			for _, h := range chain[:tc.reach] {
				prefix.Add(prefix, consensus.CalcWork(h.Bits))
			}
			minWork := prefix
			if got := heightReaching(start, chain, minWork); got != tc.reach {
				t.Fatalf("minimum reached after %d headers, want %d", got, tc.reach)
			}
			s := NewWithConfig(tc.p, start, minWork, testConfig(tc.sp, 1))
			if s.State() != Presync || s.PresyncHeight() != 0 || s.RedownloadHeight() != 0 {
				t.Fatalf("new sync: state %s, heights %d/%d", s.State(), s.PresyncHeight(), s.RedownloadHeight())
			}
			shown := newPeer(start.Hash, chain)
			if tc.shown > 0 {
				shown = newPeer(start.Hash, chain[:tc.shown])
			}
			run := drive(t, s, shown, newPeer(start.Hash, chain))

			if !run.last.Success || run.last.Err != nil || !run.sawRedown {
				t.Fatalf("sync did not succeed through redownload: %+v", run.last)
			}
			want := expectReleased(chain, tc.reach)
			if len(run.released) != len(want) {
				t.Fatalf("released %d headers, want %d", len(run.released), len(want))
			}
			for i := range want {
				if run.released[i] != want[i] {
					t.Fatalf("released header %d differs from the chain's", i)
				}
			}
			if tc.early != (run.firstEarly > 0) {
				t.Errorf("headers released before the minimum: %d, want any: %v", run.firstEarly, tc.early)
			}
			if tc.maxBuf > 0 && run.maxBuffered > tc.maxBuf {
				t.Errorf("buffer reached %d, above %d", run.maxBuffered, tc.maxBuf)
			}
			if tc.wantMsg > 0 && run.messages != tc.wantMsg {
				t.Errorf("%d messages, want %d", run.messages, tc.wantMsg)
			}
			presyncEnd := min(len(shown.chain), (tc.reach+wire.MaxHeadersPerMsg-1)/wire.MaxHeadersPerMsg*wire.MaxHeadersPerMsg)
			if s.PresyncHeight() != int64(presyncEnd) || s.RedownloadHeight() != int64(len(want)) {
				t.Errorf("heights presync %d redownload %d, want %d and %d",
					s.PresyncHeight(), s.RedownloadHeight(), presyncEnd, len(want))
			}
			if s.PresyncWork().Cmp(minWork) < 0 {
				t.Errorf("presync work %v below the minimum %v", s.PresyncWork(), minWork)
			}
			if s.NextHeadersRequestLocator() != nil {
				t.Error("a final sync still offers a locator")
			}
		})
	}
}

func TestLowWorkChainReleasesNothing(t *testing.T) {
	tests := []struct {
		name     string
		length   int
		messages int
	}{
		{"one short message", 100, 1},
		{"one full message then an empty one", 2_000, 2},
		{"several messages", 4_500, 3},
		{"exactly two full messages", 4_000, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := genesisStart(params.RegTest)
			chain := regtestChain(t, tc.length)
			minWork := workOf(start, tc.length+1) // one header short
			s := NewWithConfig(params.RegTest, start, minWork, testConfig(SyncParams{CommitmentPeriod: 10}, 2))
			p := newPeer(start.Hash, chain)
			run := drive(t, s, p, p)
			if run.sawRedown || len(run.released) != 0 {
				t.Fatalf("low-work chain reached redownload (%v) or released %d headers", run.sawRedown, len(run.released))
			}
			// The peer did nothing wrong: its chain just ran out.
			if !run.last.Success || run.last.RequestMore || run.messages != tc.messages {
				t.Fatalf("last result %+v after %d messages, want success without more after %d",
					run.last, run.messages, tc.messages)
			}
			if s.PresyncHeight() != int64(tc.length) || s.PresyncWork().Cmp(workOf(start, tc.length)) != 0 {
				t.Errorf("presync height %d work %v", s.PresyncHeight(), s.PresyncWork())
			}
			if got := s.PresyncTime(); !got.Equal(chain[tc.length-1].Time()) {
				t.Errorf("presync time %v", got)
			}
		})
	}
}

// presyncThenServe completes PRESYNC of honest on s, leaving it at the
// start of REDOWNLOAD.
func presyncThenServe(t *testing.T, s *Sync, start Start, honest []wire.BlockHeader) {
	t.Helper()
	p := newPeer(start.Hash, honest)
	for s.State() == Presync {
		headers, full := p.getHeaders(s.NextHeadersRequestLocator())
		res := s.ProcessNextHeaders(headers, full)
		if !res.Success || !res.RequestMore {
			t.Fatalf("presync failed: %+v", res)
		}
	}
	if s.State() != Redownload {
		t.Fatalf("state %s after presync", s.State())
	}
	if loc := s.NextHeadersRequestLocator(); !slices.Equal(loc, []wire.Hash{start.Hash}) {
		t.Fatalf("redownload locator %v, want the start", loc)
	}
}

func TestRedownloadOfDifferentChainAborts(t *testing.T) {
	const period, buffer = 25, 500
	strict := strictParams()
	// The strict network's honest chain doubles its difficulty at the
	// first retarget, so a fork that keeps the minimum difficulty has
	// about half its work per header.
	harderAt144 := func(h int64) uint32 {
		if h >= 144 {
			return 0x203fffff
		}
		return regtestBits
	}
	tests := []struct {
		name   string
		p      *params.Params
		honest func(t *testing.T) []wire.BlockHeader
		forkAt int // headers shared with the honest chain
		forkN  int // headers after the fork point
		// steer decides a forked header's commitment bit at a committed
		// height, given the honest chain's bit there.
		steer func(height int64, honest bool) bool
		want  ErrorKind
	}{
		{name: "different from the start", p: params.RegTest, forkN: 3_000,
			steer: func(_ int64, c bool) bool { return !c }, want: ErrCommitmentMismatch},
		{name: "different from height 1000", p: params.RegTest, forkAt: 1_000, forkN: 2_000,
			steer: func(_ int64, c bool) bool { return !c }, want: ErrCommitmentMismatch},
		{name: "different from height 2100", p: params.RegTest, forkAt: 2_100, forkN: 900,
			steer: func(_ int64, c bool) bool { return !c }, want: ErrCommitmentMismatch},
		{name: "matches some commitments, then not", p: params.RegTest, forkAt: 100, forkN: 2_900,
			steer: func(h int64, c bool) bool {
				if h <= 100+2*period {
					return c
				}
				return !c
			}, want: ErrCommitmentMismatch},
		// A fork lucky enough to match every commitment bit, but weaker,
		// runs out of commitments before reaching the minimum work.
		{name: "lucky but weaker fork", p: strict, forkN: 3_600,
			steer: func(_ int64, c bool) bool { return c }, want: ErrCommitmentOverrun},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := genesisStart(tc.p)
			honest := regtestChain(t, 3_000)
			if tc.p == strict {
				honest = mineChain(t, strict, start.Header, 0, 3_000, chainSpec{bits: harderAt144, tag: 1})
			}
			minWork := new(big.Int).Set(start.ChainWork)
			for _, h := range honest[:2_800] {
				minWork.Add(minWork, consensus.CalcWork(h.Bits))
			}
			s := NewWithConfig(tc.p, start, minWork, testConfig(SyncParams{CommitmentPeriod: period, RedownloadBufferSize: buffer}, 3))
			// The honest chain's bits, read before REDOWNLOAD consumes them.
			committed := map[int64]bool{}
			for i, h := range honest {
				if height := int64(i + 1); s.isCommitmentHeight(height) {
					committed[height] = s.commitmentBit(h.BlockHash())
				}
			}
			presyncThenServe(t, s, start, honest)

			parent := start.Header
			if tc.forkAt > 0 {
				parent = honest[tc.forkAt-1]
			}
			tail := mineChain(t, tc.p, parent, int64(tc.forkAt), tc.forkN, chainSpec{tag: 99,
				accept: func(height int64, hash wire.Hash) bool {
					c, ok := committed[height]
					return !ok || s.commitmentBit(hash) == tc.steer(height, c)
				}})
			fork := append(slices.Clone(honest[:tc.forkAt]), tail...)
			if reach := heightReaching(start, fork, minWork); tc.want == ErrCommitmentOverrun && reach >= 0 && reach <= len(honest)+period {
				t.Fatalf("the weaker fork reaches the minimum at %d", reach)
			}

			run := drive(t, s, nil, newPeer(start.Hash, fork))
			if run.last.Success || !errors.Is(run.last.Err, tc.want) {
				t.Fatalf("got %+v, want abort with %s", run.last, tc.want)
			}
			var e *Error
			if !errors.As(run.last.Err, &e) || e.State != Redownload {
				t.Fatalf("error %v does not say REDOWNLOAD", run.last.Err)
			}
			// The abort comes at the first commitment the fork fails: the
			// first committed height past the fork point (or past the
			// steered ones), or past the honest chain for an overrun.
			first := int64(tc.forkAt) + 1
			switch {
			case tc.want == ErrCommitmentOverrun:
				first = int64(len(honest)) + 1
			case tc.forkAt == 100:
				first = 100 + 2*period + 1
			}
			for !s.isCommitmentHeight(first) {
				first++
			}
			if e.Height != first {
				t.Errorf("aborted at height %d, want %d", e.Height, first)
			}
			// Whatever was released is a prefix of what the peer served,
			// with the buffer's worth of checked headers on top; for a
			// mismatch, nothing of the fork got out.
			for i, h := range run.released {
				if h != fork[i] {
					t.Fatalf("released header %d is not the served chain's", i)
				}
			}
			if tc.want == ErrCommitmentMismatch && len(run.released) > tc.forkAt {
				t.Fatalf("released %d headers, more than the common prefix of %d", len(run.released), tc.forkAt)
			}
			if n := int64(len(run.released)); n > 0 && n > e.Height-1-buffer {
				t.Fatalf("released %d headers with fewer than %d on top", len(run.released), buffer)
			}
		})
	}
}

// corruption is a way to spoil one header of an otherwise honest message.
type corruption struct {
	name string
	p    *params.Params
	// spoil returns the message with header i spoilt; the rest after i
	// are re-mined on top of it so that only the spoilt header is wrong.
	spoil func(t *testing.T, p *params.Params, parent wire.BlockHeader, h wire.BlockHeader) wire.BlockHeader
	at    int // index in the message; its height is at+1 + offset
	want  error
}

func TestAborts(t *testing.T) {
	strict := strictParams()
	corruptions := []corruption{
		{name: "disconnected header", p: params.RegTest, at: 10, want: ErrNonContinuous,
			spoil: func(t *testing.T, p *params.Params, _, h wire.BlockHeader) wire.BlockHeader {
				h.PrevBlock[0] ^= 1
				return mineHeader(t, p, h, nil)
			}},
		{name: "first header disconnected", p: params.RegTest, at: 0, want: ErrNonContinuous,
			spoil: func(t *testing.T, p *params.Params, _, h wire.BlockHeader) wire.BlockHeader {
				h.PrevBlock = wire.Hash{}
				return mineHeader(t, p, h, nil)
			}},
		{name: "hash above target", p: params.RegTest, at: 1500, want: consensus.ErrHighHash,
			spoil: func(t *testing.T, p *params.Params, _, h wire.BlockHeader) wire.BlockHeader {
				return missHeader(t, p, h)
			}},
		{name: "target above the pow limit", p: params.RegTest, at: 3, want: consensus.ErrBadDiffBits,
			spoil: func(t *testing.T, p *params.Params, _, h wire.BlockHeader) wire.BlockHeader {
				h.Bits = 0x2100ffff
				return h
			}},
		{name: "negative target", p: params.RegTest, at: 3, want: ErrBadProofOfWork,
			spoil: func(t *testing.T, p *params.Params, _, h wire.BlockHeader) wire.BlockHeader {
				h.Bits = 0x20ffffff
				return h
			}},
		{name: "difficulty change off a retarget height", p: strict, at: 20, want: ErrDifficultyTransition,
			spoil: func(t *testing.T, p *params.Params, _, h wire.BlockHeader) wire.BlockHeader {
				h.Bits = 0x203fffff
				return mineHeader(t, p, h, nil)
			}},
		{name: "over 4x harder at a retarget height", p: strict, at: 15, want: ErrDifficultyTransition, // height 2016 = 14 × 144
			spoil: func(t *testing.T, p *params.Params, _, h wire.BlockHeader) wire.BlockHeader {
				h.Bits = 0x200fffff // 8x
				return mineHeader(t, p, h, nil)
			}},
		{name: "regtest bits change at a retarget height", p: params.RegTest, at: 15, want: ErrDifficultyTransition,
			spoil: func(t *testing.T, p *params.Params, _, h wire.BlockHeader) wire.BlockHeader {
				h.Bits = 0x203fffff
				return mineHeader(t, p, h, nil)
			}},
	}
	for _, phase := range []State{Presync, Redownload} {
		for _, c := range corruptions {
			t.Run(phase.String()+"/"+c.name, func(t *testing.T) {
				start := genesisStart(c.p)
				// Presync the honest chain first when testing REDOWNLOAD.
				const length = 6_000
				honest := regtestChain(t, length) // valid on both networks
				minWork := workOf(start, length-100)
				s := NewWithConfig(c.p, start, minWork, testConfig(SyncParams{CommitmentPeriod: 50, RedownloadBufferSize: 100}, 4))
				if phase == Redownload {
					presyncThenServe(t, s, start, honest)
				}
				// Let one message through, then spoil the second.
				first, full := newPeer(start.Hash, honest).getHeaders(s.NextHeadersRequestLocator())
				res := s.ProcessNextHeaders(first, full)
				if !res.Success || !res.RequestMore {
					t.Fatalf("first message: %+v", res)
				}
				released := len(res.PowValidatedHeaders)
				msg := slices.Clone(honest[2000:4000])
				parent := honest[1999]
				if c.at > 0 {
					parent = msg[c.at-1]
				}
				msg[c.at] = c.spoil(t, c.p, parent, msg[c.at])
				rest := mineChain(t, c.p, msg[c.at], int64(2001+c.at), len(msg)-c.at-1, chainSpec{tag: 6})
				copy(msg[c.at+1:], rest)

				res = s.ProcessNextHeaders(msg, true)
				if res.Success || res.RequestMore || !errors.Is(res.Err, c.want) || len(res.PowValidatedHeaders) != 0 {
					t.Fatalf("got %+v, want abort with %v", res, c.want)
				}
				var e *Error
				if !errors.As(res.Err, &e) || e.State != phase || e.Height != int64(2001+c.at) {
					t.Fatalf("error %v: want phase %s height %d", res.Err, phase, 2001+c.at)
				}
				checkBounds(t, s)
				if s.State() != Final {
					t.Fatalf("state %s after abort", s.State())
				}
				if phase == Presync && released != 0 {
					t.Fatal("presync released headers")
				}
				// A final sync refuses everything.
				res = s.ProcessNextHeaders(honest[:10], false)
				if res.Success || !errors.Is(res.Err, ErrFinished) {
					t.Fatalf("after final: %+v", res)
				}
			})
		}
	}
}

func TestOversizedMessageAborts(t *testing.T) {
	start := genesisStart(params.RegTest)
	chain := regtestChain(t, 2_001)
	s := NewWithConfig(params.RegTest, start, workOf(start, 1_000_000), testConfig(SyncParams{}, 5))
	res := s.ProcessNextHeaders(chain, true)
	if res.Success || !errors.Is(res.Err, ErrTooManyHeaders) || s.State() != Final {
		t.Fatalf("got %+v in state %s", res, s.State())
	}
}

func TestMemoryBounded(t *testing.T) {
	const day = 24 * 3600
	tests := []struct {
		name   string
		sp     SyncParams
		sinceS int64 // seconds from the start's MTP to "now"
		length int
		// wantMax is the commitment cap: 6 × (since + 7200) / period.
		wantMax uint64
	}{
		{name: "core period, clock at the start", sinceS: 0, length: 45_000, wantMax: 6 * 7200 / 641},
		{name: "core period, clock an hour before the start", sinceS: -3600, length: 25_000, wantMax: 6 * 3600 / 641},
		{name: "period 10", sp: SyncParams{CommitmentPeriod: 10}, sinceS: -6000, length: 10_000, wantMax: 6 * 1200 / 10},
		{name: "clock far behind: no commitments allowed", sp: SyncParams{CommitmentPeriod: 10}, sinceS: -day, length: 100, wantMax: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := genesisStart(params.RegTest)
			chain := regtestChain(t, tc.length)
			cfg := testConfig(tc.sp, 6)
			cfg.Now = func() time.Time { return time.Unix(start.MedianTimePast+tc.sinceS, 0) }
			s := NewWithConfig(params.RegTest, start, workOf(start, 10*tc.length), cfg)
			if s.MaxCommitments() != tc.wantMax {
				t.Fatalf("commitment cap %d, want %d", s.MaxCommitments(), tc.wantMax)
			}
			p := newPeer(start.Hash, chain)
			var last Result
			var peak uint64
			for s.State() == Presync {
				headers, full := p.getHeaders(s.NextHeadersRequestLocator())
				last = s.ProcessNextHeaders(headers, full)
				checkBounds(t, s)
				peak = max(peak, s.Commitments())
			}
			if last.Success || !errors.Is(last.Err, ErrTooManyCommitments) {
				t.Fatalf("long chain not cut off: %+v", last)
			}
			// The sync stopped at the commitment height that would have
			// stored bit number cap+1, having held cap bits.
			var e *Error
			errors.As(last.Err, &e)
			period := int64(s.Params().CommitmentPeriod)
			want, seen := int64(0), uint64(0)
			for seen <= tc.wantMax {
				want++
				if s.isCommitmentHeight(want) {
					seen++
				}
			}
			if e.Height != want {
				t.Errorf("stopped at height %d, want %d (offset %d)", e.Height, want, s.commitOffset)
			}
			// Between messages the count is within one message's worth of
			// commitments of the cap.
			if slack := uint64(wire.MaxHeadersPerMsg/period + 1); peak > tc.wantMax || peak+slack < tc.wantMax {
				t.Errorf("peak commitments %d, cap %d", peak, tc.wantMax)
			}
		})
	}
}

func TestLocator(t *testing.T) {
	start := genesisStart(params.RegTest)
	chain := regtestChain(t, 4_000)
	s := NewWithConfig(params.RegTest, start, workOf(start, 4_000), testConfig(SyncParams{}, 7))
	hashOf := func(i int) wire.Hash { return chain[i].BlockHash() }
	steps := []struct {
		feed  []wire.BlockHeader
		state State
		want  []wire.Hash
	}{
		{nil, Presync, []wire.Hash{start.Hash}},
		{chain[:2000], Presync, []wire.Hash{hashOf(1999), start.Hash}},
		{chain[2000:4000], Redownload, []wire.Hash{start.Hash}},
		{chain[:2000], Redownload, []wire.Hash{hashOf(1999), start.Hash}},
		{chain[2000:4000], Final, nil},
	}
	for i, st := range steps {
		if st.feed != nil {
			if res := s.ProcessNextHeaders(st.feed, true); !res.Success {
				t.Fatalf("step %d: %+v", i, res)
			}
		}
		if s.State() != st.state {
			t.Fatalf("step %d: state %s, want %s", i, s.State(), st.state)
		}
		if got := s.NextHeadersRequestLocator(); !slices.Equal(got, st.want) {
			t.Fatalf("step %d: locator %v, want %v", i, got, st.want)
		}
	}
}

func TestNewDefaults(t *testing.T) {
	for _, tc := range []struct {
		p    *params.Params
		want SyncParams
	}{
		{params.MainNet, SyncParams{641, 15218}},
		{params.TestNet3, SyncParams{673, 14460}},
		{params.TestNet4, SyncParams{606, 16092}},
		{params.SigNet, SyncParams{641, 15218}},
		{params.RegTest, SyncParams{641, 15218}},
	} {
		if got := DefaultSyncParams(tc.p); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.p.Name, got, tc.want)
		}
	}

	// New with the real clock and crypto/rand: a regtest sync from genesis
	// (2011) may hold millions of bits, a few hundred kilobytes.
	start := genesisStart(params.RegTest)
	start.Hash, start.ChainWork, start.MedianTimePast = wire.Hash{}, nil, 0
	a, b := New(params.RegTest, start, nil), New(params.RegTest, start, nil)
	if a.start.Hash != params.RegTest.GenesisHash || a.start.ChainWork.Sign() != 0 {
		t.Fatal("zero Start fields not filled in")
	}
	if minimum := uint64(6 * 14 * 365 * 24 * 3600 / 641); a.MaxCommitments() < minimum {
		t.Errorf("commitment cap %d below %d", a.MaxCommitments(), minimum)
	}
	if a.commitOffset < 0 || a.commitOffset >= 641 || a.salt == b.salt {
		t.Errorf("offset %d, salts equal: %v", a.commitOffset, a.salt == b.salt)
	}
	// With a zero minimum the first message already suffices.
	res := a.ProcessNextHeaders(regtestChain(t, 5), false)
	if !res.Success || !res.RequestMore || a.State() != Redownload {
		t.Fatalf("zero minimum: %+v, state %s", res, a.State())
	}
	for _, st := range []State{Presync, Redownload, Final, State(9)} {
		if st.String() == "" {
			t.Errorf("state %d has no name", st)
		}
	}
}
