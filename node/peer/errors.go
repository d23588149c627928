package peer

import "fmt"

// ErrorKind says why a connection ended or a call failed. It implements
// error, so callers test with errors.Is(err, peer.ErrPingTimeout). Core has
// no reject reasons for these (it logs and sets fDisconnect), so the names
// describe the failure.
type ErrorKind string

func (k ErrorKind) Error() string { return string(k) }

// Reasons a connection ends. The kinds the remote side causes by breaking the
// protocol (ErrProtocol, ErrMalformed, ErrFraming) are the ones a node maps
// to misbehaviour; ErrSelfConnection marks an address as our own; the others
// are the ordinary ends of a connection.
const (
	// ErrHandshakeTimeout: version and verack were not both received within
	// Config.HandshakeTimeout (Core's -peertimeout, "version handshake
	// timeout").
	ErrHandshakeTimeout = ErrorKind("handshake-timeout")
	// ErrSelfConnection: an inbound peer's version nonce is one of our own
	// outbound nonces: we connected to ourselves.
	ErrSelfConnection = ErrorKind("self-connection")
	// ErrObsolete: the peer's protocol version is below
	// wire.MinPeerProtoVersion.
	ErrObsolete = ErrorKind("obsolete-version")
	// ErrMissingServices: an outbound peer lacks Config.RequiredServices
	// ("does not offer the expected services").
	ErrMissingServices = ErrorKind("missing-services")
	// ErrPingTimeout: a ping went unanswered for Config.PingTimeout.
	ErrPingTimeout = ErrorKind("ping-timeout")
	// ErrInactive: nothing was received, or nothing could be sent, for
	// Config.InactivityTimeout (Core's socket send/receive timeout).
	ErrInactive = ErrorKind("inactivity-timeout")
	// ErrSendQueueFull: queuing a message would have taken the send queue
	// past Config.MaxSendQueueBytes; the peer does not read fast enough.
	ErrSendQueueFull = ErrorKind("send-queue-full")
	// ErrProtocol: the peer broke the message sequence (a second version,
	// wtxidrelay or sendaddrv2 after verack).
	ErrProtocol = ErrorKind("protocol-violation")
	// ErrMalformed: a message with a valid frame and checksum failed to
	// decode; the wrapped wire error says why.
	ErrMalformed = ErrorKind("malformed-message")
	// ErrFraming: a message header carried the wrong network magic
	// (wire.ErrBadMagic) or a payload length over the limit
	// (wire.ErrTooLarge); the stream cannot be resynchronised.
	ErrFraming = ErrorKind("bad-framing")
	// ErrRemoteClosed: the peer closed the connection, possibly within a
	// message.
	ErrRemoteClosed = ErrorKind("remote-closed")
	// ErrConnection: reading or writing the connection failed.
	ErrConnection = ErrorKind("connection-error")
	// ErrDisconnected: we ended the connection: Disconnect was called (the
	// reason is wrapped) or Run's context was cancelled.
	ErrDisconnected = ErrorKind("disconnected")
)

// Errors of calls that do not end the connection.
const (
	// ErrNotConnected: Send after the connection ended; the wrapped error is
	// why it ended.
	ErrNotConnected = ErrorKind("not-connected")
	// ErrNotReady: Send before the handshake completed.
	ErrNotReady = ErrorKind("not-ready")
	// ErrMisuse: a call the API does not allow: Run twice, Send of a
	// handshake message, Send of a message that does not encode.
	ErrMisuse = ErrorKind("misuse")
)

// Error is the error (as *Error) that Run, Send and Handler.OnDisconnect
// report. errors.Is matches its Kind and, through Err, the cause: the wire
// error kind (wire.ErrBadMagic, wire.ErrTruncated, ...), the reason given to
// Disconnect, or context.Canceled.
type Error struct {
	Kind ErrorKind
	// Description says what happened, for logs.
	Description string
	// Err is the underlying cause, if any.
	Err error
}

func (e *Error) Error() string {
	msg := string(e.Kind)
	if e.Description != "" {
		msg += ": " + e.Description
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the kind and the cause, for errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

func newError(kind ErrorKind, cause error, format string, args ...any) *Error {
	return &Error{Kind: kind, Description: fmt.Sprintf(format, args...), Err: cause}
}
