package mining

import (
	"fmt"
	"math/big"
	"math/bits"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/wire"
)

// Assembly defaults and limits, as in Bitcoin Core 30 (policy/policy.h,
// node/miner.cpp).
const (
	// DefaultMaxWeight is -blockmaxweight's default: the consensus limit.
	DefaultMaxWeight = wire.MaxBlockWeight
	// DefaultReservedWeight is -blockreservedweight's default: weight kept
	// for the header, the transaction count and the coinbase.
	DefaultReservedWeight = 8000
	// MinReservedWeight is the least reserved weight Core accepts.
	MinReservedWeight = 2000
	// DefaultCoinbaseSigOps is the sigop cost kept for the coinbase's
	// outputs (DEFAULT_COINBASE_OUTPUT_MAX_ADDITIONAL_SIGOPS).
	DefaultCoinbaseSigOps = 400
	// DefaultMinFeeRate is -blockmintxfee's default in sat/kvB: Core 30
	// lowered it from 1,000 to 1, the least non-zero rate.
	DefaultMinFeeRate = 1
	// DefaultBytesPerSigOp is -bytespersigop's default, the weight a
	// sigop is charged in the sigop-adjusted size of the feerate check.
	DefaultBytesPerSigOp = 20
	// BlockVersion is the header version: the BIP9 top bits with no
	// deployment signalled.
	BlockVersion = 0x20000000

	// maxConsecutiveFailures and blockFullEnoughWeightDelta end assembly
	// early: after that many chunks in a row failed to fit while the
	// block is within the delta of its weight limit.
	maxConsecutiveFailures     = 1000
	blockFullEnoughWeightDelta = 4000
	// maxTimewarp is how far before its parent a retarget block may be
	// dated under BIP94.
	maxTimewarp = 600
	// coinbaseSequence is CTxIn::MAX_SEQUENCE_NONFINAL: with the lock time
	// height-1 the coinbase is timelocked to its own height, as Core 30
	// builds it.
	coinbaseSequence = wire.MaxTxInSequenceNum - 1
)

// TxDesc is a transaction the pool offers, with what the assembler needs.
// The pool computes every field; the assembler trusts them.
type TxDesc struct {
	Tx          *wire.Tx
	TxID, WTxID wire.Hash
	// Fee is the transaction's real fee (inputs minus outputs), what the
	// coinbase claims and getblocktemplate reports.
	Fee int64
	// FeeDelta is the prioritisetransaction adjustment: the modified fee
	// Fee+FeeDelta is what chunk feerates (and the minimum-feerate check)
	// are computed from.
	FeeDelta int64
	// Weight is the BIP141 weight.
	Weight int
	// SigOpCost is the transaction's sigop cost (legacy sigops × 4 plus
	// P2SH × 4 plus witness sigops).
	SigOpCost int
	// Parents are the transaction's in-pool parents. A chunk is taken only
	// when every parent is already in the template (earlier, or earlier
	// in the same chunk); getblocktemplate's "depends" is computed from
	// the inputs, as Core does.
	Parents []wire.Hash
}

// ChunkSource yields chunks — groups of transactions that must be mined
// together, topologically ordered inside — in non-increasing chunk
// feerate order: the cluster mempool's mining order. Chunks stops when
// yield returns false. The assembler copies each TxDesc before yield
// returns (the source may reuse the chunk slice) but keeps the *wire.Tx
// and the Parents slice, which must not change afterwards. yield never
// calls back into the source, so Chunks may hold the pool's lock
// throughout.
type ChunkSource interface {
	Chunks(yield func(chunk []TxDesc) bool)
}

// ChunkFunc adapts an iterator function (an iter.Seq[[]TxDesc]) to
// ChunkSource.
type ChunkFunc func(yield func(chunk []TxDesc) bool)

// Chunks calls f.
func (f ChunkFunc) Chunks(yield func(chunk []TxDesc) bool) { f(yield) }

// SliceSource is a ChunkSource over chunks already in mining order.
type SliceSource [][]TxDesc

// Chunks yields the chunks in order.
func (s SliceSource) Chunks(yield func(chunk []TxDesc) bool) {
	for _, c := range s {
		if !yield(c) {
			return
		}
	}
}

