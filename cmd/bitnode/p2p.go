package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/netip"
	"path/filepath"
	"strconv"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/chain/index"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/mempool"
	"github.com/bitnode/bitnode/mempool/feeest"
	"github.com/bitnode/bitnode/node"
	"github.com/bitnode/bitnode/node/addrman"
	"github.com/bitnode/bitnode/wire"
)

// p2pFlags are the networking and mempool settings of `bitnode node`.
func p2pFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "listen", Value: true, Usage: "accept inbound connections"},
		&cli.StringSliceFlag{Name: "bind", Usage: "listen on `ADDR` (default all interfaces on --port)"},
		&cli.IntFlag{Name: "port", Usage: "P2P `PORT` (default: the network's)"},
		&cli.StringSliceFlag{Name: "connect", Usage: "connect only to `ADDR` (repeatable; 0 disables automatic connections)"},
		&cli.StringSliceFlag{Name: "addnode", Usage: "also keep a connection to `ADDR` (repeatable)"},
		&cli.IntFlag{Name: "maxconnections", Value: node.DefaultMaxConnections, Usage: "maximum peer connections"},
		&cli.BoolFlag{Name: "dnsseed", Value: true, Usage: "look up peer addresses from the network's DNS seeds when the address book is empty"},
		&cli.Int64Flag{Name: "maxmempool", Value: 300, Usage: "mempool memory limit in `MB` (megabytes, as Core)"},
		&cli.Int64Flag{Name: "mempoolexpiry", Value: 336, Usage: "drop mempool transactions older than `HOURS`"},
		&cli.BoolFlag{Name: "peerblockfilters", Usage: "serve BIP157 compact block filters to peers (needs --blockfilterindex)"},
		&cli.IntFlag{Name: "stopatheight", Usage: "shut down once the chain reaches `HEIGHT` (for tests and benchmarks)"},
	}
}

// p2pServices are the pieces started around the chain: the mempool, the
// address book and the P2P node, with what must be saved at shutdown.
type p2pServices struct {
	pool  *mempool.Pool
	est   *feeest.Estimator
	am    *addrman.Manager
	bans  *addrman.Bans
	node  *node.Node
	dir   string
	log   *slog.Logger
	errCh chan error
}

// startP2P loads the mempool, fee estimates, address book and bans from
// dir and starts the P2P node.
func startP2P(ctx context.Context, c *cli.Context, ch *chain.Chain, dir string, logs *loggers, filters *index.FilterIndex) (*p2pServices, error) {
	s := &p2pServices{dir: dir, log: logs.get("node"), errCh: make(chan error, 1)}
	s.est = feeest.New(feeest.WithLogger(logs.get("feeest")))
	if err := s.est.LoadFile(filepath.Join(dir, feeest.FileName), 0); err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.log.Warn("fee estimates not loaded", "err", err)
	}
	s.pool = mempool.New(mempool.Config{Chain: ch, Estimator: s.est, DataDir: dir, Logger: logs.get("mempool"),
		MaxMempoolBytes: c.Int64("maxmempool") * 1_000_000, Expiry: time.Duration(c.Int64("mempoolexpiry")) * time.Hour})
	if st, err := s.pool.Load(); err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.log.Warn("mempool.dat not loaded", "err", err)
	} else {
		s.log.Info("mempool loaded", "stats", fmt.Sprintf("%+v", st))
	}
	s.am = addrman.New(addrman.Config{Logger: logs.get("addrman")})
	if err := s.am.LoadFile(filepath.Join(dir, "peers.dat")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.log.Warn("peers.dat not loaded, starting with an empty address book", "err", err)
	}
	s.bans = addrman.NewBans(addrman.BansConfig{})
	if err := s.bans.LoadFile(filepath.Join(dir, "banlist.json")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.log.Warn("banlist.json not loaded", "err", err)
	}
	cfg, err := nodeConfig(c, ch.Params(), s)
	if err != nil {
		return nil, err
	}
	cfg.Chain, cfg.Mempool, cfg.Logger = ch, s.pool, logs.get("net")
	cfg.Pruned = c.Int64("prune") > 0
	if c.Bool("peerblockfilters") {
		if filters == nil {
			return nil, usageErrorf("--peerblockfilters needs --blockfilterindex")
		}
		cfg.Filters = filters
	}
	if s.node, err = node.New(cfg); err != nil {
		return nil, err
	}
	if cfg.Connect == nil && c.Bool("dnsseed") && s.am.Len() == 0 {
		go s.seed(ctx, ch.Params())
	}
	go func() { s.errCh <- s.node.Run(ctx) }()
	go func() { s.pool.Run(ctx) }()
	return s, nil
}

