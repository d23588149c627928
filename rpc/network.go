package rpc

import (
	"context"
	"fmt"
	"math/bits"
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/bitnode/bitnode/chain/txjson"
	"github.com/bitnode/bitnode/node/peer"
	"github.com/bitnode/bitnode/wire"
)

func networkCommands() []*Command {
	return []*Command{getConnectionCountCommand(), getPeerInfoCommand(), getNetworkInfoCommand(),
		getNetTotalsCommand(), pingCommand(), disconnectNodeCommand(), addNodeCommand(), getAddedNodeInfoCommand(),
		setNetworkActiveCommand()}
}

// network returns the P2P node, or Core's RPC_CLIENT_P2P_DISABLED.
func (s *Server) network() (Network, *Error) {
	if s.cfg.Network == nil {
		return nil, errorf(ErrClientP2PDisabled, "Error: Peer-to-peer functionality missing or disabled")
	}
	return s.cfg.Network, nil
}

func getConnectionCountCommand() *Command {
	return &Command{
		Name: "getconnectioncount", Category: "network",
		Desc:     "Returns the number of connections to other nodes.",
		Results:  []Result{{Type: ResNum, Desc: "The connection count"}},
		Examples: examples("getconnectioncount", ""),
		handler: func(_ context.Context, s *Server, _ *callArgs) (any, error) {
			n, err := s.network()
			if err != nil {
				return nil, err
			}
			return len(n.Peers()), nil
		},
	}
}

// serviceNames lists the names of the service bits set, as Core's
// GetServicesNames.
func serviceNames(f wire.ServiceFlag) []string {
	out := []string{}
	for v := uint64(f); v != 0; v &= v - 1 {
		out = append(out, wire.ServiceFlag(1<<bits.TrailingZeros64(v)).String())
	}
	return out
}

// networkName classifies an address as Core's GetNetworkName of the
// connection's network.
func networkName(addr string) string {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		if strings.Contains(addr, ".onion") {
			return "onion"
		}
		return "not_publicly_routable"
	}
	ip := ap.Addr().Unmap()
	if !ip.IsGlobalUnicast() || ip.IsPrivate() {
		return "not_publicly_routable"
	}
	if ip.Is4() {
		return "ipv4"
	}
	return "ipv6"
}

type peerJSON struct {
	ID                    int64             `json:"id"`
	Addr                  string            `json:"addr"`
	AddrLocal             string            `json:"addrlocal,omitempty"`
	Network               string            `json:"network"`
	Services              string            `json:"services"`
	ServicesNames         []string          `json:"servicesnames"`
	RelayTxes             bool              `json:"relaytxes"`
	LastInvSequence       int64             `json:"last_inv_sequence"`
	InvToSend             int64             `json:"inv_to_send"`
	LastSend              int64             `json:"lastsend"`
	LastRecv              int64             `json:"lastrecv"`
	LastTransaction       int64             `json:"last_transaction"`
	LastBlock             int64             `json:"last_block"`
	BytesSent             uint64            `json:"bytessent"`
	BytesRecv             uint64            `json:"bytesrecv"`
	ConnTime              int64             `json:"conntime"`
	TimeOffset            int64             `json:"timeoffset"`
	PingTime              *txjson.Float     `json:"pingtime,omitempty"`
	MinPing               *txjson.Float     `json:"minping,omitempty"`
	PingWait              *txjson.Float     `json:"pingwait,omitempty"`
	Version               int32             `json:"version"`
	SubVer                string            `json:"subver"`
	Inbound               bool              `json:"inbound"`
	BIP152HBTo            bool              `json:"bip152_hb_to"`
	BIP152HBFrom          bool              `json:"bip152_hb_from"`
	PresyncedHeaders      int64             `json:"presynced_headers"`
	SyncedHeaders         int64             `json:"synced_headers"`
	SyncedBlocks          int64             `json:"synced_blocks"`
	Inflight              []int64           `json:"inflight"`
	AddrRelayEnabled      bool              `json:"addr_relay_enabled"`
	AddrProcessed         uint64            `json:"addr_processed"`
	AddrRateLimited       uint64            `json:"addr_rate_limited"`
	Permissions           []string          `json:"permissions"`
	MinFeeFilter          txjson.Amount     `json:"minfeefilter"`
	BytesSentPerMsg       map[string]uint64 `json:"bytessent_per_msg"`
	BytesRecvPerMsg       map[string]uint64 `json:"bytesrecv_per_msg"`
	ConnectionType        string            `json:"connection_type"`
	TransportProtocolType string            `json:"transport_protocol_type"`
	SessionID             string            `json:"session_id"`
}

