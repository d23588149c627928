package wire

import (
	"crypto/sha3"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"math/bits"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// ServiceFlag is the bit field of services a node advertises in its version
// message and in addr/addrv2 entries.
type ServiceFlag uint64

// Service bits Bitcoin Core knows (protocol.h).
const (
	// SFNodeNetwork: the node serves the full block chain.
	SFNodeNetwork ServiceFlag = 1 << 0
	// SFNodeBloom: the node serves BIP37 bloom-filtered connections (BIP111).
	SFNodeBloom ServiceFlag = 1 << 2
	// SFNodeWitness: the node serves witness data (BIP144).
	SFNodeWitness ServiceFlag = 1 << 3
	// SFNodeCompactFilters: the node serves BIP157 compact block filters.
	SFNodeCompactFilters ServiceFlag = 1 << 6
	// SFNodeNetworkLimited: the node serves the last 288 blocks (BIP159).
	SFNodeNetworkLimited ServiceFlag = 1 << 10
	// SFNodeP2PV2: the node supports the BIP324 encrypted transport.
	SFNodeP2PV2 ServiceFlag = 1 << 11
)

var serviceNames = map[ServiceFlag]string{
	SFNodeNetwork:        "NETWORK",
	SFNodeBloom:          "BLOOM",
	SFNodeWitness:        "WITNESS",
	SFNodeCompactFilters: "COMPACT_FILTERS",
	SFNodeNetworkLimited: "NETWORK_LIMITED",
	SFNodeP2PV2:          "P2P_V2",
}

// String lists the set bits as Bitcoin Core names them, joined by "|"
// (e.g. "NETWORK|WITNESS"); unknown bits print as UNKNOWN[2^n].
func (f ServiceFlag) String() string {
	if f == 0 {
		return "NONE"
	}
	var parts []string
	for v := uint64(f); v != 0; v &= v - 1 {
		bit := bits.TrailingZeros64(v)
		if name, ok := serviceNames[ServiceFlag(1)<<bit]; ok {
			parts = append(parts, name)
		} else {
			parts = append(parts, "UNKNOWN[2^"+strconv.Itoa(bit)+"]")
		}
	}
	return strings.Join(parts, "|")
}

// NetworkID is a BIP155 network identifier.
type NetworkID uint8

// BIP155 network ids.
const (
	NetIPv4 NetworkID = 1
	NetIPv6 NetworkID = 2
	// NetTorV2 is deprecated: Tor retired v2 onion services and Bitcoin Core
	// (since 22.0) treats id 3 as an unknown network, skipping such entries
	// without checking their length. This package does the same: see Known.
	NetTorV2 NetworkID = 3
	NetTorV3 NetworkID = 4
	NetI2P   NetworkID = 5
	NetCJDNS NetworkID = 6
)

// MaxAddrV2Size is the longest address an addrv2 entry may carry
// (BIP155, Core's MAX_ADDRV2_SIZE). Longer ones fail the whole message.
const MaxAddrV2Size = 512

// AddrSize is the address length BIP155 fixes for n, or 0 for a network this
// package does not know (including the deprecated NetTorV2).
func (n NetworkID) AddrSize() int {
	switch n {
	case NetIPv4:
		return 4
	case NetIPv6, NetCJDNS:
		return 16
	case NetTorV3, NetI2P:
		return 32
	}
	return 0
}

func (n NetworkID) String() string {
	switch n {
	case NetIPv4:
		return "ipv4"
	case NetIPv6:
		return "ipv6"
	case NetTorV2:
		return "torv2"
	case NetTorV3:
		return "torv3"
	case NetI2P:
		return "i2p"
	case NetCJDNS:
		return "cjdns"
	}
	return "network(" + strconv.Itoa(int(n)) + ")"
}

// NetAddress is a peer address as carried by addr, addrv2 and version
// messages: a BIP155 network id and its raw address bytes, a port, the
// services the peer is believed to offer and when it was last seen.
//
// Legacy (pre-BIP155) encodings carry a 16-byte IPv6 address; decoding maps
// an IPv4-mapped address (::ffff:a.b.c.d) to NetIPv4 with 4 bytes and anything
// else to NetIPv6, as Bitcoin Core does. Entries of networks this package does
// not know are kept verbatim so that a message re-encodes losslessly; use
// IsValid to filter them before gossiping or connecting.
type NetAddress struct {
	// Timestamp is when the address was last seen (seconds since the Unix
	// epoch). It is not encoded in version messages.
	Timestamp uint32
	Services  ServiceFlag
	Network   NetworkID
	// Addr holds Network.AddrSize() bytes for a known network (IPv4 and IPv6
	// in network byte order).
	Addr []byte
	Port uint16
}

// NewNetAddress returns the NetIPv4 or NetIPv6 address of ap; an IPv4-mapped
// IPv6 address becomes NetIPv4 and any IPv6 zone is dropped. An invalid ap
// gives the zero NetAddress.
func NewNetAddress(ap netip.AddrPort, services ServiceFlag) NetAddress {
	ip := ap.Addr().Unmap()
	na := NetAddress{Services: services, Port: ap.Port()}
	switch {
	case ip.Is4():
		a := ip.As4()
		na.Network, na.Addr = NetIPv4, a[:]
	case ip.Is6():
		a := ip.As16()
		na.Network, na.Addr = NetIPv6, a[:]
	default:
		return NetAddress{}
	}
	return na
}

// NewNetAddressIP is NewNetAddress for a net.IP (4 or 16 bytes).
func NewNetAddressIP(ip net.IP, port uint16, services ServiceFlag) NetAddress {
	a, ok := netip.AddrFromSlice(ip)
	if !ok {
		return NetAddress{}
	}
	return NewNetAddress(netip.AddrPortFrom(a, port), services)
}

// NewNetAddressV2 builds an address of any BIP155 network from its raw
// bytes, which must have the length BIP155 fixes for a known network. The
// bytes are copied.
func NewNetAddressV2(network NetworkID, addr []byte, port uint16, services ServiceFlag) (NetAddress, error) {
	if want := network.AddrSize(); want != 0 && len(addr) != want {
		return NetAddress{}, newError(ErrInvalidValue, "%s address has %d bytes, want %d", network, len(addr), want)
	}
	if len(addr) > MaxAddrV2Size {
		return NetAddress{}, newError(ErrTooLarge, "%s address has %d bytes, limit %d", network, len(addr), MaxAddrV2Size)
	}
	return NetAddress{Services: services, Network: network, Addr: cloneBytes(addr), Port: port}, nil
}

// Known reports whether the address belongs to a network this package knows
// and has that network's length.
func (na *NetAddress) Known() bool {
	n := na.Network.AddrSize()
	return n != 0 && len(na.Addr) == n
}

var (
	ipv4MappedPrefix = []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}
	torV2InIPv6      = []byte{0xfd, 0x87, 0xd8, 0x7e, 0xeb, 0x43}
)

