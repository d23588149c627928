package addrman

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// rollingBloom is Bitcoin Core's CRollingBloomFilter: a bloom filter that
// remembers roughly the last n insertions. Each bit position holds a
// 2-bit generation number (one bit in each of a pair of words); inserting
// the first element of a new generation wipes the oldest generation, so
// between n and 1.5n recent elements are always present and false
// positives stay near the configured rate.
type rollingBloom struct {
	perGeneration int
	thisGen       int
	generation    uint64 // 1..3
	hashFuncs     int
	tweak         uint32
	data          []uint64
}

func newRollingBloom(n int, fpRate float64, tweak uint32) *rollingBloom {
	logFP := math.Log(fpRate)
	hashFuncs := max(1, min(int(math.Round(logFP/math.Log(0.5))), 50))
	perGen := (n + 1) / 2
	maxElements := perGen * 3
	filterBits := uint32(math.Ceil(-1.0 * float64(hashFuncs) * float64(maxElements) /
		math.Log(1.0-math.Exp(logFP/float64(hashFuncs)))))
	return &rollingBloom{
		perGeneration: perGen,
		generation:    1,
		hashFuncs:     hashFuncs,
		tweak:         tweak,
		data:          make([]uint64, ((filterBits+63)/64)<<1),
	}
}

func (f *rollingBloom) hash(n int, key []byte) uint32 {
	return murmur3(uint32(n)*0xFBA4C795+f.tweak, key)
}

// pos returns the index of the first word of a pair and the bit within it.
func (f *rollingBloom) pos(h uint32) (int, uint) {
	p := int((uint64(h)*uint64(len(f.data)))>>32) &^ 1 // Core's FastRange32, even
	return p, uint(h & 63)
}

func (f *rollingBloom) insert(key []byte) {
	if f.thisGen == f.perGeneration {
		f.thisGen = 0
		f.generation++
		if f.generation == 4 {
			f.generation = 1
		}
		mask1 := -(f.generation & 1)
		mask2 := -(f.generation >> 1)
		// Wipe the entries of the generation being reused.
		for p := 0; p < len(f.data); p += 2 {
			p1, p2 := f.data[p], f.data[p+1]
			mask := (p1 ^ mask1) | (p2 ^ mask2)
			f.data[p] = p1 & mask
			f.data[p+1] = p2 & mask
		}
	}
	f.thisGen++
	for n := range f.hashFuncs {
		p, bit := f.pos(f.hash(n, key))
		f.data[p] = f.data[p]&^(1<<bit) | (f.generation&1)<<bit
		f.data[p+1] = f.data[p+1]&^(1<<bit) | (f.generation>>1)<<bit
	}
}

func (f *rollingBloom) contains(key []byte) bool {
	for n := range f.hashFuncs {
		p, bit := f.pos(f.hash(n, key))
		if (f.data[p]|f.data[p+1])>>bit&1 == 0 {
			return false
		}
	}
	return true
}

func (f *rollingBloom) reset() {
	f.thisGen = 0
	f.generation = 1
	clear(f.data)
}

// murmur3 is MurmurHash3 x86_32, the hash of Core's bloom filters.
func murmur3(seed uint32, data []byte) uint32 {
	const c1, c2 = 0xcc9e2d51, 0x1b873593
	h := seed
	n := len(data) / 4
	for i := range n {
		k := binary.LittleEndian.Uint32(data[4*i:])
		k *= c1
		k = bits.RotateLeft32(k, 15)
		k *= c2
		h ^= k
		h = bits.RotateLeft32(h, 13)
		h = h*5 + 0xe6546b64
	}
	tail := data[4*n:]
	var k uint32
	switch len(tail) {
	case 3:
		k ^= uint32(tail[2]) << 16
		fallthrough
	case 2:
		k ^= uint32(tail[1]) << 8
		fallthrough
	case 1:
		k ^= uint32(tail[0])
		k *= c1
		k = bits.RotateLeft32(k, 15)
		k *= c2
		h ^= k
	}
	h ^= uint32(len(data))
	h ^= h >> 16
	h *= 0x85ebca6b
	h ^= h >> 13
	h *= 0xc2b2ae35
	h ^= h >> 16
	return h
}
