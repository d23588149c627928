package wire

import "fmt"

// MsgVersion is the version message that opens every connection.
//
// Decoding follows Bitcoin Core: the fields up to AddrRecv are required;
// the message may then end before AddrFrom+Nonce (which come as one unit),
// before UserAgent, before StartHeight or before Relay, and the missing
// fields take Core's defaults (AddrFrom the all-zero IPv6 address, Nonce 0,
// UserAgent "", StartHeight -1, Relay true). Bytes after Relay are ignored,
// as Core ignores them. A user agent longer than MaxUserAgentLen fails.
type MsgVersion struct {
	ProtocolVersion int32
	Services        ServiceFlag
	Timestamp       int64
	// AddrRecv and AddrFrom are encoded without their Timestamp.
	AddrRecv    NetAddress
	AddrFrom    NetAddress
	Nonce       uint64
	UserAgent   string
	StartHeight int32
	// Relay is BIP37's fRelay: whether the peer wants transactions
	// announced before it loads a bloom filter.
	Relay bool
}

func (*MsgVersion) Command() string { return CmdVersion }

func (m *MsgVersion) AppendPayload(b []byte, _ uint32) []byte {
	b = appendUint32(b, uint32(m.ProtocolVersion))
	b = appendUint64(b, uint64(m.Services))
	b = appendUint64(b, uint64(m.Timestamp))
	b = appendNetAddressLegacy(b, &m.AddrRecv, false)
	b = appendNetAddressLegacy(b, &m.AddrFrom, false)
	b = appendUint64(b, m.Nonce)
	b = appendVarString(b, m.UserAgent)
	b = appendUint32(b, uint32(m.StartHeight))
	return append(b, boolByte(m.Relay))
}

func (m *MsgVersion) DecodePayload(payload []byte, _ uint32) error {
	r := newReader(payload)
	v := MsgVersion{
		AddrFrom:    NetAddress{Network: NetIPv6, Addr: make([]byte, 16)},
		StartHeight: -1,
		Relay:       true,
	}
	pv, err := r.uint32("version: protocol version")
	if err != nil {
		return err
	}
	v.ProtocolVersion = int32(pv)
	services, err := r.uint64("version: services")
	if err != nil {
		return err
	}
	v.Services = ServiceFlag(services)
	ts, err := r.uint64("version: timestamp")
	if err != nil {
		return err
	}
	v.Timestamp = int64(ts)
	if v.AddrRecv, err = decodeNetAddressLegacy(r, false, nil); err != nil {
		return fmt.Errorf("version: addr_recv: %w", err)
	}
	if err := v.decodeOptional(r); err != nil {
		return err
	}
	*m = v
	return nil
}

// decodeOptional reads the fields a version message may omit.
func (m *MsgVersion) decodeOptional(r *reader) error {
	var err error
	if r.remaining() == 0 {
		return nil
	}
	if m.AddrFrom, err = decodeNetAddressLegacy(r, false, nil); err != nil {
		return fmt.Errorf("version: addr_from: %w", err)
	}
	if m.Nonce, err = r.uint64("version: nonce"); err != nil {
		return err
	}
	if r.remaining() == 0 {
		return nil
	}
	if m.UserAgent, err = r.varString("version: user agent", MaxUserAgentLen); err != nil {
		return err
	}
	if r.remaining() == 0 {
		return nil
	}
	h, err := r.uint32("version: start height")
	if err != nil {
		return err
	}
	m.StartHeight = int32(h)
	if r.remaining() == 0 {
		return nil
	}
	relay, _ := r.uint8("version: relay")
	m.Relay = relay != 0 // Core reads a bool as any non-zero byte
	return nil
}

// MsgVerAck acknowledges a version message. It has no payload.
type MsgVerAck struct{}

func (*MsgVerAck) Command() string                         { return CmdVerAck }
func (*MsgVerAck) AppendPayload(b []byte, _ uint32) []byte { return b }
func (*MsgVerAck) DecodePayload(p []byte, _ uint32) error  { return decodeEmpty(p, CmdVerAck) }

// MsgGetAddr asks for addresses of other nodes. It has no payload.
type MsgGetAddr struct{}

func (*MsgGetAddr) Command() string                         { return CmdGetAddr }
func (*MsgGetAddr) AppendPayload(b []byte, _ uint32) []byte { return b }
func (*MsgGetAddr) DecodePayload(p []byte, _ uint32) error  { return decodeEmpty(p, CmdGetAddr) }

