package consensus

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/bitnode/bitnode/wire"
)

var nullOutPoint = wire.OutPoint{Index: 0xffffffff}

func prevout(b byte, n uint32) wire.OutPoint {
	var h wire.Hash
	h[0] = b
	return wire.OutPoint{Hash: h, Index: n}
}

// checkTx builds a transaction from its inputs' outpoints and its output
// values; opts edit it further.
func checkTx(ins []wire.OutPoint, values []int64, opts ...func(*wire.Tx)) *wire.Tx {
	tx := &wire.Tx{Version: 1}
	for _, op := range ins {
		tx.TxIn = append(tx.TxIn, &wire.TxIn{PreviousOutPoint: op, Sequence: wire.MaxTxInSequenceNum})
	}
	for _, v := range values {
		tx.TxOut = append(tx.TxOut, &wire.TxOut{Value: v, PkScript: []byte{0x51}})
	}
	for _, o := range opts {
		o(tx)
	}
	return tx
}

func withScriptSig(n int) func(*wire.Tx) {
	return func(tx *wire.Tx) { tx.TxIn[0].SignatureScript = bytes.Repeat([]byte{0x51}, n) }
}

// withOpReturn makes output 0 an OP_RETURN followed by a push of n zero
// bytes, as Core's tx_oversized test does.
func withOpReturn(n int) func(*wire.Tx) {
	return func(tx *wire.Tx) {
		s := []byte{0x6a}
		switch {
		case n < 0x4c:
			s = append(s, byte(n))
		case n <= 0xff:
			s = append(s, 0x4c, byte(n))
		case n <= 0xffff:
			s = append(s, 0x4d, byte(n), byte(n>>8))
		default:
			s = append(s, 0x4e, byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
		}
		tx.TxOut[0].PkScript = append(s, make([]byte, n)...)
	}
}

func withWitness(n int) func(*wire.Tx) {
	return func(tx *wire.Tx) { tx.TxIn[0].Witness = wire.TxWitness{make([]byte, n)} }
}

func manyInputs(n int, dupAt int) []wire.OutPoint {
	ins := make([]wire.OutPoint, n)
	for i := range ins {
		ins[i] = prevout(1, uint32(i))
	}
	if dupAt >= 0 {
		ins[n-1] = ins[dupAt]
	}
	return ins
}

// oversizeBase is the OP_RETURN payload that makes a one-input, one-output
// transaction's stripped size exactly MaxBlockWeight/4.
func oversizeBase(t *testing.T) int {
	t.Helper()
	const limit = wire.MaxBlockWeight / wire.WitnessScaleFactor
	probe := checkTx([]wire.OutPoint{prevout(1, 0)}, []int64{1}, withOpReturn(limit))
	overhead := probe.BaseSize() - limit
	payload := limit - overhead
	if got := checkTx([]wire.OutPoint{prevout(1, 0)}, []int64{1}, withOpReturn(payload)).BaseSize(); got != limit {
		t.Fatalf("payload %d gives base size %d, want %d", payload, got, limit)
	}
	return payload
}

func TestCheckTransaction(t *testing.T) {
	one := []wire.OutPoint{prevout(1, 0)}
	maxPayload := oversizeBase(t)
	tests := []struct {
		name string
		tx   *wire.Tx
		want ErrorKind // "" for valid
	}{
		{"valid", checkTx(one, []int64{1}), ""},
		{"zero value output", checkTx(one, []int64{0}), ""},
		{"no inputs", checkTx(nil, []int64{1}), ErrTxVinEmpty},
		{"no inputs and no outputs", checkTx(nil, nil), ErrTxVinEmpty},
		{"no outputs", checkTx(one, nil), ErrTxVoutEmpty},
		{"stripped size at limit", checkTx(one, []int64{1}, withOpReturn(maxPayload)), ""},
		{"stripped size one over", checkTx(one, []int64{1}, withOpReturn(maxPayload+1)), ErrTxOversize},
		{"witness does not count", checkTx(one, []int64{1}, withOpReturn(maxPayload), withWitness(100_000)), ""},
		{"oversize before values", checkTx(one, []int64{-1}, withOpReturn(maxPayload+1)), ErrTxOversize},
		{"negative output", checkTx(one, []int64{-1}), ErrTxVoutNegative},
		{"negative second output", checkTx(one, []int64{5, -1}), ErrTxVoutNegative},
		{"minimum int64 output", checkTx(one, []int64{-1 << 63}), ErrTxVoutNegative},
		{"output at MaxMoney", checkTx(one, []int64{MaxMoney}), ""},
		{"output above MaxMoney", checkTx(one, []int64{MaxMoney + 1}), ErrTxVoutTooLarge},
		{"maximum int64 output", checkTx(one, []int64{1<<63 - 1}), ErrTxVoutTooLarge},
		{"total at MaxMoney", checkTx(one, []int64{MaxMoney - 1, 1}), ""},
		{"total above MaxMoney", checkTx(one, []int64{MaxMoney, 1}), ErrTxOutTotalTooLarge},
		{"total overflows before a negative", checkTx(one, []int64{MaxMoney, MaxMoney, -1}), ErrTxOutTotalTooLarge},
		{"values before duplicates", checkTx([]wire.OutPoint{prevout(1, 0), prevout(1, 0)}, []int64{-1}), ErrTxVoutNegative},
		{"duplicate inputs", checkTx([]wire.OutPoint{prevout(1, 0), prevout(1, 0)}, []int64{1}), ErrTxInputsDuplicate},
		{"same hash other index", checkTx([]wire.OutPoint{prevout(1, 0), prevout(1, 1)}, []int64{1}), ""},
		{"same index other hash", checkTx([]wire.OutPoint{prevout(1, 0), prevout(2, 0)}, []int64{1}), ""},
		{"duplicate among many inputs", checkTx(manyInputs(50, 3), []int64{1}), ErrTxInputsDuplicate},
		{"many distinct inputs", checkTx(manyInputs(50, -1), []int64{1}), ""},
		{"duplicate null prevouts", checkTx([]wire.OutPoint{nullOutPoint, nullOutPoint}, []int64{1}), ErrTxInputsDuplicate},
		{"coinbase scriptSig 2 bytes", checkTx([]wire.OutPoint{nullOutPoint}, []int64{1}, withScriptSig(2)), ""},
		{"coinbase scriptSig 100 bytes", checkTx([]wire.OutPoint{nullOutPoint}, []int64{1}, withScriptSig(100)), ""},
		{"coinbase scriptSig empty", checkTx([]wire.OutPoint{nullOutPoint}, []int64{1}), ErrBadCoinbaseLength},
		{"coinbase scriptSig 1 byte", checkTx([]wire.OutPoint{nullOutPoint}, []int64{1}, withScriptSig(1)), ErrBadCoinbaseLength},
		{"coinbase scriptSig 101 bytes", checkTx([]wire.OutPoint{nullOutPoint}, []int64{1}, withScriptSig(101)), ErrBadCoinbaseLength},
		{"null prevout second input", checkTx([]wire.OutPoint{prevout(1, 0), nullOutPoint}, []int64{1}), ErrTxPrevoutNull},
		{"null prevout first of two", checkTx([]wire.OutPoint{nullOutPoint, prevout(1, 0)}, []int64{1}, withScriptSig(5)), ErrTxPrevoutNull},
		{"zero hash, index 0", checkTx([]wire.OutPoint{{Index: 0}}, []int64{1}), ""},
		{"index 0xffffffff, non-zero hash", checkTx([]wire.OutPoint{prevout(1, 0xffffffff)}, []int64{1}), ""},
	}
	for _, tt := range tests {
		err := CheckTransaction(tt.tx)
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: %v, want valid", tt.name, err)
			}
			continue
		}
		var re *RuleError
		if !errors.As(err, &re) {
			t.Errorf("%s: got %v (%T), want *RuleError %s", tt.name, err, err, tt.want)
			continue
		}
		if re.Err != tt.want || !errors.Is(err, tt.want) {
			t.Errorf("%s: got %s (%v), want %s", tt.name, re.Err, err, tt.want)
		}
		if re.Description == "" {
			t.Errorf("%s: empty description", tt.name)
		}
	}
}

