package store

import (
	"encoding/binary"
	"fmt"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/wire"
)

// Coin is an unspent transaction output with the facts validation needs
// about where it came from.
type Coin struct {
	Value    int64 // satoshis, within consensus.MoneyRange
	PkScript []byte
	Height   int32 // height of the block that created it, ≥ 0
	CoinBase bool  // created by a coinbase transaction (maturity rule)
}

// Key prefixes in the chainstate LevelDB.
const (
	prefixCoin      = 'C' // 'C' + txid + BE vout → coin
	prefixBest      = 'B' // best-block marker
	prefixRecord    = 'b' // 'b' + block hash → BlockRecord
	prefixFileInfo  = 'f' // 'f' + BE file number → FileInfo
	prefixLastFile  = 'l' // number of the last block file
	prefixVersion   = 'V' // schema version
	coinKeySize     = 1 + wire.HashSize + 4
	maxCoinHeight   = 1<<31 - 1
	maxVarintLength = binary.MaxVarintLen64
)

// coinKey is the LevelDB key of an outpoint: 'C', the txid in internal byte
// order and the output index big-endian, so keys sort by (txid, vout) as
// numbers.
func coinKey(op wire.OutPoint) [coinKeySize]byte {
	var k [coinKeySize]byte
	k[0] = prefixCoin
	copy(k[1:], op.Hash[:])
	binary.BigEndian.PutUint32(k[1+wire.HashSize:], op.Index)
	return k
}

// outPointFromKey is coinKey's inverse.
func outPointFromKey(k []byte) (wire.OutPoint, bool) {
	var op wire.OutPoint
	if len(k) != coinKeySize || k[0] != prefixCoin {
		return op, false
	}
	copy(op.Hash[:], k[1:])
	op.Index = binary.BigEndian.Uint32(k[1+wire.HashSize:])
	return op, true
}

// appendCoin appends the coin's compact encoding: varint(height<<1 |
// coinbase), varint(compressed amount), varint(script length), script. The
// varints are unsigned LEB128 (encoding/binary's Uvarint), minimally
// encoded; amounts use Bitcoin Core's amount compression, which turns round
// amounts into small numbers.
func appendCoin(b []byte, c *Coin) []byte {
	code := uint64(uint32(c.Height)) << 1
	if c.CoinBase {
		code |= 1
	}
	b = binary.AppendUvarint(b, code)
	b = binary.AppendUvarint(b, compressAmount(uint64(c.Value)))
	b = binary.AppendUvarint(b, uint64(len(c.PkScript)))
	return append(b, c.PkScript...)
}

// coinEncodedSize is len(appendCoin(nil, c)).
func coinEncodedSize(c *Coin) int {
	code := uint64(uint32(c.Height)) << 1
	return uvarintLen(code) + uvarintLen(compressAmount(uint64(c.Value))) +
		uvarintLen(uint64(len(c.PkScript))) + len(c.PkScript)
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// decodeCoin decodes a coin encoded by appendCoin. The script aliases b.
// Every field is checked: canonical varints, a height that fits an int32, an
// amount within MoneyRange and a script length that matches the bytes left.
func decodeCoin(b []byte) (*Coin, error) {
	c := new(Coin)
	n, err := decodeCoinPrefix(b, c)
	if err != nil {
		return nil, corrupt("coin: %s", err)
	}
	if n != len(b) {
		return nil, corrupt("coin: %d trailing bytes", len(b)-n)
	}
	return c, nil
}

// decodeCoinPrefix decodes one coin from the start of b into c and returns
// the number of bytes it took. Its errors are plain descriptions for the
// caller to place.
func decodeCoinPrefix(b []byte, c *Coin) (int, error) {
	r := varReader{buf: b}
	code, err := r.uvarint("height code")
	if err != nil {
		return 0, err
	}
	if code>>1 > maxCoinHeight {
		return 0, fmt.Errorf("height %d out of range", code>>1)
	}
	ca, err := r.uvarint("amount")
	if err != nil {
		return 0, err
	}
	value, ok := decompressAmount(ca)
	if !ok {
		return 0, fmt.Errorf("compressed amount %d out of range", ca)
	}
	n, err := r.uvarint("script length")
	if err != nil {
		return 0, err
	}
	if n > uint64(len(b)-r.off) {
		return 0, fmt.Errorf("script length %d exceeds the %d bytes left", n, len(b)-r.off)
	}
	script := b[r.off : r.off+int(n) : r.off+int(n)]
	r.off += int(n)
	*c = Coin{Value: value, PkScript: script, Height: int32(code >> 1), CoinBase: code&1 == 1}
	return r.off, nil
}

// varReader reads minimally encoded unsigned varints from a byte slice.
// Its errors are plain descriptions; callers say where.
type varReader struct {
	buf []byte
	off int
}

func (r *varReader) uvarint(what string) (uint64, error) {
	v, n := binary.Uvarint(r.buf[r.off:])
	switch {
	case n == 0:
		return 0, fmt.Errorf("%s: truncated at byte %d", what, r.off)
	case n < 0:
		return 0, fmt.Errorf("%s: varint overflows 64 bits at byte %d", what, r.off)
	case n > 1 && r.buf[r.off+n-1] == 0:
		return 0, fmt.Errorf("%s: non-canonical varint at byte %d", what, r.off)
	}
	r.off += n
	return v, nil
}

// compressAmount is Bitcoin Core's CompressAmount: a bijection on uint64
// that maps amounts with trailing decimal zeros (most real outputs) to small
// numbers.
func compressAmount(n uint64) uint64 {
	if n == 0 {
		return 0
	}
	e := uint64(0)
	for n%10 == 0 && e < 9 {
		n /= 10
		e++
	}
	if e < 9 {
		d := n % 10
		n /= 10
		return 1 + (n*9+d-1)*10 + e
	}
	return 1 + (n-1)*10 + 9
}

// decompressAmount inverts compressAmount, refusing results above MaxMoney
// (and so any overflow).
func decompressAmount(x uint64) (int64, bool) {
	if x == 0 {
		return 0, true
	}
	x--
	e := x % 10
	x /= 10
	var n uint64
	if e < 9 {
		d := x%9 + 1
		x /= 9
		n = x*10 + d
	} else {
		n = x + 1
	}
	for ; e > 0; e-- {
		if n > uint64(consensus.MaxMoney) {
			return 0, false
		}
		n *= 10
	}
	if n > uint64(consensus.MaxMoney) {
		return 0, false
	}
	return int64(n), true
}

// Cache memory accounting. A cache entry costs a map slot (36-byte key,
// 16-byte value, control byte, load-factor slack), the Coin struct (48-byte
// size class) and the script's allocation rounded up to its size class.
const (
	spentEntryUsage = 80
	coinEntryUsage  = spentEntryUsage + 48
	dirtyKeyUsage   = 40 // an outpoint in the dirty list
)

func coinUsage(c *Coin) int64 {
	if c == nil {
		return spentEntryUsage
	}
	return coinEntryUsage + int64(allocSize(len(c.PkScript)))
}

// allocSize approximates the size class the Go allocator rounds n up to.
func allocSize(n int) int {
	switch {
	case n == 0:
		return 0
	case n <= 16:
		return (n + 7) &^ 7
	case n <= 128:
		return (n + 15) &^ 15
	default:
		return (n + 63) &^ 63
	}
}
