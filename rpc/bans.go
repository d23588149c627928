package rpc

import (
	"context"
	"net/netip"
	"strings"
	"time"

	"github.com/bitnode/bitnode/node/addrman"
)

func banCommands() []*Command {
	return []*Command{listBannedCommand(), setBanCommand(), clearBannedCommand()}
}

// bans returns the ban list, or Core's error without a ban manager.
func (s *Server) bans() (BanList, *Error) {
	if s.cfg.Bans == nil {
		return nil, errorf(ErrDatabase, "Error: Ban database not loaded")
	}
	return s.cfg.Bans, nil
}

func listBannedCommand() *Command {
	return &Command{
		Name: "listbanned", Category: "network",
		Desc: "List all manually banned IPs/Subnets.",
		Results: []Result{{Type: ResArr, Inner: []Result{{Type: ResObj, Inner: []Result{
			{Type: ResStr, Key: "address", Desc: "The IP/Subnet of the banned node"},
			{Type: ResTime, Key: "ban_created", Desc: "The UNIX epoch time the ban was created"},
			{Type: ResTime, Key: "banned_until", Desc: "The UNIX epoch time the ban expires"},
			{Type: ResNum, Key: "ban_duration", Desc: "The ban duration, in seconds"},
			{Type: ResNum, Key: "time_remaining", Desc: "The time remaining until the ban expires, in seconds"},
		}}}}},
		Examples: examples("listbanned", ""),
		handler: func(_ context.Context, s *Server, _ *callArgs) (any, error) {
			b, err := s.bans()
			if err != nil {
				return nil, err
			}
			list := b.List()
			if list == nil {
				list = []addrman.BanEntry{}
			}
			return list, nil
		},
	}
}

func setBanCommand() *Command {
	return &Command{
		Name: "setban", Category: "network",
		Desc: "Attempts to add or remove an IP/Subnet from the banned list.",
		Args: []Arg{
			{Names: "subnet", Type: ArgStr, Desc: "The IP/Subnet (see getpeerinfo for nodes IP) with an optional netmask (default is /32 = single IP)"},
			{Names: "command", Type: ArgStr, Desc: "'add' to add an IP/Subnet to the list, 'remove' to remove an IP/Subnet from the list"},
			{Names: "bantime", Type: ArgNum, Default: "0", Desc: "time in seconds how long (or until when if [absolute] is set) the IP is banned (0 or empty means using the default time of 24h which can also be overwritten by the -bantime startup argument)"},
			{Names: "absolute", Type: ArgBool, Default: "false", Desc: "If set, the bantime must be an absolute timestamp expressed in UNIX epoch time"},
		},
		Results: []Result{{Type: ResNone}},
		Examples: cli("setban", `"192.168.0.6" "add" 86400`) + cli("setban", `"192.168.0.0/24" "add"`) +
			httpExample("setban", `"192.168.0.6", "add", 86400`),
		handler: setBan,
	}
}

func setBan(_ context.Context, s *Server, p *callArgs) (any, error) {
	cmd, err := p.str(1, "")
	if err != nil {
		return nil, err
	}
	if cmd != "add" && cmd != "remove" {
		return nil, misc("%s", p.cmd.help())
	}
	b, err := s.bans()
	if err != nil {
		return nil, err
	}
	text, err := p.str(0, "")
	if err != nil {
		return nil, err
	}
	isSubnet := strings.Contains(text, "/")
	subnet, ok := addrman.ParseSubnet(text)
	if !ok {
		return nil, errorf(ErrClientInvalidIPOrSubnet, "Error: Invalid IP/Subnet")
	}
	if cmd == "remove" {
		if !b.Unban(subnet) {
			return nil, errorf(ErrClientInvalidIPOrSubnet, "Error: Unban failed. Requested address/subnet was not previously manually banned.")
		}
		return nil, nil
	}
	already := b.IsSubnetBanned(subnet)
	if !isSubnet {
		already = b.IsBanned(subnet.Addr())
	}
	if already {
		return nil, errorf(ErrClientNodeAlreadyAdded, "Error: IP/Subnet already banned")
	}
	banTime, err := p.int64Arg(2, 0)
	if err != nil {
		return nil, err
	}
	absolute, err := p.boolean(3, false)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	var until time.Time
	switch {
	case absolute:
		if banTime < now.Unix() {
			return nil, invalidParameter("Error: Absolute timestamp is in the past")
		}
		until = time.Unix(banTime, 0)
	case banTime > 0:
		until = now.Add(time.Duration(banTime) * time.Second)
	}
	if e := b.Ban(subnet, until, "manually added"); e != nil {
		return nil, errorf(ErrClientInvalidIPOrSubnet, "Error: Invalid IP/Subnet")
	}
	// As Core, drop the connections the ban now covers.
	if s.cfg.Network != nil {
		for _, pi := range s.cfg.Network.Peers() {
			if ap, e := netip.ParseAddrPort(pi.Addr); e == nil && subnet.Contains(ap.Addr().Unmap()) {
				s.cfg.Network.DisconnectPeer(pi.ID)
			}
		}
	}
	return nil, nil
}

func clearBannedCommand() *Command {
	return &Command{
		Name: "clearbanned", Category: "network",
		Desc:     "Clear all banned IPs.",
		Results:  []Result{{Type: ResNone}},
		Examples: examples("clearbanned", ""),
		handler: func(_ context.Context, s *Server, _ *callArgs) (any, error) {
			b, err := s.bans()
			if err != nil {
				return nil, err
			}
			b.Clear()
			return nil, nil
		},
	}
}
