package policy

import (
	"bytes"
	"testing"

	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/wire"
)

// checkSigs returns a script of n OP_CHECKSIGs followed by OP_1.
func checkSigs(n int) []byte {
	return append(bytes.Repeat([]byte{byte(script.OpCheckSig)}, n), byte(script.Op1))
}

// p2shSpend is a scriptSig pushing a signature and the redeem script.
func p2shSpend(redeem []byte) []byte {
	return append(push(make([]byte, 71)), push(redeem)...)
}

func TestCheckInputsStandard(t *testing.T) {
	sig := append(push(make([]byte, 71)), push(pubKey(1))...)
	var keys16 [][]byte
	for i := range 16 {
		keys16 = append(keys16, pubKey(byte(i)))
	}
	tests := []struct {
		name string
		prev []byte
		sig  []byte
		want ErrorKind
	}{
		{"P2PKH", p2pkh, sig, ""},
		{"P2PK", p2pk, push(make([]byte, 71)), ""},
		{"P2WPKH", p2wpkh, nil, ""},
		{"P2WSH", p2wsh, nil, ""},
		{"P2TR", p2tr, nil, ""},
		{"P2A", p2a, nil, ""},
		{"bare multisig", script.MultiSigScript(1, keys16[:2]), []byte{0, 0x01, 0x30}, ""},
		{"OP_RETURN", opReturn(4), nil, ""},
		{"non-standard script", []byte{byte(script.OpTrue)}, nil, ErrNonstandardInputs},
		{"empty script", nil, nil, ErrNonstandardInputs},
		{"witness v2", script.PayToWitness(2, hash32(1)), nil, ErrNonstandardInputs},
		{"witness v1 of 20 bytes", script.PayToWitness(1, hash20(1)), nil, ErrNonstandardInputs},
		{"v0 program of 31 bytes", script.PayToWitness(0, make([]byte, 31)), nil, ErrNonstandardInputs},

		{"P2SH, 15 sigops", p2sh, p2shSpend(checkSigs(15)), ""},
		{"P2SH, 16 sigops", p2sh, p2shSpend(checkSigs(16)), ErrNonstandardInputs},
		{"P2SH, 15-key multisig", p2sh, p2shSpend(script.MultiSigScript(1, keys16[:15])), ""},
		{"P2SH, 16-key multisig", p2sh, p2shSpend(script.MultiSigScript(1, keys16)), ErrNonstandardInputs},
		{"P2SH, multisig without OP_n counts 20", p2sh, p2shSpend([]byte{byte(script.OpCheckMultiSig)}), ErrNonstandardInputs},
		{"P2SH, empty scriptSig", p2sh, nil, ErrNonstandardInputs},
		{"P2SH, non-push scriptSig", p2sh, []byte{byte(script.OpDup)}, ErrNonstandardInputs},
		{"P2SH, OP_RESERVED", p2sh, []byte{byte(script.OpReserved)}, ErrNonstandardInputs},
		{"P2SH, truncated push", p2sh, []byte{0x05, 0x01}, ErrNonstandardInputs},
		{"P2SH, push of 521 bytes", p2sh, push(make([]byte, 521)), ErrNonstandardInputs},
		{"P2SH, push of 520 bytes", p2sh, push(make([]byte, 520)), ""},
		{"P2SH, small-number redeem script", p2sh, []byte{byte(script.Op1Negate), byte(script.Op16)}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tx, coins := spendTx([][]byte{p2wpkh, tc.prev}, [][]byte{nil, tc.sig}, nil)
			wantKind(t, CheckInputsStandard(tx, coins), tc.want)
		})
	}
}

func TestCheckInputsStandardMissingCoins(t *testing.T) {
	tx, coins := spendTx([][]byte{p2pkh, p2pkh}, nil, nil)
	wantKind(t, CheckInputsStandard(tx, coins), "")
	wantKind(t, CheckInputsStandard(tx, coins[:1]), ErrNonstandardInputs)
	coins[1] = nil
	wantKind(t, CheckInputsStandard(tx, coins), ErrNonstandardInputs)

	coinbase := &wire.Tx{Version: 1,
		TxIn:  []*wire.TxIn{{PreviousOutPoint: wire.OutPoint{Index: 0xffffffff}, SignatureScript: []byte{1, 2}}},
		TxOut: []*wire.TxOut{{Value: 50, PkScript: p2pkh}}}
	wantKind(t, CheckInputsStandard(coinbase, nil), "")
	wantKind(t, CheckWitnessStandard(coinbase, nil), "")
}

// BIP54 (Core 30.0): at most 2,500 legacy sigops in scriptSigs, spent
// scriptPubKeys and redeem scripts, counted accurately.
func TestCheckInputsStandardLegacySigOps(t *testing.T) {
	build := func(p2pkhInputs int) (*wire.Tx, []*store.Coin) {
		var prev, sigs [][]byte
		for range 166 { // 166 × 15 = 2,490
			prev = append(prev, p2sh)
			sigs = append(sigs, p2shSpend(checkSigs(15)))
		}
		for range p2pkhInputs { // one each, in the scriptPubKey
			prev = append(prev, p2pkh)
			sigs = append(sigs, push(make([]byte, 71)))
		}
		return spendTx(prev, sigs, nil)
	}
	tx, coins := build(10)
	wantKind(t, CheckInputsStandard(tx, coins), "")
	tx, coins = build(11)
	err := CheckInputsStandard(tx, coins)
	wantKind(t, err, ErrNonstandardInputs)
	if want := "bad-txns-nonstandard-inputs, more than 2500 legacy sigops"; err.Error() != want {
		t.Fatalf("error %q, want %q", err, want)
	}
	// Sigops in a scriptSig count too (here a push-free OP_CHECKSIG, which
	// CheckStandard would reject anyway).
	tx, coins = build(10)
	tx.TxIn[len(tx.TxIn)-1].SignatureScript = append(tx.TxIn[len(tx.TxIn)-1].SignatureScript, byte(script.OpCheckSig))
	wantKind(t, CheckInputsStandard(tx, coins), ErrNonstandardInputs)
}

