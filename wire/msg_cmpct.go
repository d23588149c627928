package wire

import (
	"encoding/binary"
	"fmt"
)

// Compact block limits (BIP152 as Bitcoin Core implements it).
const (
	// ShortIDSize is the size of a short transaction id.
	ShortIDSize = 6
	// MaxShortID is the largest short id (48 bits).
	MaxShortID = 1<<(8*ShortIDSize) - 1
	// MaxCmpctBlockTxs bounds the transactions a cmpctblock describes
	// (short ids plus prefilled): transaction indexes are 16-bit, and Core
	// rejects a larger count ("indexes overflowed 16 bits").
	MaxCmpctBlockTxs = 0xffff
	// MaxBlockTxnIndex is the largest transaction index a getblocktxn or
	// prefilled transaction can name.
	MaxBlockTxnIndex = 0xffff
)

// MsgSendCmpct announces compact block support (BIP152): Announce asks for
// high-bandwidth mode (new blocks pushed as cmpctblock), Version is the
// compact block version (2 with segwit). Like Core, any non-zero first byte
// decodes as true.
type MsgSendCmpct struct {
	Announce bool
	Version  uint64
}

func (*MsgSendCmpct) Command() string { return CmdSendCmpct }

func (m *MsgSendCmpct) AppendPayload(b []byte, _ uint32) []byte {
	return appendUint64(append(b, boolByte(m.Announce)), m.Version)
}

func (m *MsgSendCmpct) DecodePayload(p []byte, _ uint32) error {
	r := newReader(p)
	announce, err := r.uint8("sendcmpct announce")
	if err != nil {
		return err
	}
	version, err := r.uint64("sendcmpct version")
	if err != nil {
		return err
	}
	if err := r.done(CmdSendCmpct); err != nil {
		return err
	}
	*m = MsgSendCmpct{Announce: announce != 0, Version: version}
	return nil
}

// PrefilledTx is a transaction sent in full inside a cmpctblock.
type PrefilledTx struct {
	// Index is the transaction's position in the block. On the wire it is
	// differentially encoded (the gap since the previous prefilled
	// transaction, minus one); here it is absolute, so indexes must be
	// strictly increasing.
	Index uint16
	Tx    *Tx
}

// MsgCmpctBlock is a compact block (BIP152 HeaderAndShortIDs): the header,
// the nonce keying the short ids, the 48-bit short ids of the transactions
// the receiver probably has, and the rest in full.
type MsgCmpctBlock struct {
	Header       BlockHeader
	Nonce        uint64
	ShortIDs     []uint64
	PrefilledTxn []PrefilledTx
}

func (*MsgCmpctBlock) Command() string { return CmdCmpctBlock }

func (m *MsgCmpctBlock) AppendPayload(b []byte, _ uint32) []byte {
	b = m.Header.AppendTo(b)
	b = appendUint64(b, m.Nonce)
	b = AppendCompactSize(b, uint64(len(m.ShortIDs)))
	for _, id := range m.ShortIDs {
		var buf [8]byte
		binary.LittleEndian.PutUint64(buf[:], id)
		b = append(b, buf[:ShortIDSize]...)
	}
	b = AppendCompactSize(b, uint64(len(m.PrefilledTxn)))
	next := 0
	for _, pt := range m.PrefilledTxn {
		b = AppendCompactSize(b, uint64(int(pt.Index)-next))
		next = int(pt.Index) + 1
		b = pt.Tx.AppendTo(b)
	}
	return b
}

func (m *MsgCmpctBlock) validate() error {
	if n := len(m.ShortIDs) + len(m.PrefilledTxn); n > MaxCmpctBlockTxs {
		return newError(ErrTooLarge, "%d transactions exceed %d", n, MaxCmpctBlockTxs)
	}
	for i, id := range m.ShortIDs {
		if id > MaxShortID {
			return newError(ErrInvalidValue, "short id %d: 0x%x exceeds 48 bits", i, id)
		}
	}
	next := 0
	for i, pt := range m.PrefilledTxn {
		if int(pt.Index) < next {
			return newError(ErrInvalidValue, "prefilled transaction %d: index %d not above previous", i, pt.Index)
		}
		if pt.Tx == nil {
			return newError(ErrInvalidValue, "prefilled transaction %d: nil", i)
		}
		next = int(pt.Index) + 1
	}
	return nil
}

func (m *MsgCmpctBlock) DecodePayload(p []byte, _ uint32) error {
	r := newReader(p)
	header, err := decodeHeader(r)
	if err != nil {
		return fmt.Errorf("cmpctblock: %w", err)
	}
	nonce, err := r.uint64("cmpctblock nonce")
	if err != nil {
		return err
	}
	n, err := r.count("cmpctblock short id count", MaxCmpctBlockTxs, ShortIDSize)
	if err != nil {
		return err
	}
	ids := makeList[uint64](n)
	for i := range ids {
		b, _ := r.bytes(ShortIDSize, "short id") // count checked the bytes
		var buf [8]byte
		copy(buf[:], b)
		ids[i] = binary.LittleEndian.Uint64(buf[:])
	}
	prefilled, err := decodePrefilled(r, MaxCmpctBlockTxs-n)
	if err != nil {
		return err
	}
	if err := r.done(CmdCmpctBlock); err != nil {
		return err
	}
	*m = MsgCmpctBlock{Header: header, Nonce: nonce, ShortIDs: ids, PrefilledTxn: prefilled}
	return nil
}

