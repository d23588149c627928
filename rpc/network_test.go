package rpc

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/bitnode/bitnode/mempool/feeest"
	"github.com/bitnode/bitnode/node"
	"github.com/bitnode/bitnode/node/peer"
	"github.com/bitnode/bitnode/wire"
)

type fakeNetwork struct {
	peers        []peer.Info
	relayed      []wire.Hash
	pings        int
	recv, sent   uint64
	disconnected []int64
	added        []node.AddedNode
	onetry       []string
	inactive     bool
}

func (f *fakeNetwork) AddNode(addr string) bool {
	for _, a := range f.added {
		if a.Addr == addr {
			return false
		}
	}
	f.added = append(f.added, node.AddedNode{Addr: addr})
	return true
}

func (f *fakeNetwork) RemoveNode(addr string) bool {
	for i, a := range f.added {
		if a.Addr == addr {
			f.added = append(f.added[:i:i], f.added[i+1:]...)
			return true
		}
	}
	return false
}
func (f *fakeNetwork) OneTry(addr string)           { f.onetry = append(f.onetry, addr) }
func (f *fakeNetwork) AddedNodes() []node.AddedNode { return f.added }
func (f *fakeNetwork) SetNetworkActive(active bool) { f.inactive = !active }
func (f *fakeNetwork) NetworkActive() bool          { return !f.inactive }

func (f *fakeNetwork) DisconnectPeer(id int64) bool {
	for i, p := range f.peers {
		if p.ID == id {
			f.peers = append(f.peers[:i:i], f.peers[i+1:]...)
			f.disconnected = append(f.disconnected, id)
			return true
		}
	}
	return false
}
func (f *fakeNetwork) PingPeers()                     { f.pings++ }
func (f *fakeNetwork) NetTotals() (recv, sent uint64) { return f.recv, f.sent }

func (f *fakeNetwork) Peers() []peer.Info      { return f.peers }
func (f *fakeNetwork) ListenAddrs() []net.Addr { return nil }
func (f *fakeNetwork) RelayTransaction(tx *wire.Tx, _, _ int64) {
	f.relayed = append(f.relayed, tx.TxHash())
}

func TestNetworkMethods(t *testing.T) {
	now := time.Now()
	netw := &fakeNetwork{peers: []peer.Info{
		{ID: 7, Addr: "203.0.113.5:8333", Inbound: true, Services: wire.SFNodeNetwork | wire.SFNodeWitness,
			RelayTxes: true, LastSend: now, LastRecv: now, ConnTime: now, BytesSent: 100, BytesRecv: 200,
			PingTime: 1500 * time.Millisecond, MinPing: time.Second, PingWait: -1, Version: 70016,
			SubVer: "/Satoshi:29.0.0/", MinFeeFilter: 1000, BytesSentPerMsg: map[string]uint64{"ping": 32, "tx": 0},
			BytesRecvPerMsg: map[string]uint64{"pong": 32}},
		{ID: 3, Addr: "127.0.0.1:18444", PingTime: -1, MinPing: -1, PingWait: 2 * time.Second},
	}}
	n := newNode(t, func(c *Config) { c.Network = netw })
	if got := string(n.call("getconnectioncount")); got != "2" {
		t.Fatalf("getconnectioncount %s", got)
	}
	var peers []map[string]any
	decode(t, n.call("getpeerinfo"), &peers)
	if len(peers) != 2 || peers[0]["id"] != float64(3) {
		t.Fatalf("getpeerinfo not sorted by id: %v", peers)
	}
	p := peers[1]
	if p["addr"] != "203.0.113.5:8333" || p["network"] != "ipv4" || p["services"] != "0000000000000009" ||
		p["pingtime"] != 1.5 || p["minping"] != float64(1) || p["inbound"] != true || p["connection_type"] != "inbound" ||
		p["minfeefilter"] != 0.00001 || p["subver"] != "/Satoshi:29.0.0/" || p["transport_protocol_type"] != "v1" {
		t.Fatalf("peer: %v", p)
	}
	if names := p["servicesnames"].([]any); len(names) != 2 || names[0] != "NETWORK" || names[1] != "WITNESS" {
		t.Errorf("servicesnames %v", names)
	}
	if sent := p["bytessent_per_msg"].(map[string]any); len(sent) != 1 || sent["ping"] != float64(32) {
		t.Errorf("bytessent_per_msg %v", sent)
	}
	if _, ok := p["pingwait"]; ok {
		t.Error("pingwait without an outstanding ping")
	}
	q := peers[0]
	if q["network"] != "not_publicly_routable" || q["connection_type"] != "outbound-full-relay" || q["pingwait"] != float64(2) {
		t.Errorf("local peer: %v", q)
	}
	if _, ok := q["pingtime"]; ok {
		t.Error("pingtime before any pong")
	}
	var info networkInfo
	decode(t, n.call("getnetworkinfo"), &info)
	if info.Version != 100 || info.SubVersion != "/bitnode:test/" || info.ProtocolVersion != 70016 ||
		info.LocalServices != "0000000000000009" || info.Connections != 2 || info.ConnectionsIn != 1 ||
		info.ConnectionsOut != 1 || len(info.Networks) != 5 || !info.NetworkActive || info.RelayFee != 100 {
		t.Fatalf("getnetworkinfo: %+v", info)
	}
	// sendrawtransaction relays through the node.
	tx := spendTx(n.coinbase(), 1000, 1)
	n.send(tx)
	if len(netw.relayed) != 1 || netw.relayed[0] != tx.TxHash() {
		t.Errorf("relayed %v", netw.relayed)
	}
}