// IsValid reports whether Bitcoin Core would keep the address after decoding
// it: a known network of the right length; not an IPv6 address that embeds
// IPv4 (::ffff:0:0/96) or a retired Tor v2 address (fd87:d87e:eb43::/48),
// which Core turns into an invalid placeholder; and for CJDNS, inside
// fc00::/8. Routability (private ranges and the like) is policy and is not
// judged here.
func (na *NetAddress) IsValid() bool {
	if !na.Known() {
		return false
	}
	switch na.Network {
	case NetIPv6:
		return !hasPrefix(na.Addr, ipv4MappedPrefix) && !hasPrefix(na.Addr, torV2InIPv6)
	case NetCJDNS:
		return na.Addr[0] == 0xfc
	}
	return true
}

func hasPrefix(b, prefix []byte) bool {
	return len(b) >= len(prefix) && string(b[:len(prefix)]) == string(prefix)
}

// netipAddr returns a known IPv4, IPv6 or CJDNS address as a netip.Addr
// (CJDNS addresses are IPv6 addresses in fc00::/8).
func (na *NetAddress) netipAddr() (netip.Addr, bool) {
	if !na.Known() {
		return netip.Addr{}, false
	}
	switch na.Network {
	case NetIPv4:
		return netip.AddrFrom4([4]byte(na.Addr)), true
	case NetIPv6, NetCJDNS:
		return netip.AddrFrom16([16]byte(na.Addr)), true
	}
	return netip.Addr{}, false
}

