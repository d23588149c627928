package script

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/wire"
)

// This file runs Bitcoin Core's tx_valid.json and tx_invalid.json as Core's
// transaction_tests.cpp does. Each vector is [[[prevout hash, index,
// scriptPubKey asm, amount?]...], tx hex, flags]; strings between vectors
// are comments.
//
// tx_valid: the flags are the ones the test EXCLUDES from Core's whole flag
// universe (every SCRIPT_VERIFY_* flag, as AllFlags here). CheckTransaction
// must pass and every input must verify under all flags but the excluded
// ones; removing any one flag or a random set (trimmed to a valid
// combination) must keep it valid; and the exclusions must be maximal:
// putting back any one excluded flag (trimmed) must make it fail.
//
// tx_invalid: "BADTX" vectors must fail CheckTransaction, and only those
// may. For the others the flags are the ones under which the transaction
// fails: it must fail with them, with any one flag or a random set added
// (filled to a valid combination), and the flags must be minimal: removing
// any one (trimmed) must make it pass.

// txVectorPrevout is the output an input of a tx vector spends.
type txVectorPrevout struct {
	script []byte
	amount int64
}

// txVector is one vector of tx_valid.json or tx_invalid.json.
type txVector struct {
	file     string
	index    int
	comment  string
	tx       *wire.Tx
	txHex    string
	prevouts map[wire.OutPoint]txVectorPrevout
	spent    []*wire.TxOut // per input, in input order
	hashes   *TxSigHashes
	flags    string
}

func (v *txVector) String() string {
	c := v.comment
	if len(c) > 160 {
		c = c[:160] + "…"
	}
	return fmt.Sprintf("%s %d (txid %s; flags %q; %s)", v.file, v.index, v.tx.TxHash(), v.flags, c)
}

// loadTxVectors reads a tx_valid/tx_invalid file. Malformed vectors are
// reported as Core reports a "Bad test" and left out.
func loadTxVectors(t *testing.T, file string) []*txVector {
	t.Helper()
	var vectors []*txVector
	var comment []string
	for idx, e := range decodeJSONArray(t, "../../testdata/bitcoin-core/"+file) {
		test, ok := e.([]any)
		if !ok || len(test) == 0 {
			t.Errorf("%s entry %d: not a non-empty array", file, idx)
			continue
		}
		if _, isTest := test[0].([]any); !isTest {
			for _, c := range test {
				if s, ok := c.(string); ok {
					comment = append(comment, s)
				}
			}
			continue
		}
		v, err := parseTxVector(file, idx, test)
		if err != nil {
			t.Errorf("bad test: %s entry %d: %v", file, idx, err)
			comment = nil
			continue
		}
		v.comment = strings.Join(comment, " ")
		comment = nil
		vectors = append(vectors, v)
	}
	return vectors
}

func parseTxVector(file string, idx int, test []any) (*txVector, error) {
	if len(test) != 3 {
		return nil, fmt.Errorf("%d fields, want 3", len(test))
	}
	txHex, ok1 := test[1].(string)
	flags, ok2 := test[2].(string)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("transaction or flags is not a string")
	}
	v := &txVector{file: file, index: idx, txHex: txHex, flags: flags, prevouts: map[wire.OutPoint]txVectorPrevout{}}
	for _, in := range test[0].([]any) {
		f, ok := in.([]any)
		if !ok || len(f) < 3 || len(f) > 4 {
			return nil, fmt.Errorf("prevout %v: want [hash, index, scriptPubKey, amount?]", in)
		}
		hashStr, _ := f[0].(string)
		hash, err := wire.NewHashFromStr(hashStr)
		if err != nil {
			return nil, fmt.Errorf("prevout hash %v: %v", f[0], err)
		}
		n, err := jsonInt(f[1])
		if err != nil {
			return nil, err
		}
		asm, ok := f[2].(string)
		if !ok {
			return nil, fmt.Errorf("prevout script %v is not a string", f[2])
		}
		var p txVectorPrevout
		if p.script, err = parseCoreAsm(asm); err != nil {
			return nil, fmt.Errorf("prevout script %q: %v", asm, err)
		}
		if len(f) == 4 {
			if p.amount, err = jsonInt(f[3]); err != nil {
				return nil, err
			}
		}
		// Core's getInt<int> then uint32_t: -1 is index 0xffffffff.
		v.prevouts[wire.OutPoint{Hash: hash, Index: uint32(n)}] = p
	}
	raw, err := hex.DecodeString(txHex)
	if err != nil {
		return nil, fmt.Errorf("transaction hex: %v", err)
	}
	if v.tx, err = wire.DecodeTx(raw); err != nil {
		return nil, fmt.Errorf("transaction: %v", err)
	}
	for i, in := range v.tx.TxIn {
		p, ok := v.prevouts[in.PreviousOutPoint]
		if !ok {
			return nil, fmt.Errorf("input %d spends %s, which the vector does not give", i, in.PreviousOutPoint)
		}
		v.spent = append(v.spent, &wire.TxOut{Value: p.amount, PkScript: p.script})
	}
	v.hashes = NewTxSigHashes(v.tx, v.spent)
	return v, nil
}