// MsgMemPool asks for the peer's mempool as inv messages (BIP35). It has no
// payload.
type MsgMemPool struct{}

func (*MsgMemPool) Command() string                         { return CmdMemPool }
func (*MsgMemPool) AppendPayload(b []byte, _ uint32) []byte { return b }
func (*MsgMemPool) DecodePayload(p []byte, _ uint32) error  { return decodeEmpty(p, CmdMemPool) }

// MsgSendHeaders asks for new blocks to be announced with headers rather
// than inv (BIP130). It has no payload.
type MsgSendHeaders struct{}

func (*MsgSendHeaders) Command() string                         { return CmdSendHeaders }
func (*MsgSendHeaders) AppendPayload(b []byte, _ uint32) []byte { return b }
func (*MsgSendHeaders) DecodePayload(p []byte, _ uint32) error  { return decodeEmpty(p, CmdSendHeaders) }

// MsgWTxIDRelay, sent between version and verack, announces that the sender
// relays transactions by wtxid (BIP339). It has no payload.
type MsgWTxIDRelay struct{}

func (*MsgWTxIDRelay) Command() string                         { return CmdWTxIDRelay }
func (*MsgWTxIDRelay) AppendPayload(b []byte, _ uint32) []byte { return b }
func (*MsgWTxIDRelay) DecodePayload(p []byte, _ uint32) error  { return decodeEmpty(p, CmdWTxIDRelay) }

// MsgSendAddrV2, sent between version and verack, asks for addrv2 rather than
// addr messages (BIP155). It has no payload.
type MsgSendAddrV2 struct{}

func (*MsgSendAddrV2) Command() string                         { return CmdSendAddrV2 }
func (*MsgSendAddrV2) AppendPayload(b []byte, _ uint32) []byte { return b }
func (*MsgSendAddrV2) DecodePayload(p []byte, _ uint32) error  { return decodeEmpty(p, CmdSendAddrV2) }

// MsgPing checks that a connection is alive (BIP31). Peers of protocol
// version BIP0031Version or older send and expect no nonce.
type MsgPing struct {
	Nonce uint64
}

func (*MsgPing) Command() string { return CmdPing }

func (m *MsgPing) AppendPayload(b []byte, pver uint32) []byte {
	if pver <= BIP0031Version {
		return b
	}
	return appendUint64(b, m.Nonce)
}

func (m *MsgPing) DecodePayload(p []byte, pver uint32) error {
	if pver <= BIP0031Version {
		*m = MsgPing{}
		return decodeEmpty(p, CmdPing)
	}
	nonce, err := decodeUint64Payload(p, "ping nonce")
	if err != nil {
		return err
	}
	m.Nonce = nonce
	return nil
}

// MsgPong answers a ping with its nonce (BIP31).
type MsgPong struct {
	Nonce uint64
}

func (*MsgPong) Command() string { return CmdPong }

func (m *MsgPong) AppendPayload(b []byte, _ uint32) []byte { return appendUint64(b, m.Nonce) }

func (m *MsgPong) DecodePayload(p []byte, _ uint32) error {
	nonce, err := decodeUint64Payload(p, "pong nonce")
	if err != nil {
		return err
	}
	m.Nonce = nonce
	return nil
}

// MsgFeeFilter asks the peer not to announce transactions paying less than
// FeeRate satoshis per 1000 virtual bytes (BIP133). The value is not
// range-checked here; Core ignores one outside MoneyRange.
type MsgFeeFilter struct {
	FeeRate int64
}

func (*MsgFeeFilter) Command() string { return CmdFeeFilter }

func (m *MsgFeeFilter) AppendPayload(b []byte, _ uint32) []byte {
	return appendUint64(b, uint64(m.FeeRate))
}

func (m *MsgFeeFilter) DecodePayload(p []byte, _ uint32) error {
	v, err := decodeUint64Payload(p, "feefilter fee rate")
	if err != nil {
		return err
	}
	m.FeeRate = int64(v)
	return nil
}

// decodeUint64Payload decodes a payload that is exactly one uint64.
func decodeUint64Payload(p []byte, what string) (uint64, error) {
	r := newReader(p)
	v, err := r.uint64(what)
	if err != nil {
		return 0, err
	}
	return v, r.done(what)
}
