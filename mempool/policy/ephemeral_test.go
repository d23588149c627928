package policy

import (
	"fmt"
	"testing"

	"github.com/bitnode/bitnode/wire"
)

// child spends the given outputs of parent.
func child(parent *wire.Tx, idx ...uint32) *wire.Tx {
	tx := stdTx()
	tx.TxIn = nil
	for _, i := range idx {
		tx.TxIn = append(tx.TxIn, &wire.TxIn{PreviousOutPoint: wire.OutPoint{Hash: parent.TxHash(), Index: i}})
	}
	return tx
}

func TestPreCheckEphemeralTx(t *testing.T) {
	dusty := stdTx(addOutput(0, p2a))
	tests := []struct {
		name          string
		tx            *wire.Tx
		base, modifed int64
		want          ErrorKind
	}{
		{"dust, no fee", dusty, 0, 0, ""},
		{"dust, fee", dusty, 1, 1, ErrDust},
		{"dust, prioritised", dusty, 0, 1000, ErrDust},
		{"dust, fee prioritised away", dusty, 1000, 0, ErrDust},
		{"no dust, fee", stdTx(), 500, 500, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := PreCheckEphemeralTx(tc.tx, DustRelayFee, tc.base, tc.modifed)
			wantKind(t, err, tc.want)
			if err != nil && err.Error() != "dust, tx with dust output must be 0-fee" {
				t.Fatalf("error %q", err)
			}
		})
	}
}

func TestCheckEphemeralSpends(t *testing.T) {
	parent := stdTx(addOutput(0, p2a))                    // dust at index 1
	other := stdTx(addOutput(100, p2tr))                  // dust at index 1
	clean := stdTx(func(tx *wire.Tx) { tx.LockTime = 7 }) // no dust
	mempool := map[wire.Hash]*wire.Tx{other.TxHash(): other, clean.TxHash(): clean}
	lookup := func(txid wire.Hash) *wire.Tx { return mempool[txid] }

	tests := []struct {
		name string
		pkg  []*wire.Tx
		bad  *wire.Tx // the child reported, nil when none
	}{
		{"child spends the dust", []*wire.Tx{parent, child(parent, 0, 1)}, nil},
		{"child spends only the dust", []*wire.Tx{parent, child(parent, 1)}, nil},
		{"child leaves the dust", []*wire.Tx{parent, child(parent, 0)}, nil},
		{"parent alone", []*wire.Tx{parent}, nil},
		{"parent in the mempool, dust spent", []*wire.Tx{child(other, 1)}, nil},
		{"parent without dust", []*wire.Tx{child(clean, 0)}, nil},
		{"unknown parent", []*wire.Tx{child(stdTx(func(tx *wire.Tx) { tx.LockTime = 9 }), 0)}, nil},
	}
	tests[2].bad = tests[2].pkg[1]
	leaves := child(other, 0)
	tests = append(tests, struct {
		name string
		pkg  []*wire.Tx
		bad  *wire.Tx
	}{"parent in the mempool, dust left", []*wire.Tx{leaves}, leaves})
	// Two dusty parents, one in the package and one in the mempool: both
	// dusts must be spent.
	both := child(parent, 1)
	both.TxIn = append(both.TxIn, &wire.TxIn{PreviousOutPoint: wire.OutPoint{Hash: other.TxHash(), Index: 0}})
	tests = append(tests, struct {
		name string
		pkg  []*wire.Tx
		bad  *wire.Tx
	}{"two parents, one dust left", []*wire.Tx{parent, both}, both})

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wtxid, err := CheckEphemeralSpends(tc.pkg, DustRelayFee, lookup)
			if tc.bad == nil {
				wantKind(t, err, "")
				return
			}
			wantKind(t, err, ErrMissingEphemeralSpends)
			txid, want := tc.bad.Hashes()
			if wtxid != want {
				t.Fatalf("reported wtxid %s, want %s", wtxid, want)
			}
			msg := fmt.Sprintf("missing-ephemeral-spends, tx %s (wtxid=%s) did not spend parent's ephemeral dust", txid, want)
			if err.Error() != msg {
				t.Fatalf("error %q, want %q", err, msg)
			}
		})
	}
	if _, err := CheckEphemeralSpends([]*wire.Tx{child(other, 0)}, DustRelayFee, nil); err != nil {
		t.Fatalf("nil mempool lookup: %v", err)
	}
}
