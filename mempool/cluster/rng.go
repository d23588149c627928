package cluster

import "math/bits"

// rng is a small deterministic generator (SplitMix64) for the random
// choices of the spanning-forest algorithm. Randomness there only breaks
// ties and picks among candidates; it never affects correctness, and a
// per-node seed keeps peers from predicting which clusters are slow for
// us.
type rng struct{ state uint64 }

func (r *rng) next() uint64 {
	r.state += 0x9e3779b97f4a7c15
	z := r.state
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// below returns a uniform value in [0, n); n must be positive.
func (r *rng) below(n int) int {
	hi, _ := bits.Mul64(r.next(), uint64(n))
	return int(hi)
}

// bit returns a uniform 0 or 1.
func (r *rng) bit() uint8 { return uint8(r.next() >> 63) }

// pick returns a uniformly chosen element of the non-empty set s.
func (r *rng) pick(s SetType) int { return s.Nth(r.below(s.Count())) }

// ring is a FIFO of at most MaxClusterCount entries.
type ring[T any] struct {
	buf     [MaxClusterCount]T
	head, n int
}

func (q *ring[T]) push(v T) {
	q.buf[(q.head+q.n)%MaxClusterCount] = v
	q.n++
}

func (q *ring[T]) pop() T {
	v := q.buf[q.head]
	q.head = (q.head + 1) % MaxClusterCount
	q.n--
	return v
}

// swapLast swaps the last entry with the k-th (counting from the head).
func (q *ring[T]) swapLast(k int) {
	a, b := (q.head+k)%MaxClusterCount, (q.head+q.n-1)%MaxClusterCount
	q.buf[a], q.buf[b] = q.buf[b], q.buf[a]
}
