package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
)

// Protocol versions. ProtocolVersion is the version this package speaks; the
// others are the versions that introduced the behaviour they name.
const (
	ProtocolVersion = 70016
	// MinPeerProtoVersion is the oldest version Bitcoin Core connects to.
	MinPeerProtoVersion = 31800
	// BIP0031Version is the last version whose ping carries no nonce.
	BIP0031Version = 60000
	// SendHeadersVersion introduced sendheaders (BIP130).
	SendHeadersVersion = 70012
	// FeeFilterVersion introduced feefilter (BIP133).
	FeeFilterVersion = 70013
	// ShortIDsBlocksVersion introduced compact blocks (BIP152).
	ShortIDsBlocksVersion = 70014
	// InvalidCBNoBanVersion: invalid compact blocks are not punished.
	InvalidCBNoBanVersion = 70015
	// WTxIDRelayVersion introduced wtxidrelay (BIP339).
	WTxIDRelayVersion = 70016
)

// Framing and message limits, as Bitcoin Core enforces them.
const (
	// MessageHeaderSize is the size of the header that frames every message:
	// magic, command, payload length and checksum.
	MessageHeaderSize = 24
	// CommandSize is the size of the NUL-padded command field.
	CommandSize = 12
	// MaxMessagePayload is the largest payload accepted
	// (MAX_PROTOCOL_MESSAGE_LENGTH); a longer length in a header is refused
	// before any of the payload is read.
	MaxMessagePayload = 4_000_000
	// MaxInvPerMsg bounds inv, getdata and notfound (MAX_INV_SZ).
	MaxInvPerMsg = 50_000
	// MaxHeadersPerMsg bounds a headers message (MAX_HEADERS_RESULTS).
	MaxHeadersPerMsg = 2_000
	// MaxAddrPerMsg bounds addr and addrv2 (MAX_ADDR_TO_SEND).
	MaxAddrPerMsg = 1_000
	// MaxLocatorHashes bounds a block locator (MAX_LOCATOR_SZ).
	MaxLocatorHashes = 101
	// MaxUserAgentLen bounds a version message's user agent
	// (MAX_SUBVERSION_LENGTH).
	MaxUserAgentLen = 256
)

// Commands of every message this package decodes.
const (
	CmdVersion      = "version"
	CmdVerAck       = "verack"
	CmdPing         = "ping"
	CmdPong         = "pong"
	CmdAddr         = "addr"
	CmdAddrV2       = "addrv2"
	CmdSendAddrV2   = "sendaddrv2"
	CmdGetAddr      = "getaddr"
	CmdInv          = "inv"
	CmdGetData      = "getdata"
	CmdNotFound     = "notfound"
	CmdGetBlocks    = "getblocks"
	CmdGetHeaders   = "getheaders"
	CmdHeaders      = "headers"
	CmdTx           = "tx"
	CmdBlock        = "block"
	CmdMemPool      = "mempool"
	CmdSendHeaders  = "sendheaders"
	CmdFeeFilter    = "feefilter"
	CmdWTxIDRelay   = "wtxidrelay"
	CmdSendCmpct    = "sendcmpct"
	CmdCmpctBlock   = "cmpctblock"
	CmdGetBlockTxn  = "getblocktxn"
	CmdBlockTxn     = "blocktxn"
	CmdGetCFilters  = "getcfilters"
	CmdCFilter      = "cfilter"
	CmdGetCFHeaders = "getcfheaders"
	CmdCFHeaders    = "cfheaders"
	CmdGetCFCheckpt = "getcfcheckpt"
	CmdCFCheckpt    = "cfcheckpt"
)

// Message is a P2P message payload.
//
// DecodePayload must consume the payload exactly (trailing bytes are
// ErrTrailingData) except where Bitcoin Core tolerates more, which is only
// the version message. The decoded value may alias payload, which the caller
// must then leave unmodified. AppendPayload does not validate: a value that
// breaks a protocol limit encodes as given and its receiver rejects it.
type Message interface {
	Command() string
	AppendPayload(b []byte, pver uint32) []byte
	DecodePayload(payload []byte, pver uint32) error
}

