package node

import (
	"time"
)

// progress tracks initial-sync speed for the log and the RPC server.
type progress struct {
	lastHeight int32
	lastTime   time.Time
}

// SyncProgress is the node's view of initial block download.
type SyncProgress struct {
	Height, HeaderHeight int32
	// Percent of the best header chain connected.
	Percent float64
	// BlocksPerSecond since the last report, and the time left at that
	// rate.
	BlocksPerSecond float64
	ETA             time.Duration
	InitialDownload bool
	Peers           int
}

// Progress reports sync progress (for getblockchaininfo-style RPCs).
func (n *Node) Progress() SyncProgress {
	_, height := n.chain.Tip()
	_, headers := n.chain.BestHeader()
	n.mu.Lock()
	peers := len(n.peers)
	pr := n.prog
	n.mu.Unlock()
	sp := SyncProgress{Height: height, HeaderHeight: headers, InitialDownload: n.chain.IsInitialBlockDownload(), Peers: peers}
	if headers > 0 {
		sp.Percent = 100 * float64(height) / float64(headers)
	}
	if dt := time.Since(pr.lastTime).Seconds(); !pr.lastTime.IsZero() && dt > 0 {
		sp.BlocksPerSecond = float64(height-pr.lastHeight) / dt
		if sp.BlocksPerSecond > 0 {
			sp.ETA = time.Duration(float64(headers-height) / sp.BlocksPerSecond * float64(time.Second))
		}
	}
	return sp
}

// logProgress writes a progress line while the node is catching up.
func (n *Node) logProgress() {
	sp := n.Progress()
	n.mu.Lock()
	n.prog = progress{lastHeight: sp.Height, lastTime: time.Now()}
	n.mu.Unlock()
	if !sp.InitialDownload && sp.Height == sp.HeaderHeight {
		return
	}
	n.log.Info("sync progress", "height", sp.Height, "headers", sp.HeaderHeight,
		"percent", float64(int(sp.Percent*100))/100, "blocks_per_s", float64(int(sp.BlocksPerSecond*10))/10,
		"eta", sp.ETA.Round(time.Second), "peers", sp.Peers)
}
