package rpc

import (
	"context"
	"encoding/json"
	"time"

	"github.com/bitnode/bitnode/chain/txjson"

	"github.com/bitnode/bitnode/wire"
)

func blockchainMoreCommands() []*Command {
	return []*Command{waitForNewBlockCommand(), waitForBlockCommand(), waitForBlockHeightCommand(),
		getChainTxStatsCommand(), getDeploymentInfoCommand()}
}

// tipJSON is the {hash, height} result of the wait methods.
type tipJSON struct {
	Hash   string `json:"hash"`
	Height int32  `json:"height"`
}

var waitResults = []Result{{Type: ResObj, Inner: []Result{
	{Type: ResHex, Key: "hash", Desc: "The blockhash"},
	{Type: ResNum, Key: "height", Desc: "Block height"},
}}}

const waitNote = "\nReturns the current block on timeout or exit.\n" +
	"\nMake sure to use no RPC timeout (bitcoin-cli -rpcclienttimeout=0)"

var waitTimeoutArg = Arg{Names: "timeout", Type: ArgNum, Default: "0",
	Desc: "Time in milliseconds to wait for a response. 0 indicates no timeout."}

// waitTip polls the chain tip until done reports true, the timeout (ms,
// 0 = none) passes or the request ends, and returns the tip then.
func waitTip(ctx context.Context, s *Server, p *callArgs, ti int, done func(wire.Hash, int32) bool) (any, error) {
	timeout, err := p.int64Arg(ti, 0)
	if err != nil {
		return nil, err
	}
	if timeout < 0 {
		return nil, misc("Negative timeout")
	}
	var deadline <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(time.Duration(timeout) * time.Millisecond)
		defer t.Stop()
		deadline = t.C
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		hash, height := s.cfg.Chain.Tip()
		if done(hash, height) {
			return tipJSON{Hash: hash.String(), Height: height}, nil
		}
		select {
		case <-ctx.Done():
			return tipJSON{Hash: hash.String(), Height: height}, nil
		case <-deadline:
			hash, height = s.cfg.Chain.Tip()
			return tipJSON{Hash: hash.String(), Height: height}, nil
		case <-tick.C:
		}
	}
}

func waitForNewBlockCommand() *Command {
	return &Command{
		Name: "waitfornewblock", Category: "blockchain",
		Desc: "Waits for any new block and returns useful info about it.\n" + waitNote,
		Args: []Arg{waitTimeoutArg,
			{Names: "current_tip", Type: ArgHex, Optional: true, Desc: "Method waits for the chain tip to differ from this."}},
		Results:  waitResults,
		Examples: examples("waitfornewblock", "1000"),
		handler: func(ctx context.Context, s *Server, p *callArgs) (any, error) {
			start, _ := s.cfg.Chain.Tip()
			if p.has(1) {
				h, err := p.hash(1, "current_tip")
				if err != nil {
					return nil, err
				}
				start = h
			}
			return waitTip(ctx, s, p, 0, func(h wire.Hash, _ int32) bool { return h != start })
		},
	}
}

func waitForBlockCommand() *Command {
	return &Command{
		Name: "waitforblock", Category: "blockchain",
		Desc:     "Waits for a specific new block and returns useful info about it.\n" + waitNote,
		Args:     []Arg{{Names: "blockhash", Type: ArgHex, Desc: "Block hash to wait for."}, waitTimeoutArg},
		Results:  waitResults,
		Examples: examples("waitforblock", `"0000000000079f8ef3d2c688c244eb7a4570b24c9ed7b4a8c619eb02596f8862" 1000`),
		handler: func(ctx context.Context, s *Server, p *callArgs) (any, error) {
			want, err := p.hash(0, "blockhash")
			if err != nil {
				return nil, err
			}
			return waitTip(ctx, s, p, 1, func(h wire.Hash, _ int32) bool { return h == want })
		},
	}
}

