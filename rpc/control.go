package rpc

import (
	"context"
	"errors"
	"sort"
	"time"
)

// StopMessage is stop's reply.
const StopMessage = "bitnode stopping"

func controlCommands() []*Command {
	return []*Command{helpCommand(), stopCommand(), uptimeCommand(), getRPCInfoCommand(),
		getMemoryInfoCommand(), loggingCommand()}
}

func helpCommand() *Command {
	return &Command{
		Name: "help", Category: "control",
		Desc:    "List all commands, or get help for a specified command.",
		Args:    []Arg{{Names: "command", Type: ArgStr, DefaultHint: "all commands", Desc: "The command to get help on"}},
		Results: []Result{{Type: ResStr, Desc: "The help text"}},
		handler: func(_ context.Context, s *Server, p *callArgs) (any, error) {
			method, err := p.str(0, "")
			if err != nil {
				return nil, err
			}
			text, ok := s.Help(method)
			if !ok {
				return "help: unknown command: " + method, nil
			}
			return text, nil
		},
	}
}

func stopCommand() *Command {
	return &Command{
		Name: "stop", Category: "control",
		Desc:     "Request a graceful shutdown of bitnode.",
		Args:     []Arg{{Names: "wait", Type: ArgNum, Optional: true, Hidden: true, Desc: "how long to wait in ms"}},
		Results:  []Result{{Type: ResStr, Desc: "A string with the content '" + StopMessage + "'"}},
		Examples: examples("stop", ""),
		handler: func(ctx context.Context, s *Server, p *callArgs) (any, error) {
			wait, err := p.int32Arg(0, 0)
			if err != nil {
				return nil, err
			}
			// The server finishes the requests in progress, this one
			// included, before it closes.
			s.cfg.Shutdown()
			if wait > 0 {
				select {
				case <-time.After(time.Duration(wait) * time.Millisecond):
				case <-ctx.Done():
				}
			}
			return StopMessage, nil
		},
	}
}

func uptimeCommand() *Command {
	return &Command{
		Name: "uptime", Category: "control",
		Desc:     "Returns the total uptime of the server.",
		Results:  []Result{{Type: ResNum, Desc: "The number of seconds that the server has been running"}},
		Examples: examples("uptime", ""),
		handler: func(_ context.Context, s *Server, _ *callArgs) (any, error) {
			return int64(s.uptime() / time.Second), nil
		},
	}
}

type rpcCommandInfo struct {
	Method   string `json:"method"`
	Duration int64  `json:"duration"`
}

type rpcInfo struct {
	ActiveCommands []rpcCommandInfo `json:"active_commands"`
	LogPath        string           `json:"logpath"`
}

func getRPCInfoCommand() *Command {
	return &Command{
		Name: "getrpcinfo", Category: "control",
		Desc: "Returns details of the RPC server.",
		Results: []Result{{Type: ResObj, Inner: []Result{
			{Type: ResArr, Key: "active_commands", Desc: "All active commands", Inner: []Result{
				{Type: ResObj, Desc: "Information about an active command", Inner: []Result{
					{Type: ResStr, Key: "method", Desc: "The name of the RPC command"},
					{Type: ResNum, Key: "duration", Desc: "The running time in microseconds"},
				}},
			}},
			{Type: ResStr, Key: "logpath", Desc: "The complete file path to the debug log (empty when logging to standard error)"},
		}}},
		Examples: examples("getrpcinfo", ""),
		handler: func(_ context.Context, s *Server, _ *callArgs) (any, error) {
			s.mu.Lock()
			info := rpcInfo{ActiveCommands: []rpcCommandInfo{}, LogPath: s.cfg.LogPath}
			ids := make([]uint64, 0, len(s.active))
			for id := range s.active {
				ids = append(ids, id)
			}
			sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
			for _, id := range ids {
				a := s.active[id]
				info.ActiveCommands = append(info.ActiveCommands,
					rpcCommandInfo{Method: a.method, Duration: time.Since(a.start).Microseconds()})
			}
			s.mu.Unlock()
			return info, nil
		},
	}
}

type lockedMemory struct {
	Used       int64 `json:"used"`
	Free       int64 `json:"free"`
	Total      int64 `json:"total"`
	Locked     int64 `json:"locked"`
	ChunksUsed int64 `json:"chunks_used"`
	ChunksFree int64 `json:"chunks_free"`
}

