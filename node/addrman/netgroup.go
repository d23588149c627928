package addrman

import (
	"encoding/binary"

	"github.com/bitnode/bitnode/wire"
)

// netKey identifies an address (network, raw bytes, port) in a fixed-size,
// comparable form: it is the map key of the address manager and holds no
// pointers, so the table of entries costs the garbage collector nothing.
// A source address is kept as a netKey with port 0.
type netKey struct {
	net  wire.NetworkID
	n    uint8
	port uint16
	b    [32]byte
}

// maxAddrLen is the longest address of a network the manager accepts
// (Tor v3 and I2P, 32 bytes).
const maxAddrLen = 32

// keyOf converts a NetAddress of a known network with the right length.
func keyOf(na *wire.NetAddress) (netKey, bool) {
	if !na.Known() || len(na.Addr) > maxAddrLen {
		return netKey{}, false
	}
	k := netKey{net: na.Network, n: uint8(len(na.Addr)), port: na.Port}
	copy(k.b[:], na.Addr)
	return k, true
}

func (k *netKey) addr() []byte { return k.b[:k.n] }

// host returns k without its port (for source addresses and comparisons
// that, like Core's CNetAddr ==, ignore the port).
func (k netKey) host() netKey {
	k.port = 0
	return k
}

func (k *netKey) netAddress() wire.NetAddress {
	return wire.NetAddress{Network: k.net, Addr: append([]byte(nil), k.addr()...), Port: k.port}
}

// String prints the address as Core does (host:port).
func (k *netKey) String() string {
	na := k.netAddress()
	return na.String()
}

// Bitcoin Core's network classes (netaddress.h, enum Network). They, not the
// BIP155 ids, are the first byte of a network group, so that groups (and so
// bucket placement) are computed exactly as Core computes them.
const (
	classUnroutable = 0
	classIPv4       = 1
	classIPv6       = 2
	classOnion      = 3
	classI2P        = 4
	classCJDNS      = 5
)

func (k *netKey) is4() bool { return k.net == wire.NetIPv4 && k.n == 4 }
func (k *netKey) is6() bool { return k.net == wire.NetIPv6 && k.n == 16 }

func (k *netKey) prefix(p ...byte) bool {
	return int(k.n) >= len(p) && string(k.b[:len(p)]) == string(p)
}

// valid is Core's CNetAddr::IsValid, including what wire.NetAddress.IsValid
// checks: a known network of the right length; for IPv6 not unspecified,
// not the RFC 3849 documentation prefix, not IPv4-mapped and not a retired
// Tor v2 address (Core decodes those two as invalid placeholders); for
// IPv4 not 0.0.0.0 or 255.255.255.255; for CJDNS inside fc00::/8.
func (k *netKey) valid() bool {
	switch {
	case k.is6():
		return k.b != [32]byte{} && !k.prefix(0x20, 0x01, 0x0d, 0xb8) &&
			!k.prefix(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff) && !k.prefix(0xfd, 0x87, 0xd8, 0x7e, 0xeb, 0x43)
	case k.is4():
		v := binary.BigEndian.Uint32(k.b[:4])
		return v != 0 && v != 0xffffffff
	case k.net == wire.NetCJDNS:
		return k.n == 16 && k.b[0] == 0xfc
	case k.net == wire.NetTorV3, k.net == wire.NetI2P:
		return k.n == 32
	}
	return false
}

// routable is Core's CNetAddr::IsRoutable: valid and not in a private,
// reserved, link-local, loopback or documentation range.
func (k *netKey) routable() bool {
	if !k.valid() {
		return false
	}
	b := &k.b
	switch {
	case k.is4():
		return !(b[0] == 10 || (b[0] == 192 && b[1] == 168) || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || // RFC 1918
			(b[0] == 198 && (b[1] == 18 || b[1] == 19)) || // RFC 2544
			(b[0] == 169 && b[1] == 254) || // RFC 3927
			(b[0] == 100 && b[1] >= 64 && b[1] <= 127) || // RFC 6598
			k.prefix(192, 0, 2) || k.prefix(198, 51, 100) || k.prefix(203, 0, 113) || // RFC 5737
			b[0] == 127 || b[0] == 0) // local
	case k.is6():
		return !(k.prefix(0xfe, 0x80, 0, 0, 0, 0, 0, 0) || // RFC 4862
			b[0]&0xfe == 0xfc || // RFC 4193
			(k.prefix(0x20, 0x01, 0x00) && (b[3]&0xf0 == 0x10 || b[3]&0xf0 == 0x20)) || // RFC 4843, 7343
			k.b == [32]byte{15: 1}) // ::1
	}
	return true // Tor, I2P, CJDNS
}

