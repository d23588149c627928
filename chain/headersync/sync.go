package headersync

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"io"
	"math/big"
	"time"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/wire"
)

// State is a sync's phase.
type State int

// The phases, in order.
const (
	// Presync: checking the peer's chain and committing to it, storing no
	// headers, until its work reaches the minimum.
	Presync State = iota
	// Redownload: fetching the same chain again, checking it against the
	// commitments and releasing headers.
	Redownload
	// Final: finished or aborted; the Sync holds no memory and accepts no
	// more headers.
	Final
)

func (s State) String() string {
	switch s {
	case Presync:
		return "presync"
	case Redownload:
		return "redownload"
	case Final:
		return "final"
	}
	return "unknown"
}

// Start is the last header we already have (in our block index) that the
// peer's headers build on: the sync's fork point.
type Start struct {
	// Hash is Header's block hash; zero means compute it from Header.
	Hash wire.Hash
	// Height is the block's height.
	Height int32
	// Header is the block's header (its bits seed the difficulty check).
	Header wire.BlockHeader
	// ChainWork is the total work of the chain up to and including the
	// block; nil means zero.
	ChainWork *big.Int
	// MedianTimePast is the block's median time past (Unix seconds), from
	// which the bound on the peer's chain length is computed as Core does.
	// Zero means unknown: Header.Timestamp is used instead, which is
	// usually an hour later and so gives a slightly tighter bound (still
	// some 3600 times what an honest chain needs).
	MedianTimePast int64
}

// Result is the outcome of one ProcessNextHeaders call.
type Result struct {
	// PowValidatedHeaders are headers, in chain order and each released
	// exactly once over the whole sync, that lie on a chain with enough
	// work (or enough checked commitments on top of them): the caller
	// should now fully validate them and add them to its block index. The
	// first one builds on Start.Hash or on the last header of the previous
	// release.
	PowValidatedHeaders []wire.BlockHeader
	// Success is false if the headers were not a valid continuation of the
	// sync, which is then aborted (Err says why). Core does not penalise
	// the peer for this: it may just have reorganised.
	Success bool
	// RequestMore asks the caller to send getheaders with
	// NextHeadersRequestLocator. When Success is true and RequestMore false
	// the sync has ended normally: the peer's chain ran out below the
	// minimum work, or everything has been released.
	RequestMore bool
	// Err is the reason for an abort; nil when Success is true.
	Err error
}

// Config adjusts a Sync. The zero value gives Core's behaviour.
type Config struct {
	// SyncParams override DefaultSyncParams(p) field by field where
	// positive.
	SyncParams
	// Now is the clock for the commitment bound; nil means time.Now.
	Now func() time.Time

	// rand is the source of the salt and the commitment offset; nil means
	// crypto/rand. Tests set it for reproducible runs.
	rand io.Reader
}

// Sync is the low-work header sync with one peer. Create it with New when a
// peer's headers connect to a block we have but their chain's work would
// not reach the minimum chain work; drive it with ProcessNextHeaders; drop
// it once State is Final.
type Sync struct {
	p              *params.Params
	sp             SyncParams
	start          Start
	minimumWork    *big.Int
	salt           [32]byte
	commitOffset   int64
	maxCommitments uint64
	commitments    bitQueue
	state          State

	// work caches CalcWork for the last bits seen.
	workBits uint32
	work     *big.Int

	// PRESYNC: the last header received, its hash and height, and the work
	// of the chain up to it.
	lastHeader    wire.BlockHeader
	lastHash      wire.Hash
	presyncHeight int64
	presyncWork   *big.Int

	// REDOWNLOAD: buffered headers; the PrevBlock of the first, and the
	// hash, height and bits of the last (the start block's while empty);
	// the work of the redownloaded chain; and whether it has reached the
	// minimum, so that everything buffered may go.
	buffer           []compactHeader
	firstPrev        wire.Hash
	redownloadHash   wire.Hash
	redownloadHeight int64
	redownloadBits   uint32
	redownloadWork   *big.Int
	releaseAll       bool
}

