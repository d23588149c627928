package rpc

import (
	"context"
	"strings"

	"github.com/bitnode/bitnode/wire"
)

func addrManCommands() []*Command {
	return []*Command{getNodeAddressesCommand(), getAddrManInfoCommand()}
}

// addrNetworks are the networks Core reports by name (GetNetworkNames),
// with their BIP155 ids.
var addrNetworks = []struct {
	name string
	id   wire.NetworkID
}{{"ipv4", wire.NetIPv4}, {"ipv6", wire.NetIPv6}, {"onion", wire.NetTorV3}, {"i2p", wire.NetI2P}, {"cjdns", wire.NetCJDNS}}

// parseNetwork is Core's ParseNetwork: a network name, case-insensitive
// ("tor" is the deprecated name of onion).
func parseNetwork(s string) (wire.NetworkID, bool) {
	s = strings.ToLower(s)
	if s == "tor" {
		s = "onion"
	}
	for _, n := range addrNetworks {
		if n.name == s {
			return n.id, true
		}
	}
	return 0, false
}

// addrNetworkName names the network of an address from the address book.
func addrNetworkName(id wire.NetworkID) string {
	for _, n := range addrNetworks {
		if n.id == id {
			return n.name
		}
	}
	return "not_publicly_routable"
}

type nodeAddressJSON struct {
	Time     int64  `json:"time"`
	Services uint64 `json:"services"`
	Address  string `json:"address"`
	Port     uint16 `json:"port"`
	Network  string `json:"network"`
}

func getNodeAddressesCommand() *Command {
	return &Command{
		Name: "getnodeaddresses", Category: "network",
		Desc: "Return known addresses, after filtering for quality and recency.\n" +
			"These can potentially be used to find new peers in the network.\n" +
			"The total number of addresses known to the node may be higher.",
		Args: []Arg{
			{Names: "count", Type: ArgNum, Default: "1", Desc: "The maximum number of addresses to return. Specify 0 to return all known addresses."},
			{Names: "network", Type: ArgStr, DefaultHint: "all networks", Desc: "Return only addresses of the specified network. Can be one of: ipv4, ipv6, onion, i2p, cjdns."},
		},
		Results: []Result{{Type: ResArr, Inner: []Result{{Type: ResObj, Inner: []Result{
			{Type: ResTime, Key: "time", Desc: "The UNIX epoch time when the node was last seen"},
			{Type: ResNum, Key: "services", Desc: "The services offered by the node"},
			{Type: ResStr, Key: "address", Desc: "The address of the node"},
			{Type: ResNum, Key: "port", Desc: "The port number of the node"},
			{Type: ResStr, Key: "network", Desc: "The network (ipv4, ipv6, onion, i2p, cjdns) the node connected through"},
		}}}}},
		Examples: cli("getnodeaddresses", "8") + cli("getnodeaddresses", `4 "i2p"`) +
			httpExample("getnodeaddresses", "8") + httpExample("getnodeaddresses", `4, "i2p"`),
		handler: getNodeAddresses,
	}
}

func getNodeAddresses(_ context.Context, s *Server, p *callArgs) (any, error) {
	if s.cfg.Network == nil || s.cfg.AddrMan == nil {
		return nil, errorf(ErrClientP2PDisabled, "Error: Peer-to-peer functionality missing or disabled")
	}
	count, err := p.int32Arg(0, 1)
	if err != nil {
		return nil, err
	}
	if count < 0 {
		return nil, invalidParameter("Address count out of range")
	}
	var network *wire.NetworkID
	if p.has(1) {
		name, err := p.str(1, "")
		if err != nil {
			return nil, err
		}
		id, ok := parseNetwork(name)
		if !ok {
			return nil, invalidParameter("Network not recognized: %s", name)
		}
		network = &id
	}
	out := []nodeAddressJSON{}
	for _, na := range s.cfg.AddrMan.GetAddr(int(count), 0, network) {
		if b := s.cfg.Bans; b != nil {
			if ap, ok := na.AddrPort(); (ok && b.IsBanned(ap.Addr())) || b.IsAddressDiscouraged(na) {
				continue
			}
		}
		out = append(out, nodeAddressJSON{Time: int64(na.Timestamp), Services: uint64(na.Services),
			Address: na.Host(), Port: na.Port, Network: addrNetworkName(na.Network)})
	}
	return out, nil
}

type addrCountsJSON struct {
	New   int `json:"new"`
	Tried int `json:"tried"`
	Total int `json:"total"`
}

type addrManInfoJSON struct {
	IPv4        addrCountsJSON `json:"ipv4"`
	IPv6        addrCountsJSON `json:"ipv6"`
	Onion       addrCountsJSON `json:"onion"`
	I2P         addrCountsJSON `json:"i2p"`
	CJDNS       addrCountsJSON `json:"cjdns"`
	AllNetworks addrCountsJSON `json:"all_networks"`
}

func getAddrManInfoCommand() *Command {
	return &Command{
		Name: "getaddrmaninfo", Category: "network",
		Desc: "Provides information about the node's address manager by returning the number of addresses in the `new` and `tried` tables and their sum for all networks.",
		Results: []Result{{Type: ResObjDyn, Desc: "json object with network type as keys", Inner: []Result{
			{Type: ResObj, Key: "network", Desc: "the network (ipv4, ipv6, onion, i2p, cjdns, all_networks)", Inner: []Result{
				{Type: ResNum, Key: "new", Desc: "number of addresses in the new table, which represent potential peers the node has discovered but hasn't yet successfully connected to."},
				{Type: ResNum, Key: "tried", Desc: "number of addresses in the tried table, which represent peers the node has successfully connected to in the past."},
				{Type: ResNum, Key: "total", Desc: "total number of addresses in both new/tried tables"},
			}},
		}}},
		Examples: examples("getaddrmaninfo", ""),
		handler: func(_ context.Context, s *Server, _ *callArgs) (any, error) {
			am := s.cfg.AddrMan
			if am == nil {
				return nil, errorf(ErrClientP2PDisabled, "Error: Address manager functionality missing or disabled")
			}
			yes, no := true, false
			counts := func(n *wire.NetworkID) addrCountsJSON {
				return addrCountsJSON{New: am.Size(n, &yes), Tried: am.Size(n, &no), Total: am.Size(n, nil)}
			}
			id := func(v wire.NetworkID) *wire.NetworkID { return &v }
			return addrManInfoJSON{IPv4: counts(id(wire.NetIPv4)), IPv6: counts(id(wire.NetIPv6)),
				Onion: counts(id(wire.NetTorV3)), I2P: counts(id(wire.NetI2P)), CJDNS: counts(id(wire.NetCJDNS)),
				AllNetworks: counts(nil)}, nil
		},
	}
}