func TestCheckWitnessStandard(t *testing.T) {
	items := func(n, size int) wire.TxWitness {
		w := make(wire.TxWitness, n)
		for i := range w {
			w[i] = make([]byte, size)
		}
		return w
	}
	p2wshWitness := func(n, size, scriptSize int) wire.TxWitness {
		return append(items(n, size), make([]byte, scriptSize))
	}
	nestedP2WSH := push(script.PayToWitness(0, hash32(1)))
	tapscriptControl := append([]byte{script.TaprootLeafTapscript}, hash32(9)...)
	otherLeafControl := append([]byte{0xc2}, hash32(9)...)
	annex := []byte{script.AnnexTag, 1, 2}
	tests := []struct {
		name string
		prev []byte
		sig  []byte
		wit  wire.TxWitness
		want ErrorKind
	}{
		{"no witness on P2PKH", p2pkh, push(make([]byte, 71)), nil, ""},
		{"P2WPKH", p2wpkh, nil, items(2, 72), ""},
		{"witness on P2PKH", p2pkh, nil, items(1, 1), ErrNonstandardWitness},
		{"witness on a non-standard script", []byte{byte(script.OpTrue)}, nil, items(1, 1), ErrNonstandardWitness},
		{"P2A without witness", p2a, nil, nil, ""},
		{"P2A with witness", p2a, nil, items(1, 0), ErrNonstandardWitness},
		{"witness v2", script.PayToWitness(2, hash32(1)), nil, items(3, 1000), ""},

		{"P2WSH at every limit", p2wsh, nil, p2wshWitness(100, 80, 3600), ""},
		{"P2WSH script of 3601 bytes", p2wsh, nil, p2wshWitness(1, 1, 3601), ErrNonstandardWitness},
		{"P2WSH with 101 items", p2wsh, nil, p2wshWitness(101, 1, 10), ErrNonstandardWitness},
		{"P2WSH item of 81 bytes", p2wsh, nil, p2wshWitness(2, 81, 10), ErrNonstandardWitness},
		{"P2WSH large witness script only", p2wsh, nil, p2wshWitness(0, 0, 3600), ""},
		{"P2SH-P2WSH at the limits", p2sh, nestedP2WSH, p2wshWitness(100, 80, 3600), ""},
		{"P2SH-P2WSH item of 81 bytes", p2sh, nestedP2WSH, p2wshWitness(1, 81, 10), ErrNonstandardWitness},
		{"P2SH-P2WPKH", p2sh, push(script.PayToWitness(0, hash20(1))), items(2, 72), ""},
		{"P2SH, non-push scriptSig", p2sh, []byte{byte(script.OpDup)}, items(1, 1), ErrNonstandardWitness},
		{"P2SH, empty scriptSig", p2sh, nil, items(1, 1), ErrNonstandardWitness},
		{"P2SH of a non-witness script", p2sh, push(checkSigs(1)), items(1, 1), ErrNonstandardWitness},

		{"taproot key path", p2tr, nil, items(1, 64), ""},
		{"taproot key path, big item", p2tr, nil, items(1, 200), ""},
		{"taproot annex", p2tr, nil, wire.TxWitness{make([]byte, 64), annex}, ErrNonstandardWitness},
		{"taproot script path, item of 80", p2tr, nil, wire.TxWitness{make([]byte, 80), {0x51}, tapscriptControl}, ""},
		{"taproot script path, item of 81", p2tr, nil, wire.TxWitness{make([]byte, 81), {0x51}, tapscriptControl}, ErrNonstandardWitness},
		{"taproot script path, big script", p2tr, nil, wire.TxWitness{make([]byte, 80), make([]byte, 5000), tapscriptControl}, ""},
		{"taproot script path with annex", p2tr, nil, wire.TxWitness{{0x51}, tapscriptControl, annex}, ErrNonstandardWitness},
		{"taproot other leaf version, item of 81", p2tr, nil, wire.TxWitness{make([]byte, 81), {0x51}, otherLeafControl}, ""},
		{"taproot empty control block", p2tr, nil, wire.TxWitness{{0x51}, {}}, ErrNonstandardWitness},
		{"P2SH-wrapped v1 program is not taproot", p2sh, push(script.PayToWitness(1, hash32(1))), wire.TxWitness{make([]byte, 64), annex}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tx, coins := spendTx([][]byte{p2wpkh, tc.prev}, [][]byte{nil, tc.sig}, []wire.TxWitness{items(2, 72), tc.wit})
			wantKind(t, CheckWitnessStandard(tx, coins), tc.want)
		})
	}
}