// New starts a sync with a peer whose headers build on start, looking for
// minimumWork (normally p.MinimumChainWork, or more).
func New(p *params.Params, start Start, minimumWork *big.Int) *Sync {
	return NewWithConfig(p, start, minimumWork, Config{})
}

// NewWithConfig is New with adjustments, mostly for tests that want short
// chains to exercise the whole scheme.
func NewWithConfig(p *params.Params, start Start, minimumWork *big.Int, cfg Config) *Sync {
	sp := DefaultSyncParams(p)
	if cfg.CommitmentPeriod > 0 {
		sp.CommitmentPeriod = cfg.CommitmentPeriod
	}
	if cfg.RedownloadBufferSize > 0 {
		sp.RedownloadBufferSize = cfg.RedownloadBufferSize
	}
	if start.Hash.IsZero() {
		start.Hash = start.Header.BlockHash()
	}
	start.ChainWork = cloneOrZero(start.ChainWork)
	s := &Sync{
		p:             p,
		sp:            sp,
		start:         start,
		minimumWork:   cloneOrZero(minimumWork),
		lastHeader:    start.Header,
		lastHash:      start.Hash,
		presyncHeight: int64(start.Height),
		presyncWork:   new(big.Int).Set(start.ChainWork),
		// Until REDOWNLOAD begins, the redownloaded chain is the start.
		redownloadHeight: int64(start.Height),
	}

	var seed [40]byte
	src := cfg.rand
	if src == nil {
		src = rand.Reader
	}
	if _, err := io.ReadFull(src, seed[:]); err != nil {
		rand.Read(seed[:]) // crypto/rand never fails (it aborts the program)
	}
	copy(s.salt[:], seed[:32])
	// The modulo bias of a 64-bit value over a period of a few hundred is
	// below 2^-50.
	s.commitOffset = int64(binary.LittleEndian.Uint64(seed[32:]) % uint64(sp.CommitmentPeriod))

	now := time.Now
	if cfg.Now != nil {
		now = cfg.Now
	}
	mtp := start.MedianTimePast
	if mtp == 0 {
		mtp = int64(start.Header.Timestamp)
	}
	seconds := now().Unix() - mtp + int64(MaxFutureBlockTime/time.Second)
	if seconds > 0 {
		s.maxCommitments = uint64(seconds) * maxBlocksPerSecond / uint64(sp.CommitmentPeriod)
	}
	return s
}

func cloneOrZero(x *big.Int) *big.Int {
	if x == nil {
		return new(big.Int)
	}
	return new(big.Int).Set(x)
}

// State returns the sync's phase.
func (s *Sync) State() State { return s.state }

// PresyncHeight is the height of the last header checked in PRESYNC.
func (s *Sync) PresyncHeight() int64 { return s.presyncHeight }

// PresyncTime is the timestamp of the last header checked in PRESYNC.
func (s *Sync) PresyncTime() time.Time { return s.lastHeader.Time() }

// PresyncWork is the chain work up to the last header checked in PRESYNC
// (including Start.ChainWork). The result is a copy.
func (s *Sync) PresyncWork() *big.Int { return new(big.Int).Set(s.presyncWork) }

// RedownloadHeight is the height of the last header redownloaded (the start
// height before REDOWNLOAD).
func (s *Sync) RedownloadHeight() int64 { return s.redownloadHeight }

// Commitments is the number of commitment bits held.
func (s *Sync) Commitments() uint64 { return s.commitments.len() }

// MaxCommitments is the bound on Commitments: past it the sync aborts.
func (s *Sync) MaxCommitments() uint64 { return s.maxCommitments }

// Buffered is the number of redownloaded headers held back.
func (s *Sync) Buffered() int { return len(s.buffer) }

// Params returns the commitment period and buffer size in use.
func (s *Sync) Params() SyncParams { return s.sp }

// NextHeadersRequestLocator is the locator for the next getheaders: the last
// header received (PRESYNC) or redownloaded (REDOWNLOAD), then the start
// block; nil once Final. The caller may append its own older locator
// entries for the start block (Core sends the start block's full locator),
// which only matter if the peer has reorganised below it.
func (s *Sync) NextHeadersRequestLocator() []wire.Hash {
	var tip wire.Hash
	switch s.state {
	case Presync:
		tip = s.lastHash
	case Redownload:
		tip = s.redownloadHash
	default:
		return nil
	}
	if tip == s.start.Hash {
		return []wire.Hash{s.start.Hash}
	}
	return []wire.Hash{tip, s.start.Hash}
}