// validator is implemented by messages with invariants that encoding cannot
// express (strictly increasing indexes); WriteMessage checks it.
type validator interface {
	validate() error
}

var messageTypes = map[string]func() Message{
	CmdVersion:      func() Message { return new(MsgVersion) },
	CmdVerAck:       func() Message { return new(MsgVerAck) },
	CmdPing:         func() Message { return new(MsgPing) },
	CmdPong:         func() Message { return new(MsgPong) },
	CmdAddr:         func() Message { return new(MsgAddr) },
	CmdAddrV2:       func() Message { return new(MsgAddrV2) },
	CmdSendAddrV2:   func() Message { return new(MsgSendAddrV2) },
	CmdGetAddr:      func() Message { return new(MsgGetAddr) },
	CmdInv:          func() Message { return new(MsgInv) },
	CmdGetData:      func() Message { return new(MsgGetData) },
	CmdNotFound:     func() Message { return new(MsgNotFound) },
	CmdGetBlocks:    func() Message { return new(MsgGetBlocks) },
	CmdGetHeaders:   func() Message { return new(MsgGetHeaders) },
	CmdHeaders:      func() Message { return new(MsgHeaders) },
	CmdTx:           func() Message { return new(Tx) },
	CmdBlock:        func() Message { return new(Block) },
	CmdMemPool:      func() Message { return new(MsgMemPool) },
	CmdSendHeaders:  func() Message { return new(MsgSendHeaders) },
	CmdFeeFilter:    func() Message { return new(MsgFeeFilter) },
	CmdWTxIDRelay:   func() Message { return new(MsgWTxIDRelay) },
	CmdSendCmpct:    func() Message { return new(MsgSendCmpct) },
	CmdCmpctBlock:   func() Message { return new(MsgCmpctBlock) },
	CmdGetBlockTxn:  func() Message { return new(MsgGetBlockTxn) },
	CmdBlockTxn:     func() Message { return new(MsgBlockTxn) },
	CmdGetCFilters:  func() Message { return new(MsgGetCFilters) },
	CmdCFilter:      func() Message { return new(MsgCFilter) },
	CmdGetCFHeaders: func() Message { return new(MsgGetCFHeaders) },
	CmdCFHeaders:    func() Message { return new(MsgCFHeaders) },
	CmdGetCFCheckpt: func() Message { return new(MsgGetCFCheckpt) },
	CmdCFCheckpt:    func() Message { return new(MsgCFCheckpt) },
}

// MakeEmptyMessage returns a new, empty message of the given command, or an
// error wrapping ErrUnknownCommand.
func MakeEmptyMessage(command string) (Message, error) {
	mk, ok := messageTypes[command]
	if !ok {
		return nil, newError(ErrUnknownCommand, "unknown command %q", command)
	}
	return mk(), nil
}

// MessageHeader is the 24-byte header that frames every message.
type MessageHeader struct {
	// Magic identifies the network; on the wire it is little-endian, so
	// mainnet's 0xd9b4bef9 is the bytes f9 be b4 d9.
	Magic uint32
	// Command is the message type with its NUL padding removed.
	Command string
	// Length is the payload length in bytes.
	Length uint32
	// Checksum is the first four bytes of DoubleSHA256(payload).
	Checksum [4]byte
}

// parseMessageHeader splits a header. A malformed command is reported by the
// second result while the header is still returned whole, because Core reads
// and drops such a message rather than disconnecting.
func parseMessageHeader(b *[MessageHeaderSize]byte) (MessageHeader, error) {
	h := MessageHeader{
		Magic:    binary.LittleEndian.Uint32(b[0:4]),
		Length:   binary.LittleEndian.Uint32(b[16:20]),
		Checksum: [4]byte(b[20:24]),
	}
	raw := b[4:16]
	end := CommandSize
	var cmdErr error
	for i, c := range raw {
		if c == 0 {
			if end == CommandSize {
				end = i
			}
			continue
		}
		if end != CommandSize {
			cmdErr = newError(ErrBadCommand, "command %q: byte %d is 0x%02x after NUL padding", raw[:end], i, c)
			break
		}
		if c < 0x20 || c > 0x7e {
			cmdErr = newError(ErrBadCommand, "command %q: byte %d is not printable ASCII", raw, i)
			break
		}
	}
	h.Command = string(raw[:end])
	return h, cmdErr
}