func getMemoryInfoCommand() *Command {
	return &Command{
		Name: "getmemoryinfo", Category: "control",
		Desc: "Returns an object containing information about memory usage.\n" +
			"bitnode keeps no locked (non-swappable) memory pool: the \"locked\" figures are all zero.",
		Args: []Arg{{Names: "mode", Type: ArgStr, Default: `"stats"`,
			Desc: "determines what kind of information is returned.\n" +
				"- \"stats\" returns general statistics about memory usage in the daemon.\n" +
				"- \"mallocinfo\" returns an XML string describing low-level heap state (only available if compiled with glibc)."}},
		Results: []Result{
			{Type: ResObj, Cond: `mode "stats"`, Inner: []Result{
				{Type: ResObj, Key: "locked", Desc: "Information about locked memory manager", Inner: []Result{
					{Type: ResNum, Key: "used", Desc: "Number of bytes used"},
					{Type: ResNum, Key: "free", Desc: "Number of bytes available in current arenas"},
					{Type: ResNum, Key: "total", Desc: "Total number of bytes managed"},
					{Type: ResNum, Key: "locked", Desc: "Amount of bytes that succeeded locking. If this number is smaller than total, locking pages failed at some point and key data could be swapped to disk."},
					{Type: ResNum, Key: "chunks_used", Desc: "Number allocated chunks"},
					{Type: ResNum, Key: "chunks_free", Desc: "Number unused chunks"},
				}},
			}},
			{Type: ResStr, Cond: `mode "mallocinfo"`, Desc: `"<malloc version="1">..."`},
		},
		Examples: examples("getmemoryinfo", ""),
		handler: func(_ context.Context, _ *Server, p *callArgs) (any, error) {
			mode, err := p.str(0, "stats")
			if err != nil {
				return nil, err
			}
			switch mode {
			case "stats":
				return map[string]lockedMemory{"locked": {}}, nil
			case "mallocinfo":
				return nil, invalidParameter("mallocinfo mode not available")
			}
			return nil, invalidParameter("unknown mode %s", mode)
		},
	}
}

// ErrUnknownCategory is what a Logging implementation returns (wrapped)
// for a category it does not know; the method reports it as Core does.
var ErrUnknownCategory = errors.New("unknown logging category")

func loggingCommand() *Command {
	return &Command{
		Name: "logging", Category: "control",
		Desc: "Gets and sets the logging configuration.\n" +
			"When called without an argument, returns the list of categories with status that are currently being debug logged or not.\n" +
			"When called with arguments, adds or removes categories from debug logging and return the lists above.\n" +
			"The arguments are evaluated in order \"include\", \"exclude\".\n" +
			"If an item is both included and excluded, it will thus end up being excluded.\n" +
			"The categories are bitnode's subsystems (chain, store, txindex, blockfilterindex, mempool, net, node, ...);\n" +
			"\"all\" and \"1\" name all of them. Changing them needs a logger that can switch levels at run time:\n" +
			"when it cannot, the call fails and --debug=CATEGORY at start-up is the way.",
		Args: []Arg{
			{Names: "include", Type: ArgArr, Optional: true, Desc: "The categories to add to debug logging",
				Inner: []Arg{{Names: "include_category", Type: ArgStr, Optional: true, Desc: "the valid logging category"}}},
			{Names: "exclude", Type: ArgArr, Optional: true, Desc: "The categories to remove from debug logging",
				Inner: []Arg{{Names: "exclude_category", Type: ArgStr, Optional: true, Desc: "the valid logging category"}}},
		},
		Results: []Result{{Type: ResObjDyn, Desc: "keys are the logging categories, and values indicates its status",
			Inner: []Result{{Type: ResBool, Key: "category", Desc: "if being debug logged or not. false:inactive, true:active"}}}},
		Examples: cli("logging", `"[\"all\"]" "[\"net\"]"`) + httpExample("logging", `["all"], ["libevent"]`),
		handler:  loggingHandler,
	}
}

func loggingHandler(_ context.Context, s *Server, p *callArgs) (any, error) {
	if s.cfg.Logging == nil {
		return nil, misc("logging configuration is not available")
	}
	include, err := stringList(p.raw(0))
	if err != nil {
		return nil, err
	}
	exclude, err := stringList(p.raw(1))
	if err != nil {
		return nil, err
	}
	if len(include) > 0 || len(exclude) > 0 {
		if err := s.cfg.Logging.Set(include, exclude); err != nil {
			if errors.Is(err, ErrUnknownCategory) {
				return nil, invalidParameter("%v", err)
			}
			return nil, misc("%v", err)
		}
	}
	return s.cfg.Logging.Categories(), nil
}

// stringList decodes an optional JSON array of strings.
func stringList(raw []byte) ([]string, *Error) {
	if isNull(raw) {
		return nil, nil
	}
	elems, err := arrayElements(raw)
	if err != nil {
		return nil, misc("%v", err)
	}
	out := make([]string, len(elems))
	for i, e := range elems {
		s, perr := parseString(e)
		if perr != nil {
			return nil, perr
		}
		out[i] = s
	}
	return out, nil
}
