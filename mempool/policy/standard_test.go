package policy

import (
	"bytes"
	"errors"
	"testing"

	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/wire"
)

// witnessForWeight returns an edit giving input 0 a one-item witness sized
// so that the transaction weighs exactly weight.
func witnessForWeight(weight int) func(*wire.Tx) {
	return func(tx *wire.Tx) {
		tx.TxIn[0].Witness = wire.TxWitness{make([]byte, 100_000)}
		n := 100_000 + weight - tx.Weight()
		tx.TxIn[0].Witness = wire.TxWitness{make([]byte, n)}
	}
}

func TestCheckStandard(t *testing.T) {
	noMultisig := func(o *Options) { o.PermitBareMultisig = false }
	noData := func(o *Options) { o.DataCarrier = false }
	size83 := func(o *Options) { o.MaxDataCarrierBytes = 83 }
	multisig := func(m, n int) []byte {
		var keys [][]byte
		for i := range n {
			keys = append(keys, pubKey(byte(i+1)))
		}
		return script.MultiSigScript(m, keys)
	}
	tests := []struct {
		name string
		tx   *wire.Tx
		opts func(*Options)
		want ErrorKind
	}{
		{"standard", stdTx(), nil, ""},
		{"version 1", stdTx(func(tx *wire.Tx) { tx.Version = 1 }), nil, ""},
		{"version 3", stdTx(func(tx *wire.Tx) { tx.Version = 3 }), nil, ""},
		{"version 0", stdTx(func(tx *wire.Tx) { tx.Version = 0 }), nil, ErrVersion},
		{"version 4", stdTx(func(tx *wire.Tx) { tx.Version = 4 }), nil, ErrVersion},
		{"version -1", stdTx(func(tx *wire.Tx) { tx.Version = -1 }), nil, ErrVersion},
		{"version before dust", stdTx(func(tx *wire.Tx) { tx.Version = 0 }, addOutput(1, p2pkh), addOutput(1, p2pkh)), nil, ErrVersion},

		{"weight 400000", stdTx(witnessForWeight(400_000)), nil, ""},
		{"weight 400001", stdTx(witnessForWeight(400_001)), nil, ErrTxSize},

		{"scriptSig 1650 bytes", stdTx(func(tx *wire.Tx) { tx.TxIn[0].SignatureScript = bytes.Repeat([]byte{0x51}, 1650) }), nil, ""},
		{"scriptSig 1651 bytes", stdTx(func(tx *wire.Tx) { tx.TxIn[0].SignatureScript = bytes.Repeat([]byte{0x51}, 1651) }), nil, ErrScriptSigSize},
		{"scriptSig pushes", stdTx(func(tx *wire.Tx) { tx.TxIn[0].SignatureScript = append(push(make([]byte, 72)), push(pubKey(1))...) }), nil, ""},
		{"scriptSig OP_DUP", stdTx(func(tx *wire.Tx) { tx.TxIn[0].SignatureScript = []byte{byte(script.OpDup)} }), nil, ErrScriptSigNotPushOnly},
		{"scriptSig truncated push", stdTx(func(tx *wire.Tx) { tx.TxIn[0].SignatureScript = []byte{0x05, 0x01} }), nil, ErrScriptSigNotPushOnly},

		{"every standard output type", stdTx(addOutput(1000, p2pkh), addOutput(1000, p2sh), addOutput(1000, p2tr),
			addOutput(1000, p2wsh), addOutput(1000, p2pk), addOutput(1000, script.PayToWitness(2, hash32(9))), addOutput(1000, p2a)), nil, ""},
		{"output OP_DUP", stdTx(addOutput(1000, []byte{byte(script.OpDup)})), nil, ErrScriptPubKey},
		{"output empty script", stdTx(addOutput(1000, nil)), nil, ErrScriptPubKey},
		{"output v0 program of 31 bytes", stdTx(addOutput(1000, script.PayToWitness(0, make([]byte, 31)))), nil, ErrScriptPubKey},
		{"output OP_RETURN with non-push", stdTx(addOutput(0, []byte{byte(script.OpReturn), byte(script.OpDup)})), nil, ErrScriptPubKey},

		{"bare 1-of-3 multisig", stdTx(addOutput(1000, multisig(1, 3))), nil, ""},
		{"bare 3-of-3 multisig", stdTx(addOutput(1000, multisig(3, 3))), nil, ""},
		{"bare 1-of-4 multisig", stdTx(addOutput(1000, multisig(1, 4))), nil, ErrScriptPubKey},
		{"bare multisig not permitted", stdTx(addOutput(1000, multisig(1, 2))), noMultisig, ErrBareMultisig},
		{"P2SH with bare multisig off", stdTx(addOutput(1000, p2sh)), noMultisig, ""},

		{"OP_RETURN of 80 bytes", stdTx(addOutput(0, opReturn(80))), nil, ""},
		{"bare OP_RETURN", stdTx(addOutput(0, []byte{byte(script.OpReturn)})), nil, ""},
		{"two OP_RETURN outputs", stdTx(addOutput(0, opReturn(80)), addOutput(0, opReturn(80))), nil, ""},
		{"OP_RETURN of 99,000 bytes", stdTx(addOutput(0, opReturn(99_000))), nil, ""},
		{"OP_RETURN script of 83 bytes, limit 83", stdTx(addOutput(0, opReturn(80))), size83, ""},
		{"OP_RETURN script of 84 bytes, limit 83", stdTx(addOutput(0, opReturn(81))), size83, ErrDataCarrier},
		{"OP_RETURN scripts of 42+42 bytes, limit 83", stdTx(addOutput(0, opReturn(40)), addOutput(0, opReturn(40))), size83, ErrDataCarrier},
		{"OP_RETURN scripts of 42+41 bytes, limit 83", stdTx(addOutput(0, opReturn(40)), addOutput(0, opReturn(39))), size83, ""},
		{"OP_RETURN with datacarrier off", stdTx(addOutput(0, []byte{byte(script.OpReturn)})), noData, ErrDataCarrier},

		{"one dust output", stdTx(addOutput(545, p2pkh)), nil, ""},
		{"two dust outputs", stdTx(addOutput(545, p2pkh), addOutput(293, p2wpkh)), nil, ErrDust},
		{"two outputs at the dust threshold", stdTx(addOutput(546, p2pkh), addOutput(294, p2wpkh)), nil, ""},
		{"zero-value OP_RETURNs are not dust", stdTx(addOutput(0, opReturn(1)), addOutput(0, opReturn(2)), addOutput(1, p2a)), nil, ""},

		// 4 + 1 + 41 + 1 + (8 + 1 + len(script)) + 4 bytes.
		{"65 bytes without witness", stdTx(setOutputs(&wire.TxOut{PkScript: opReturn(3)})), nil, ""},
		{"64 bytes without witness", stdTx(setOutputs(&wire.TxOut{PkScript: opReturn(2)})), nil, ErrTxSizeSmall},
		{"64 bytes plus a witness", stdTx(setOutputs(&wire.TxOut{PkScript: opReturn(2)}), func(tx *wire.Tx) {
			tx.TxIn[0].Witness = wire.TxWitness{make([]byte, 100)}
		}), nil, ErrTxSizeSmall},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := DefaultOptions()
			if tc.opts != nil {
				tc.opts(&opts)
			}
			wantKind(t, CheckStandard(tc.tx, opts), tc.want)
		})
	}
}