// checkCommand validates a command before it is written.
func checkCommand(cmd string) error {
	if len(cmd) > CommandSize {
		return newError(ErrBadCommand, "command %q is longer than %d bytes", cmd, CommandSize)
	}
	for i := range len(cmd) {
		if c := cmd[i]; c < 0x20 || c > 0x7e {
			return newError(ErrBadCommand, "command %q: byte %d is not printable ASCII", cmd, i)
		}
	}
	return nil
}

// ReadMessageHeader reads one 24-byte header. It fails with ErrTooLarge when
// the length exceeds MaxMessagePayload, and with ErrBadCommand when the
// command is not NUL-padded printable ASCII; in the latter case the header is
// returned too, so the caller can skip Length bytes and continue. It does not
// check the magic, which the caller knows. A stream that ends before the
// first byte gives io.EOF; one that ends within the header gives an error
// matching both ErrTruncated and io.ErrUnexpectedEOF.
func ReadMessageHeader(r io.Reader) (MessageHeader, error) {
	var b [MessageHeaderSize]byte
	if err := readFull(r, b[:], "message header"); err != nil {
		return MessageHeader{}, err
	}
	h, cmdErr := parseMessageHeader(&b)
	if err := checkLength(&h); err != nil {
		return h, err
	}
	return h, cmdErr
}

func checkLength(h *MessageHeader) error {
	if h.Length > MaxMessagePayload {
		return newError(ErrTooLarge, "message %q: payload length %d exceeds %d", h.Command, h.Length, MaxMessagePayload)
	}
	return nil
}

// readFull is io.ReadFull with errors that say what was being read. A clean
// end of stream before the first byte stays io.EOF.
func readFull(r io.Reader, b []byte, what string) error {
	n, err := io.ReadFull(r, b)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, io.EOF) && n == 0:
		return io.EOF
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return truncatedStream(what, n, len(b))
	default:
		return fmt.Errorf("%s: %w", what, err)
	}
}

func truncatedStream(what string, got, want int) error {
	return fmt.Errorf("%w: %w", newError(ErrTruncated, "%s: stream ended after %d of %d bytes", what, got, want),
		io.ErrUnexpectedEOF)
}

// payloadChunk is the most a payload buffer grows by before the bytes
// already allocated have arrived.
const payloadChunk = 64 << 10

// readPayload reads size bytes into a buffer that grows (doubling, from
// 64 KiB) only as data arrives, so a header that claims 4 MB followed by a
// few bytes costs 64 KiB, not 4 MB. The result has no spare capacity.
func readPayload(r io.Reader, size int) ([]byte, error) {
	buf := make([]byte, 0, min(size, payloadChunk))
	for len(buf) < size {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(size, 2*cap(buf)))
			copy(grown, buf)
			buf = grown
		}
		n, err := io.ReadFull(r, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, truncatedStream("payload", len(buf), size)
		}
		if err != nil {
			return nil, fmt.Errorf("payload: %w", err)
		}
	}
	return buf, nil
}

func payloadChecksum(payload []byte) [4]byte {
	h := DoubleSHA256(payload)
	return [4]byte(h[:4])
}