func TestNetTotalsPingDisconnect(t *testing.T) {
	netw := &fakeNetwork{recv: 1234, sent: 5678, peers: []peer.Info{
		{ID: 1, Addr: "203.0.113.5:8333"}, {ID: 2, Addr: "203.0.113.6:8333"}, {ID: 3, Addr: "[2001:db8::1]:8333"},
	}}
	n := newNode(t, func(c *Config) { c.Network = netw })
	before := time.Now().UnixMilli()
	m := object(t, n.call("getnettotals"))
	if m["totalbytesrecv"] != float64(1234) || m["totalbytessent"] != float64(5678) {
		t.Fatalf("getnettotals: %v", m)
	}
	if ms, ok := m["timemillis"].(float64); !ok || int64(ms) < before || int64(ms) > time.Now().UnixMilli() {
		t.Errorf("timemillis %v", m["timemillis"])
	}
	up, ok := m["uploadtarget"].(map[string]any)
	if !ok || up["timeframe"] != float64(86400) || up["target"] != float64(0) || up["target_reached"] != false ||
		up["serve_historical_blocks"] != true || up["bytes_left_in_cycle"] != float64(0) || up["time_left_in_cycle"] != float64(0) {
		t.Errorf("uploadtarget: %v", m["uploadtarget"])
	}
	if got := string(n.call("ping")); got != "null" || netw.pings != 1 {
		t.Fatalf("ping: %s, %d pings", got, netw.pings)
	}
	// By address, by id (empty address or named), then the errors.
	if got := string(n.call("disconnectnode", "203.0.113.5:8333")); got != "null" {
		t.Fatalf("disconnectnode: %s", got)
	}
	n.call("disconnectnode", "", 2)
	n.wantErr(ErrClientNodeNotConnected, "Node not found in connected nodes", "disconnectnode", "203.0.113.5:8333")
	n.wantErr(ErrClientNodeNotConnected, "Node not found in connected nodes", "disconnectnode", "", 2)
	if _, e := n.callRaw("disconnectnode", []byte(`{"nodeid":3}`)); e != nil {
		t.Fatalf("disconnectnode by named nodeid: %v", e)
	}
	if len(netw.disconnected) != 3 || netw.disconnected[0] != 1 || netw.disconnected[1] != 2 || netw.disconnected[2] != 3 {
		t.Errorf("disconnected %v", netw.disconnected)
	}
	const both = "Only one of address and nodeid should be provided."
	n.wantErr(ErrInvalidParams, both, "disconnectnode")
	n.wantErr(ErrInvalidParams, both, "disconnectnode", "203.0.113.5:8333", 1)
	n.wantErr(ErrType, "", "disconnectnode", "", "1")
}

