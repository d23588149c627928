package peer

import (
	"log/slog"
	"time"

	"github.com/bitnode/bitnode/wire"
)

// Defaults, from Bitcoin Core's net.h and net_processing.cpp.
const (
	// DefaultUserAgent is the BIP14 user agent sent in our version.
	DefaultUserAgent = "/bitnode:0.1.0/"
	// DefaultHandshakeTimeout is Core's DEFAULT_PEER_CONNECT_TIMEOUT.
	DefaultHandshakeTimeout = 60 * time.Second
	// DefaultPingInterval is Core's PING_INTERVAL.
	DefaultPingInterval = 2 * time.Minute
	// DefaultTimeout is Core's TIMEOUT_INTERVAL, used both for an
	// unanswered ping and for a connection with no traffic.
	DefaultTimeout = 20 * time.Minute
	// DefaultSendPauseBytes is Core's -maxsendbuffer default (1000 kB):
	// past it SendPaused reports true, and a node should stop answering
	// requests from the peer until the queue drains, as Core stops
	// processing the peer's messages (fPauseSend).
	DefaultSendPauseBytes = 1_000_000
	// DefaultMaxSendQueueBytes bounds the send queue: the pause threshold
	// plus one maximal message (a 4 MB block) still fit; more means the
	// node kept sending to a peer that does not read.
	DefaultMaxSendQueueBytes = 5 << 20
	// CompactBlocksVersion is the BIP152 version announced in sendcmpct
	// (2: with witnesses), Core's CMPCTBLOCKS_VERSION.
	CompactBlocksVersion = 2
	// MaxMoney is 21 million bitcoin in satoshis; a received feefilter
	// outside [0, MaxMoney] is ignored, as Core's MoneyRange check does.
	MaxMoney = 21_000_000 * 100_000_000
)

// Config configures one peer. The zero value of every field but Magic
// takes the default its comment gives.
type Config struct {
	// Magic is the network's message start, as wire.ReadMessage takes it.
	Magic uint32
	// ProtocolVersion is the version we announce; 0, or anything above
	// wire.ProtocolVersion, means wire.ProtocolVersion (70016).
	ProtocolVersion uint32
	// Services are the services we announce.
	Services wire.ServiceFlag
	// RequiredServices, for an outbound peer, are the services it must
	// announce or be disconnected (ErrMissingServices); Core's desirable
	// service flags. Ignored for inbound peers.
	RequiredServices wire.ServiceFlag
	// UserAgent is our BIP14 user agent; default DefaultUserAgent.
	UserAgent string
	// BestHeight returns our best block height for the version message;
	// nil sends 0.
	BestHeight func() int32
	// Relay is whether this connection carries transactions: the relay
	// flag of our version message (BIP37 fRelay). False for block-relay-only
	// connections. Note the zero value is false.
	Relay bool
	// DisableRelayTx is the node-wide -blocksonly: our version says relay =
	// false whatever Relay says, and no feefilter is sent.
	DisableRelayTx bool
	// FeeFilter returns the fee rate (sat/kvB) to announce with feefilter
	// (BIP133) once the handshake completes; nil sends none. A node sends
	// later updates itself with Send(&wire.MsgFeeFilter{...}).
	FeeFilter func() int64
	// DeferSendHeaders leaves sendheaders (BIP130) to the node, which Core
	// sends only once the peer's headers chain has the minimum chain work
	// (MaybeSendSendHeaders); by default it is sent right after verack.
	DeferSendHeaders bool
	// NonceSet is shared by all peers of a node to detect connections to
	// ourselves; nil disables the check.
	NonceSet *NonceSet
	// Handler receives the peer's events; nil ignores them.
	Handler Handler
	// Logger receives the peer's logs; nil discards them.
	Logger *slog.Logger
	// HandshakeTimeout bounds the time from connecting to receiving verack;
	// default DefaultHandshakeTimeout.
	HandshakeTimeout time.Duration
	// PingInterval is the time between pings; default DefaultPingInterval.
	PingInterval time.Duration
	// PingTimeout is how long a ping may go unanswered; default
	// DefaultTimeout.
	PingTimeout time.Duration
	// InactivityTimeout is how long the connection may go without
	// receiving or sending anything; default DefaultTimeout.
	InactivityTimeout time.Duration
	// MaxSendQueueBytes bounds the encoded bytes queued and not yet written;
	// default DefaultMaxSendQueueBytes. Queuing past it disconnects.
	MaxSendQueueBytes int
	// SendPauseBytes is the queue size past which SendPaused reports true;
	// default DefaultSendPauseBytes.
	SendPauseBytes int
	// Now is the clock; default time.Now. Timers still tick in real time
	// but every deadline is judged against Now.
	Now func() time.Time
}

// withDefaults returns cfg with the zero fields filled in.
func (cfg Config) withDefaults() Config {
	if cfg.ProtocolVersion == 0 || cfg.ProtocolVersion > wire.ProtocolVersion {
		cfg.ProtocolVersion = wire.ProtocolVersion
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	if cfg.Handler == nil {
		cfg.Handler = nopHandler{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	setDefault(&cfg.HandshakeTimeout, DefaultHandshakeTimeout)
	setDefault(&cfg.PingInterval, DefaultPingInterval)
	setDefault(&cfg.PingTimeout, DefaultTimeout)
	setDefault(&cfg.InactivityTimeout, DefaultTimeout)
	setDefault(&cfg.MaxSendQueueBytes, DefaultMaxSendQueueBytes)
	setDefault(&cfg.SendPauseBytes, DefaultSendPauseBytes)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return cfg
}

func setDefault[T time.Duration | int](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// tickInterval is how often deadlines are checked: a quarter of the
// shortest of them, between 1 ms and 1 s.
func (cfg *Config) tickInterval() time.Duration {
	d := min(cfg.HandshakeTimeout, cfg.PingInterval, cfg.PingTimeout, cfg.InactivityTimeout) / 4
	return min(max(d, time.Millisecond), time.Second)
}

// Handler receives a peer's events. OnReady, every OnMessage and
// OnDisconnect are called one at a time, in that order, from the peer's own
// goroutines: OnReady and OnMessage from the read loop, so a slow handler
// stops reading from this peer (and only this peer) until it returns;
// OnDisconnect from Run, after every other goroutine of the peer has ended.
// A handler may call Send and Disconnect; it must not wait for Run.
type Handler interface {
	// OnReady is called once the handshake is complete.
	OnReady(p *Peer)
	// OnMessage is called for every message after the handshake except the
	// control messages the peer handles itself: version, verack, ping,
	// pong, sendheaders, wtxidrelay, sendaddrv2, feefilter and sendcmpct.
	// The message may alias a buffer nothing else uses; the handler may
	// keep it.
	OnMessage(p *Peer, msg wire.Message)
	// OnDisconnect is called once, when the connection has ended, with the
	// reason Run returns. It is called even if the handshake never
	// completed.
	OnDisconnect(p *Peer, err error)
}

type nopHandler struct{}

func (nopHandler) OnReady(*Peer)                   {}
func (nopHandler) OnMessage(*Peer, wire.Message)   {}
func (nopHandler) OnDisconnect(p *Peer, err error) {}