// ReadMessage reads and decodes one message, checking in Bitcoin Core's
// order: the magic (ErrBadMagic) and the length (ErrTooLarge) before any of
// the payload is read, which leaves the stream unusable, so the caller should
// disconnect; then, once the payload has been consumed, the checksum
// (ErrBadChecksum), the command's form (ErrBadCommand), whether it is known
// (ErrUnknownCommand) and the payload itself. After those later errors the
// stream is positioned at the next message, and Core just drops the message
// (an unknown command is silently ignored).
//
// The raw payload is returned whenever it was read, also with an error. The
// message may alias it.
func ReadMessage(r io.Reader, pver uint32, magic uint32) (Message, []byte, error) {
	var b [MessageHeaderSize]byte
	if err := readFull(r, b[:], "message header"); err != nil {
		return nil, nil, err
	}
	h, cmdErr := parseMessageHeader(&b)
	if h.Magic != magic {
		return nil, nil, newError(ErrBadMagic, "message magic 0x%08x, want 0x%08x", h.Magic, magic)
	}
	if err := checkLength(&h); err != nil {
		return nil, nil, err
	}
	payload, err := readPayload(r, int(h.Length))
	if err != nil {
		return nil, nil, fmt.Errorf("message %q: %w", h.Command, err)
	}
	if sum := payloadChecksum(payload); sum != h.Checksum {
		return nil, payload, newError(ErrBadChecksum, "message %q: checksum %x, payload hashes to %x",
			h.Command, h.Checksum, sum)
	}
	if cmdErr != nil {
		return nil, payload, cmdErr
	}
	msg, err := MakeEmptyMessage(h.Command)
	if err != nil {
		return nil, payload, err
	}
	if err := msg.DecodePayload(payload, pver); err != nil {
		return nil, payload, fmt.Errorf("%s message: %w", h.Command, err)
	}
	return msg, payload, nil
}

// sizer is implemented by messages that know their encoded size (Tx, Block),
// so that encoding them allocates once.
type sizer interface {
	SerializeSize() int
}

// AppendMessage appends msg framed for the network with the given magic:
// the 24-byte header and the payload. It fails, leaving b unchanged, if the
// command is malformed, the message breaks an invariant its encoding relies
// on, or the payload exceeds MaxMessagePayload.
func AppendMessage(b []byte, msg Message, pver uint32, magic uint32) ([]byte, error) {
	cmd := msg.Command()
	if err := checkCommand(cmd); err != nil {
		return b, err
	}
	if v, ok := msg.(validator); ok {
		if err := v.validate(); err != nil {
			return b, fmt.Errorf("%s message: %w", cmd, err)
		}
	}
	if s, ok := msg.(sizer); ok {
		b = slices.Grow(b, MessageHeaderSize+s.SerializeSize())
	}
	start := len(b)
	var hdr [MessageHeaderSize]byte
	out := msg.AppendPayload(append(b, hdr[:]...), pver)
	payload := out[start+MessageHeaderSize:]
	if len(payload) > MaxMessagePayload {
		return b[:start], newError(ErrTooLarge, "%s message: payload of %d bytes exceeds %d", cmd, len(payload), MaxMessagePayload)
	}
	h := out[start : start+MessageHeaderSize]
	binary.LittleEndian.PutUint32(h[0:4], magic)
	copy(h[4:16], cmd)
	binary.LittleEndian.PutUint32(h[16:20], uint32(len(payload)))
	sum := payloadChecksum(payload)
	copy(h[20:24], sum[:])
	return out, nil
}

// WriteMessage frames msg (see AppendMessage) and writes it with a single
// Write call. It returns the number of bytes written.
func WriteMessage(w io.Writer, msg Message, pver uint32, magic uint32) (int, error) {
	buf, err := AppendMessage(nil, msg, pver, magic)
	if err != nil {
		return 0, err
	}
	return w.Write(buf)
}

// decodeEmpty checks the payload of a message that has none.
func decodeEmpty(payload []byte, cmd string) error {
	if len(payload) != 0 {
		return newError(ErrTrailingData, "%s: payload of %d bytes, want none", cmd, len(payload))
	}
	return nil
}

// makeList allocates a decoded list; an empty list decodes as nil.
func makeList[T any](n int) []T {
	if n == 0 {
		return nil
	}
	return make([]T, n)
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}
