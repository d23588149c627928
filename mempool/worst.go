package mempool

import "container/heap"

// worstHeap orders clusters by their last chunk's feerate, lowest first
// (ties: the newest cluster first), so eviction finds the pool's worst
// chunk in O(log n).
type worstHeap []*poolCluster

func (h worstHeap) Len() int { return len(h) }

func (h worstHeap) Less(i, j int) bool {
	a, b := h[i].chunks[len(h[i].chunks)-1], h[j].chunks[len(h[j].chunks)-1]
	if c := a.FeeFrac.FeeRateCmp(b.FeeFrac); c != 0 {
		return c < 0
	}
	return h[i].seq > h[j].seq
}

func (h worstHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].heapIdx, h[j].heapIdx = i, j
}

func (h *worstHeap) Push(x any) {
	cl := x.(*poolCluster)
	cl.heapIdx = len(*h)
	*h = append(*h, cl)
}

func (h *worstHeap) Pop() any {
	old := *h
	cl := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	cl.heapIdx = -1
	return cl
}

// addCluster and removeCluster keep the cluster set and the heap in step.
// Caller holds mu.
func (p *Pool) addCluster(cl *poolCluster) {
	p.clusters[cl] = struct{}{}
	heap.Push(&p.worst, cl)
}

func (p *Pool) removeCluster(cl *poolCluster) {
	if _, ok := p.clusters[cl]; !ok {
		return
	}
	delete(p.clusters, cl)
	heap.Remove(&p.worst, cl.heapIdx)
}