// unixOrZero is a time as UNIX seconds, 0 for the zero time.
func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func seconds(d time.Duration) *txjson.Float {
	v := txjson.Float(d.Seconds())
	return &v
}

func peerToJSON(in *peer.Info) peerJSON {
	r := peerJSON{ID: in.ID, Addr: in.Addr, AddrLocal: in.AddrLocal, Network: networkName(in.Addr),
		Services: fmt.Sprintf("%016x", uint64(in.Services)), ServicesNames: serviceNames(in.Services),
		RelayTxes: in.RelayTxes, LastSend: unixOrZero(in.LastSend), LastRecv: unixOrZero(in.LastRecv),
		BytesSent: in.BytesSent, BytesRecv: in.BytesRecv, ConnTime: unixOrZero(in.ConnTime),
		TimeOffset: int64(in.TimeOffset / time.Second), Version: in.Version, SubVer: in.SubVer,
		Inbound: in.Inbound, BIP152HBFrom: in.BIP152HBFrom, PresyncedHeaders: -1, SyncedHeaders: -1,
		SyncedBlocks: -1, Inflight: []int64{}, AddrRelayEnabled: true, Permissions: []string{},
		MinFeeFilter: txjson.Amount(in.MinFeeFilter), BytesSentPerMsg: nonZero(in.BytesSentPerMsg),
		BytesRecvPerMsg: nonZero(in.BytesRecvPerMsg), ConnectionType: "outbound-full-relay",
		TransportProtocolType: in.TransportProtocolType}
	if in.Inbound {
		r.ConnectionType = "inbound"
	}
	if r.TransportProtocolType == "" {
		r.TransportProtocolType = "v1"
	}
	if in.PingTime > 0 {
		r.PingTime = seconds(in.PingTime)
	}
	if in.MinPing > 0 {
		r.MinPing = seconds(in.MinPing)
	}
	if in.PingWait > 0 {
		r.PingWait = seconds(in.PingWait)
	}
	return r
}

// nonZero keeps the message types with traffic, as Core lists them.
func nonZero(m map[string]uint64) map[string]uint64 {
	out := map[string]uint64{}
	for k, v := range m {
		if v > 0 {
			out[k] = v
		}
	}
	return out
}

func getPeerInfoCommand() *Command {
	return &Command{
		Name: "getpeerinfo", Category: "network",
		Desc: "Returns data about each connected network peer as a json array of objects.\n" +
			"Fields bitnode does not track yet have their \"unknown\" values: synced_headers, synced_blocks and presynced_headers -1, " +
			"inflight, permissions empty, last_transaction, last_block, inv_to_send and last_inv_sequence 0.",
		Results:  []Result{{Type: ResArr, Inner: []Result{{Type: ResObj, Inner: peerFields()}}}},
		Examples: examples("getpeerinfo", ""),
		handler: func(_ context.Context, s *Server, _ *callArgs) (any, error) {
			n, err := s.network()
			if err != nil {
				return nil, err
			}
			peers := n.Peers()
			sort.Slice(peers, func(i, j int) bool { return peers[i].ID < peers[j].ID })
			out := make([]peerJSON, len(peers))
			for i := range peers {
				out[i] = peerToJSON(&peers[i])
			}
			return out, nil
		},
	}
}