// Options configure NewTemplate. The zero value gives Core's defaults.
type Options struct {
	// MaxWeight is the block weight limit (-blockmaxweight); 0 means
	// DefaultMaxWeight. It is clamped to [ReservedWeight, 4,000,000].
	MaxWeight int
	// ReservedWeight is counted before any transaction, for the header,
	// transaction count and coinbase (-blockreservedweight); 0 means
	// DefaultReservedWeight, otherwise it must be within
	// [MinReservedWeight, 4,000,000].
	ReservedWeight int
	// CoinbaseSigOps is the sigop cost kept for the coinbase outputs; 0
	// means DefaultCoinbaseSigOps; at most 80,000.
	CoinbaseSigOps int
	// MinFeeRate in sat/kvB (-blockmintxfee): chunks paying less end
	// assembly. 0 means DefaultMinFeeRate; a negative rate admits
	// zero-fee chunks, as -blockmintxfee=0 does.
	MinFeeRate int64
	// BytesPerSigOp is the sigop charge in the feerate check's virtual
	// size (-bytespersigop); 0 means DefaultBytesPerSigOp.
	BytesPerSigOp int
	// CoinbaseScript is the payout scriptPubKey. nil means OP_TRUE, the
	// default of Core's block-creation options: good enough for
	// getblocktemplate, whose client builds its own coinbase, never for a
	// block anyone mines.
	CoinbaseScript []byte
	// ExtraNonce is pushed after the BIP34 height in the coinbase
	// scriptSig (OP_0 when zero).
	ExtraNonce uint64
	// TxUpdates is the pool's transactions-updated counter, appended to
	// the tip hash in getblocktemplate's longpollid.
	TxUpdates uint64
}

func (o Options) withDefaults() (Options, error) {
	if o.ReservedWeight == 0 {
		o.ReservedWeight = DefaultReservedWeight
	}
	if o.ReservedWeight < MinReservedWeight || o.ReservedWeight > wire.MaxBlockWeight {
		return o, fmt.Errorf("%w: reserved weight %d outside [%d, %d]", ErrBadOptions, o.ReservedWeight, MinReservedWeight, wire.MaxBlockWeight)
	}
	if o.MaxWeight == 0 {
		o.MaxWeight = DefaultMaxWeight
	}
	o.MaxWeight = min(max(o.MaxWeight, o.ReservedWeight), wire.MaxBlockWeight)
	if o.CoinbaseSigOps == 0 {
		o.CoinbaseSigOps = DefaultCoinbaseSigOps
	}
	if o.CoinbaseSigOps < 0 || o.CoinbaseSigOps > consensus.MaxBlockSigOpsCost {
		return o, fmt.Errorf("%w: coinbase sigops %d outside [0, %d]", ErrBadOptions, o.CoinbaseSigOps, consensus.MaxBlockSigOpsCost)
	}
	if o.MinFeeRate == 0 {
		o.MinFeeRate = DefaultMinFeeRate
	}
	if o.BytesPerSigOp == 0 {
		o.BytesPerSigOp = DefaultBytesPerSigOp
	}
	if o.BytesPerSigOp < 0 {
		return o, fmt.Errorf("%w: bytes per sigop %d", ErrBadOptions, o.BytesPerSigOp)
	}
	if o.CoinbaseScript == nil {
		o.CoinbaseScript = []byte{0x51}
	}
	return o, nil
}

// Template is an assembled block ready to be solved.
type Template struct {
	// Block has the coinbase and the chosen transactions; the header has
	// version, parent, merkle root, timestamp and bits set, nonce 0. Mine
	// changes it in place (the nonce; on nonce wrap the coinbase extra
	// nonce and merkle root).
	Block *wire.Block
	// Txs describes Block.Transactions[1:], in block order.
	Txs []TxDesc
	// Fees and SigOpCosts run parallel to Block.Transactions: index 0 is
	// the coinbase, whose fee is minus the total fees (BIP22) and whose
	// sigop cost is its legacy sigops × 4.
	Fees       []int64
	SigOpCosts []int
	// TotalFees is the sum of the transactions' fees.
	TotalFees int64
	// Height is the block's height.
	Height int32
	// CoinbaseValue is the subsidy plus TotalFees, what the payout output
	// carries.
	CoinbaseValue int64
	// Target is the proof-of-work target the header's bits encode.
	Target *big.Int
	// MinTime is the earliest timestamp the block may carry (Core's
	// GetMinimumTime); MedianTimePast is the parent's, the lock-time
	// cut-off.
	MinTime        int64
	MedianTimePast int64
	// WitnessCommitment is the commitment output's scriptPubKey
	// (getblocktemplate's default_witness_commitment); nil before segwit.
	WitnessCommitment []byte
	// Weight is the assembler's count: reserved weight plus the
	// transactions (Core's currentblockweight); SigOpCost likewise starts
	// from the coinbase reserve.
	Weight    int
	SigOpCost int
	// LongPollID is the tip hash followed by Options.TxUpdates.
	LongPollID string

	params *params.Params
}