func jsonInt(v any) (int64, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("%v is not a number", v)
	}
	return n.Int64()
}

// singleFlags lists every flag of the universe, one bit each.
func singleFlags() []Flags {
	var fs []Flags
	for f := Flags(1); f != 0 && f <= AllFlags; f <<= 1 {
		if AllFlags&f != 0 {
			fs = append(fs, f)
		}
	}
	return fs
}

// trimFlags is Core's TrimFlags: drop WITNESS without P2SH, then
// CLEANSTACK without WITNESS.
func trimFlags(f Flags) Flags {
	if f&VerifyP2SH == 0 {
		f &^= VerifyWitness
	}
	if f&VerifyWitness == 0 {
		f &^= VerifyCleanStack
	}
	return f
}

// fillFlags is Core's FillFlags: CLEANSTACK implies WITNESS, WITNESS
// implies P2SH.
func fillFlags(f Flags) Flags {
	if f&VerifyCleanStack != 0 {
		f |= VerifyWitness
	}
	if f&VerifyWitness != 0 {
		f |= VerifyP2SH
	}
	return f
}

// excludeIndividualFlags is Core's ExcludeIndividualFlags: flags with each
// single flag removed and the result trimmed, without duplicates and
// without flags itself.
func excludeIndividualFlags(flags Flags) []Flags {
	set := map[Flags]bool{}
	for _, f := range singleFlags() {
		if g := trimFlags(flags &^ f); g != flags {
			set[g] = true
		}
	}
	out := make([]Flags, 0, len(set))
	for g := range set {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// txScriptCheck verifies a vector's inputs under flags as Core's
// CheckTxScripts does: inputs in order, stopping at the first failure. It
// returns whether the outcome matched expectValid, with the failing or
// panicking input's result.
func (v *txVector) txScriptCheck(flags Flags, expectValid bool, be SignatureBackend) (ok bool, detail string) {
	valid := true
	for i := 0; i < len(v.tx.TxIn) && valid; i++ {
		in := v.tx.TxIn[i]
		checker := NewTxChecker(v.tx, i, v.spent[i].Value, v.hashes, v.spent)
		checker.Backend = be
		err := verifyRecovering(in.SignatureScript, v.spent[i].PkScript, in.Witness, flags, checker)
		if _, panicked := err.(*vectorPanic); panicked {
			return false, fmt.Sprintf("input %d: %s", i, resultName(err))
		}
		if err != nil {
			valid = false
			detail = fmt.Sprintf("input %d: %s", i, resultName(err))
		}
	}
	if valid {
		detail = "all inputs verify"
	}
	return valid == expectValid, detail
}

// txVectorRun collects one vector's failed checks.
type txVectorRun struct {
	v      *txVector
	be     SignatureBackend
	fails  []string
	checks int
}

func (r *txVectorRun) check(flags Flags, expectValid bool, what string) {
	r.checks++
	if ok, detail := r.v.txScriptCheck(flags, expectValid, r.be); !ok {
		want := map[bool]string{true: "valid", false: "invalid"}[expectValid]
		r.fails = append(r.fails, fmt.Sprintf("%s: flags %s: got %s, want %s", what, flags, detail, want))
	}
}

func (r *txVectorRun) failf(format string, args ...any) {
	r.fails = append(r.fails, fmt.Sprintf(format, args...))
}

func runTxValid(v *txVector, be SignatureBackend, rng *rand.Rand) *txVectorRun {
	r := &txVectorRun{v: v, be: be}
	if err := consensus.CheckTransaction(v.tx); err != nil {
		r.failf("CheckTransaction: %v", err)
	}
	excluded, err := ParseFlags(v.flags)
	if err != nil {
		r.failf("bad test: %v", err)
		return r
	}
	if all := AllFlags &^ excluded; all != fillFlags(all) {
		r.failf("bad test flags: %s", all)
	}
	r.check(AllFlags&^excluded, true, "all flags but the excluded")
	for _, f := range singleFlags() {
		r.check(trimFlags(AllFlags&^(excluded|f)), true, "without "+f.String())
		random := Flags(rng.Uint32()) & AllFlags
		r.check(trimFlags(AllFlags&^(excluded|random)), true, "without random flags")
	}
	for _, g := range excludeIndividualFlags(excluded) {
		r.check(AllFlags&^g, false, "flags are maximal: with "+(excluded&^g).String()+" put back")
	}
	return r
}

func runTxInvalid(v *txVector, be SignatureBackend, rng *rand.Rand) *txVectorRun {
	r := &txVectorRun{v: v, be: be}
	if err := consensus.CheckTransaction(v.tx); err != nil {
		if v.flags != "BADTX" {
			r.failf("CheckTransaction failed (%v) but the flags are %q, not BADTX", err, v.flags)
		}
		return r
	}
	if v.flags == "BADTX" {
		r.failf("BADTX: CheckTransaction passed, want a failure")
		return r
	}
	flags, err := ParseFlags(v.flags)
	if err != nil {
		r.failf("bad test: %v", err)
		return r
	}
	if flags != fillFlags(flags) {
		r.failf("bad test flags: %s", flags)
	}
	r.check(flags, false, "the listed flags")
	for _, f := range singleFlags() {
		r.check(fillFlags(flags|f), false, "with "+f.String()+" added")
		random := Flags(rng.Uint32()) & AllFlags
		r.check(fillFlags(flags|random), false, "with random flags added")
	}
	for _, g := range excludeIndividualFlags(flags) {
		r.check(g, true, "flags are minimal: without "+(flags&^g).String())
	}
	return r
}

func TestTxValidVectors(t *testing.T) {
	runTxVectorFile(t, "tx_valid.json", runTxValid)
}

func TestTxInvalidVectors(t *testing.T) {
	runTxVectorFile(t, "tx_invalid.json", runTxInvalid)
}

func runTxVectorFile(t *testing.T, file string, run func(*txVector, SignatureBackend, *rand.Rand) *txVectorRun) {
	vectors := loadTxVectors(t, file)
	badTx := 0
	for _, v := range vectors {
		if v.flags == "BADTX" {
			badTx++
		}
	}
	for _, be := range backends() {
		rng := rand.New(rand.NewPCG(0x7c, 0x5eed))
		passed, checks := 0, 0
		for _, v := range vectors {
			r := run(v, be, rng)
			checks += r.checks
			if len(r.fails) == 0 {
				passed++
				continue
			}
			for _, f := range r.fails {
				t.Errorf("%s: %s: %s", be.Name(), v, f)
			}
		}
		t.Logf("%s: %s: %d vectors (%d BADTX), %d passed; %d script checks", be.Name(), file, len(vectors), badTx, passed, checks)
	}
}

func TestTxVectorFlagHelpers(t *testing.T) {
	if got := len(singleFlags()); got != 21 {
		t.Fatalf("%d single flags, want 21", got)
	}
	if got := trimFlags(VerifyWitness | VerifyCleanStack); got != 0 {
		t.Errorf("trim(WITNESS|CLEANSTACK) = %s", got)
	}
	if got := fillFlags(VerifyCleanStack); got != VerifyCleanStack|VerifyWitness|VerifyP2SH {
		t.Errorf("fill(CLEANSTACK) = %s", got)
	}
	// Removing P2SH from P2SH|WITNESS|CLEANSTACK trims all three.
	got := excludeIndividualFlags(VerifyP2SH | VerifyWitness | VerifyCleanStack)
	want := []Flags{0, VerifyP2SH, VerifyP2SH | VerifyWitness}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("excludeIndividualFlags = %v, want %v", got, want)
	}
}