func peerFields() []Result {
	perMsg := func(key, dir string) Result {
		return Result{Type: ResObjDyn, Key: key, Inner: []Result{{Type: ResNum, Key: "msg",
			Desc: "The total bytes " + dir + " aggregated by message type\nWhen a message type is not listed in this json object, the bytes " + dir + " are 0.\nOnly known message types can appear as keys in the object."}}}
	}
	return []Result{
		{Type: ResNum, Key: "id", Desc: "Peer index"},
		{Type: ResStr, Key: "addr", Desc: "(host:port) The IP address/hostname optionally followed by :port of the peer"},
		{Type: ResStr, Key: "addrlocal", Optional: true, Desc: "(ip:port) Local address as reported by the peer"},
		{Type: ResStr, Key: "network", Desc: "Network (ipv4, ipv6, onion, i2p, cjdns, not_publicly_routable)"},
		{Type: ResHex, Key: "services", Desc: "The services offered"},
		{Type: ResArr, Key: "servicesnames", Desc: "the services offered, in human-readable form", Inner: []Result{{Type: ResStr, Key: "SERVICE_NAME", Desc: "the service name if it is recognised"}}},
		{Type: ResBool, Key: "relaytxes", Desc: "Whether we relay transactions to this peer"},
		{Type: ResNum, Key: "last_inv_sequence", Desc: "Mempool sequence number of this peer's last INV"},
		{Type: ResNum, Key: "inv_to_send", Desc: "How many txs we have queued to announce to this peer"},
		{Type: ResTime, Key: "lastsend", Desc: "The UNIX epoch time of the last send"},
		{Type: ResTime, Key: "lastrecv", Desc: "The UNIX epoch time of the last receive"},
		{Type: ResTime, Key: "last_transaction", Desc: "The UNIX epoch time of the last valid transaction received from this peer"},
		{Type: ResTime, Key: "last_block", Desc: "The UNIX epoch time of the last block received from this peer"},
		{Type: ResNum, Key: "bytessent", Desc: "The total bytes sent"},
		{Type: ResNum, Key: "bytesrecv", Desc: "The total bytes received"},
		{Type: ResTime, Key: "conntime", Desc: "The UNIX epoch time of the connection"},
		{Type: ResNum, Key: "timeoffset", Desc: "The time offset in seconds"},
		{Type: ResNum, Key: "pingtime", Optional: true, Desc: "The last ping time in seconds, if any"},
		{Type: ResNum, Key: "minping", Optional: true, Desc: "The minimum observed ping time in seconds, if any"},
		{Type: ResNum, Key: "pingwait", Optional: true, Desc: "The duration in seconds of an outstanding ping (if non-zero)"},
		{Type: ResNum, Key: "version", Desc: "The peer version, such as 70001"},
		{Type: ResStr, Key: "subver", Desc: "The string version"},
		{Type: ResBool, Key: "inbound", Desc: "Inbound (true) or Outbound (false)"},
		{Type: ResBool, Key: "bip152_hb_to", Desc: "Whether we selected peer as (compact blocks) high-bandwidth peer"},
		{Type: ResBool, Key: "bip152_hb_from", Desc: "Whether peer selected us as (compact blocks) high-bandwidth peer"},
		{Type: ResNum, Key: "presynced_headers", Desc: "The current height of header pre-synchronization with this peer, or -1 if no low-work sync is in progress"},
		{Type: ResNum, Key: "synced_headers", Desc: "The last header we have in common with this peer"},
		{Type: ResNum, Key: "synced_blocks", Desc: "The last block we have in common with this peer"},
		{Type: ResArr, Key: "inflight", Inner: []Result{{Type: ResNum, Key: "n", Desc: "The heights of blocks we're currently asking from this peer"}}},
		{Type: ResBool, Key: "addr_relay_enabled", Desc: "Whether we participate in address relay with this peer"},
		{Type: ResNum, Key: "addr_processed", Desc: "The total number of addresses processed, excluding those dropped due to rate limiting"},
		{Type: ResNum, Key: "addr_rate_limited", Desc: "The total number of addresses dropped due to rate limiting"},
		{Type: ResArr, Key: "permissions", Desc: "Any special permissions that have been granted to this peer", Inner: []Result{{Type: ResStr, Key: "permission_type"}}},
		{Type: ResAmount, Key: "minfeefilter", Desc: "The minimum fee rate for transactions this peer accepts"},
		perMsg("bytessent_per_msg", "sent"),
		perMsg("bytesrecv_per_msg", "received"),
		{Type: ResStr, Key: "connection_type", Desc: "Type of connection: inbound, or outbound-full-relay (bitnode does not tell its outbound kinds apart yet)"},
		{Type: ResStr, Key: "transport_protocol_type", Desc: "Type of transport protocol: v1 (plaintext transport protocol)"},
		{Type: ResStr, Key: "session_id", Desc: "The session ID for this connection, or \"\" if there is none (\"v2\" transport protocol only)."},
	}
}