// assembler is BlockAssembler's selection state.
type assembler struct {
	opts       Options
	height     int32
	lockCutoff int64

	weight, sigOps int
	fees           int64
	txs            []TxDesc
	inBlock        map[wire.Hash]struct{}
	skipped        map[wire.Hash]struct{}
	failures       int
}

// NewTemplate assembles a block on the chain's tip from src's chunks
// (src may be nil for an empty block). It checks no script: see the
// package documentation for what the pool guarantees.
func NewTemplate(ch *chain.Chain, src ChunkSource, opts Options) (*Template, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	p := ch.Params()
	next := ch.NextBlock()
	prev, ok := ch.BlockInfo(next.PrevHash)
	if !ok {
		return nil, fmt.Errorf("mining: tip %s not in the block index", next.PrevHash)
	}
	minTime := minimumTime(p, next.Height, next.MedianTimePast, int64(prev.Header.Timestamp))

	a := &assembler{opts: opts, height: next.Height, lockCutoff: next.MedianTimePast,
		weight: opts.ReservedWeight, sigOps: opts.CoinbaseSigOps,
		inBlock: map[wire.Hash]struct{}{}}
	if src != nil {
		src.Chunks(a.addChunk)
	}

	t := &Template{Txs: a.txs, TotalFees: a.fees, Height: next.Height,
		MinTime: minTime, MedianTimePast: next.MedianTimePast,
		Weight: a.weight, SigOpCost: a.sigOps, params: p,
		LongPollID: fmt.Sprintf("%s%d", next.PrevHash, opts.TxUpdates)}
	t.CoinbaseValue = consensus.BlockSubsidy(next.Height, p.SubsidyHalvingInterval) + a.fees

	segwit := next.Height >= p.SegwitHeight
	coinbase := newCoinbase(next.Height, opts.ExtraNonce, opts.CoinbaseScript, t.CoinbaseValue, segwit)
	if segwit {
		wtxids := make([]wire.Hash, len(a.txs)+1)
		for i := range a.txs {
			wtxids[i+1] = a.txs[i].WTxID
		}
		t.WitnessCommitment = addWitnessCommitment(coinbase, wtxids)
	}
	n := len(a.txs) + 1
	txs, txids := make([]*wire.Tx, 0, n), make([]wire.Hash, 0, n)
	t.Fees, t.SigOpCosts = make([]int64, 0, n), make([]int, 0, n)
	txs, txids = append(txs, coinbase), append(txids, coinbase.TxHash())
	t.Fees = append(t.Fees, -a.fees)
	t.SigOpCosts = append(t.SigOpCosts, wire.WitnessScaleFactor*legacySigOps(coinbase))
	weight, sigOps := coinbase.Weight(), t.SigOpCosts[0]
	for i := range a.txs {
		d := &a.txs[i]
		txs, txids = append(txs, d.Tx), append(txids, d.TxID)
		t.Fees = append(t.Fees, d.Fee)
		t.SigOpCosts = append(t.SigOpCosts, d.SigOpCost)
		weight += d.Weight
		sigOps += d.SigOpCost
	}
	weight += (wire.BlockHeaderSize + wire.CompactSizeLen(uint64(n))) * wire.WitnessScaleFactor
	if weight > wire.MaxBlockWeight || sigOps > consensus.MaxBlockSigOpsCost {
		return nil, fmt.Errorf("%w: weight %d, sigop cost %d (coinbase weight %d, sigop cost %d)",
			ErrTemplateTooLarge, weight, sigOps, coinbase.Weight(), t.SigOpCosts[0])
	}

	root, _ := consensus.MerkleRoot(txids)
	target, _, _ := consensus.CompactToBig(next.Bits)
	t.Target = target
	t.Block = &wire.Block{
		Header: wire.BlockHeader{Version: BlockVersion, PrevBlock: next.PrevHash, MerkleRoot: root,
			Timestamp: uint32(max(int64(next.Time), minTime)), Bits: next.Bits},
		Transactions: txs,
	}
	return t, nil
}

// minimumTime is Core's GetMinimumTime: one second after the median time
// past, and on a retarget boundary no earlier than the parent's time minus
// BIP94's allowance, applied on every network as Core does.
func minimumTime(p *params.Params, height int32, mtp, prevTime int64) int64 {
	t := mtp + 1
	if interval := p.RetargetInterval(); interval > 0 && int64(height)%interval == 0 {
		t = max(t, prevTime-maxTimewarp)
	}
	return t
}

