package headersync

import (
	"testing"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/wire"
)

// fuzzChainLen is the honest chain the fuzzer's peer can serve.
const fuzzChainLen = 400

// Fuzz operations: the low two bits of an operation byte pick one; the
// high bits are flags.
const (
	opHonest = iota // next byte × 8 honest headers from the requested point
	opRaw           // next byte % 8 headers decoded from the next 80-byte chunks
	opSpoil         // honest headers with one byte flipped
	opEmpty         // an empty message

	flagFull    = 0x10 // claim a full message
	flagConnect = 0x20 // opRaw: chain the raw headers onto the locator's tip
	flagEasy    = 0x40 // opRaw: give them regtest's bits (half meet them)
)

// FuzzProcessHeaders drives a Sync with a mix of an honest peer's headers,
// spoilt ones and headers made of random bytes, checking after every
// message that it never panics, keeps its memory bounds, reports
// consistently, and only ever releases connected, proof-of-work-valid
// headers, each once.
func FuzzProcessHeaders(f *testing.F) {
	honest := regtestChain(f, fuzzChainLen)
	raw := make([]byte, 0, 3*wire.BlockHeaderSize)
	for _, h := range honest[:3] {
		raw = h.AppendTo(raw)
	}
	// Setup bytes: network, period, buffer, minimum work.
	f.Add([]byte{0, 6, 19, 100, opHonest | flagFull, 50, opHonest | flagFull, 50, opHonest, 50, opHonest, 50})
	f.Add([]byte{1, 0, 0, 255, opHonest | flagFull, 25, opHonest, 25, opEmpty, opHonest, 250})
	f.Add([]byte{0, 3, 5, 150, opHonest, 50, opSpoil, 50, 3, 1, 7})
	f.Add([]byte{0, 3, 5, 10, opHonest, 50, opHonest, 10, opSpoil | flagFull, 50, 0, 0, 200})
	f.Add(append([]byte{0, 1, 1, 2, opRaw | flagConnect | flagEasy | flagFull, 3}, raw...))
	f.Add(append([]byte{0, 1, 1, 2, opRaw, 3}, raw...))
	f.Add([]byte{0, 15, 63, 0, opHonest | flagFull, 251, opEmpty | flagFull})
	f.Add([]byte("\x01\x07\x07\x07 random bytes for headers: the fuzzer grows these into chains"))

	f.Fuzz(func(t *testing.T, data []byte) {
		in := fuzzInput{data: data}
		p := params.RegTest
		if in.byte()&1 == 1 {
			p = strictParams()
		}
		sp := SyncParams{CommitmentPeriod: 1 + int(in.byte()%16), RedownloadBufferSize: 1 + int(in.byte()%64)}
		start := genesisStart(p)
		s := NewWithConfig(p, start, workOf(start, 1+2*int(in.byte())), testConfig(sp, 8))
		chain := newPeer(start.Hash, honest)
		lastReleased := start.Hash

		for s.State() != Final && !in.empty() {
			op := in.byte()
			full := op&flagFull != 0
			var msg []wire.BlockHeader
			switch op & 3 {
			case opHonest, opSpoil:
				msg, _ = chain.getHeaders(s.NextHeadersRequestLocator())
				msg = msg[:min(len(msg), 8*int(in.byte()))]
				if op&3 == opSpoil && len(msg) > 0 {
					msg = append([]wire.BlockHeader(nil), msg...)
					i, pos := int(in.byte())%len(msg), int(in.byte())%wire.BlockHeaderSize
					b := msg[i].Serialize()
					b[pos] ^= 1 << (in.byte() % 8)
					msg[i], _ = wire.DecodeBlockHeader(b)
				}
			case opRaw:
				tip := s.NextHeadersRequestLocator()[0]
				for range in.byte() % 8 {
					h, _ := wire.DecodeBlockHeader(in.chunk(wire.BlockHeaderSize))
					if op&flagConnect != 0 {
						h.PrevBlock = tip
					}
					if op&flagEasy != 0 {
						h.Bits = regtestBits
					}
					msg = append(msg, h)
					tip = h.BlockHash()
				}
			}
			res := s.ProcessNextHeaders(msg, full)

			if res.Success != (res.Err == nil) || (res.RequestMore && !res.Success) {
				t.Fatalf("inconsistent result %+v", res)
			}
			if (!res.Success || !res.RequestMore) != (s.State() == Final) {
				t.Fatalf("result %+v in state %s", res, s.State())
			}
			if s.State() == Final && s.NextHeadersRequestLocator() != nil {
				t.Fatal("final sync offers a locator")
			}
			checkBounds(t, s)
			for _, h := range res.PowValidatedHeaders {
				if h.PrevBlock != lastReleased {
					t.Fatal("released header does not connect to the previous release")
				}
				lastReleased = h.BlockHash()
				if err := consensus.CheckProofOfWork(lastReleased, h.Bits, p.PowLimit); err != nil {
					t.Fatalf("released header fails proof of work: %v", err)
				}
			}
		}
	})
}

// fuzzInput reads a fuzz input; past its end it reads zeros.
type fuzzInput struct {
	data []byte
	off  int
}

func (in *fuzzInput) empty() bool { return in.off >= len(in.data) }

func (in *fuzzInput) byte() byte {
	if in.empty() {
		return 0
	}
	in.off++
	return in.data[in.off-1]
}

// chunk returns the next n bytes, zero-padded.
func (in *fuzzInput) chunk(n int) []byte {
	b := make([]byte, n)
	if !in.empty() {
		in.off += copy(b, in.data[in.off:])
	}
	return b
}