// AddrPort returns an IPv4, IPv6 or CJDNS address with its port; ok is false
// for other networks (Tor, I2P, unknown) and malformed addresses.
func (na *NetAddress) AddrPort() (ap netip.AddrPort, ok bool) {
	ip, ok := na.netipAddr()
	if !ok {
		return netip.AddrPort{}, false
	}
	return netip.AddrPortFrom(ip, na.Port), true
}

// IP returns an IPv4, IPv6 or CJDNS address as a net.IP (4 bytes for IPv4),
// or nil for other networks.
func (na *NetAddress) IP() net.IP {
	ip, ok := na.netipAddr()
	if !ok {
		return nil
	}
	return net.IP(ip.AsSlice())
}

// base32Lower is RFC 4648 base32 in lower case without padding, the
// alphabet of .onion and .b32.i2p names.
var base32Lower = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// torV3Version is the version byte of a v3 onion address.
const torV3Version = 3

// torV3Checksum is the 2-byte checksum of a v3 onion address:
// SHA3-256(".onion checksum" | pubkey | version)[:2] (BIP155, Tor rend-spec-v3).
func torV3Checksum(pubkey []byte) [2]byte {
	buf := make([]byte, 0, 15+32+1)
	buf = append(buf, ".onion checksum"...)
	buf = append(buf, pubkey...)
	buf = append(buf, torV3Version)
	sum := sha3.Sum256(buf)
	return [2]byte{sum[0], sum[1]}
}

// Host returns the address without the port: dotted or RFC 5952 IPv6 text
// for IPv4, IPv6 and CJDNS; "<56 chars>.onion" for Tor v3 (base32 of pubkey,
// checksum and version, BIP155); "<52 chars>.b32.i2p" for I2P; and for an
// unknown network or a malformed address a "<network>:<hex>" form.
func (na *NetAddress) Host() string {
	if ip, ok := na.netipAddr(); ok {
		return ip.String()
	}
	switch {
	case na.Network == NetTorV3 && len(na.Addr) == 32:
		sum := torV3Checksum(na.Addr)
		raw := append(append(cloneBytes(na.Addr), sum[:]...), torV3Version)
		return base32Lower.EncodeToString(raw) + ".onion"
	case na.Network == NetI2P && len(na.Addr) == 32:
		return base32Lower.EncodeToString(na.Addr) + ".b32.i2p"
	case na.Network == NetTorV2 && len(na.Addr) == 10:
		return base32Lower.EncodeToString(na.Addr) + ".onion"
	}
	return na.Network.String() + ":" + hex.EncodeToString(na.Addr)
}

// String returns host:port, with IPv6 and CJDNS hosts in brackets, as
// Bitcoin Core prints addresses.
func (na *NetAddress) String() string {
	if ap, ok := na.AddrPort(); ok {
		return ap.String()
	}
	return na.Host() + ":" + strconv.Itoa(int(na.Port))
}

// legacyIP returns the 16-byte form of the address used by addr and version
// messages: IPv4 as IPv4-mapped IPv6, IPv6 as is, and, like Core, all zeros
// for networks the legacy format cannot express (Tor, I2P, CJDNS, unknown).
func (na *NetAddress) legacyIP() [16]byte {
	var ip [16]byte
	switch {
	case na.Network == NetIPv4 && len(na.Addr) == 4:
		copy(ip[:], ipv4MappedPrefix)
		copy(ip[12:], na.Addr)
	case na.Network == NetIPv6 && len(na.Addr) == 16:
		copy(ip[:], na.Addr)
	}
	return ip
}