// addChunk is the yield function: it takes or skips one chunk and says
// whether assembly goes on (Core's addChunks loop body).
func (a *assembler) addChunk(chunk []TxDesc) bool {
	if len(chunk) == 0 {
		return true
	}
	var fee int64
	weight, sigOps, adjusted := 0, 0, 0
	for i := range chunk {
		d := &chunk[i]
		fee += d.Fee + d.FeeDelta
		weight += d.Weight
		sigOps += d.SigOpCost
		adjusted += max(d.Weight, d.SigOpCost*a.opts.BytesPerSigOp)
	}
	vsize := int64(adjusted+wire.WitnessScaleFactor-1) / wire.WitnessScaleFactor
	if feeRateBelow(fee, vsize, a.opts.MinFeeRate) {
		return false // every later chunk pays less
	}
	if a.weight+weight >= a.opts.MaxWeight || a.sigOps+sigOps >= consensus.MaxBlockSigOpsCost ||
		!a.chunkAdmissible(chunk) {
		a.skip(chunk)
		a.failures++
		return a.failures <= maxConsecutiveFailures || a.weight+blockFullEnoughWeightDelta <= a.opts.MaxWeight
	}
	a.failures = 0
	for i := range chunk {
		d := chunk[i]
		a.txs = append(a.txs, d)
		a.inBlock[d.TxID] = struct{}{}
		a.fees += d.Fee
	}
	a.weight += weight
	a.sigOps += sigOps
	return true
}

// chunkAdmissible checks the per-transaction rules: finality at the next
// height and median time past (Core's TestChunkTransactions), no
// transaction already taken, every in-pool parent already in the block,
// and no input spending a transaction of a skipped chunk.
func (a *assembler) chunkAdmissible(chunk []TxDesc) bool {
	for i := range chunk {
		d := &chunk[i]
		if !consensus.IsFinalTx(d.Tx, a.height, a.lockCutoff) {
			return false
		}
		if _, dup := a.inBlock[d.TxID]; dup {
			return false
		}
		for _, parent := range d.Parents {
			if _, ok := a.inBlock[parent]; !ok && !inChunk(chunk[:i], parent) {
				return false
			}
		}
		if len(a.skipped) > 0 {
			for _, in := range d.Tx.TxIn {
				if _, ok := a.skipped[in.PreviousOutPoint.Hash]; ok {
					return false
				}
			}
		}
	}
	return true
}

func inChunk(chunk []TxDesc, txid wire.Hash) bool {
	for i := range chunk {
		if chunk[i].TxID == txid {
			return true
		}
	}
	return false
}

// skip remembers a chunk's transactions so that no later chunk spending
// them is taken (the pool's block builder skips a chunk's descendants).
func (a *assembler) skip(chunk []TxDesc) {
	if a.skipped == nil {
		a.skipped = map[wire.Hash]struct{}{}
	}
	for i := range chunk {
		if _, taken := a.inBlock[chunk[i].TxID]; !taken { // a duplicate offer
			a.skipped[chunk[i].TxID] = struct{}{}
		}
	}
}

// feeRateBelow reports whether fee/vsize < rate/1000 (rate in sat/kvB),
// exactly, as Core compares fee fractions.
func feeRateBelow(fee, vsize, rate int64) bool {
	// Compare fee×1000 with rate×vsize; vsize is positive.
	if vsize <= 0 {
		return fee < 0
	}
	l := mul128(fee, 1000)
	r := mul128(rate, vsize)
	return l.less(r)
}

type int128 struct {
	neg    bool
	hi, lo uint64
}

func mul128(a, b int64) int128 {
	neg := (a < 0) != (b < 0)
	hi, lo := bits.Mul64(abs64(a), abs64(b))
	if hi == 0 && lo == 0 {
		neg = false
	}
	return int128{neg, hi, lo}
}

func abs64(v int64) uint64 {
	if v < 0 {
		return uint64(-v)
	}
	return uint64(v)
}

func (x int128) less(y int128) bool {
	if x.neg != y.neg {
		return x.neg
	}
	magLess := x.hi < y.hi || (x.hi == y.hi && x.lo < y.lo)
	magGreater := x.hi > y.hi || (x.hi == y.hi && x.lo > y.lo)
	if x.neg {
		return magGreater
	}
	return magLess
}