// ProcessNextHeaders takes the next headers message from the peer (the
// answer to the previous getheaders). fullMessage reports whether it held
// wire.MaxHeadersPerMsg headers, so that the peer may have more.
//
// In PRESYNC every header must connect to the previous one, meet its own
// target and follow a permitted difficulty transition; its work is summed
// and, at commitment heights, a bit stored. When the work reaches the
// minimum the sync moves to REDOWNLOAD and asks for the chain again from
// the start; a non-full message below the minimum ends the sync (the peer's
// chain is too weak: Success true, RequestMore false).
//
// In REDOWNLOAD the same checks apply, and at commitment heights the stored
// bit must match; headers are buffered and released as described on
// Result. A non-full message ends the sync after releasing what may be
// released.
//
// Any failure aborts the sync: Success false, Err set, State Final.
func (s *Sync) ProcessNextHeaders(headers []wire.BlockHeader, fullMessage bool) Result {
	var res Result
	switch {
	case s.state == Final:
		res.Err = s.fail(ErrFinished, s.height(), nil)
		return res
	case len(headers) > wire.MaxHeadersPerMsg:
		res.Err = s.fail(ErrTooManyHeaders, s.height(), nil)
	case len(headers) == 0:
		fullMessage = false
	}

	if res.Err == nil && s.state == Presync {
		if res.Err = s.presync(headers); res.Err == nil {
			res.Success = true
			// A full message means the peer may have more; a switch to
			// REDOWNLOAD means starting over from the start block.
			res.RequestMore = fullMessage || s.state == Redownload
		}
	} else if res.Err == nil && s.state == Redownload {
		for i := range headers {
			if res.Err = s.redownload(&headers[i]); res.Err != nil {
				break
			}
		}
		if res.Err == nil {
			res.Success = true
			res.PowValidatedHeaders = s.popReady()
			// Once the minimum work is reached everything has just been
			// released and the sync is complete. Otherwise more is needed;
			// a peer that stops short of the chain it showed us ends the
			// sync, without fault: nothing more can be done with it.
			res.RequestMore = !s.releaseAll && fullMessage
		}
	}

	if !res.Success || !res.RequestMore {
		s.finalize()
	}
	return res
}

// presync checks a message's headers, summing work and storing commitments,
// and moves to REDOWNLOAD if the work is enough.
func (s *Sync) presync(headers []wire.BlockHeader) error {
	for i := range headers {
		h := &headers[i]
		next := s.presyncHeight + 1
		hash, err := s.check(h, s.lastHash, s.lastHeader.Bits, next)
		if err != nil {
			return err
		}
		if s.isCommitmentHeight(next) {
			if s.commitments.len() >= s.maxCommitments {
				// Longer than any valid chain can be yet. The chain may have
				// grown since the sync began; a later sync could succeed.
				return s.fail(ErrTooManyCommitments, next, nil)
			}
			s.commitments.push(s.commitmentBit(hash))
		}
		s.presyncWork.Add(s.presyncWork, s.blockWork(h.Bits))
		s.lastHeader, s.lastHash, s.presyncHeight = *h, hash, next
	}
	if s.presyncWork.Cmp(s.minimumWork) >= 0 {
		s.state = Redownload
		s.buffer = nil
		s.firstPrev = s.start.Hash
		s.redownloadHash = s.start.Hash
		s.redownloadHeight = int64(s.start.Height)
		s.redownloadBits = s.start.Header.Bits
		s.redownloadWork = new(big.Int).Set(s.start.ChainWork)
	}
	return nil
}