func waitForBlockHeightCommand() *Command {
	return &Command{
		Name: "waitforblockheight", Category: "blockchain",
		Desc: "Waits for (at least) block height and returns the height and hash\n" +
			"of the current tip.\n" + waitNote,
		Args:     []Arg{{Names: "height", Type: ArgNum, Desc: "Block height to wait for."}, waitTimeoutArg},
		Results:  waitResults,
		Examples: examples("waitforblockheight", "100 1000"),
		handler: func(ctx context.Context, s *Server, p *callArgs) (any, error) {
			want, err := p.int32Arg(0, 0)
			if err != nil {
				return nil, err
			}
			return waitTip(ctx, s, p, 1, func(_ wire.Hash, h int32) bool { return h >= want })
		},
	}
}

// blockArgOrTip parses the optional block hash argument i: the tip when
// absent, -5 "Block not found" when unknown.
func blockArgOrTip(s *Server, p *callArgs, i int, name string) (wire.Hash, int32, error) {
	hash, height := s.cfg.Chain.Tip()
	if !p.has(i) {
		return hash, height, nil
	}
	h, err := p.hash(i, name)
	if err != nil {
		return wire.Hash{}, 0, err
	}
	info, ok := s.cfg.Chain.BlockInfo(h)
	if !ok {
		return wire.Hash{}, 0, errorf(ErrInvalidAddressOrKey, "Block not found")
	}
	return h, info.Height, nil
}

type chainTxStatsJSON struct {
	Time                   uint32        `json:"time"`
	TxCount                uint64        `json:"txcount"`
	WindowFinalBlockHash   string        `json:"window_final_block_hash"`
	WindowFinalBlockHeight int32         `json:"window_final_block_height"`
	WindowBlockCount       int32         `json:"window_block_count"`
	WindowInterval         *int64        `json:"window_interval,omitempty"`
	WindowTxCount          *uint64       `json:"window_tx_count,omitempty"`
	TxRate                 *txjson.Float `json:"txrate,omitempty"`
}

func getChainTxStatsCommand() *Command {
	return &Command{
		Name: "getchaintxstats", Category: "blockchain",
		Desc: "Compute statistics about the total number and rate of transactions in the chain.",
		Args: []Arg{
			{Names: "nblocks", Type: ArgNum, DefaultHint: "one month", Desc: "Size of the window in number of blocks"},
			{Names: "blockhash", Type: ArgHex, DefaultHint: "chain tip", Desc: "The hash of the block that ends the window."},
		},
		Results: []Result{{Type: ResObj, Inner: []Result{
			{Type: ResTime, Key: "time", Desc: "The timestamp for the final block in the window, expressed in UNIX epoch time"},
			{Type: ResNum, Key: "txcount", Optional: true, Desc: "The total number of transactions in the chain up to that point, if known. It may be unknown when using assumeutxo."},
			{Type: ResHex, Key: "window_final_block_hash", Desc: "The hash of the final block in the window"},
			{Type: ResNum, Key: "window_final_block_height", Desc: "The height of the final block in the window."},
			{Type: ResNum, Key: "window_block_count", Desc: "Size of the window in number of blocks"},
			{Type: ResNum, Key: "window_interval", Optional: true, Desc: "The elapsed time in the window in seconds. Only returned if \"window_block_count\" is > 0"},
			{Type: ResNum, Key: "window_tx_count", Optional: true, Desc: "The number of transactions in the window. Only returned if \"window_block_count\" is > 0 and if txcount exists for the start and end of the window."},
			{Type: ResNum, Key: "txrate", Optional: true, Desc: "The average rate of transactions per second in the window. Only returned if \"window_interval\" is > 0 and if window_tx_count exists."},
		}}},
		Examples: examples("getchaintxstats", ""),
		handler:  getChainTxStats,
	}
}

