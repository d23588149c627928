// Package peer is one Bitcoin P2P connection over the v1 transport: the
// version handshake, the control messages, pings and timeouts, framed with
// package wire. It knows nothing of the chain or the mempool; everything
// past the handshake goes to a Handler the node supplies.
//
// # Handshake (protocol 70016)
//
// An outbound peer sends its version as soon as Run starts; an inbound one
// waits for the remote's version and answers with its own. On the remote's
// version the peer refuses versions below wire.MinPeerProtoVersion
// (ErrObsolete), outbound peers lacking Config.RequiredServices
// (ErrMissingServices) and, for inbound peers, a nonce that one of the
// node's own outbound connections sent (ErrSelfConnection, through the
// shared NonceSet); then it sends wtxidrelay (BIP339) and sendaddrv2
// (BIP155) when the common version is at least 70016, and verack. On the
// remote's verack it sends sendcmpct (announce=false, version 2; BIP152)
// from 70014, sendheaders (BIP130) from 70012 unless deferred, feefilter
// (BIP133) from 70013 when the connection relays transactions, and the
// first ping; then Handler.OnReady is called.
//
// As in Bitcoin Core's ProcessMessage, messages before version are
// ignored; between version and verack only verack, wtxidrelay and
// sendaddrv2 count and the rest are ignored; a second version, and
// wtxidrelay or sendaddrv2 after verack, disconnect (ErrProtocol); a second
// verack is ignored. After the handshake the peer itself handles ping,
// pong, sendheaders, feefilter and sendcmpct and passes every other message
// to Handler.OnMessage.
//
// # Hostile input
//
// Messages are read with wire.ReadMessage. A wrong magic or a length over
// wire.MaxMessagePayload leaves the stream unusable and disconnects
// (ErrFraming); a bad checksum or a malformed or unknown command drops the
// message and the connection goes on, as in Core's V1Transport; a message
// whose payload does not decode disconnects with ErrMalformed wrapping the
// wire error. A payload buffer grows only as its bytes arrive.
//
// # Liveness and memory
//
// Core's timers apply: the handshake must complete within
// Config.HandshakeTimeout (60 s), a ping goes out every Config.PingInterval
// (2 min) and must be answered within Config.PingTimeout (20 min), and a
// connection that receives or sends nothing for Config.InactivityTimeout
// (20 min) is dropped. Sends are queued without blocking; a queue that
// would exceed Config.MaxSendQueueBytes disconnects (ErrSendQueueFull)
// instead of growing. SendPaused tells the node when to stop serving the
// peer's requests, as Core pauses at -maxsendbuffer.
//
// Run owns three goroutines (itself, the read loop, the write loop); all
// have ended when it returns.
package peer