type networkJSON struct {
	Name                      string `json:"name"`
	Limited                   bool   `json:"limited"`
	Reachable                 bool   `json:"reachable"`
	Proxy                     string `json:"proxy"`
	ProxyRandomizeCredentials bool   `json:"proxy_randomize_credentials"`
}

type localAddressJSON struct {
	Address string `json:"address"`
	Port    int    `json:"port"`
	Score   int    `json:"score"`
}

type networkInfo struct {
	Version            int                `json:"version"`
	SubVersion         string             `json:"subversion"`
	ProtocolVersion    uint32             `json:"protocolversion"`
	LocalServices      string             `json:"localservices"`
	LocalServicesNames []string           `json:"localservicesnames"`
	LocalRelay         bool               `json:"localrelay"`
	TimeOffset         int64              `json:"timeoffset"`
	NetworkActive      bool               `json:"networkactive"`
	Connections        int                `json:"connections"`
	ConnectionsIn      int                `json:"connections_in"`
	ConnectionsOut     int                `json:"connections_out"`
	Networks           []networkJSON      `json:"networks"`
	RelayFee           txjson.Amount      `json:"relayfee"`
	IncrementalFee     txjson.Amount      `json:"incrementalfee"`
	LocalAddresses     []localAddressJSON `json:"localaddresses"`
	Warnings           []string           `json:"warnings"`
}

func getNetworkInfoCommand() *Command {
	return &Command{
		Name: "getnetworkinfo", Category: "network",
		Desc: "Returns an object containing various state info regarding P2P networking.",
		Results: []Result{{Type: ResObj, Inner: []Result{
			{Type: ResNum, Key: "version", Desc: "the server version"},
			{Type: ResStr, Key: "subversion", Desc: "the server subversion string"},
			{Type: ResNum, Key: "protocolversion", Desc: "the protocol version"},
			{Type: ResHex, Key: "localservices", Desc: "the services we offer to the network"},
			{Type: ResArr, Key: "localservicesnames", Desc: "the services we offer to the network, in human-readable form", Inner: []Result{{Type: ResStr, Key: "SERVICE_NAME", Desc: "the service name"}}},
			{Type: ResBool, Key: "localrelay", Desc: "true if transaction relay is requested from peers"},
			{Type: ResNum, Key: "timeoffset", Desc: "the time offset"},
			{Type: ResBool, Key: "networkactive", Desc: "whether p2p networking is enabled"},
			{Type: ResNum, Key: "connections", Desc: "the total number of connections"},
			{Type: ResNum, Key: "connections_in", Desc: "the number of inbound connections"},
			{Type: ResNum, Key: "connections_out", Desc: "the number of outbound connections"},
			{Type: ResArr, Key: "networks", Desc: "information per network", Inner: []Result{{Type: ResObj, Inner: []Result{
				{Type: ResStr, Key: "name", Desc: "network (ipv4, ipv6, onion, i2p, cjdns)"},
				{Type: ResBool, Key: "limited", Desc: "is the network limited using -onlynet?"},
				{Type: ResBool, Key: "reachable", Desc: "is the network reachable?"},
				{Type: ResStr, Key: "proxy", Desc: "(\"host:port\") the proxy that is used for this network, or empty if none"},
				{Type: ResBool, Key: "proxy_randomize_credentials", Desc: "Whether randomized credentials are used"},
			}}}},
			{Type: ResAmount, Key: "relayfee", Desc: "minimum relay fee rate for transactions in BTC/kvB"},
			{Type: ResAmount, Key: "incrementalfee", Desc: "minimum fee rate increment for mempool limiting or replacement in BTC/kvB"},
			{Type: ResArr, Key: "localaddresses", Desc: "list of local addresses", Inner: []Result{{Type: ResObj, Inner: []Result{
				{Type: ResStr, Key: "address", Desc: "network address"},
				{Type: ResNum, Key: "port", Desc: "network port"},
				{Type: ResNum, Key: "score", Desc: "relative score"},
			}}}},
			{Type: ResArr, Key: "warnings", Desc: "any network and blockchain warnings", Inner: []Result{{Type: ResStr, Desc: "warning"}}},
		}}},
		Examples: examples("getnetworkinfo", ""),
		handler:  getNetworkInfo,
	}
}

