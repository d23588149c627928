package node

// Operator controls used by the RPC server (disconnectnode, ping,
// getnettotals).

// DisconnectPeer ends the connection with peer id, reporting whether such
// a peer was connected (Core's disconnectnode).
func (n *Node) DisconnectPeer(id int64) bool {
	n.mu.Lock()
	sp, ok := n.peers[id]
	n.mu.Unlock()
	if !ok {
		return false
	}
	sp.p.Disconnect(nil)
	return true
}

// PingPeers sends a ping to every peer whose handshake is complete,
// replacing any outstanding one (Core's ping).
func (n *Node) PingPeers() {
	n.mu.Lock()
	peers := make([]*syncPeer, 0, len(n.peers))
	for _, sp := range n.peers {
		peers = append(peers, sp)
	}
	n.mu.Unlock()
	for _, sp := range peers {
		_ = sp.p.Ping()
	}
}

// NetTotals returns the bytes received and sent over every connection
// since the node started, ended ones included (getnettotals).
func (n *Node) NetTotals() (recv, sent uint64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	recv, sent = n.closedRecv, n.closedSent
	for _, sp := range n.peers {
		recv += sp.p.BytesRecv()
		sent += sp.p.BytesSent()
	}
	return recv, sent
}

// addedNode is a peer added with addnode (or -addnode).
type addedNode struct {
	stop chan struct{}
	// conn is the remote address while connected.
	conn string
}

// AddedNode is an addnode peer as getaddednodeinfo reports it.
type AddedNode struct {
	// Addr is the address as given to AddNode.
	Addr string
	// ConnectedAddr is the remote address of the connection to it, "" when
	// not connected.
	ConnectedAddr string
}

func (n *Node) setAddedConn(a *addedNode, conn string) {
	if a == nil {
		return
	}
	n.mu.Lock()
	a.conn = conn
	n.mu.Unlock()
}

// AddNode adds addr ("host:port") to the peers dialled and redialled for
// as long as the node runs, reporting false if it was already added
// (Core's addnode add).
func (n *Node) AddNode(addr string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, ok := n.added[addr]; ok {
		return false
	}
	if n.added == nil {
		n.added = map[string]*addedNode{}
	}
	a := &addedNode{stop: make(chan struct{})}
	n.added[addr] = a
	n.addedOrder = append(n.addedOrder, addr)
	if n.runCtx != nil {
		n.startPersistent(n.runCtx, addr, a)
	}
	return true
}

// RemoveNode stops redialling an added peer, reporting false if addr was
// not added. A connection already open stays open (Core's addnode remove).
func (n *Node) RemoveNode(addr string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	a, ok := n.added[addr]
	if !ok {
		return false
	}
	close(a.stop)
	delete(n.added, addr)
	for i, s := range n.addedOrder {
		if s == addr {
			n.addedOrder = append(n.addedOrder[:i:i], n.addedOrder[i+1:]...)
			break
		}
	}
	return true
}

// AddedNodes lists the added peers in the order they were added.
func (n *Node) AddedNodes() []AddedNode {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]AddedNode, len(n.addedOrder))
	for i, addr := range n.addedOrder {
		out[i] = AddedNode{Addr: addr, ConnectedAddr: n.added[addr].conn}
	}
	return out
}

// OneTry dials addr once in the background (Core's addnode onetry); it
// does nothing while the node is not running or the network is inactive.
func (n *Node) OneTry(addr string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	ctx := n.runCtx
	if ctx == nil || n.inactive.Load() {
		return
	}
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		conn, err := n.cfg.Dial(ctx, addr)
		if err != nil {
			n.log.Debug("dial failed", "addr", addr, "err", err)
			return
		}
		n.runPeer(ctx, conn, false, netAddrOf(conn.RemoteAddr()), true)
	}()
}

// SetNetworkActive turns all P2P activity on or off (Core's
// setnetworkactive): turning it off disconnects every peer and refuses new
// connections in and out until it is turned on again.
func (n *Node) SetNetworkActive(active bool) {
	n.inactive.Store(!active)
	if active {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, sp := range n.peers {
		sp.p.Disconnect(nil)
	}
}

// NetworkActive reports whether P2P activity is on.
func (n *Node) NetworkActive() bool { return !n.inactive.Load() }
