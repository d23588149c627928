package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/rpc"
	"github.com/bitnode/bitnode/wire"
)

// rpcServerFlags are the JSON-RPC server settings of `bitnode node`, named
// as Bitcoin Core's.
func rpcServerFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "server", Value: true, Usage: "accept JSON-RPC commands"},
		&cli.IntFlag{Name: "rpcport", Usage: "JSON-RPC `PORT` (default: the network's, 18443 on regtest)"},
		&cli.StringSliceFlag{Name: "rpcbind", Usage: "listen for JSON-RPC on `ADDR` (default 127.0.0.1 and ::1; a non-loopback address needs --rpcallowip)"},
		&cli.StringSliceFlag{Name: "rpcallowip", Usage: "allow JSON-RPC clients from `SUBNET` (IP, IP/bits or IP/netmask; repeatable)"},
		&cli.StringFlag{Name: "rpcuser", Usage: "JSON-RPC user `NAME` (with --rpcpassword; default: cookie authentication)"},
		&cli.StringFlag{Name: "rpcpassword", Usage: "JSON-RPC `PASSWORD`"},
		&cli.StringSliceFlag{Name: "rpcauth", Usage: "JSON-RPC credentials `USER:SALT$HMAC` (HMAC-SHA256 of the password keyed with the salt; repeatable)"},
		&cli.StringFlag{Name: "rpccookiefile", Usage: "cookie `FILE` (default <datadir>/.cookie)", TakesFile: true},
		&cli.IntFlag{Name: "rpcthreads", Value: rpc.DefaultThreads, Usage: "JSON-RPC requests served at once"},
		&cli.IntFlag{Name: "rpcworkqueue", Value: rpc.DefaultWorkQueue, Usage: "JSON-RPC requests waiting beyond those before 503"},
		&cli.BoolFlag{Name: "rest", Usage: "accept public REST requests (unauthenticated, read-only)"},
		&cli.IntFlag{Name: "rpcservertimeout", Value: int(rpc.DefaultTimeout / time.Second), Usage: "JSON-RPC request timeout in `SECONDS`"},
	}
}

// runServices starts the P2P services and the JSON-RPC server on the
// chain, runs them until ctx is done (a signal, --stopatheight or the stop
// method calling shutdown), then stops the RPC server before the P2P
// services save their state.
func runServices(ctx context.Context, c *cli.Context, ch *chain.Chain, dir string, logs *loggers,
	idx *runningIndexes, shutdown func()) error {
	services, err := startP2P(ctx, c, ch, dir, logs, idx.filters)
	var rpcSrv *rpcService
	if err == nil {
		if rpcSrv, err = startRPC(ctx, c, ch, dir, services, idx, logs, shutdown); err != nil {
			shutdown()
			services.stop()
		}
	}
	var ee *exitError
	switch {
	case errors.As(err, &ee):
		return err
	case err != nil:
		return dataError(err)
	}
	<-ctx.Done()
	rpcSrv.wait()
	services.stop()
	return nil
}

// rpcService is the running JSON-RPC server.
type rpcService struct {
	done chan error
	log  *slog.Logger
}

// wait blocks until the server has stopped (it stops with the node's
// context) and logs its error.
func (r *rpcService) wait() {
	if r == nil {
		return
	}
	if err := <-r.done; err != nil {
		r.log.Error("RPC server", "err", err)
	}
}

// startRPC starts the JSON-RPC server on the chain and the P2P services.
// A bind failure is fatal when --rpcport or --rpcbind asked for the
// address; on the default port it is logged and the node runs without RPC
// (so that two test nodes on one machine do not fight over it).
func startRPC(ctx context.Context, c *cli.Context, ch *chain.Chain, dir string, s *p2pServices, idx *runningIndexes,
	logs *loggers, shutdown func()) (*rpcService, error) {
	if !c.Bool("server") {
		return nil, nil
	}
	cfg, err := rpcConfig(c, ch, dir, s, idx, logs, shutdown)
	if err != nil {
		return nil, err
	}
	srv, err := rpc.New(cfg)
	if err != nil {
		return nil, usageErrorf("%v", err)
	}
	if err := srv.Start(); err != nil {
		if c.IsSet("rpcport") || c.IsSet("rpcbind") {
			return nil, err
		}
		cfg.Logger.Error("JSON-RPC server not started", "err", err)
		return nil, nil
	}
	r := &rpcService{done: make(chan error, 1), log: cfg.Logger}
	go func() { r.done <- srv.Run(ctx) }()
	return r, nil
}