func TestCheckNonWitnessSize(t *testing.T) {
	wantKind(t, CheckNonWitnessSize(stdTx(setOutputs(&wire.TxOut{PkScript: opReturn(3)}))), "")
	err := CheckNonWitnessSize(stdTx(setOutputs(&wire.TxOut{PkScript: opReturn(2)})))
	wantKind(t, err, ErrTxSizeSmall)
	if err.Error() != "tx-size-small, non-witness size 64 < 65" {
		t.Fatalf("error %q", err)
	}
}

func TestCheckStandardWeightBoundary(t *testing.T) {
	for _, w := range []int{400_000, 400_001} {
		if got := stdTx(witnessForWeight(w)).Weight(); got != w {
			t.Fatalf("test transaction weighs %d, want %d", got, w)
		}
	}
}

// Known dust thresholds at Core's default dust relay fee, 3,000 sat/kvB
// (Core's policy comments and test/functional/mempool_dust.py).
func TestDustThreshold(t *testing.T) {
	tests := []struct {
		name     string
		pkScript []byte
		want     int64
	}{
		{"P2PKH", p2pkh, 546},   // (34 + 148) × 3
		{"P2SH", p2sh, 540},     // (32 + 148) × 3
		{"P2PK", p2pk, 576},     // (44 + 148) × 3
		{"P2WPKH", p2wpkh, 294}, // (31 + 67) × 3
		{"P2WSH", p2wsh, 330},   // (43 + 67) × 3
		{"P2TR", p2tr, 330},     // (43 + 67) × 3
		{"P2A", p2a, 240},       // (13 + 67) × 3
		{"witness v2", script.PayToWitness(2, hash32(1)), 330},
		{"witness v16, 2 bytes", script.PayToWitness(16, []byte{1, 2}), 240},
		{"OP_RETURN", opReturn(20), 0},
		{"oversized script", make([]byte, script.MaxScriptSize+1), 0},
		{"empty script", nil, 471}, // (9 + 148) × 3
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := &wire.TxOut{PkScript: tc.pkScript}
			if got := DustThreshold(out, DustRelayFee); got != tc.want {
				t.Fatalf("threshold %d, want %d", got, tc.want)
			}
			out.Value = tc.want
			if IsDust(out, DustRelayFee) {
				t.Fatalf("%d satoshis is dust", tc.want)
			}
			out.Value = tc.want - 1
			if tc.want > 0 && !IsDust(out, DustRelayFee) {
				t.Fatalf("%d satoshis is not dust", tc.want-1)
			}
		})
	}
	out := &wire.TxOut{PkScript: p2pkh}
	if got := DustThreshold(out, 1000); got != 182 {
		t.Fatalf("P2PKH at 1 sat/vB: %d, want 182", got)
	}
	if got := DustThreshold(out, 0); got != 0 {
		t.Fatalf("P2PKH at rate 0: %d, want 0", got)
	}
	if got := DustThreshold(out, 1); got != 1 {
		t.Fatalf("P2PKH at 0.001 sat/vB: %d, want 1 (rounded up)", got)
	}
}