func getNetworkInfo(_ context.Context, s *Server, _ *callArgs) (any, error) {
	r := networkInfo{Version: s.cfg.Version, SubVersion: s.cfg.SubVersion, ProtocolVersion: wire.ProtocolVersion,
		LocalServices: fmt.Sprintf("%016x", uint64(s.cfg.LocalServices)), LocalServicesNames: serviceNames(s.cfg.LocalServices),
		LocalRelay: true, NetworkActive: s.cfg.Network != nil && s.cfg.Network.NetworkActive(), LocalAddresses: []localAddressJSON{}, Warnings: []string{}}
	if s.cfg.Network != nil {
		for _, p := range s.cfg.Network.Peers() {
			r.Connections++
			if p.Inbound {
				r.ConnectionsIn++
			} else {
				r.ConnectionsOut++
			}
		}
	}
	for _, name := range []string{"ipv4", "ipv6", "onion", "i2p", "cjdns"} {
		reachable := name == "ipv4" || name == "ipv6"
		r.Networks = append(r.Networks, networkJSON{Name: name, Limited: !reachable, Reachable: reachable})
	}
	if s.cfg.Mempool != nil {
		in := s.cfg.Mempool.Info()
		r.RelayFee, r.IncrementalFee = feeRateAmount(in.MinRelayTxFee), feeRateAmount(in.IncrementalRelayFee)
	} else {
		opts := s.policyOptions()
		r.RelayFee, r.IncrementalFee = feeRateAmount(opts.MinRelayFee), feeRateAmount(opts.IncrementalRelayFee)
	}
	return r, nil
}

type uploadTargetJSON struct {
	TimeFrame             int64 `json:"timeframe"`
	Target                int64 `json:"target"`
	TargetReached         bool  `json:"target_reached"`
	ServeHistoricalBlocks bool  `json:"serve_historical_blocks"`
	BytesLeftInCycle      int64 `json:"bytes_left_in_cycle"`
	TimeLeftInCycle       int64 `json:"time_left_in_cycle"`
}

type netTotalsJSON struct {
	TotalBytesRecv uint64           `json:"totalbytesrecv"`
	TotalBytesSent uint64           `json:"totalbytessent"`
	TimeMillis     int64            `json:"timemillis"`
	UploadTarget   uploadTargetJSON `json:"uploadtarget"`
}

func getNetTotalsCommand() *Command {
	return &Command{
		Name: "getnettotals", Category: "network",
		Desc: "Returns information about network traffic, including bytes in, bytes out,\n" +
			"and current system time.\n" +
			"bitnode has no upload target (-maxuploadtarget): uploadtarget always reports none.",
		Results: []Result{{Type: ResObj, Inner: []Result{
			{Type: ResNum, Key: "totalbytesrecv", Desc: "Total bytes received"},
			{Type: ResNum, Key: "totalbytessent", Desc: "Total bytes sent"},
			{Type: ResTime, Key: "timemillis", Desc: "Current system UNIX epoch time in milliseconds"},
			{Type: ResObj, Key: "uploadtarget", Inner: []Result{
				{Type: ResNum, Key: "timeframe", Desc: "Length of the measuring timeframe in seconds"},
				{Type: ResNum, Key: "target", Desc: "Target in bytes"},
				{Type: ResBool, Key: "target_reached", Desc: "True if target is reached"},
				{Type: ResBool, Key: "serve_historical_blocks", Desc: "True if serving historical blocks"},
				{Type: ResNum, Key: "bytes_left_in_cycle", Desc: "Bytes left in current time cycle"},
				{Type: ResNum, Key: "time_left_in_cycle", Desc: "Seconds left in current time cycle"},
			}},
		}}},
		Examples: examples("getnettotals", ""),
		handler: func(_ context.Context, s *Server, _ *callArgs) (any, error) {
			n, err := s.network()
			if err != nil {
				return nil, err
			}
			recv, sent := n.NetTotals()
			return netTotalsJSON{TotalBytesRecv: recv, TotalBytesSent: sent, TimeMillis: time.Now().UnixMilli(),
				UploadTarget: uploadTargetJSON{TimeFrame: 86400, ServeHistoricalBlocks: true}}, nil
		},
	}
}

