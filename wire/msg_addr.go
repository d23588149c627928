package wire

import "fmt"

// MsgAddr relays peer addresses in the legacy format: time, services, a
// 16-byte IPv6 address (IPv4 mapped into ::ffff:0:0/96) and a big-endian
// port. Addresses the format cannot express (Tor, I2P, CJDNS) encode as the
// all-zero address, as in Bitcoin Core; send those with MsgAddrV2.
type MsgAddr struct {
	AddrList []NetAddress
}

func (*MsgAddr) Command() string { return CmdAddr }

func (m *MsgAddr) AppendPayload(b []byte, _ uint32) []byte {
	b = AppendCompactSize(b, uint64(len(m.AddrList)))
	for i := range m.AddrList {
		b = appendNetAddressLegacy(b, &m.AddrList[i], true)
	}
	return b
}

func (m *MsgAddr) DecodePayload(p []byte, _ uint32) error {
	r := newReader(p)
	n, err := r.count("addr count", MaxAddrPerMsg, 4+netAddressLegacySize)
	if err != nil {
		return err
	}
	list := makeList[NetAddress](n)
	arena := &byteArena{buf: make([]byte, 0, 16*n)}
	for i := range list {
		if list[i], err = decodeNetAddressLegacy(r, true, arena); err != nil {
			return fmt.Errorf("addr entry %d: %w", i, err)
		}
	}
	if err := r.done("addr"); err != nil {
		return err
	}
	m.AddrList = list
	return nil
}

// MsgAddrV2 relays peer addresses in the BIP155 format, which carries every
// network. Entries of unknown networks are kept (see NetAddress.IsValid).
type MsgAddrV2 struct {
	AddrList []NetAddress
}

func (*MsgAddrV2) Command() string { return CmdAddrV2 }

func (m *MsgAddrV2) AppendPayload(b []byte, _ uint32) []byte {
	b = AppendCompactSize(b, uint64(len(m.AddrList)))
	for i := range m.AddrList {
		b = appendNetAddressV2(b, &m.AddrList[i])
	}
	return b
}

func (m *MsgAddrV2) DecodePayload(p []byte, _ uint32) error {
	r := newReader(p)
	n, err := r.count("addrv2 count", MaxAddrPerMsg, minNetAddressV2Size)
	if err != nil {
		return err
	}
	list := makeList[NetAddress](n)
	arena := new(byteArena)
	for i := range list {
		if list[i], err = decodeNetAddressV2(r, arena); err != nil {
			return fmt.Errorf("addrv2 entry %d: %w", i, err)
		}
	}
	if err := r.done("addrv2"); err != nil {
		return err
	}
	m.AddrList = list
	return nil
}
