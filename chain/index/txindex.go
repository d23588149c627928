package index

import (
	"encoding/binary"
	"errors"

	"github.com/syndtr/goleveldb/leveldb"

	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/wire"
)

// TxIndexName is the transaction index's name (Bitcoin Core's getindexinfo
// key).
const TxIndexName = "txindex"

const (
	txIndexVersion = 1
	prefixTx       = 't' // 't' + txid → uvarint height, uvarint position, 8-byte block hash check
	txCheckSize    = 8
)

// TxIndex maps the id of every transaction on the active chain to its
// block and its position there (Bitcoin Core's -txindex). As in Core, the
// genesis block's coinbase is not indexed: its output cannot be spent.
//
// An entry stores the block's height and the first 8 bytes of its hash
// rather than the whole hash; a lookup takes the hash from the index's own
// chain and returns the entry only if the bytes agree, so an entry left by
// a block that left the chain is never returned.
type TxIndex struct {
	*Base
}

// OpenTxIndex opens (creating if needed) the transaction index at cfg.Dir.
func OpenTxIndex(cfg Config) (*TxIndex, error) {
	t := &TxIndex{}
	base, err := openBase(TxIndexName, txIndexVersion, cfg, t)
	if err != nil {
		return nil, err
	}
	t.Base = base
	return t, nil
}

func txKey(txid wire.Hash) []byte { return append([]byte{prefixTx}, txid[:]...) }

func (t *TxIndex) needsUndo() bool          { return false }
func (t *TxIndex) needsBlockOnRewind() bool { return true }

func (t *TxIndex) connect(b *leveldb.Batch, blk *wire.Block, hash wire.Hash, height int32, _ store.BlockUndo) error {
	if height == 0 {
		return nil // the genesis coinbase is not spendable, so not indexed
	}
	val := make([]byte, 0, 2*binary.MaxVarintLen32+txCheckSize)
	for i, tx := range blk.Transactions {
		val = binary.AppendUvarint(val[:0], uint64(height))
		val = binary.AppendUvarint(val, uint64(i))
		val = append(val, hash[:txCheckSize]...)
		b.Put(txKey(tx.TxHash()), val) // the batch copies val
	}
	return nil
}

func (t *TxIndex) disconnect(b *leveldb.Batch, blk *wire.Block, hash wire.Hash, height int32) error {
	if blk == nil || height == 0 {
		return nil // lookups check entries against the index's chain
	}
	for _, tx := range blk.Transactions {
		key := txKey(tx.TxHash())
		v, err := t.db.Get(key, nil)
		if errors.Is(err, leveldb.ErrNotFound) {
			continue
		}
		if err != nil {
			return t.dbError(err)
		}
		// Delete only this block's entry: with a duplicate txid (BIP30's
		// exceptions) the entry may name another block.
		if e, err := decodeTxEntry(v); err == nil && e.height == height && e.check == [txCheckSize]byte(hash[:txCheckSize]) {
			b.Delete(key)
		}
	}
	return nil
}

type txEntry struct {
	height int32
	pos    int
	check  [txCheckSize]byte
}

func decodeTxEntry(v []byte) (txEntry, error) {
	var e txEntry
	h, n := binary.Uvarint(v)
	if n <= 0 || h > 1<<31-1 {
		return e, newError(ErrCorrupt, "%s: bad height in entry", TxIndexName)
	}
	p, m := binary.Uvarint(v[n:])
	if m <= 0 || p > 1<<31-1 || len(v) != n+m+txCheckSize {
		return e, newError(ErrCorrupt, "%s: bad position in entry", TxIndexName)
	}
	e.height, e.pos = int32(h), int(p)
	copy(e.check[:], v[n+m:])
	return e, nil
}

// Tx returns the hash of the block that holds the transaction txid on the
// index's chain, and the transaction's position in that block (0 for the
// coinbase). It returns an ErrNotFound error when the index has no such
// transaction.
func (t *TxIndex) Tx(txid wire.Hash) (blockHash wire.Hash, txPos int, err error) {
	v, err := t.db.Get(txKey(txid), nil)
	if errors.Is(err, leveldb.ErrNotFound) {
		return wire.Hash{}, 0, newError(ErrNotFound, "%s: no transaction %s", TxIndexName, txid)
	}
	if err != nil {
		return wire.Hash{}, 0, t.dbError(err)
	}
	e, err := decodeTxEntry(v)
	if err != nil {
		return wire.Hash{}, 0, err
	}
	hash, ok, err := t.hashAt(e.height)
	if err != nil {
		return wire.Hash{}, 0, err
	}
	if !ok || [txCheckSize]byte(hash[:txCheckSize]) != e.check {
		return wire.Hash{}, 0, newError(ErrNotFound, "%s: no transaction %s", TxIndexName, txid)
	}
	return hash, e.pos, nil
}