// TestCheckTransactionRealTx is Core's basic_transaction_tests: a mainnet
// transaction passes, and appending a copy of its input makes it a
// duplicate-input transaction.
func TestCheckTransactionRealTx(t *testing.T) {
	const raw = "01000000016bff7fcd4f8565ef406dd5d63d4ff94f318fe82027fd4dc451b04474019f74b4000000008c493046022100da0dc6aecefe1e06efdf05773757deb168820930e3b0d03f46f5fcf150bf990c022100d25b5c87040076e4f253f8262e763e2dd51e7ff0be157727c4bc42807f17bd39014104e6c26ef67dc610d2cd192484789a6cf9aea9930b944b7e2db5342b9d9e5b9ff79aff9a2ee1978dd7fd01dfc522ee02283d3b06a9d03acf8096968d7dbb0f9178ffffffff028ba7940e000000001976a914badeecfdef0507247fc8f74241d73bc039972d7b88ac4094a802000000001976a914c10932483fec93ed51f5fe95e72559f2cc7043f988ac00000000"
	b, _ := hex.DecodeString(raw)
	tx, err := wire.DecodeTx(b)
	if err != nil {
		t.Fatal(err)
	}
	if got := tx.TxHash().String(); got != "e2769b09e784f32f62ef849763d4f45b98e07ba658647343b915ff832b110436" {
		t.Fatalf("txid %s", got)
	}
	if err := CheckTransaction(tx); err != nil {
		t.Fatalf("real transaction: %v", err)
	}
	dup := *tx.TxIn[0]
	tx.TxIn = append(tx.TxIn, &dup)
	if err := CheckTransaction(tx); !errors.Is(err, ErrTxInputsDuplicate) {
		t.Fatalf("duplicated input: %v, want %s", err, ErrTxInputsDuplicate)
	}
}
