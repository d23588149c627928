package rpc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/mempool/policy"
	"github.com/bitnode/bitnode/wire"
)

// Defaults, as Bitcoin Core's.
const (
	DefaultThreads   = 16               // -rpcthreads
	DefaultWorkQueue = 64               // -rpcworkqueue
	DefaultTimeout   = 30 * time.Second // -rpcservertimeout
	// MaxBodyBytes bounds a request body (Core's MAX_SIZE, 32 MiB).
	MaxBodyBytes = 0x02000000
	// MaxHeaderBytes bounds the request headers (MAX_HEADERS_SIZE).
	MaxHeaderBytes = 8192
	// AuthFailDelay is how long a request with wrong credentials waits
	// before its 401, to slow down password guessing.
	AuthFailDelay = 250 * time.Millisecond
)

// Config configures a Server. Chain is required; a nil Mempool, Network,
// Miner, Fees or TxIndex makes the methods needing it fail as Core's do
// when the subsystem is disabled.
type Config struct {
	Chain   Chain
	Mempool Mempool
	Network Network
	// Bans is the manual ban list; nil fails the ban methods as Core does
	// without a ban database.
	Bans BanList
	// AddrMan is the address manager; nil fails getnodeaddresses and
	// getaddrmaninfo.
	AddrMan AddrMan
	Miner   Miner
	Fees    FeeEstimator
	TxIndex TxIndex
	Logging Logging
	// Indexes are the optional indexes (getindexinfo); BlockFilters is the
	// basic filter index, when enabled.
	Indexes      []IndexStatus
	BlockFilters BlockFilters

	// Listen are the addresses to serve on (host:port); see ResolveBind.
	Listen []string
	// AllowIPs are the networks besides loopback allowed to connect
	// (--rpcallowip).
	AllowIPs []netip.Prefix

	// DataDir holds the .cookie file and mempool.dat (savemempool).
	DataDir string
	// CookieFile overrides <DataDir>/.cookie.
	CookieFile string
	// User and Password are --rpcuser/--rpcpassword; without a password
	// a random cookie is written instead. RPCAuth are --rpcauth entries,
	// "user:salt$hmac".
	User, Password string
	RPCAuth        []string

	// MaxBodyBytes bounds a request body; MaxBodyBytes (32 MiB) when 0.
	MaxBodyBytes int64
	Threads      int           // concurrent requests (--rpcthreads)
	WorkQueue    int           // requests waiting beyond those (--rpcworkqueue)
	Timeout      time.Duration // per request (--rpcservertimeout)
	// AuthFailDelay overrides the delay before a 401 (tests).
	AuthFailDelay time.Duration

	// WebsocketQueue bounds each /ws connection's send queue; a subscriber
	// letting it fill is dropped. DefaultWebsocketQueue when 0.
	WebsocketQueue int

	// Shutdown asks the node to stop (the stop method).
	Shutdown func()
	// BlocksDir holds the blk/rev files (size_on_disk); PruneTarget is
	// --prune in bytes, 0 when not pruning.
	BlocksDir   string
	PruneTarget int64
	// Version is the numeric version getnetworkinfo reports, SubVersion
	// the user agent, LocalServices the services the node offers.
	Version       int
	SubVersion    string
	LocalServices wire.ServiceFlag
	// Policy are the pool's relay settings (getmempoolinfo); nil means
	// policy.DefaultOptions().
	Policy *policy.Options
	// LogPath is getrpcinfo's logpath ("" when logging to stderr).
	LogPath string
	// DocCheck compares every result with the method's documentation and
	// fails the call on a mismatch (Core's -rpcdoccheck).
	DocCheck bool
	// REST serves Bitcoin Core's unauthenticated REST interface under
	// /rest/ (--rest); see rest.go.
	REST   bool
	Logger *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Server is the JSON-RPC server.
type Server struct {
	cfg     Config
	params  *params.Params
	log     *slog.Logger
	cmds    table
	auth    *authenticator
	started time.Time

	admit   chan struct{} // requests admitted: running or queued
	workers chan struct{} // requests running

	lastTemplate atomic.Pointer[templateStats]

	// base is the parent context of every request, cancelled when the
	// server stops so that waiting requests (long polls) end at once.
	base       context.Context
	cancelBase context.CancelFunc

	mu        sync.Mutex
	listeners []net.Listener
	http      *http.Server
	active    map[uint64]activeCommand
	nextID    uint64
	cookie    string // the cookie file we wrote, removed at shutdown
}

// activeCommand is a method being executed (getrpcinfo).
type activeCommand struct {
	method string
	start  time.Time
}

// New checks cfg and returns a server; Start binds it and Run serves.
func New(cfg Config) (*Server, error) {
	if cfg.Chain == nil {
		return nil, errors.New("rpc: no chain")
	}
	if cfg.Threads <= 0 {
		cfg.Threads = DefaultThreads
	}
	if cfg.WorkQueue <= 0 {
		cfg.WorkQueue = DefaultWorkQueue
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = MaxBodyBytes
	}
	if cfg.AuthFailDelay == 0 {
		cfg.AuthFailDelay = AuthFailDelay
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Shutdown == nil {
		cfg.Shutdown = func() {}
	}
	s := &Server{cfg: cfg, params: cfg.Chain.Params(), log: cfg.Logger, started: cfg.Now(),
		admit:   make(chan struct{}, cfg.Threads+cfg.WorkQueue),
		workers: make(chan struct{}, cfg.Threads),
		active:  map[uint64]activeCommand{}}
	s.base, s.cancelBase = context.WithCancel(context.Background())
	auth, err := newAuthenticator(cfg.User, cfg.Password, cfg.RPCAuth)
	if err != nil {
		return nil, err
	}
	s.auth = auth
	s.cmds = newTable()
	return s, nil
}

// newTable registers every method.
func newTable() table {
	t := table{}
	t.add(controlCommands()...)
	t.add(blockchainCommands()...)
	t.add(blockchainMoreCommands()...)
	t.add(blockchainInvalidateCommands()...)
	t.add(mempoolCommands()...)
	t.add(miningCommands()...)
	t.add(miningMoreCommands()...)
	t.add(networkCommands()...)
	t.add(banCommands()...)
	t.add(addrManCommands()...)
	t.add(rawTransactionCommands()...)
	t.add(utilCommands()...)
	t.add(utilMoreCommands()...)
	return t
}

// Methods lists every method, sorted by category and name, without a
// server: the reference documentation and the command-line client (which
// needs the argument types) use it.
func Methods() []*Command { return newTable().sorted() }

// Start writes the cookie (unless a password is configured) and binds the
// listen addresses. It fails when none can be bound.
func (s *Server) Start() error {
	if s.cfg.Password == "" {
		path, pass, err := writeCookie(s.cookiePath())
		if err != nil {
			return fmt.Errorf("rpc: cookie: %w", err)
		}
		s.auth.addPlain(cookieUser, pass)
		s.mu.Lock()
		s.cookie = path
		s.mu.Unlock()
		s.log.Info("generated RPC authentication cookie", "path", path)
	}
	var ls []net.Listener
	for _, addr := range s.cfg.Listen {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			s.log.Warn("binding RPC failed", "addr", addr, "err", err)
			continue
		}
		s.log.Info("RPC server listening", "addr", l.Addr())
		ls = append(ls, l)
	}
	if len(ls) == 0 {
		s.removeCookie()
		return fmt.Errorf("rpc: unable to bind any endpoint for the RPC server (%v)", s.cfg.Listen)
	}
	s.mu.Lock()
	s.listeners = ls
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: s.cfg.Timeout, ReadTimeout: s.cfg.Timeout,
		IdleTimeout: s.cfg.Timeout, MaxHeaderBytes: MaxHeaderBytes,
		BaseContext: func(net.Listener) context.Context { return s.base },
		ErrorLog:    slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)}
	s.mu.Unlock()
	return nil
}

