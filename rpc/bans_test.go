package rpc

import (
	"testing"
	"time"

	"github.com/bitnode/bitnode/node/addrman"
	"github.com/bitnode/bitnode/node/peer"
)

func TestBanMethods(t *testing.T) {
	bans := addrman.NewBans(addrman.BansConfig{})
	n := newNode(t, func(c *Config) { c.Bans = bans })
	var list []map[string]any
	decode(t, n.call("listbanned"), &list)
	if list == nil || len(list) != 0 {
		t.Fatalf("empty listbanned: %v", list)
	}
	if got := string(n.call("setban", "192.168.0.6", "add")); got != "null" {
		t.Fatalf("setban add: %s", got)
	}
	n.call("setban", "10.0.0.0/255.255.0.0", "add", 3600)
	future := time.Now().Add(48 * time.Hour).Unix()
	n.call("setban", "2001:db8::/32", "add", future, true)
	decode(t, n.call("listbanned"), &list)
	if len(list) != 3 {
		t.Fatalf("listbanned: %v", list)
	}
	want := []struct {
		addr string
		dur  float64
	}{{"10.0.0.0/16", 3600}, {"192.168.0.6/32", 86400}, {"2001:db8::/32", -1}}
	for i, w := range want {
		e := list[i]
		if e["address"] != w.addr {
			t.Errorf("entry %d: %v, want %s", i, e, w.addr)
		}
		for _, k := range []string{"ban_created", "banned_until", "ban_duration", "time_remaining"} {
			if _, ok := e[k].(float64); !ok {
				t.Errorf("entry %d: %s not a number: %v", i, k, e)
			}
		}
		if w.dur > 0 && e["ban_duration"] != w.dur {
			t.Errorf("entry %d: duration %v, want %v", i, e["ban_duration"], w.dur)
		}
	}
	if list[2]["banned_until"] != float64(future) {
		t.Errorf("absolute ban until %v, want %d", list[2]["banned_until"], future)
	}
	// An address inside a banned subnet counts as banned; the subnet itself
	// only when banned exactly.
	n.wantErr(ErrClientNodeAlreadyAdded, "Error: IP/Subnet already banned", "setban", "192.168.0.6", "add")
	n.wantErr(ErrClientNodeAlreadyAdded, "Error: IP/Subnet already banned", "setban", "10.0.3.4", "add")
	n.wantErr(ErrClientNodeAlreadyAdded, "Error: IP/Subnet already banned", "setban", "10.0.0.0/16", "add")
	n.wantErr(ErrClientInvalidIPOrSubnet, "Error: Invalid IP/Subnet", "setban", "not-an-ip", "add")
	n.wantErr(ErrClientInvalidIPOrSubnet, "Error: Invalid IP/Subnet", "setban", "1.2.3.4/33", "add")
	n.wantErr(ErrInvalidParameter, "Error: Absolute timestamp is in the past", "setban", "1.2.3.4", "add", 1000, true)
	n.wantErr(ErrMisc, "", "setban", "1.2.3.4", "ban")
	n.wantErr(ErrType, "", "setban", "1.2.3.4", "add", "60")
	n.wantErr(ErrClientInvalidIPOrSubnet,
		"Error: Unban failed. Requested address/subnet was not previously manually banned.", "setban", "10.0.3.4", "remove")
	n.call("setban", "192.168.0.6", "remove")
	decode(t, n.call("listbanned"), &list)
	if len(list) != 2 {
		t.Fatalf("after remove: %v", list)
	}
	if got := string(n.call("clearbanned")); got != "null" {
		t.Fatalf("clearbanned: %s", got)
	}
	decode(t, n.call("listbanned"), &list)
	if len(list) != 0 {
		t.Fatalf("after clearbanned: %v", list)
	}
}

func TestSetBanDisconnects(t *testing.T) {
	netw := &fakeNetwork{peers: []peer.Info{
		{ID: 1, Addr: "203.0.113.5:8333"}, {ID: 2, Addr: "198.51.100.7:8333"}, {ID: 3, Addr: "203.0.113.200:18444"},
	}}
	n := newNode(t, func(c *Config) { c.Network = netw; c.Bans = addrman.NewBans(addrman.BansConfig{}) })
	n.call("setban", "203.0.113.0/24", "add")
	if len(netw.disconnected) != 2 || netw.disconnected[0] != 1 || netw.disconnected[1] != 3 {
		t.Errorf("disconnected %v, want [1 3]", netw.disconnected)
	}
}

func TestBanMethodsDisabled(t *testing.T) {
	n := newNode(t, nil)
	const msg = "Error: Ban database not loaded"
	n.wantErr(ErrDatabase, msg, "listbanned")
	n.wantErr(ErrDatabase, msg, "setban", "1.2.3.4", "add")
	n.wantErr(ErrDatabase, msg, "clearbanned")
}