func pingCommand() *Command {
	return &Command{
		Name: "ping", Category: "network",
		Desc: "Requests that a ping be sent to all other nodes, to measure ping time.\n" +
			"Results are provided in getpeerinfo.\n" +
			"Ping command is handled in queue with all other commands, so it measures processing backlog, not just network ping.",
		Results:  []Result{{Type: ResNone}},
		Examples: examples("ping", ""),
		handler: func(_ context.Context, s *Server, _ *callArgs) (any, error) {
			n, err := s.network()
			if err != nil {
				return nil, err
			}
			n.PingPeers()
			return nil, nil
		},
	}
}

func disconnectNodeCommand() *Command {
	return &Command{
		Name: "disconnectnode", Category: "network",
		Desc: "Immediately disconnects from the specified peer node.\n\n" +
			"Strictly one out of 'address' and 'nodeid' can be provided to identify the node.\n\n" +
			"To disconnect by nodeid, either set 'address' to the empty string, or call using the named 'nodeid' argument only.",
		Args: []Arg{
			{Names: "address", Type: ArgStr, DefaultHint: "fallback to nodeid", Desc: "The IP address/port of the node"},
			{Names: "nodeid", Type: ArgNum, DefaultHint: "fallback to address", Desc: "The node ID (see getpeerinfo for node IDs)"},
		},
		Results: []Result{{Type: ResNone}},
		Examples: cli("disconnectnode", `"192.168.0.6:8333"`) + cli("disconnectnode", `"" 1`) +
			httpExample("disconnectnode", `"192.168.0.6:8333"`) + httpExample("disconnectnode", `"", 1`),
		handler: disconnectNode,
	}
}

func disconnectNode(_ context.Context, s *Server, p *callArgs) (any, error) {
	n, err := s.network()
	if err != nil {
		return nil, err
	}
	addr, err := p.str(0, "")
	if err != nil {
		return nil, err
	}
	found := false
	switch {
	case p.has(0) && !p.has(1):
		for _, pi := range n.Peers() {
			if pi.Addr == addr && n.DisconnectPeer(pi.ID) {
				found = true
			}
		}
	case p.has(1) && addr == "":
		id, err := p.int64Arg(1, 0)
		if err != nil {
			return nil, err
		}
		found = n.DisconnectPeer(id)
	default:
		return nil, errorf(ErrInvalidParams, "Only one of address and nodeid should be provided.")
	}
	if !found {
		return nil, errorf(ErrClientNodeNotConnected, "Node not found in connected nodes")
	}
	return nil, nil
}

func addNodeCommand() *Command {
	return &Command{
		Name: "addnode", Category: "network",
		Desc: "Attempts to add or remove a node from the addnode list.\n" +
			"Or try a connection to a node once.\n" +
			"Added nodes are redialled with backoff for as long as the node runs; removing one keeps an open connection.\n" +
			"Unlike Core, bitnode neither caps added connections at 8 nor exempts them from the service requirements of outbound peers.",
		Args: []Arg{
			{Names: "node", Type: ArgStr, Desc: "The address of the peer to connect to"},
			{Names: "command", Type: ArgStr, Desc: "'add' to add a node to the list, 'remove' to remove a node from the list, 'onetry' to try a connection to the node once"},
			{Names: "v2transport", Type: ArgBool, DefaultHint: "set by -v2transport", Desc: "Attempt to connect using BIP324 v2 transport protocol (ignored for 'remove' command); bitnode has no v2 transport"},
		},
		Results: []Result{{Type: ResNone}},
		Examples: cli("addnode", `"192.168.0.6:8333" "onetry" true`) +
			httpExample("addnode", `"192.168.0.6:8333", "onetry", true`),
		handler: addNode,
	}
}