func nodeConfig(c *cli.Context, p *params.Params, s *p2pServices) (node.Config, error) {
	port := int(p.DefaultPort)
	if c.IsSet("port") {
		port = c.Int("port")
	}
	cfg := node.Config{AddrMan: s.am, Bans: s.bans, MaxConnections: c.Int("maxconnections"),
		FullRelayOutbound: node.DefaultFullRelayOutbound, BlockRelayOutbound: node.DefaultBlockRelayOutbound,
		UserAgent: "/bitnode:" + version + "/", AddNodes: c.StringSlice("addnode")}
	if c.IsSet("connect") {
		cfg.Connect = []string{}
		for _, a := range c.StringSlice("connect") {
			if a != "0" {
				cfg.Connect = append(cfg.Connect, withPort(a, port))
			}
		}
	}
	for i, a := range cfg.AddNodes {
		cfg.AddNodes[i] = withPort(a, port)
	}
	if c.Bool("listen") {
		binds := c.StringSlice("bind")
		if len(binds) == 0 {
			binds = []string{":" + strconv.Itoa(port)}
		}
		for _, b := range binds {
			cfg.Listen = append(cfg.Listen, withPort(b, port))
		}
	}
	return cfg, nil
}

// withPort adds the default port to an address given without one.
func withPort(addr string, port int) string {
	if _, _, err := net.SplitHostPort(addr); err == nil {
		return addr
	}
	return net.JoinHostPort(addr, strconv.Itoa(port))
}

// seed fills an empty address book from the network's DNS seeds. It is
// only reached without --connect and with --dnsseed (tests always pass
// --connect or --dnsseed=0).
func (s *p2pServices) seed(ctx context.Context, p *params.Params) {
	for _, host := range p.DNSSeeds {
		ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			s.log.Debug("dns seed failed", "seed", host, "err", err)
			continue
		}
		var addrs []wire.NetAddress
		for _, ip := range ips {
			addrs = append(addrs, wire.NewNetAddress(netip.AddrPortFrom(ip.Unmap(), p.DefaultPort), wire.SFNodeNetwork|wire.SFNodeWitness))
		}
		s.am.Add(addrs, wire.NetAddress{}, 0)
	}
}

// stop waits for the P2P node and saves the mempool, fee estimates,
// address book and bans.
func (s *p2pServices) stop() {
	if err := <-s.errCh; err != nil {
		s.log.Error("p2p node", "err", err)
	}
	if err := s.pool.Save(); err != nil {
		s.log.Warn("saving mempool", "err", err)
	}
	s.pool.Close()
	s.est.FlushUnconfirmed()
	if err := s.est.SaveFile(filepath.Join(s.dir, feeest.FileName)); err != nil {
		s.log.Warn("saving fee estimates", "err", err)
	}
	if err := s.am.SaveFile(filepath.Join(s.dir, "peers.dat")); err != nil {
		s.log.Warn("saving peers.dat", "err", err)
	}
	if err := s.bans.SaveFile(filepath.Join(s.dir, "banlist.json")); err != nil {
		s.log.Warn("saving banlist.json", "err", err)
	}
}
