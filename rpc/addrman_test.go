package rpc

import (
	"net/netip"
	"testing"
	"time"

	"github.com/bitnode/bitnode/node/addrman"
	"github.com/bitnode/bitnode/wire"
)

func TestAddrManMethods(t *testing.T) {
	am := addrman.New(addrman.Config{})
	bans := addrman.NewBans(addrman.BansConfig{})
	seen := uint32(time.Now().Add(-time.Hour).Unix())
	addr := func(s string) wire.NetAddress {
		na := wire.NewNetAddress(netip.MustParseAddrPort(s), wire.SFNodeNetwork|wire.SFNodeWitness)
		na.Timestamp = seen
		return na
	}
	src := addr("8.8.8.8:8333")
	added := am.Add([]wire.NetAddress{addr("1.2.3.4:8333"), addr("5.6.7.8:18444"), addr("[2001:4860::1]:8333")}, src, 0)
	if added != 3 {
		t.Fatalf("added %d", added)
	}
	if !am.Good(addr("1.2.3.4:8333")) {
		t.Fatal("Good failed")
	}
	n := newNode(t, func(c *Config) { c.Network = &fakeNetwork{}; c.AddrMan = am; c.Bans = bans })

	var got []nodeAddressJSON
	decode(t, n.call("getnodeaddresses"), &got)
	if len(got) != 1 {
		t.Fatalf("default count: %v", got)
	}
	decode(t, n.call("getnodeaddresses", 0), &got)
	if len(got) != 3 {
		t.Fatalf("all: %v", got)
	}
	byAddr := map[string]nodeAddressJSON{}
	for _, a := range got {
		byAddr[a.Address] = a
	}
	if a := byAddr["5.6.7.8"]; a.Port != 18444 || a.Network != "ipv4" || a.Services != 9 || a.Time != int64(seen) {
		t.Errorf("5.6.7.8: %+v", a)
	}
	if a := byAddr["2001:4860::1"]; a.Network != "ipv6" || a.Port != 8333 {
		t.Errorf("ipv6: %+v", a)
	}
	decode(t, n.call("getnodeaddresses", 0, "IPv6"), &got)
	if len(got) != 1 || got[0].Address != "2001:4860::1" {
		t.Errorf("ipv6 only: %v", got)
	}
	decode(t, n.call("getnodeaddresses", 0, "onion"), &got)
	if len(got) != 0 {
		t.Errorf("onion: %v", got)
	}
	// Banned addresses are left out.
	n.call("setban", "5.6.7.8", "add")
	decode(t, n.call("getnodeaddresses", 0, "ipv4"), &got)
	if len(got) != 1 || got[0].Address != "1.2.3.4" {
		t.Errorf("ipv4 with a ban: %v", got)
	}
	n.wantErr(ErrInvalidParameter, "Address count out of range", "getnodeaddresses", -1)
	n.wantErr(ErrInvalidParameter, "Network not recognized: ipv5", "getnodeaddresses", 1, "ipv5")
	n.wantErr(ErrType, "", "getnodeaddresses", "1")

	raw := n.call("getaddrmaninfo")
	var info map[string]addrCountsJSON
	decode(t, raw, &info)
	want := map[string]addrCountsJSON{"ipv4": {1, 1, 2}, "ipv6": {1, 0, 1}, "onion": {}, "i2p": {}, "cjdns": {},
		"all_networks": {2, 1, 3}}
	if len(info) != len(want) {
		t.Fatalf("getaddrmaninfo: %s", raw)
	}
	for k, w := range want {
		if info[k] != w {
			t.Errorf("getaddrmaninfo %s: %+v, want %+v", k, info[k], w)
		}
	}
	if s := string(raw); s[:8] != `{"ipv4":` {
		t.Errorf("getaddrmaninfo not in Core's order: %s", s)
	}
}

func TestAddrManMethodsDisabled(t *testing.T) {
	n := newNode(t, func(c *Config) { c.Network = &fakeNetwork{} })
	n.wantErr(ErrClientP2PDisabled, "Error: Peer-to-peer functionality missing or disabled", "getnodeaddresses")
	n.wantErr(ErrClientP2PDisabled, "Error: Address manager functionality missing or disabled", "getaddrmaninfo")
}
