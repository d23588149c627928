package store

import "encoding/binary"

// TxUndo holds the coins a non-coinbase transaction spent, in input order:
// what disconnecting the block must put back.
type TxUndo []Coin

// BlockUndo holds one TxUndo per non-coinbase transaction, in block order.
type BlockUndo []TxUndo

// minCoinSize is the smallest encoded coin: three one-byte varints.
const minCoinSize = 3

// Serialize encodes the undo data: varint(transaction count), then for each
// transaction varint(coin count) and the coins in the chainstate's coin
// encoding.
func (u BlockUndo) Serialize() []byte {
	size := uvarintLen(uint64(len(u)))
	for _, tx := range u {
		size += uvarintLen(uint64(len(tx)))
		for i := range tx {
			size += coinEncodedSize(&tx[i])
		}
	}
	b := make([]byte, 0, size)
	b = binary.AppendUvarint(b, uint64(len(u)))
	for _, tx := range u {
		b = binary.AppendUvarint(b, uint64(len(tx)))
		for i := range tx {
			b = appendCoin(b, &tx[i])
		}
	}
	return b
}

// DecodeBlockUndo decodes Serialize's output. It is safe on hostile input:
// every count is checked against the bytes that remain before anything is
// allocated, and errors (kind ErrCorrupt) say which transaction and coin
// failed, at which byte. It copies b once; the coins' scripts alias that
// copy.
func DecodeBlockUndo(b []byte) (BlockUndo, error) {
	buf := make([]byte, len(b))
	copy(buf, b)
	r := varReader{buf: buf}
	ntx, err := r.uvarint("transaction count")
	if err != nil {
		return nil, corrupt("block undo: %s", err)
	}
	// Each transaction takes at least its one-byte coin count.
	if ntx > uint64(len(buf)-r.off) {
		return nil, corrupt("block undo: %d transactions in %d bytes", ntx, len(buf)-r.off)
	}
	u := make(BlockUndo, ntx)
	for i := range u {
		n, err := r.uvarint("coin count")
		if err != nil {
			return nil, corrupt("block undo: tx %d: %s", i, err)
		}
		if n > uint64((len(buf)-r.off)/minCoinSize) {
			return nil, corrupt("block undo: tx %d: %d coins in %d bytes", i, n, len(buf)-r.off)
		}
		tx := make(TxUndo, n)
		for j := range tx {
			used, err := decodeCoinPrefix(buf[r.off:], &tx[j])
			if err != nil {
				return nil, corrupt("block undo: tx %d coin %d (at byte %d): %s", i, j, r.off, err)
			}
			r.off += used
		}
		u[i] = tx
	}
	if r.off != len(buf) {
		return nil, corrupt("block undo: %d trailing bytes", len(buf)-r.off)
	}
	return u, nil
}
