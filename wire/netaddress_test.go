package wire

import (
	"bytes"
	"errors"
	"net"
	"net/netip"
	"testing"
)

// addrV2Entry wraps Bitcoin Core's CNetAddr test vectors (network id,
// length, address) into an addrv2 entry with time, services and port.
func addrV2Entry(t testing.TB, core string) []byte {
	return append(append(msgHex(t, "01000000 00"), msgHex(t, core)...), 0x20, 0x8d)
}

// TestNetAddressV2CoreVectors replays Core's cnetaddr_unserialize_v2 cases.
func TestNetAddressV2CoreVectors(t *testing.T) {
	tests := []struct {
		name, hex string
		err       error
		host      string
		valid     bool
	}{
		{"IPv4", "01 04 01020304", nil, "1.2.3.4", true},
		{"IPv4 bogus length", "01 05 0102030405", ErrInvalidValue, "", false},
		{"IPv4 extreme length", "01 fd0102 01020304", ErrTooLarge, "", false},
		{"IPv6", "02 10 0102030405060708090a0b0c0d0e0f10", nil, "102:304:506:708:90a:b0c:d0e:f10", true},
		{"IPv6 bogus length", "02 04 00000000", ErrInvalidValue, "", false},
		{"IPv6 embedding IPv4", "02 10 00000000000000000000ffff01020304", nil, "::ffff:1.2.3.4", false},
		{"IPv6 embedding TORv2", "02 10 fd87d87eeb430102030405060708090a", nil, "fd87:d87e:eb43:102:304:506:708:90a", false},
		{"TORv2, no longer supported", "03 0a f1f2f3f4f5f6f7f8f9fa", nil, "6hzph5hv6337r6p2.onion", false},
		{"TORv2 any length", "03 07 00000000000000", nil, "torv2:00000000000000", false},
		{"TORv3", "04 20 79bcc625184b05194975c28b66b66b0469f7f6556fb1ac3189a79b40dda32f1f", nil,
			"pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion", true},
		{"TORv3 bogus length", "04 00", ErrInvalidValue, "", false},
		{"I2P", "05 20 a2894dabaec08c0051a481a6dac88b64f98232ae42d4b6fd2fa81952dfe36a87", nil,
			"ukeu3k5oycgaauneqgtnvselmt4yemvoilkln7jpvamvfx7dnkdq.b32.i2p", true},
		{"I2P bogus length", "05 03 000000", ErrInvalidValue, "", false},
		{"CJDNS", "06 10 fc000001000200030004000500060007", nil, "fc00:1:2:3:4:5:6:7", true},
		{"CJDNS wrong prefix", "06 10 aa000001000200030004000500060007", nil, "aa00:1:2:3:4:5:6:7", false},
		{"CJDNS bogus length", "06 01 00", ErrInvalidValue, "", false},
		{"unknown extreme length", "aa fe00000002 01020304050607", ErrTooLarge, "", false},
		{"unknown", "aa 04 01020304", nil, "network(170):01020304", false},
		{"unknown empty", "aa 00", nil, "network(170):", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entry := addrV2Entry(t, tt.hex)
			r := newReader(entry)
			na, err := decodeNetAddressV2(r, nil)
			if !errors.Is(err, tt.err) {
				t.Fatalf("error %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			if r.remaining() != 0 {
				t.Fatalf("%d bytes left", r.remaining())
			}
			if na.Host() != tt.host || na.IsValid() != tt.valid || na.Port != 8333 || na.Timestamp != 1 {
				t.Fatalf("decoded %s (valid %v, port %d)", na.Host(), na.IsValid(), na.Port)
			}
			if enc := appendNetAddressV2(nil, &na); !bytes.Equal(enc, entry) {
				t.Fatalf("re-encoded %x, want %x", enc, entry)
			}
		})
	}
}