func TestAddNodeMethods(t *testing.T) {
	netw := &fakeNetwork{}
	n := newNode(t, func(c *Config) { c.Network = netw })
	var list []addedNodeJSON
	decode(t, n.call("getaddednodeinfo"), &list)
	if list == nil || len(list) != 0 {
		t.Fatalf("no added nodes: %v", list)
	}
	if got := string(n.call("addnode", "192.168.0.6:8333", "add")); got != "null" {
		t.Fatalf("addnode add: %s", got)
	}
	n.call("addnode", "10.0.0.1:8333", "add", false)
	n.wantErr(ErrClientNodeAlreadyAdded, "Error: Node already added", "addnode", "192.168.0.6:8333", "add")
	n.call("addnode", "10.0.0.2:8333", "onetry")
	if len(netw.onetry) != 1 || netw.onetry[0] != "10.0.0.2:8333" {
		t.Errorf("onetry %v", netw.onetry)
	}
	netw.added[1].ConnectedAddr = "10.0.0.1:8333"
	m := n.call("getaddednodeinfo")
	decode(t, m, &list)
	if len(list) != 2 || list[0].AddedNode != "192.168.0.6:8333" || list[0].Connected || len(list[0].Addresses) != 0 ||
		!list[1].Connected || len(list[1].Addresses) != 1 || list[1].Addresses[0] != (addedAddressJSON{"10.0.0.1:8333", "outbound"}) {
		t.Fatalf("getaddednodeinfo: %s", m)
	}
	decode(t, n.call("getaddednodeinfo", "10.0.0.1:8333"), &list)
	if len(list) != 1 || list[0].AddedNode != "10.0.0.1:8333" {
		t.Fatalf("getaddednodeinfo one: %v", list)
	}
	n.wantErr(ErrClientNodeNotAdded, "Error: Node has not been added.", "getaddednodeinfo", "10.0.0.2:8333")
	n.call("addnode", "192.168.0.6:8333", "remove")
	n.wantErr(ErrClientNodeNotAdded, "Error: Node could not be removed. It has not been added previously.",
		"addnode", "192.168.0.6:8333", "remove")
	n.wantErr(ErrMisc, "", "addnode", "192.168.0.6:8333", "connect")
	n.wantErr(ErrInvalidParameter, "Error: v2transport requested but not enabled (see -v2transport)",
		"addnode", "192.168.0.6:8333", "add", true)
	n.wantErr(ErrType, "", "addnode", "192.168.0.6:8333", "add", "yes")

	// setnetworkactive returns the state and getnetworkinfo follows it.
	if got := string(n.call("setnetworkactive", false)); got != "false" || !netw.inactive {
		t.Fatalf("setnetworkactive false: %s", got)
	}
	var info networkInfo
	decode(t, n.call("getnetworkinfo"), &info)
	if info.NetworkActive {
		t.Error("networkactive after setnetworkactive false")
	}
	if got := string(n.call("setnetworkactive", true)); got != "true" || netw.inactive {
		t.Fatalf("setnetworkactive true: %s", got)
	}
	n.wantErr(ErrType, "", "setnetworkactive", "true")
	n.wantErr(ErrMisc, "", "setnetworkactive")
}

