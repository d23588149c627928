package rpc

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// ResolveBind turns --rpcbind and --rpcallowip into the addresses to listen
// on and the networks allowed to connect. Without --rpcbind the server
// listens on 127.0.0.1 and ::1 only (--rpcallowip alone then only widens
// who may connect through a forwarded port, as in Core). A --rpcbind
// address that is not loopback needs --rpcallowip: exposing the RPC
// interface must be asked for twice. Binds without a port get port.
func ResolveBind(binds, allowIPs []string, port uint16) ([]string, []netip.Prefix, error) {
	allowed, err := ParseAllowIPs(allowIPs)
	if err != nil {
		return nil, nil, err
	}
	p := strconv.Itoa(int(port))
	if len(binds) == 0 {
		return []string{net.JoinHostPort("127.0.0.1", p), net.JoinHostPort("::1", p)}, allowed, nil
	}
	var out []string
	for _, b := range binds {
		host, bport, err := net.SplitHostPort(b)
		if err != nil {
			host, bport = strings.Trim(b, "[]"), p
		}
		if n, err := strconv.ParseUint(bport, 10, 16); err != nil || n == 0 {
			return nil, nil, fmt.Errorf("invalid port in --rpcbind %q", b)
		}
		if len(allowed) == 0 && !isLoopbackHost(host) {
			return nil, nil, fmt.Errorf("--rpcbind %s is not a loopback address: it needs --rpcallowip naming who may connect", b)
		}
		out = append(out, net.JoinHostPort(host, bport))
	}
	return out, allowed, nil
}

// isLoopbackHost reports whether host is a loopback IP or "localhost".
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// ParseAllowIPs parses --rpcallowip values: an address ("192.168.1.5"),
// a CIDR network ("192.168.1.0/24") or an address with a netmask
// ("192.168.1.0/255.255.255.0"), as Core's LookupSubNet accepts.
func ParseAllowIPs(values []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, v := range values {
		p, err := parseSubnet(v)
		if err != nil {
			return nil, fmt.Errorf("invalid --rpcallowip subnet specification: %s", v)
		}
		out = append(out, p)
	}
	return out, nil
}

func parseSubnet(v string) (netip.Prefix, error) {
	addrStr, mask, hasMask := strings.Cut(v, "/")
	addr, err := netip.ParseAddr(addrStr)
	if err != nil {
		return netip.Prefix{}, err
	}
	addr = addr.Unmap()
	if !hasMask {
		return netip.PrefixFrom(addr, addr.BitLen()), nil
	}
	if bits, err := strconv.Atoi(mask); err == nil {
		p, err := addr.Prefix(bits)
		if err != nil {
			return netip.Prefix{}, err
		}
		return p, nil
	}
	m, err := netip.ParseAddr(mask)
	if err != nil || m.BitLen() != addr.BitLen() {
		return netip.Prefix{}, errors.New("bad netmask")
	}
	ones, bitsTotal := net.IPMask(m.AsSlice()).Size()
	if bitsTotal == 0 {
		return netip.Prefix{}, errors.New("netmask is not contiguous")
	}
	return addr.Prefix(ones)
}

// clientAllowed reports whether a peer address may use the server:
// loopback always, others when an --rpcallowip network holds them.
func (s *Server) clientAllowed(remote string) bool {
	ap, err := netip.ParseAddrPort(remote)
	if err != nil {
		return false
	}
	ip := ap.Addr().Unmap()
	if ip.IsLoopback() {
		return true
	}
	for _, p := range s.cfg.AllowIPs {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
