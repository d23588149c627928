package params

import (
	"encoding/binary"
	"encoding/hex"
	"math"
	"math/big"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/wire"
)

// Genesis limits.
const (
	// maxGenesisMessage keeps the coinbase scriptSig within consensus's 100
	// bytes: 7 bytes of bits push, a 2-byte OP_PUSHDATA1 header, the message.
	maxGenesisMessage = 100 - 7 - 2
	// maxOutputScript is consensus's MAX_SCRIPT_SIZE.
	maxOutputScript = 10_000
	// maxMoney is 21 million BTC in satoshis.
	maxMoney = 21_000_000 * 100_000_000
	// attemptsPerWork is how many times the expected work the genesis search
	// may try: failing within it has probability about e^-32.
	attemptsPerWork = 32
	// minAttempts is the search's floor, for trivially easy targets.
	minAttempts = 1024
)

// applyGenesis validates the genesis fields, builds the block and, if the
// spec's nonce is absent or misses the target, mines it.
func (s *chainSpec) applyGenesis(p *Params, opts SpecOptions) error {
	in, hasNonce, err := s.genesisInputs(p)
	if err != nil {
		return err
	}
	blk := newGenesisBlock(in)
	target, _, _ := consensus.CompactToBig(in.bits)
	if !hasNonce || !hashMeetsTarget(blk.BlockHash(), target) {
		work := consensus.CalcWork(in.bits)
		if work.Cmp(new(big.Int).SetUint64(opts.MaxGenesisWork)) > 0 {
			return &SpecError{Field: "genesis.bits", Err: ErrGenesisTooHard,
				Msg: "mining the genesis block would take about " + work.String() +
					" hashes, above the limit of " + new(big.Int).SetUint64(opts.MaxGenesisWork).String() +
					"; give a genesis.nonce that meets the target or use easier bits"}
		}
		if !mineGenesis(&blk.Header, target, searchBudget(work.Uint64())) {
			return &SpecError{Field: "genesis.nonce", Err: ErrGenesisNotFound,
				Msg: "no nonce meeting the target was found within the search budget"}
		}
	}
	p.GenesisBlock = blk
	p.GenesisHash = blk.BlockHash()
	if err := consensus.CheckProofOfWork(p.GenesisHash, blk.Header.Bits, p.PowLimit); err != nil {
		return &SpecError{Field: "genesis.bits", Msg: err.Error(), Err: err}
	}
	return nil
}

// genesisInputs validates the genesis object against the pow limit already
// set in p.
func (s *chainSpec) genesisInputs(p *Params) (genesisInputs, bool, error) {
	var in genesisInputs
	g := s.Genesis
	if g == nil {
		return in, false, fieldErr("genesis", "is required")
	}
	ts, err := requiredInt("genesis.timestamp", g.Timestamp, 1, math.MaxUint32)
	if err != nil {
		return in, false, err
	}
	msg, err := requiredString("genesis.message", g.Message)
	if err != nil {
		return in, false, err
	}
	if msg == "" || len(msg) > maxGenesisMessage {
		return in, false, fieldErr("genesis.message", "must be 1 to %d bytes, got %d", maxGenesisMessage, len(msg))
	}
	in.timestamp, in.message = uint32(ts), msg

	in.bits = p.PowLimitBits
	if g.Bits != nil {
		bits, target, err := parseBits("genesis.bits", *g.Bits)
		if err != nil {
			return in, false, err
		}
		if target.Cmp(p.PowLimit) > 0 {
			return in, false, fieldErr("genesis.bits", "%s is easier than pow_limit_bits", *g.Bits)
		}
		in.bits = bits
	}
	nonce, err := optionalInt("genesis.nonce", g.Nonce, 0, 0, math.MaxUint32)
	if err != nil {
		return in, false, err
	}
	version, err := optionalInt("genesis.version", g.Version, 1, 1, math.MaxInt32)
	if err != nil {
		return in, false, err
	}
	in.reward, err = optionalInt("genesis.reward", g.Reward, genesisReward, 0, maxMoney)
	if err != nil {
		return in, false, err
	}
	in.nonce, in.version = uint32(nonce), int32(version)

	in.outputScript = CoreGenesisOutputScript()
	if g.OutputScript != nil {
		script, err := hex.DecodeString(*g.OutputScript)
		if err != nil {
			return in, false, fieldErr("genesis.output_script", "is not hexadecimal")
		}
		if len(script) > maxOutputScript {
			return in, false, fieldErr("genesis.output_script", "is %d bytes, above %d", len(script), maxOutputScript)
		}
		in.outputScript = script
	}
	return in, g.Nonce != nil, nil
}

// searchBudget is the number of hashes the genesis search may try for a
// target of the given expected work.
func searchBudget(work uint64) uint64 {
	if work > (math.MaxUint64-minAttempts)/attemptsPerWork {
		return math.MaxUint64
	}
	return work*attemptsPerWork + minAttempts
}

// mineGenesis searches for a header meeting target: nonces from 0 upward at
// the header's timestamp, then the next second when all 2^32 are spent, up
// to maxAttempts hashes. It sets the winning nonce (and timestamp) and
// reports whether it found one. The search is deterministic.
func mineGenesis(h *wire.BlockHeader, target *big.Int, maxAttempts uint64) bool {
	var targetBE [wire.HashSize]byte
	target.FillBytes(targetBE[:])
	var buf [wire.BlockHeaderSize]byte
	var attempts uint64
	for {
		h.Nonce = 0
		h.AppendTo(buf[:0])
		for nonce := uint64(0); nonce <= math.MaxUint32; nonce++ {
			if attempts == maxAttempts {
				return false
			}
			attempts++
			binary.LittleEndian.PutUint32(buf[wire.BlockHeaderSize-4:], uint32(nonce))
			if hashBelow(wire.DoubleSHA256(buf[:]), &targetBE) {
				h.Nonce = uint32(nonce)
				return true
			}
		}
		if h.Timestamp == math.MaxUint32 {
			return false
		}
		h.Timestamp++
	}
}

// hashMeetsTarget reports whether hash, as a number, is at most target.
func hashMeetsTarget(hash wire.Hash, target *big.Int) bool {
	return consensus.HashToBig(hash).Cmp(target) <= 0
}

// hashBelow is hashMeetsTarget against a big-endian target, without
// allocating: the hash's last byte is its most significant.
func hashBelow(hash wire.Hash, targetBE *[wire.HashSize]byte) bool {
	for i := range wire.HashSize {
		hb, tb := hash[wire.HashSize-1-i], targetBE[i]
		if hb != tb {
			return hb < tb
		}
	}
	return true
}