func TestNetworkDisabled(t *testing.T) {
	n := newNode(t, nil)
	n.wantErr(ErrClientP2PDisabled, "Error: Peer-to-peer functionality missing or disabled", "addnode", "1.2.3.4:8333", "add")
	n.wantErr(ErrClientP2PDisabled, "Error: Peer-to-peer functionality missing or disabled", "getaddednodeinfo")
	n.wantErr(ErrClientP2PDisabled, "Error: Peer-to-peer functionality missing or disabled", "setnetworkactive", true)
	for _, m := range []string{"getnettotals", "ping"} {
		n.wantErr(ErrClientP2PDisabled, "Error: Peer-to-peer functionality missing or disabled", m)
	}
	n.wantErr(ErrClientP2PDisabled, "Error: Peer-to-peer functionality missing or disabled", "disconnectnode", "", 1)
	n.wantErr(ErrClientP2PDisabled, "Error: Peer-to-peer functionality missing or disabled", "getconnectioncount")
	n.wantErr(ErrClientP2PDisabled, "Error: Peer-to-peer functionality missing or disabled", "getpeerinfo")
	var info networkInfo
	decode(t, n.call("getnetworkinfo"), &info)
	if info.NetworkActive || info.Connections != 0 {
		t.Errorf("getnetworkinfo without P2P: %+v", info)
	}
}

func TestValidateAddress(t *testing.T) {
	n := newNode(t, nil)
	m := object(t, n.call("validateaddress", trueAddr))
	if m["isvalid"] != true || m["address"] != trueAddr || m["iswitness"] != true || m["witness_version"] != float64(0) ||
		m["isscript"] != true || m["scriptPubKey"] != "0020"+strings.TrimPrefix(m["witness_program"].(string), "") {
		t.Fatalf("valid: %v", m)
	}
	m = object(t, n.call("validateaddress", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"))
	if m["isvalid"] != false || m["error"] == "" {
		t.Fatalf("mainnet address on regtest: %v", m)
	}
	if _, ok := m["error_locations"]; !ok {
		t.Error("no error_locations")
	}
	n.wantErr(ErrType, "", "validateaddress", 1)
}

func TestEstimateSmartFee(t *testing.T) {
	n := newNode(t, nil)
	var r smartFeeJSON
	decode(t, n.call("estimatesmartfee", 6), &r)
	if r.FeeRate != nil || len(r.Errors) != 1 || r.Errors[0] != feeest.MsgInsufficientData || r.Blocks != 0 {
		t.Fatalf("no data: %+v", r)
	}
	decode(t, n.call("estimatesmartfee", 2, "CONSERVATIVE"), &r)
	decode(t, n.call("estimatesmartfee", 2, "unset"), &r)
	n.wantErr(ErrInvalidParameter, "Invalid conf_target, must be between 1 and 1008", "estimatesmartfee", 0)
	n.wantErr(ErrInvalidParameter, "Invalid conf_target, must be between 1 and 1008", "estimatesmartfee", 1009)
	n.wantErr(ErrInvalidParameter, `Invalid estimate_mode parameter, must be one of: "unset", "economical", "conservative"`, "estimatesmartfee", 2, "fast")
	n.wantErr(ErrType, "", "estimatesmartfee", "6")
	off := newNode(t, func(c *Config) { c.Fees = nil })
	off.wantErr(ErrInternal, "Fee estimation disabled", "estimatesmartfee", 6)
}

// fixedEstimator always has an estimate.
type fixedEstimator struct{ rate int64 }

func (f fixedEstimator) EstimateSmartFee(target int, _ feeest.Mode) feeest.Estimate {
	return feeest.Estimate{FeeRate: f.rate, Blocks: max(target, 2)}
}
func (f fixedEstimator) HighestTargetTracked(feeest.Horizon) int { return 1008 }

func TestEstimateSmartFeeFloor(t *testing.T) {
	n := newNode(t, func(c *Config) { c.Fees = fixedEstimator{rate: 50} })
	var r smartFeeJSON
	decode(t, n.call("estimatesmartfee", 1), &r)
	if r.FeeRate == nil || *r.FeeRate != 100 || r.Blocks != 2 || r.Errors != nil {
		t.Fatalf("estimate below the relay floor: %+v", r)
	}
}