func rpcConfig(c *cli.Context, ch *chain.Chain, dir string, s *p2pServices, idx *runningIndexes,
	logs *loggers, shutdown func()) (rpc.Config, error) {
	p := ch.Params()
	port := p.RPCPort
	if c.IsSet("rpcport") {
		v := c.Int("rpcport")
		if v <= 0 || v > 65535 {
			return rpc.Config{}, usageErrorf("--rpcport %d out of range", v)
		}
		port = uint16(v)
	}
	listen, allowed, err := rpc.ResolveBind(c.StringSlice("rpcbind"), c.StringSlice("rpcallowip"), port)
	if err != nil {
		return rpc.Config{}, usageErrorf("%v", err)
	}
	cfg := rpc.Config{Chain: ch, Mempool: s.pool, Network: s.node, Miner: rpc.NewMiner(ch, s.pool), Fees: s.est,
		Logging: logCategories{logs}, Listen: listen, AllowIPs: allowed, DataDir: dir,
		CookieFile: c.String("rpccookiefile"), User: c.String("rpcuser"), Password: c.String("rpcpassword"),
		RPCAuth: c.StringSlice("rpcauth"), Threads: c.Int("rpcthreads"), WorkQueue: c.Int("rpcworkqueue"),
		Timeout: time.Duration(c.Int("rpcservertimeout")) * time.Second, Shutdown: shutdown,
		BlocksDir: filepath.Join(dir, "blocks"), PruneTarget: c.Int64("prune") << 20,
		Version: numericVersion(version), SubVersion: "/bitnode:" + version + "/",
		LocalServices: localServices(c), Logger: logs.get("rpc"), REST: c.Bool("rest")}
	if idx != nil && idx.tx != nil {
		cfg.TxIndex = idx.tx
		cfg.Indexes = append(cfg.Indexes, idx.tx)
	}
	if s.bans != nil {
		cfg.Bans = s.bans
	}
	if s.am != nil {
		cfg.AddrMan = s.am
	}
	if idx != nil && idx.filters != nil {
		cfg.BlockFilters = idx.filters
		cfg.Indexes = append(cfg.Indexes, idx.filters)
	}
	if cfg.User == "" && cfg.Password != "" {
		return cfg, usageErrorf("--rpcpassword needs --rpcuser")
	}
	return cfg, nil
}

// localServices are the service bits the P2P node advertises.
func localServices(c *cli.Context) wire.ServiceFlag {
	s := wire.SFNodeWitness | wire.SFNodeNetworkLimited
	if c.Int64("prune") == 0 {
		s |= wire.SFNodeNetwork
	}
	if c.Bool("peerblockfilters") {
		s |= wire.SFNodeCompactFilters
	}
	return s
}

// numericVersion is Core's CLIENT_VERSION form of a version string:
// 10000*major + 100*minor + patch ("0.1.0-dev" is 100).
func numericVersion(v string) int {
	core, _, _ := strings.Cut(v, "-")
	n := 0
	for i, part := range strings.SplitN(core, ".", 3) {
		x, err := strconv.Atoi(part)
		if err != nil {
			return 0
		}
		n += x * []int{10000, 100, 1}[i]
	}
	return n
}

// logCategories reports the subsystems' debug state for the logging
// method. Their levels are fixed when the node starts (--debug), so it
// cannot change them.
type logCategories struct{ l *loggers }

// logSubsystems are the subsystems that take a logger.
var logSubsystems = []string{"addrman", "blockfilterindex", "chain", "feeest", "mempool", "net", "node", "rpc", "store", "txindex"}

func (lc logCategories) Categories() map[string]bool {
	out := map[string]bool{}
	for _, name := range logSubsystems {
		out[name] = lc.l.debug[name] || lc.l.debug["all"] || lc.l.level <= slog.LevelDebug
	}
	return out
}

func (lc logCategories) Set(include, exclude []string) error {
	known := map[string]bool{"all": true, "1": true}
	for _, name := range logSubsystems {
		known[name] = true
	}
	var unknown []string
	for _, name := range append(append([]string{}, include...), exclude...) {
		if !known[name] {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fmt.Errorf("%w %s", rpc.ErrUnknownCategory, unknown[0])
	}
	return errors.New("bitnode cannot change log levels while running: restart with --debug=CATEGORY")
}
