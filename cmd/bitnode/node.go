package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/chain/index"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/wire"
)

func nodeCommand() *cli.Command {
	return &cli.Command{
		Name:  "node",
		Usage: "run the full node",
		Flags: append(append(networkFlags(),
			&cli.StringFlag{Name: "datadir", Usage: "data `DIR` (default ~/.bitnode on Linux; networks other than main use a subdirectory)"},
			&cli.StringFlag{Name: "conf", Usage: "settings `FILE` (default <datadir>/bitnode.conf; key=value as Bitcoin Core's, [network] sections)", TakesFile: true},
			&cli.StringSliceFlag{Name: "loadblock", Usage: "import blocks from a blk*.dat `FILE` at start-up (repeatable)", TakesFile: true},
			&cli.BoolFlag{Name: "stopafterblockimport", Usage: "stop after importing the --loadblock files"},
			&cli.Int64Flag{Name: "dbcache", Value: chain.DefaultCacheBytes >> 20, Usage: "UTXO cache size in `MiB`"},
			&cli.StringFlag{Name: "assumevalid", Usage: "skip script checks below this block `HASH` (0 checks everything; default: the network's)"},
			&cli.Int64Flag{Name: "prune", Usage: "keep block files within `MiB` (0 disables; minimum 550)"},
			&cli.BoolFlag{Name: "txindex", Usage: "maintain a transaction index"},
			&cli.BoolFlag{Name: "blockfilterindex", Usage: "maintain BIP158 basic block filters"},
			&cli.IntFlag{Name: "par", Usage: "script verification threads (0: one per core)"},
			&cli.Int64Flag{Name: "maxsigcachesize", Value: 32, Usage: "signature cache size in `MiB`"},
			&cli.StringFlag{Name: "loglevel", Value: "info", Usage: "debug, info, warn or error"},
			&cli.StringSliceFlag{Name: "debug", Usage: "log `SUBSYSTEM` at debug level (chain, store, txindex, blockfilterindex, mempool, net, node; all)"},
		), append(p2pFlags(), rpcServerFlags()...)...),
		Action: runNode,
	}
}

// dataDir returns the network's data directory: Core's layout, the base
// directory for main and a subdirectory named after the network otherwise.
func dataDir(base string, p *params.Params) (string, error) {
	if base == "" {
		var err error
		if base, err = defaultDataDir(); err != nil {
			return "", err
		}
	}
	switch p.Name {
	case "main":
		return base, nil
	case "test":
		return filepath.Join(base, "testnet3"), nil
	}
	return filepath.Join(base, p.Name), nil
}

func runNode(c *cli.Context) error {
	if err := loadConfigFile(c); err != nil {
		return err
	}
	cl, err := parseCommandLine(c)
	if err != nil {
		return err
	}
	if len(cl.args) != 0 {
		return usageErrorf("node takes no arguments")
	}
	p, err := cl.params()
	if err != nil {
		return err
	}
	logs, err := newLoggers(c.App.ErrWriter, c.String("loglevel"), c.StringSlice("debug"))
	if err != nil {
		return err
	}
	cfg, err := chainConfig(c, p, logs)
	if err != nil {
		return err
	}
	setMemoryLimit(c)
	lock, err := lockDataDir(cfg.DataDir)
	if err != nil {
		return dataError(err)
	}
	defer lock.release()
	log := logs.get("node")
	// Indexes still catching up keep their blocks from being pruned.
	var followers atomic.Pointer[runningIndexes]
	cfg.PruneLock = func() int32 {
		if r := followers.Load(); r != nil {
			return r.lowestNeeded()
		}
		return 0
	}
	ch, err := chain.New(cfg)
	if err != nil {
		return dataError(err)
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	idx, err := startIndexes(ctx, c, ch, cfg.DataDir, logs)
	if err != nil {
		ch.Close()
		return dataError(err)
	}
	followers.Store(idx)
	if h := int32(c.Int("stopatheight")); h > 0 {
		unsub := ch.Subscribe(func(n chain.Notification) {
			if n.Kind == chain.BlockConnected && n.Height >= h {
				log.Info("reached --stopatheight, shutting down", "height", n.Height)
				stop()
			}
		})
		defer unsub()
	}
	runErr := importBlocks(ctx, c, ch, log)
	if runErr == nil && !c.Bool("stopafterblockimport") && ctx.Err() == nil {
		runErr = runServices(ctx, c, ch, cfg.DataDir, logs, idx, stop)
	}
	stop()
	idx.stop()
	if err := ch.Close(); err != nil && runErr == nil {
		runErr = dataError(err)
	}
	return runErr
}

// loadConfigFile applies <datadir>/bitnode.conf (or --conf FILE): the
// network is taken from the command line, else from the file's top level,
// and then the file's top-level and network-section settings fill in what
// the command line left unset.
func loadConfigFile(c *cli.Context) error {
	path := c.String("conf")
	if path == "" {
		base := c.String("datadir")
		if base == "" {
			var err error
			if base, err = defaultDataDir(); err != nil {
				return err
			}
		}
		path = filepath.Join(base, configFileName)
	} else if _, err := os.Stat(path); err != nil {
		return usageErrorf("--conf: %v", err)
	}
	network := c.String(flagNetwork)
	if !c.IsSet(flagNetwork) {
		top, err := parseConfig(path, "")
		if err != nil {
			return usageErrorf("%v", err)
		}
		for _, e := range top {
			if e.key == flagNetwork {
				network = e.value
			}
		}
	}
	p, err := params.ByName(network)
	section := network
	if err == nil {
		section = p.Name
	}
	return applyConfig(c, path, section)
}

// sigCacheEntryBytes is what one cached signature costs in memory: a
// 32-byte key in a Go map measured at about 70 bytes with the map's
// overhead at 300,000 entries, plus headroom for the map's growth steps;
// so --maxsigcachesize is a byte budget as Core's -maxsigcachesize is.
const sigCacheEntryBytes = 96

// setMemoryLimit gives the Go runtime a soft memory limit of the caches'
// budgets plus room for everything else, so the garbage collector works
// harder rather than letting the process grow far past --dbcache during
// initial sync. GOMEMLIMIT in the environment takes precedence.
func setMemoryLimit(c *cli.Context) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	budget := (c.Int64("dbcache") + c.Int64("maxsigcachesize") + 512) << 20
	debug.SetMemoryLimit(budget)
}