func TestDustOutputs(t *testing.T) {
	tx := stdTx(addOutput(100, p2tr), addOutput(0, opReturn(4)), addOutput(329, p2tr), addOutput(330, p2tr))
	got := DustOutputs(tx, DustRelayFee)
	if len(got) != 2 || got[0] != 1 || got[1] != 3 {
		t.Fatalf("dust outputs %v, want [1 3]", got)
	}
	if got := DustOutputs(stdTx(), DustRelayFee); got != nil {
		t.Fatalf("dust outputs %v, want none", got)
	}
}

func TestStandardOutput(t *testing.T) {
	for _, tc := range []struct {
		pkScript []byte
		class    script.ScriptClass
		ok       bool
	}{
		{p2pkh, script.PubKeyHash, true},
		{p2a, script.Anchor, true},
		{opReturn(10), script.NullData, true},
		{script.PayToWitness(3, hash32(1)), script.WitnessUnknown, true},
		{[]byte{byte(script.OpTrue)}, script.NonStandard, false},
	} {
		class, ok := StandardOutput(tc.pkScript)
		if class != tc.class || ok != tc.ok {
			t.Errorf("%x: %v %v, want %v %v", tc.pkScript, class, ok, tc.class, tc.ok)
		}
	}
}

func TestDefaultOptions(t *testing.T) {
	o := DefaultOptions()
	if !o.PermitBareMultisig || !o.DataCarrier || o.MaxDataCarrierBytes != 100_000 ||
		o.DustRelayFee != 3000 || o.MinRelayFee != 100 || o.IncrementalRelayFee != 100 || o.BytesPerSigOp != 20 {
		t.Fatalf("defaults %+v", o)
	}
}

func TestRuleError(t *testing.T) {
	err := CheckStandard(stdTx(func(tx *wire.Tx) { tx.Version = 7 }), DefaultOptions())
	if got, want := err.Error(), "version, version 7 is not standard"; got != want {
		t.Fatalf("Error() %q, want %q", got, want)
	}
	if !errors.Is(err, ErrVersion) || errors.Is(err, ErrDust) {
		t.Fatal("errors.Is does not match the kind")
	}
	if got := (&RuleError{Err: ErrDust}).Error(); got != "dust" {
		t.Fatalf("Error() without description %q", got)
	}
	e := NewRuleError(ErrMinRelayFee, "%d < %d", 25, 26)
	if e.Error() != "min relay fee not met, 25 < 26" || !errors.Is(e, ErrMinRelayFee) {
		t.Fatalf("NewRuleError: %v", e)
	}
}