// linkedIPv4 returns the IPv4 address a routable IPv4 address is, or an IPv6
// address embeds (RFC 6145 SIIT, RFC 6052 NAT64, RFC 3964 6to4, RFC 4380
// Teredo), as Core's HasLinkedIPv4/GetLinkedIPv4.
func (k *netKey) linkedIPv4() (uint32, bool) {
	if !k.routable() {
		return 0, false
	}
	b := k.b[:16]
	switch {
	case k.is4():
		return binary.BigEndian.Uint32(b), true
	case !k.is6():
		return 0, false
	case k.prefix(0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0), // RFC 6145
		k.prefix(0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0): // RFC 6052
		return binary.BigEndian.Uint32(b[12:]), true
	case k.prefix(0x20, 0x02): // RFC 3964
		return binary.BigEndian.Uint32(b[2:]), true
	case k.prefix(0x20, 0x01, 0x00, 0x00): // RFC 4380
		return ^binary.BigEndian.Uint32(b[12:]), true
	}
	return 0, false
}

// class is Core's CNetAddr::GetNetClass.
func (k *netKey) class() byte {
	if !k.routable() {
		return classUnroutable
	}
	if _, ok := k.linkedIPv4(); ok {
		return classIPv4
	}
	switch k.net {
	case wire.NetIPv6:
		return classIPv6
	case wire.NetTorV3:
		return classOnion
	case wire.NetI2P:
		return classI2P
	case wire.NetCJDNS:
		return classCJDNS
	}
	return classUnroutable
}

// classNetwork maps a Core network class back to a BIP155 id (0 for
// unroutable).
func classNetwork(c byte) wire.NetworkID {
	switch c {
	case classIPv4:
		return wire.NetIPv4
	case classIPv6:
		return wire.NetIPv6
	case classOnion:
		return wire.NetTorV3
	case classI2P:
		return wire.NetI2P
	case classCJDNS:
		return wire.NetCJDNS
	}
	return 0
}

// appendGroup appends k's network group, Core's NetGroupManager::GetGroup
// without an asmap: the network class, then /16 of the (linked) IPv4
// address, /36 for he.net (2001:470::/32), /32 for other IPv6, the first 4
// bits of a Tor or I2P address and the 4 bits after CJDNS's constant fc
// byte. All unroutable addresses (local, private, invalid) share one group.
func appendGroup(dst []byte, k *netKey) []byte {
	class := k.class()
	dst = append(dst, class)
	if class == classUnroutable {
		return dst
	}
	if v4, ok := k.linkedIPv4(); ok {
		return append(dst, byte(v4>>24), byte(v4>>16))
	}
	bitsN := 32
	switch {
	case k.net == wire.NetTorV3 || k.net == wire.NetI2P:
		bitsN = 4
	case k.net == wire.NetCJDNS:
		bitsN = 12
	case k.prefix(0x20, 0x01, 0x04, 0x70):
		bitsN = 36
	}
	whole := bitsN / 8
	dst = append(dst, k.b[:whole]...)
	if rem := bitsN % 8; rem > 0 {
		dst = append(dst, k.b[whole]|byte(1<<(8-rem)-1))
	}
	return dst
}

// appendAddrBytes appends Core's CNetAddr::GetAddrBytes: the 16-byte legacy
// form for IPv4 (IPv4-mapped) and IPv6, the raw bytes for other networks.
func appendAddrBytes(dst []byte, k *netKey) []byte {
	if k.is4() {
		dst = append(dst, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff)
	}
	return append(dst, k.addr()...)
}

// appendServiceKey appends Core's CService::GetKey: the address bytes and
// the big-endian port.
func appendServiceKey(dst []byte, k *netKey) []byte {
	return binary.BigEndian.AppendUint16(appendAddrBytes(dst, k), k.port)
}

// NetGroup returns the network group of an address, as Bitcoin Core's
// NetGroupManager::GetGroup computes it without an asmap: /16 for IPv4 (and
// IPv6 addresses that embed IPv4: 6to4, Teredo, NAT64, SIIT), /32 for IPv6
// (/36 inside he.net's 2001:470::/32), the first 4 bits for Tor v3 and I2P,
// 4 bits after the fc prefix for CJDNS; every unroutable or malformed
// address falls in one shared group. The result is an opaque byte string
// for use as a map key: the connection manager keeps at most one outbound
// peer per group. The address manager buckets addresses by the same groups.
func NetGroup(na wire.NetAddress) string {
	k, ok := keyOf(&na)
	if !ok || !na.IsValid() {
		return string([]byte{classUnroutable})
	}
	var buf [8]byte
	return string(appendGroup(buf[:0], &k))
}

// IsRoutable reports whether Bitcoin Core would treat the address as
// publicly routable (CNetAddr::IsRoutable): a valid address of a known
// network outside the private (RFC 1918, 4193, 6598), benchmarking
// (RFC 2544), link-local (RFC 3927, 4862), documentation (RFC 5737, 3849),
// ORCHID (RFC 4843, 7343), loopback and unspecified ranges. The address
// manager stores only routable addresses.
func IsRoutable(na wire.NetAddress) bool {
	k, ok := keyOf(&na)
	return ok && na.IsValid() && k.routable()
}
