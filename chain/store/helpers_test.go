package store

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/syndtr/goleveldb/leveldb/util"

	"github.com/bitnode/bitnode/wire"
)

// openTestDB opens a DB in a fresh temporary directory.
func openTestDB(t testing.TB, budget int64) (*DB, string) {
	t.Helper()
	dir := t.TempDir()
	db, err := Open(dir, Options{CacheBytes: budget})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, dir
}

func reopen(t testing.TB, db *DB, dir string, budget int64) *DB {
	t.Helper()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db2, err := Open(dir, Options{CacheBytes: budget})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db2.Close() })
	return db2
}

// testOp is a deterministic outpoint.
func testOp(tx, vout uint32) wire.OutPoint {
	var h wire.Hash
	binary.LittleEndian.PutUint32(h[:], tx)
	h[31] = 0xab
	return wire.OutPoint{Hash: h, Index: vout}
}

func testCoin(value int64, height int32, coinbase bool, scriptLen int) *Coin {
	s := make([]byte, scriptLen)
	for i := range s {
		s[i] = byte(int(value) + i)
	}
	return &Coin{Value: value, PkScript: s, Height: height, CoinBase: coinbase}
}

func blockHash(n uint64) wire.Hash {
	var h wire.Hash
	binary.LittleEndian.PutUint64(h[:], n)
	h[31] = 0xbb
	return h
}

func coinsEqual(a, b *Coin) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Value == b.Value && a.Height == b.Height && a.CoinBase == b.CoinBase &&
		bytes.Equal(a.PkScript, b.PkScript)
}

// diskCoins reads the UTXO set straight from LevelDB.
func diskCoins(t testing.TB, db *DB) map[wire.OutPoint]*Coin {
	t.Helper()
	m := make(map[wire.OutPoint]*Coin)
	it := db.ldb.NewIterator(util.BytesPrefix([]byte{prefixCoin}), nil)
	defer it.Release()
	for it.Next() {
		op, ok := outPointFromKey(it.Key())
		if !ok {
			t.Fatalf("bad coin key %x", it.Key())
		}
		c, err := decodeCoin(append([]byte(nil), it.Value()...))
		if err != nil {
			t.Fatal(err)
		}
		m[op] = c
	}
	if err := it.Error(); err != nil {
		t.Fatal(err)
	}
	return m
}

func mustCommit(t testing.TB, db *DB, best wire.Hash, fn func(v *View)) {
	t.Helper()
	v := db.NewView()
	fn(v)
	db.Commit(v, best)
}

func mustSpend(t testing.TB, v *View, op wire.OutPoint) *Coin {
	t.Helper()
	c, err := v.Spend(op)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
