package addrman

import (
	"bytes"
	"testing"

	"github.com/bitnode/bitnode/wire"
)

const onionName = "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion"

// TestNetGroup checks the groups of Core's netbase_getgroup test and the
// overlay networks' rules.
func TestNetGroup(t *testing.T) {
	onion := special(t, onionName, 0)
	i2p := special(t, "udhdrtrcetjm5sxzskjyr5ztpeszydbh4dpl3pl4utgqqw2v4jna.b32.i2p", 0)
	cases := []struct {
		name string
		addr wire.NetAddress
		want []byte
	}{
		{"local", ip("127.0.0.1", 0), []byte{0}},
		{"RFC 1918", ip("10.0.0.1", 0), []byte{0}},
		{"RFC 3927", ip("169.254.1.1", 0), []byte{0}},
		{"IPv4", ip("1.2.3.4", 0), []byte{classIPv4, 1, 2}},
		{"RFC 6145", ip("::ffff:0:102:304", 0), []byte{classIPv4, 1, 2}},
		{"RFC 6052", ip("64:ff9b::102:304", 0), []byte{classIPv4, 1, 2}},
		{"RFC 3964", ip("2002:102:304:9999:9999:9999:9999:9999", 0), []byte{classIPv4, 1, 2}},
		{"RFC 4380", ip("2001:0:9999:9999:9999:9999:fefd:fcfb", 0), []byte{classIPv4, 1, 2}},
		{"he.net", ip("2001:470:abcd:9999:9999:9999:9999:9999", 0), []byte{classIPv6, 32, 1, 4, 112, 175}},
		{"IPv6", ip("2001:2001:9999:9999:9999:9999:9999:9999", 0), []byte{classIPv6, 32, 1, 32, 1}},
		{"Tor", onion, []byte{classOnion, onion.Addr[0] | 0x0f}},
		{"I2P", i2p, []byte{classI2P, i2p.Addr[0] | 0x0f}},
		{"CJDNS", cjdns("fc12:3456::1", 0), []byte{classCJDNS, 0xfc, 0x1f}},
		{"IPv6 documentation", ip("2001:db8::1", 0), []byte{0}},
		{"unknown network", wire.NetAddress{Network: 9, Addr: []byte{1, 2}}, []byte{0}},
	}
	for _, c := range cases {
		if got := NetGroup(c.addr); !bytes.Equal([]byte(got), c.want) {
			t.Errorf("%s: NetGroup(%s) = %v, want %v", c.name, c.addr.String(), []byte(got), c.want)
		}
	}
	if NetGroup(ip("1.2.3.4", 1)) != NetGroup(ip("1.2.200.200", 2)) {
		t.Error("one /16 should be one group")
	}
	if NetGroup(ip("1.2.3.4", 0)) == NetGroup(ip("1.3.3.4", 0)) {
		t.Error("two /16s should be two groups")
	}
}

func TestIsRoutable(t *testing.T) {
	cases := []struct {
		addr string
		want bool
	}{
		{"8.8.8.8", true}, {"250.1.1.1", true}, {"255.0.1.23", true},
		{"0.0.0.0", false}, {"255.255.255.255", false}, {"0.1.2.3", false}, {"127.0.0.1", false},
		{"10.1.2.3", false}, {"172.16.0.1", false}, {"172.31.255.255", false}, {"172.32.0.1", true},
		{"192.168.1.1", false}, {"198.18.0.1", false}, {"198.19.255.255", false}, {"198.20.0.1", true},
		{"169.254.1.1", false}, {"100.64.0.1", false}, {"100.127.255.255", false}, {"100.128.0.1", true},
		{"192.0.2.1", false}, {"198.51.100.1", false}, {"203.0.113.1", false},
		{"2001::8888", true}, {"2606:4700::1", true},
		{"::", false}, {"::1", false}, {"2001:db8::1", false}, {"fe80::1", false}, {"fc00::1", false},
		{"fd00::1", false}, {"2001:10::1", false}, {"2001:20::1", false}, {"2001:30::1", true},
	}
	for _, c := range cases {
		if got := IsRoutable(ip(c.addr, 8333)); got != c.want {
			t.Errorf("IsRoutable(%s) = %v, want %v", c.addr, got, c.want)
		}
	}
	others := []struct {
		name string
		addr wire.NetAddress
		want bool
	}{
		{"Tor v3", special(t, onionName, 0), true},
		{"CJDNS", cjdns("fc00::1", 0), true},
		{"CJDNS outside fc00::/8", cjdns("fd00::1", 0), false},
		{"Tor v2 (retired)", wire.NetAddress{Network: wire.NetTorV2, Addr: make([]byte, 10)}, false},
		{"IPv4 with 16 bytes", wire.NetAddress{Network: wire.NetIPv4, Addr: make([]byte, 16)}, false},
		{"IPv4-mapped IPv6", wire.NetAddress{Network: wire.NetIPv6, Addr: []byte{10: 0xff, 11: 0xff, 12: 8, 13: 8, 14: 8, 15: 8}}, false},
	}
	for _, c := range others {
		if got := IsRoutable(c.addr); got != c.want {
			t.Errorf("IsRoutable(%s) = %v, want %v", c.name, got, c.want)
		}
	}
}