func TestNetAddressConversions(t *testing.T) {
	tests := []struct {
		in      string
		network NetworkID
		str     string
		legacy  string
	}{
		{"1.2.3.4:8333", NetIPv4, "1.2.3.4:8333", "00000000000000000000ffff01020304"},
		{"[::ffff:1.2.3.4]:8333", NetIPv4, "1.2.3.4:8333", "00000000000000000000ffff01020304"},
		{"[2001:db8::1]:18333", NetIPv6, "[2001:db8::1]:18333", "20010db8000000000000000000000001"},
		{"[fe80::1%eth0]:1", NetIPv6, "[fe80::1]:1", "fe800000000000000000000000000001"},
	}
	for _, tt := range tests {
		ap := netip.MustParseAddrPort(tt.in)
		na := NewNetAddress(ap, SFNodeNetwork)
		if na.Network != tt.network || na.String() != tt.str || !na.IsValid() {
			t.Errorf("%s: network %s, String %q, valid %v", tt.in, na.Network, na.String(), na.IsValid())
		}
		if ip := na.legacyIP(); !bytes.Equal(ip[:], msgHex(t, tt.legacy)) {
			t.Errorf("%s: legacy form %x", tt.in, ip)
		}
		got, ok := na.AddrPort()
		if !ok || got != netip.AddrPortFrom(ap.Addr().Unmap().WithZone(""), ap.Port()) {
			t.Errorf("%s: AddrPort %v %v", tt.in, got, ok)
		}
		if fromIP := NewNetAddressIP(na.IP(), na.Port, SFNodeNetwork); !bytes.Equal(fromIP.Addr, na.Addr) || fromIP.Network != na.Network {
			t.Errorf("%s: NewNetAddressIP(IP()) = %+v", tt.in, fromIP)
		}
		enc := appendNetAddressLegacy(nil, &na, true)
		dec, err := decodeNetAddressLegacy(newReader(enc), true, nil)
		if err != nil || dec.String() != na.String() || dec.Network != na.Network {
			t.Errorf("%s: legacy round trip %v, %v", tt.in, dec.String(), err)
		}
	}
	if na := NewNetAddressIP(net.IP{1, 2, 3}, 1, 0); na.Network != 0 || na.Addr != nil {
		t.Errorf("3-byte IP gave %+v", na)
	}
	if na := NewNetAddress(netip.AddrPort{}, 0); na.Network != 0 {
		t.Errorf("invalid AddrPort gave %+v", na)
	}
	tor := mustNetAddrV2(t, NetTorV3, "79bcc625184b05194975c28b66b66b0469f7f6556fb1ac3189a79b40dda32f1f", 9050, 0, 0)
	if ip := tor.legacyIP(); ip != [16]byte{} {
		t.Errorf("Tor address in legacy form %x, want zeros as Core", ip)
	}
	if tor.IP() != nil {
		t.Error("Tor address has an IP")
	}
	if _, ok := tor.AddrPort(); ok {
		t.Error("Tor address has an AddrPort")
	}
	if s := tor.String(); s != "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion:9050" {
		t.Errorf("Tor String %q", s)
	}
	cj := mustNetAddrV2(t, NetCJDNS, "fc000001000200030004000500060007", 8333, 0, 0)
	if s := cj.String(); s != "[fc00:1:2:3:4:5:6:7]:8333" {
		t.Errorf("CJDNS String %q", s)
	}
	if _, err := NewNetAddressV2(NetTorV3, make([]byte, 31), 0, 0); !errors.Is(err, ErrInvalidValue) {
		t.Errorf("31-byte Tor v3: %v", err)
	}
	if _, err := NewNetAddressV2(0xee, make([]byte, MaxAddrV2Size+1), 0, 0); !errors.Is(err, ErrTooLarge) {
		t.Errorf("513-byte unknown address: %v", err)
	}
	bad := NetAddress{Network: NetIPv4, Addr: []byte{1, 2}, Port: 5}
	if bad.String() != "ipv4:0102:5" || bad.IsValid() || bad.IP() != nil {
		t.Errorf("malformed IPv4 String %q", bad.String())
	}
}

func TestServiceFlagString(t *testing.T) {
	tests := map[ServiceFlag]string{
		0:                                  "NONE",
		SFNodeNetwork:                      "NETWORK",
		SFNodeNetwork | SFNodeWitness:      "NETWORK|WITNESS",
		0x409:                              "NETWORK|WITNESS|NETWORK_LIMITED",
		SFNodeBloom | SFNodeCompactFilters: "BLOOM|COMPACT_FILTERS",
		SFNodeP2PV2 | 1<<63:                "P2P_V2|UNKNOWN[2^63]",
		1 << 1:                             "UNKNOWN[2^1]",
	}
	for f, want := range tests {
		if got := f.String(); got != want {
			t.Errorf("%#x: %q, want %q", uint64(f), got, want)
		}
	}
}

func TestInvTypeString(t *testing.T) {
	tests := map[InvType]string{
		InvTypeTx: "MSG_TX", InvTypeWitnessTx: "MSG_WITNESS_TX", InvTypeWitnessBlock: "MSG_WITNESS_BLOCK",
		InvTypeCmpctBlock: "MSG_CMPCT_BLOCK", InvTypeWTx: "MSG_WTX", 99: "InvType(0x63)",
	}
	for typ, want := range tests {
		if got := typ.String(); got != want {
			t.Errorf("%d: %q, want %q", uint32(typ), got, want)
		}
	}
	iv := InvVect{InvTypeBlock, MustHash("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f")}
	if iv.String() != "MSG_BLOCK 000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f" {
		t.Errorf("InvVect String %q", iv.String())
	}
}

func TestAddrArenaDoesNotAliasPayload(t *testing.T) {
	m := &MsgAddrV2{AddrList: []NetAddress{
		mustNetAddrV2(t, NetIPv4, "01020304", 1, 0, 0),
		mustNetAddrV2(t, NetTorV3, "79bcc625184b05194975c28b66b66b0469f7f6556fb1ac3189a79b40dda32f1f", 2, 0, 0),
	}}
	payload := m.AppendPayload(nil, ProtocolVersion)
	var got MsgAddrV2
	if err := got.DecodePayload(payload, ProtocolVersion); err != nil {
		t.Fatal(err)
	}
	clear(payload)
	if got.AddrList[0].Host() != "1.2.3.4" || !got.AddrList[1].IsValid() || got.AddrList[1].Addr[0] != 0x79 {
		t.Fatalf("decoded addresses changed with the payload: %s", got.AddrList[0].Host())
	}
}