// Addrs returns the bound addresses.
func (s *Server) Addrs() []net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]net.Addr, len(s.listeners))
	for i, l := range s.listeners {
		out[i] = l.Addr()
	}
	return out
}

// Run serves until ctx is done, then lets the requests in progress finish
// (a stop request's reply included) and removes the cookie. It calls Start
// first if that has not been done.
func (s *Server) Run(ctx context.Context) error {
	s.mu.Lock()
	started := s.http != nil
	s.mu.Unlock()
	if !started {
		if err := s.Start(); err != nil {
			return err
		}
	}
	s.mu.Lock()
	srv, ls := s.http, s.listeners
	s.mu.Unlock()
	errCh := make(chan error, len(ls))
	for _, l := range ls {
		go func() { errCh <- srv.Serve(l) }()
	}
	<-ctx.Done()
	s.cancelBase()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), s.cfg.Timeout)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	for range ls {
		if e := <-errCh; e != nil && !errors.Is(e, http.ErrServerClosed) && err == nil {
			err = e
		}
	}
	s.removeCookie()
	return err
}

// Help is the help text of one method, or the listing for "".
func (s *Server) Help(method string) (string, bool) {
	if method == "" {
		return s.cmds.helpListing(), true
	}
	c, ok := s.cmds[method]
	if !ok {
		return "", false
	}
	return c.help(), true
}

// uptime is how long the server has been running.
func (s *Server) uptime() time.Duration { return s.cfg.Now().Sub(s.started) }

// track records a running method for getrpcinfo; the returned function
// forgets it.
func (s *Server) track(method string) func() {
	s.mu.Lock()
	id := s.nextID
	s.nextID++
	s.active[id] = activeCommand{method: method, start: time.Now()}
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		delete(s.active, id)
		s.mu.Unlock()
	}
}