// decodePrefilled reads the prefilled transactions, turning Core's
// differential indexes into absolute ones. Like Core, a differential index
// above 0xffff fails, and so does an absolute one (which Core reports when it
// starts rebuilding the block).
func decodePrefilled(r *reader, limit int) ([]PrefilledTx, error) {
	n, err := r.count("cmpctblock prefilled count", MaxCmpctBlockTxs, 1+minTxSize)
	if err != nil {
		return nil, err
	}
	if n > limit {
		return nil, newError(ErrTooLarge, "cmpctblock: %d short ids and %d prefilled transactions exceed %d",
			MaxCmpctBlockTxs-limit, n, MaxCmpctBlockTxs)
	}
	list := makeList[PrefilledTx](n)
	next := uint64(0)
	for i := range list {
		diff, err := r.compactSize("index")
		if err != nil {
			return nil, fmt.Errorf("cmpctblock prefilled transaction %d: %w", i, err)
		}
		if diff > MaxBlockTxnIndex || next+diff > MaxBlockTxnIndex {
			return nil, fmt.Errorf("cmpctblock prefilled transaction %d: %w", i,
				newError(ErrInvalidValue, "index %d+%d overflows 16 bits", next, diff))
		}
		list[i].Index = uint16(next + diff)
		next += diff + 1
		if list[i].Tx, err = decodeTx(r, true); err != nil {
			return nil, fmt.Errorf("cmpctblock prefilled transaction %d: %w", i, err)
		}
	}
	return list, nil
}

// MsgGetBlockTxn asks for some transactions of a block announced by
// cmpctblock (BIP152 BlockTransactionsRequest). Indexes are absolute and
// strictly increasing; on the wire they are differentially encoded, and,
// as in Core, one above MaxBlockTxnIndex fails to decode.
type MsgGetBlockTxn struct {
	BlockHash Hash
	Indexes   []uint16
}

func (*MsgGetBlockTxn) Command() string { return CmdGetBlockTxn }

func (m *MsgGetBlockTxn) AppendPayload(b []byte, _ uint32) []byte {
	b = append(b, m.BlockHash[:]...)
	b = AppendCompactSize(b, uint64(len(m.Indexes)))
	next := 0
	for _, idx := range m.Indexes {
		b = AppendCompactSize(b, uint64(int(idx)-next))
		next = int(idx) + 1
	}
	return b
}

func (m *MsgGetBlockTxn) validate() error {
	next := 0
	for i, idx := range m.Indexes {
		if int(idx) < next {
			return newError(ErrInvalidValue, "index %d: %d not above previous", i, idx)
		}
		next = int(idx) + 1
	}
	return nil
}

func (m *MsgGetBlockTxn) DecodePayload(p []byte, _ uint32) error {
	r := newReader(p)
	hash, err := r.hash("getblocktxn block hash")
	if err != nil {
		return err
	}
	n, err := r.count("getblocktxn index count", MaxBlockTxnIndex+1, 1)
	if err != nil {
		return err
	}
	indexes := makeList[uint16](n)
	next := uint64(0)
	for i := range indexes {
		diff, err := r.compactSize("index")
		if err != nil {
			return fmt.Errorf("getblocktxn index %d: %w", i, err)
		}
		if diff > MaxBlockTxnIndex || next+diff > MaxBlockTxnIndex {
			return fmt.Errorf("getblocktxn index %d: %w", i,
				newError(ErrInvalidValue, "differential value overflow: %d+%d exceeds 16 bits", next, diff))
		}
		indexes[i] = uint16(next + diff)
		next += diff + 1
	}
	if err := r.done(CmdGetBlockTxn); err != nil {
		return err
	}
	*m = MsgGetBlockTxn{BlockHash: hash, Indexes: indexes}
	return nil
}

// MsgBlockTxn answers a getblocktxn with the requested transactions, in
// witness serialization (BIP152 BlockTransactions).
type MsgBlockTxn struct {
	BlockHash    Hash
	Transactions []*Tx
}

func (*MsgBlockTxn) Command() string { return CmdBlockTxn }

func (m *MsgBlockTxn) AppendPayload(b []byte, _ uint32) []byte {
	b = append(b, m.BlockHash[:]...)
	b = AppendCompactSize(b, uint64(len(m.Transactions)))
	for _, tx := range m.Transactions {
		b = tx.AppendTo(b)
	}
	return b
}

func (m *MsgBlockTxn) DecodePayload(p []byte, _ uint32) error {
	r := newReader(p)
	hash, err := r.hash("blocktxn block hash")
	if err != nil {
		return err
	}
	n, err := r.count("blocktxn transaction count", 0, minTxSize)
	if err != nil {
		return err
	}
	txs := makeList[*Tx](n)
	for i := range txs {
		if txs[i], err = decodeTx(r, true); err != nil {
			return fmt.Errorf("blocktxn transaction %d: %w", i, err)
		}
	}
	if err := r.done(CmdBlockTxn); err != nil {
		return err
	}
	*m = MsgBlockTxn{BlockHash: hash, Transactions: txs}
	return nil
}