func addNode(_ context.Context, s *Server, p *callArgs) (any, error) {
	cmd, err := p.str(1, "")
	if err != nil {
		return nil, err
	}
	if cmd != "add" && cmd != "remove" && cmd != "onetry" {
		return nil, misc("%s", p.cmd.help())
	}
	n, err := s.network()
	if err != nil {
		return nil, err
	}
	addr, err := p.str(0, "")
	if err != nil {
		return nil, err
	}
	v2, err := p.boolean(2, false)
	if err != nil {
		return nil, err
	}
	if v2 {
		return nil, invalidParameter("Error: v2transport requested but not enabled (see -v2transport)")
	}
	switch cmd {
	case "onetry":
		n.OneTry(addr)
	case "add":
		if !n.AddNode(addr) {
			return nil, errorf(ErrClientNodeAlreadyAdded, "Error: Node already added")
		}
	case "remove":
		if !n.RemoveNode(addr) {
			return nil, errorf(ErrClientNodeNotAdded, "Error: Node could not be removed. It has not been added previously.")
		}
	}
	return nil, nil
}

type addedAddressJSON struct {
	Address   string `json:"address"`
	Connected string `json:"connected"`
}

type addedNodeJSON struct {
	AddedNode string             `json:"addednode"`
	Connected bool               `json:"connected"`
	Addresses []addedAddressJSON `json:"addresses"`
}

func getAddedNodeInfoCommand() *Command {
	return &Command{
		Name: "getaddednodeinfo", Category: "network",
		Desc: "Returns information about the given added node, or all added nodes\n" +
			"(note that onetry addnodes are not listed here)",
		Args: []Arg{
			{Names: "node", Type: ArgStr, Optional: true, Desc: "If provided, return information about this specific node, otherwise all nodes are returned."},
		},
		Results: []Result{{Type: ResArr, Inner: []Result{{Type: ResObj, Inner: []Result{
			{Type: ResStr, Key: "addednode", Desc: "The node IP address or name (as provided to addnode)"},
			{Type: ResBool, Key: "connected", Desc: "If connected"},
			{Type: ResArr, Key: "addresses", Desc: "Only when connected = true", Inner: []Result{{Type: ResObj, Inner: []Result{
				{Type: ResStr, Key: "address", Desc: "The bitcoin server IP and port we're connected to"},
				{Type: ResStr, Key: "connected", Desc: "connection, inbound or outbound"},
			}}}},
		}}}}},
		Examples: cli("getaddednodeinfo", `"192.168.0.201"`) + httpExample("getaddednodeinfo", `"192.168.0.201"`),
		handler:  getAddedNodeInfo,
	}
}

func getAddedNodeInfo(_ context.Context, s *Server, p *callArgs) (any, error) {
	n, err := s.network()
	if err != nil {
		return nil, err
	}
	want, err := p.str(0, "")
	if err != nil {
		return nil, err
	}
	out := []addedNodeJSON{}
	for _, a := range n.AddedNodes() {
		if p.has(0) && a.Addr != want {
			continue
		}
		r := addedNodeJSON{AddedNode: a.Addr, Connected: a.ConnectedAddr != "", Addresses: []addedAddressJSON{}}
		if r.Connected {
			r.Addresses = append(r.Addresses, addedAddressJSON{Address: a.ConnectedAddr, Connected: "outbound"})
		}
		out = append(out, r)
	}
	if p.has(0) && len(out) == 0 {
		return nil, errorf(ErrClientNodeNotAdded, "Error: Node has not been added.")
	}
	return out, nil
}

func setNetworkActiveCommand() *Command {
	return &Command{
		Name: "setnetworkactive", Category: "network",
		Desc: "Disable/enable all p2p network activity.",
		Args: []Arg{
			{Names: "state", Type: ArgBool, Desc: "true to enable networking, false to disable"},
		},
		Results:  []Result{{Type: ResBool, Desc: "The value that was passed in"}},
		Examples: examples("setnetworkactive", "false"),
		handler: func(_ context.Context, s *Server, p *callArgs) (any, error) {
			n, err := s.network()
			if err != nil {
				return nil, err
			}
			state, err := p.boolean(0, false)
			if err != nil {
				return nil, err
			}
			n.SetNetworkActive(state)
			return n.NetworkActive(), nil
		},
	}
}