func chainConfig(c *cli.Context, p *params.Params, logs *loggers) (chain.Config, error) {
	dir, err := dataDir(c.String("datadir"), p)
	if err != nil {
		return chain.Config{}, err
	}
	cfg := chain.Config{Params: p, DataDir: dir, CacheBytes: c.Int64("dbcache") << 20,
		Workers: c.Int("par"), Logger: logs.get("chain"),
		SigCache: script.NewSigCache(int(c.Int64("maxsigcachesize") << 20 / sigCacheEntryBytes))}
	if v := c.String("assumevalid"); v != "" {
		h := wire.Hash{}
		if v != "0" {
			if h, err = wire.NewHashFromStr(v); err != nil {
				return cfg, usageErrorf("--assumevalid: %v", err)
			}
		}
		cfg.AssumeValid = &h
	}
	if mib := c.Int64("prune"); mib > 0 {
		if c.Bool("txindex") {
			return cfg, usageErrorf("--prune is incompatible with --txindex, as in Bitcoin Core")
		}
		if mib < 550 {
			return cfg, usageErrorf("--prune must be at least 550 MiB, as in Bitcoin Core")
		}
		cfg.PruneTarget = mib << 20
	}
	return cfg, nil
}

// runningIndexes are the optional indexes and their goroutines.
type runningIndexes struct {
	filters *index.FilterIndex
	tx      *index.TxIndex
	wg      sync.WaitGroup
	close   []func() error
	unsub   []func()
	heights []func() int32
}

// lowestNeeded is the first height some index has not processed yet.
func (r *runningIndexes) lowestNeeded() int32 {
	lowest := int32(math.MaxInt32)
	for _, h := range r.heights {
		lowest = min(lowest, h()+1)
	}
	return lowest
}

func (r *runningIndexes) stop() {
	for _, u := range r.unsub {
		u()
	}
	r.wg.Wait()
	for _, c := range r.close {
		c()
	}
}

// startIndexes opens the indexes the flags ask for, feeds them the chain's
// notifications and lets each catch up in the background.
func startIndexes(ctx context.Context, c *cli.Context, ch *chain.Chain, dir string, logs *loggers) (*runningIndexes, error) {
	r := &runningIndexes{}
	type follower interface {
		Run(context.Context) error
		BlockConnected(*wire.Block, int32, store.BlockUndo)
		BlockDisconnected(*wire.Block, int32, store.BlockUndo)
		Close() error
		BestHeight() int32
	}
	var idxs []follower
	if c.Bool("txindex") {
		ti, err := index.OpenTxIndex(index.Config{Dir: filepath.Join(dir, "indexes", "txindex"), Source: ch, Logger: logs.get("txindex")})
		if err != nil {
			return nil, err
		}
		idxs = append(idxs, ti)
		r.tx = ti
	}
	if c.Bool("blockfilterindex") {
		fi, err := index.OpenFilterIndex(index.Config{Dir: filepath.Join(dir, "indexes", "blockfilter", "basic"), Source: ch, Logger: logs.get("blockfilterindex")})
		if err != nil {
			return nil, err
		}
		idxs = append(idxs, fi)
		r.filters = fi
	}
	for _, ix := range idxs {
		r.close = append(r.close, ix.Close)
		r.heights = append(r.heights, ix.BestHeight)
		r.unsub = append(r.unsub, ch.Subscribe(func(n chain.Notification) {
			if n.Kind == chain.BlockConnected {
				ix.BlockConnected(n.Block, n.Height, n.Undo)
			} else {
				ix.BlockDisconnected(n.Block, n.Height, n.Undo)
			}
		}))
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			if err := ix.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
				logs.get("node").Error("index stopped", "err", err)
			}
		}()
	}
	return r, nil
}

// importBlocks imports the --loadblock files.
func importBlocks(ctx context.Context, c *cli.Context, ch *chain.Chain, log interface {
	Info(string, ...any)
}) error {
	for _, path := range c.StringSlice("loadblock") {
		f, err := os.Open(path)
		if err != nil {
			return dataError(err)
		}
		st, err := ch.ImportBlocks(f)
		f.Close()
		if err != nil {
			return dataError(fmt.Errorf("import %s: %w", path, err))
		}
		hash, height := ch.Tip()
		log.Info("imported blocks", "file", path, "read", st.Blocks, "accepted", st.Accepted,
			"rejected", st.Rejected, "orphans", st.Orphans, "tip", hash, "height", height)
		if ctx.Err() != nil {
			return nil
		}
	}
	return nil
}