func getChainTxStats(_ context.Context, s *Server, p *callArgs) (any, error) {
	ch := s.cfg.Chain
	hash, height, err := blockArgOrTip(s, p, 1, "blockhash")
	if err != nil {
		return nil, err
	}
	if p.has(1) {
		if h, ok := ch.MainChainHash(height); !ok || h != hash {
			return nil, invalidParameter("Block is not in main chain")
		}
	}
	spacing := int64(ch.Params().PowTargetSpacing.Seconds())
	count := int32(30 * 24 * 60 * 60 / spacing)
	count = max(0, min(count, height-1))
	if p.has(0) {
		n, err := p.int32Arg(0, 0)
		if err != nil {
			return nil, err
		}
		if n < 0 || (n > 0 && n >= height) {
			return nil, invalidParameter("Invalid block count: should be between 0 and the block's height - 1")
		}
		count = n
	}
	// Cumulative transaction counts by height along the main chain.
	var total, startTotal uint64
	var finalTime, startTime uint32
	for h := int32(0); h <= height; h++ {
		bh, _ := ch.MainChainHash(h)
		info, _ := ch.BlockInfo(bh)
		total += uint64(info.NumTx)
		if h == height-count {
			startTotal, startTime = total, info.Header.Timestamp
		}
		if h == height {
			finalTime = info.Header.Timestamp
		}
	}
	r := chainTxStatsJSON{Time: finalTime, TxCount: total, WindowFinalBlockHash: hash.String(),
		WindowFinalBlockHeight: height, WindowBlockCount: count}
	if count > 0 {
		interval := int64(finalTime) - int64(startTime)
		wtx := total - startTotal
		r.WindowInterval, r.WindowTxCount = &interval, &wtx
		if interval > 0 {
			rate := txjson.Float(float64(wtx) / float64(interval))
			r.TxRate = &rate
		}
	}
	return r, nil
}

type deploymentJSON struct {
	Type   string `json:"type"`
	Height int32  `json:"height"`
	Active bool   `json:"active"`
}

type deploymentInfoJSON struct {
	Hash        string          `json:"hash"`
	Height      int32           `json:"height"`
	Deployments json.RawMessage `json:"deployments"`
}

func getDeploymentInfoCommand() *Command {
	return &Command{
		Name: "getdeploymentinfo", Category: "blockchain",
		Desc: "Returns an object containing various state info regarding deployments of consensus changes.",
		Args: []Arg{{Names: "blockhash", Type: ArgHex, DefaultHint: "hash of current chain tip",
			Desc: "The block hash at which to query deployment state"}},
		Results: []Result{{Type: ResObj, Inner: []Result{
			{Type: ResStr, Key: "hash", Desc: "requested block hash (or tip)"},
			{Type: ResNum, Key: "height", Desc: "requested block height (or tip)"},
			{Type: ResObjDyn, Key: "deployments", Inner: []Result{{Type: ResObj, Key: "xxxx", Desc: "name of the deployment", Inner: []Result{
				{Type: ResStr, Key: "type", Desc: "one of \"buried\", \"bip9\""},
				{Type: ResNum, Key: "height", Optional: true, Desc: "height of the first block which the rules are or will be enforced (only for \"buried\" type, or \"bip9\" type with \"active\" status)"},
				{Type: ResBool, Key: "active", Desc: "true if the rules are enforced for the mempool and the next block"},
			}}}},
		}}},
		Examples: examples("getdeploymentinfo", ""),
		handler: func(_ context.Context, s *Server, p *callArgs) (any, error) {
			hash, height, err := blockArgOrTip(s, p, 0, "blockhash")
			if err != nil {
				return nil, err
			}
			pr := s.cfg.Chain.Params()
			deps := []struct {
				name   string
				height int32
			}{{"bip34", pr.BIP34Height}, {"bip66", pr.BIP66Height}, {"bip65", pr.BIP65Height},
				{"csv", pr.CSVHeight}, {"segwit", pr.SegwitHeight}, {"taproot", pr.TaprootHeight}}
			// Core's order, not Go's sorted map keys.
			buf := []byte{'{'}
			for i, d := range deps {
				if i > 0 {
					buf = append(buf, ',')
				}
				v, _ := json.Marshal(deploymentJSON{Type: "buried", Height: d.height, Active: height+1 >= d.height})
				k, _ := json.Marshal(d.name)
				buf = append(append(append(buf, k...), ':'), v...)
			}
			buf = append(buf, '}')
			return deploymentInfoJSON{Hash: hash.String(), Height: height, Deployments: buf}, nil
		},
	}
}