// redownload checks one redownloaded header against the chain so far and
// the commitments, and buffers it.
func (s *Sync) redownload(h *wire.BlockHeader) error {
	next := s.redownloadHeight + 1
	hash, err := s.check(h, s.redownloadHash, s.redownloadBits, next)
	if err != nil {
		return err
	}
	s.redownloadWork.Add(s.redownloadWork, s.blockWork(h.Bits))
	if s.redownloadWork.Cmp(s.minimumWork) >= 0 {
		s.releaseAll = true
	}
	// Past the minimum work the commitments no longer matter: the peer's
	// chain may have grown beyond what PRESYNC saw, and that is fine.
	if !s.releaseAll && s.isCommitmentHeight(next) {
		if s.commitments.len() == 0 {
			return s.fail(ErrCommitmentOverrun, next, nil)
		}
		if s.commitments.pop() != s.commitmentBit(hash) {
			return s.fail(ErrCommitmentMismatch, next, nil)
		}
	}
	s.buffer = append(s.buffer, compress(h))
	s.redownloadHash, s.redownloadHeight, s.redownloadBits = hash, next, h.Bits
	return nil
}

// check applies the per-header rules of both phases to h at height, whose
// parent has hash prev and bits prevBits, and returns h's hash.
func (s *Sync) check(h *wire.BlockHeader, prev wire.Hash, prevBits uint32, height int64) (wire.Hash, error) {
	if h.PrevBlock != prev {
		return wire.Hash{}, s.fail(ErrNonContinuous, height, nil)
	}
	hash := h.BlockHash()
	if err := consensus.CheckProofOfWork(hash, h.Bits, s.p.PowLimit); err != nil {
		return hash, s.fail(ErrBadProofOfWork, height, err)
	}
	// An attacker with little hash power does best by packing its work
	// into as few blocks as possible; keep it to what retargeting allows.
	if !PermittedDifficultyTransition(s.p, height, prevBits, h.Bits) {
		return hash, s.fail(ErrDifficultyTransition, height, nil)
	}
	return hash, nil
}

// popReady releases the buffered headers that have RedownloadBufferSize
// checked headers on top, or all of them once the minimum work is reached.
func (s *Sync) popReady() []wire.BlockHeader {
	n := 0
	if s.releaseAll {
		n = len(s.buffer)
	} else if len(s.buffer) > s.sp.RedownloadBufferSize {
		n = len(s.buffer) - s.sp.RedownloadBufferSize
	}
	if n == 0 {
		return nil
	}
	out := make([]wire.BlockHeader, n)
	for i := range out {
		out[i] = s.buffer[i].full(s.firstPrev)
		s.firstPrev = out[i].BlockHash()
	}
	s.buffer = s.buffer[:copy(s.buffer, s.buffer[n:])]
	return out
}

// height is the height of the last header accepted in the current phase.
func (s *Sync) height() int64 {
	if s.state == Presync {
		return s.presyncHeight
	}
	return s.redownloadHeight
}

func (s *Sync) isCommitmentHeight(height int64) bool {
	return height%int64(s.sp.CommitmentPeriod) == s.commitOffset
}

// commitmentBit is the low bit of SHA-256(salt ‖ hash): one bit an
// attacker cannot predict, so a different header matches it only half the
// time.
func (s *Sync) commitmentBit(hash wire.Hash) bool {
	var buf [64]byte
	copy(buf[:32], s.salt[:])
	copy(buf[32:], hash[:])
	sum := sha256.Sum256(buf[:])
	return sum[0]&1 == 1
}

// blockWork is CalcWork(bits), cached for runs of equal bits. The result
// must not be modified.
func (s *Sync) blockWork(bits uint32) *big.Int {
	if s.work == nil || s.workBits != bits {
		s.work, s.workBits = consensus.CalcWork(bits), bits
	}
	return s.work
}

func (s *Sync) fail(kind ErrorKind, height int64, cause error) error {
	return &Error{Kind: kind, State: s.state, Height: height, Err: cause}
}

// finalize frees the sync's memory and marks it Final. The salt is
// forgotten with it, so a new sync with the peer commits afresh. The
// counters keep their last values for logging.
func (s *Sync) finalize() {
	s.commitments.reset()
	s.buffer = nil
	s.releaseAll = false
	s.salt = [32]byte{}
	s.state = Final
}
