package node

import (
	"testing"
	"time"
)

func TestPeerControls(t *testing.T) {
	p := regtest()
	a := startNode(t, p)
	b := startNode(t, p, a.addr)
	waitFor(t, "a ready peer on A", func() bool {
		peers := a.node.Peers()
		return len(peers) == 1 && peers[0].Version > 0
	})
	// NetTotals counts live connections.
	recv, sent := a.node.NetTotals()
	if recv == 0 || sent == 0 {
		t.Fatalf("NetTotals %d/%d with a connected peer", recv, sent)
	}
	// PingPeers measures a round trip.
	a.node.PingPeers()
	waitFor(t, "a ping time", func() bool {
		peers := a.node.Peers()
		return len(peers) == 1 && peers[0].PingTime > 0
	})
	if a.node.DisconnectPeer(-1) {
		t.Error("disconnected an unknown peer")
	}
	id := a.node.Peers()[0].ID
	recv, sent = a.node.NetTotals()
	if !a.node.DisconnectPeer(id) {
		t.Fatal("DisconnectPeer of a connected peer failed")
	}
	waitFor(t, "the peer gone", func() bool {
		for _, pi := range a.node.Peers() {
			if pi.ID == id {
				return false
			}
		}
		return true
	})
	// Ended connections still count.
	if r, s := a.node.NetTotals(); r < recv || s < sent {
		t.Errorf("NetTotals fell from %d/%d to %d/%d after a disconnect", recv, sent, r, s)
	}
	b.stop()
}

func TestAddNodeAndNetworkActive(t *testing.T) {
	p := regtest()
	a := startNode(t, p)
	b := startNode(t, p)
	if !b.node.AddNode(a.addr) {
		t.Fatal("AddNode failed")
	}
	if b.node.AddNode(a.addr) {
		t.Fatal("AddNode twice succeeded")
	}
	waitFor(t, "B connected to its added node", func() bool {
		added := b.node.AddedNodes()
		return len(added) == 1 && added[0].Addr == a.addr && added[0].ConnectedAddr == a.addr && len(b.node.Peers()) == 1
	})
	// Removing stops redialling but keeps the connection.
	if !b.node.RemoveNode(a.addr) {
		t.Fatal("RemoveNode failed")
	}
	if b.node.RemoveNode(a.addr) {
		t.Fatal("RemoveNode twice succeeded")
	}
	if len(b.node.AddedNodes()) != 0 || len(b.node.Peers()) != 1 {
		t.Fatalf("after RemoveNode: added %v, %d peers", b.node.AddedNodes(), len(b.node.Peers()))
	}
	// Turning the network off drops every peer and refuses new ones.
	a.node.SetNetworkActive(false)
	if a.node.NetworkActive() {
		t.Fatal("still active")
	}
	waitFor(t, "A without peers", func() bool { return len(a.node.Peers()) == 0 && len(b.node.Peers()) == 0 })
	c := startNode(t, p)
	c.node.OneTry(a.addr)
	time.Sleep(300 * time.Millisecond)
	if len(a.node.Peers()) != 0 {
		t.Fatal("inactive node accepted a peer")
	}
	a.node.SetNetworkActive(true)
	c.node.OneTry(a.addr)
	waitFor(t, "C connected once", func() bool { return len(c.node.Peers()) == 1 && len(a.node.Peers()) == 1 })
	if len(c.node.AddedNodes()) != 0 {
		t.Error("onetry added the node")
	}
}