// netAddressLegacySize is a legacy entry's size without its timestamp:
// services, IPv6 address, port.
const netAddressLegacySize = 8 + 16 + 2

// appendNetAddressLegacy appends services, the 16-byte address and the
// big-endian port; with withTime the timestamp comes first (addr messages).
func appendNetAddressLegacy(b []byte, na *NetAddress, withTime bool) []byte {
	if withTime {
		b = appendUint32(b, na.Timestamp)
	}
	b = appendUint64(b, uint64(na.Services))
	ip := na.legacyIP()
	b = append(b, ip[:]...)
	return binary.BigEndian.AppendUint16(b, na.Port)
}

func decodeNetAddressLegacy(r *reader, withTime bool, arena *byteArena) (NetAddress, error) {
	var na NetAddress
	var err error
	if withTime {
		if na.Timestamp, err = r.uint32("time"); err != nil {
			return na, err
		}
	}
	services, err := r.uint64("services")
	if err != nil {
		return na, err
	}
	na.Services = ServiceFlag(services)
	ip, err := r.bytes(16, "address")
	if err != nil {
		return na, err
	}
	if hasPrefix(ip, ipv4MappedPrefix) {
		na.Network, na.Addr = NetIPv4, arena.copy(ip[12:])
	} else {
		na.Network, na.Addr = NetIPv6, arena.copy(ip)
	}
	na.Port, err = r.uint16BE("port")
	return na, err
}

// appendNetAddressV2 appends a BIP155 addrv2 entry.
func appendNetAddressV2(b []byte, na *NetAddress) []byte {
	b = appendUint32(b, na.Timestamp)
	b = AppendCompactSize(b, uint64(na.Services))
	b = append(b, byte(na.Network))
	b = AppendVarBytes(b, na.Addr)
	return binary.BigEndian.AppendUint16(b, na.Port)
}

// minNetAddressV2Size is the smallest addrv2 entry: time, one-byte services,
// network id, empty address length, port.
const minNetAddressV2Size = 4 + 1 + 1 + 1 + 2

// decodeNetAddressV2 reads a BIP155 entry as Bitcoin Core does: services are
// a CompactSize without Core's MAX_SIZE range check; an address longer than
// MaxAddrV2Size or a known network with the wrong length fails the message;
// an unknown network id (including the retired Tor v2) is kept as is.
func decodeNetAddressV2(r *reader, arena *byteArena) (NetAddress, error) {
	var na NetAddress
	var err error
	if na.Timestamp, err = r.uint32("time"); err != nil {
		return na, err
	}
	services, err := r.compactSize("services")
	if err != nil {
		return na, err
	}
	na.Services = ServiceFlag(services)
	id, err := r.uint8("network id")
	if err != nil {
		return na, err
	}
	na.Network = NetworkID(id)
	addr, err := r.varBytes("address", MaxAddrV2Size)
	if err != nil {
		return na, err
	}
	if want := na.Network.AddrSize(); want != 0 && len(addr) != want {
		return na, newError(ErrInvalidValue, "BIP155 %s address with length %d (should be %d)", na.Network, len(addr), want)
	}
	na.Addr = arena.copy(addr)
	na.Port, err = r.uint16BE("port")
	return na, err
}

// byteArena copies many small byte strings into a few shared blocks, so a
// decoded address list costs a handful of allocations and does not keep the
// message payload alive.
type byteArena struct{ buf []byte }

func (a *byteArena) copy(b []byte) []byte {
	if len(b) == 0 {
		return []byte{}
	}
	if a == nil {
		return cloneBytes(b)
	}
	if cap(a.buf)-len(a.buf) < len(b) {
		a.buf = make([]byte, 0, max(len(b), 4096))
	}
	n := len(a.buf)
	a.buf = append(a.buf, b...)
	return a.buf[n:len(a.buf):len(a.buf)]
}
