package consensus

import "github.com/bitnode/bitnode/wire"

// Coin amounts.
const (
	// SatoshiPerBitcoin is the number of base units in one bitcoin.
	SatoshiPerBitcoin = 100_000_000
	// InitialSubsidy is the block reward before the first halving.
	InitialSubsidy = 50 * SatoshiPerBitcoin
	// MaxBlockSigOpsCost is the block limit on signature-operation cost
	// (BIP141: legacy sigops count four times).
	MaxBlockSigOpsCost = 80_000
	// CoinbaseMaturity is how many blocks a coinbase output waits.
	CoinbaseMaturity = 100
	// LockTimeThreshold separates block heights (below) from Unix times
	// in nLockTime.
	LockTimeThreshold = 500_000_000
)

// BlockSubsidy is the new coin a block at height may create: 50 BTC halved
// every halvingInterval blocks, zero after 64 halvings (where the shift
// would be undefined).
func BlockSubsidy(height int32, halvingInterval int32) int64 {
	halvings := height / halvingInterval
	if halvings >= 64 {
		return 0
	}
	return InitialSubsidy >> halvings
}

// IsFinalTx reports whether tx may be included in a block at height whose
// lock-time cut-off is blockTime (the median time past since BIP113).
func IsFinalTx(tx *wire.Tx, height int32, blockTime int64) bool {
	if tx.LockTime == 0 {
		return true
	}
	cutoff := int64(height)
	if tx.LockTime >= LockTimeThreshold {
		cutoff = blockTime
	}
	if int64(tx.LockTime) < cutoff {
		return true
	}
	// A lock time in the future is ignored when every input is final.
	for _, in := range tx.TxIn {
		if in.Sequence != wire.MaxTxInSequenceNum {
			return false
		}
	}
	return true
}

// ExpectedCoinbaseHeightPrefix is how a BIP34 coinbase scriptSig must
// start at height: the height pushed as CScript() << height encodes it
// (Core compares this byte prefix).
func ExpectedCoinbaseHeightPrefix(height int32) []byte {
	switch {
	case height == 0:
		return []byte{0x00}
	case height >= 1 && height <= 16:
		return []byte{0x50 + byte(height)}
	}
	n := int64(height)
	var num []byte
	for n > 0 {
		num = append(num, byte(n))
		n >>= 8
	}
	if num[len(num)-1]&0x80 != 0 {
		num = append(num, 0)
	}
	return append([]byte{byte(len(num))}, num...)
}
