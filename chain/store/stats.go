package store

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"github.com/syndtr/goleveldb/leveldb/util"

	"github.com/bitnode/bitnode/wire"
)

// UTXOStats is what Bitcoin Core's gettxoutsetinfo reports with
// hash_type=hash_serialized_3.
type UTXOStats struct {
	BestBlock      wire.Hash // the block the set describes
	Transactions   int64     // distinct txids with unspent outputs
	TxOuts         int64     // unspent outputs
	TotalAmount    int64     // satoshis
	HashSerialized wire.Hash // hash_serialized_3
	BogoSize       int64     // Core's database-independent size metric
	DiskSize       int64     // LevelDB's estimate of the coins' bytes on disk
}

// bogoSize is Core's GetBogoSize: txid, vout, height+coinbase, amount,
// script length (2) and script.
func bogoSize(script []byte) int64 { return 32 + 4 + 4 + 8 + 2 + int64(len(script)) }

// appendTxOutSer appends Core's TxOutSer: the outpoint (txid, LE vout), LE
// uint32 height<<1|coinbase, LE int64 value, CompactSize script length and
// script.
func appendTxOutSer(b []byte, op wire.OutPoint, c *Coin) []byte {
	b = append(b, op.Hash[:]...)
	b = binary.LittleEndian.AppendUint32(b, op.Index)
	code := uint32(c.Height) << 1
	if c.CoinBase {
		code |= 1
	}
	b = binary.LittleEndian.AppendUint32(b, code)
	b = binary.LittleEndian.AppendUint64(b, uint64(c.Value))
	return wire.AppendVarBytes(b, c.PkScript)
}

// UTXOStats flushes the cache, then walks the UTXO set on disk in
// (txid, vout) order, as Core's gettxoutsetinfo does. HashSerialized is
// SHA256d over every coin's TxOutSer.
func (db *DB) UTXOStats() (UTXOStats, error) {
	if err := db.Flush(); err != nil {
		return UTXOStats{}, err
	}
	db.mu.Lock()
	if db.closed {
		db.mu.Unlock()
		return UTXOStats{}, errClosed("UTXOStats")
	}
	snap, err := db.ldb.GetSnapshot()
	st := UTXOStats{BestBlock: db.flushedBest}
	db.mu.Unlock()
	if err != nil {
		return UTXOStats{}, fmt.Errorf("store: snapshot: %w", err)
	}
	defer snap.Release()

	h := sha256.New()
	var buf []byte
	var prev wire.Hash
	it := snap.NewIterator(util.BytesPrefix([]byte{prefixCoin}), nil)
	defer it.Release()
	for it.Next() {
		op, ok := outPointFromKey(it.Key())
		if !ok {
			return UTXOStats{}, corrupt("coin key %x", it.Key())
		}
		c, err := decodeCoin(it.Value())
		if err != nil {
			return UTXOStats{}, fmt.Errorf("outpoint %s: %w", op, err)
		}
		if st.TxOuts == 0 || op.Hash != prev {
			st.Transactions++
			prev = op.Hash
		}
		st.TxOuts++
		st.TotalAmount += c.Value
		st.BogoSize += bogoSize(c.PkScript)
		buf = appendTxOutSer(buf[:0], op, c)
		h.Write(buf)
	}
	if err := it.Error(); err != nil {
		return UTXOStats{}, fmt.Errorf("store: iterate coins: %w", err)
	}
	st.HashSerialized = sha256.Sum256(h.Sum(nil))
	sizes, err := db.ldb.SizeOf([]util.Range{{Start: []byte{prefixCoin}, Limit: []byte{prefixCoin + 1}}})
	if err != nil {
		return UTXOStats{}, fmt.Errorf("store: estimate size: %w", err)
	}
	st.DiskSize = sizes.Sum()
	return st, nil
}
