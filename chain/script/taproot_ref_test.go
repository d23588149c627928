package script

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/bitnode/bitnode/wire"
)

// This file runs the taproot reference cases (Core's feature_taproot.py
// --dumptests output, as btcd keeps them in txscript/data/taproot-ref) the
// way Core's script_assets_test (AssetTest) runs script_assets_test.json:
// for every valid combination of the consensus flags, a "final" case's
// success spend must verify under every combination and any other case's
// success spend under every combination that is a subset of its flags; its
// failure spend, when there is one, must fail under every combination that
// is a superset of its flags.

const taprootRefDir = "../../testdata/btcd/taproot-ref"

// assetConsensusFlags is Core's ALL_CONSENSUS_FLAGS: every subset of P2SH,
// DERSIG, NULLDUMMY, CHECKLOCKTIMEVERIFY, CHECKSEQUENCEVERIFY, WITNESS and
// TAPROOT in which WITNESS comes with P2SH and TAPROOT with WITNESS.
var assetConsensusFlags = func() []Flags {
	bits := []Flags{VerifyP2SH, VerifyDERSignatures, VerifyNullDummy, VerifyCheckLockTimeVerify,
		VerifyCheckSequenceVerify, VerifyWitness, VerifyTaproot}
	var out []Flags
	for i := range 1 << len(bits) {
		var f Flags
		for j, b := range bits {
			if i&(1<<j) != 0 {
				f |= b
			}
		}
		if f&VerifyWitness != 0 && f&VerifyP2SH == 0 {
			continue
		}
		if f&VerifyTaproot != 0 && f&VerifyWitness == 0 {
			continue
		}
		out = append(out, f)
	}
	return out
}()

// assetSpend is the success or failure spend of a case.
type assetSpend struct {
	ScriptSig string   `json:"scriptSig"`
	Witness   []string `json:"witness"`
}

// assetCase is one taproot-ref file.
type assetCase struct {
	name     string
	Tx       string      `json:"tx"`
	Prevouts []string    `json:"prevouts"`
	Index    int         `json:"index"`
	Flags    string      `json:"flags"`
	Comment  string      `json:"comment"`
	Success  *assetSpend `json:"success"`
	Failure  *assetSpend `json:"failure"`
	Final    bool        `json:"final"`
}

// decodeTxOut reads one serialized transaction output that must fill b.
func decodeTxOut(b []byte) (*wire.TxOut, error) {
	if len(b) < 9 {
		return nil, fmt.Errorf("txout of %d bytes", len(b))
	}
	out := &wire.TxOut{Value: int64(binary.LittleEndian.Uint64(b))}
	n, size, err := wire.ReadCompactSize(b[8:])
	if err != nil {
		return nil, err
	}
	out.PkScript = b[8+size:]
	if uint64(len(out.PkScript)) != n {
		return nil, fmt.Errorf("txout script length %d, %d bytes follow", n, len(out.PkScript))
	}
	return out, nil
}

func loadAssetCases(t testing.TB) []*assetCase {
	t.Helper()
	entries, err := os.ReadDir(taprootRefDir)
	if err != nil {
		t.Fatal(err)
	}
	var cases []*assetCase
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(taprootRefDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		data = bytes.TrimSuffix(bytes.TrimRight(data, " \t\r\n"), []byte(","))
		c := &assetCase{name: e.Name()}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(c); err != nil {
			t.Errorf("%s: %v", e.Name(), err)
			continue
		}
		cases = append(cases, c)
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].name < cases[j].name })
	return cases
}

// assetSetup is a case's transaction with one spend placed at its input.
type assetSetup struct {
	tx      *wire.Tx
	spent   []*wire.TxOut
	hashes  *TxSigHashes
	idx     int
	flags   Flags
	final   bool
	comment string
}

// prepare decodes the case's transaction (without witnesses, as Core's
// TxFromHex does) and places spend at its input.
func (c *assetCase) prepare(spend *assetSpend) (*assetSetup, error) {
	raw, err := hex.DecodeString(c.Tx)
	if err != nil {
		return nil, fmt.Errorf("tx hex: %v", err)
	}
	tx, err := wire.DecodeTxNoWitness(raw)
	if err != nil {
		return nil, fmt.Errorf("tx: %v", err)
	}
	s := &assetSetup{tx: tx, idx: c.Index, final: c.Final, comment: c.Comment}
	for i, p := range c.Prevouts {
		b, err := hex.DecodeString(p)
		if err != nil {
			return nil, fmt.Errorf("prevout %d: %v", i, err)
		}
		out, err := decodeTxOut(b)
		if err != nil {
			return nil, fmt.Errorf("prevout %d: %v", i, err)
		}
		s.spent = append(s.spent, out)
	}
	if len(s.spent) != len(tx.TxIn) {
		return nil, fmt.Errorf("%d prevouts for %d inputs", len(s.spent), len(tx.TxIn))
	}
	if c.Index < 0 || c.Index >= len(tx.TxIn) {
		return nil, fmt.Errorf("index %d out of range", c.Index)
	}
	if s.flags, err = ParseFlags(c.Flags); err != nil {
		return nil, err
	}
	in := tx.TxIn[c.Index]
	if in.SignatureScript, err = hex.DecodeString(spend.ScriptSig); err != nil {
		return nil, fmt.Errorf("scriptSig: %v", err)
	}
	in.Witness = wire.TxWitness{}
	for i, w := range spend.Witness {
		item, err := hex.DecodeString(w)
		if err != nil {
			return nil, fmt.Errorf("witness item %d: %v", i, err)
		}
		in.Witness = append(in.Witness, item)
	}
	s.hashes = NewTxSigHashes(tx, s.spent)
	return s, nil
}

func (s *assetSetup) verify(flags Flags, be SignatureBackend) error {
	in := s.tx.TxIn[s.idx]
	checker := NewTxChecker(s.tx, s.idx, s.spent[s.idx].Value, s.hashes, s.spent)
	checker.Backend = be
	return verifyRecovering(in.SignatureScript, s.spent[s.idx].PkScript, in.Witness, flags, checker)
}

// assetResult is what running one case found.
type assetResult struct {
	successChecks, failureChecks int
	problems                     []string
}

// runAssetCase is Core's AssetTest for one case and backend.
func runAssetCase(c *assetCase, be SignatureBackend) assetResult {
	var r assetResult
	if c.Success != nil {
		s, err := c.prepare(c.Success)
		if err != nil {
			r.problems = append(r.problems, "bad test: "+err.Error())
			return r
		}
		var bad []string
		for _, f := range assetConsensusFlags {
			if !s.final && f&s.flags != f {
				continue
			}
			r.successChecks++
			if err := s.verify(f, be); err != nil {
				bad = append(bad, fmt.Sprintf("[%s]=%s", f, resultName(err)))
			}
		}
		if len(bad) > 0 {
			r.problems = append(r.problems, fmt.Sprintf("success spend fails under %d flag sets: %s",
				len(bad), strings.Join(bad, " ")))
		}
	}
	if c.Failure != nil {
		s, err := c.prepare(c.Failure)
		if err != nil {
			r.problems = append(r.problems, "bad test: "+err.Error())
			return r
		}
		var bad []string
		for _, f := range assetConsensusFlags {
			if f&s.flags != s.flags {
				continue
			}
			r.failureChecks++
			if err := s.verify(f, be); err == nil {
				bad = append(bad, "["+f.String()+"]")
			} else if p, ok := err.(*vectorPanic); ok {
				bad = append(bad, fmt.Sprintf("[%s]=%s", f, p.Error()))
			}
		}
		if len(bad) > 0 {
			r.problems = append(r.problems, fmt.Sprintf("failure spend passes under %d flag sets: %s",
				len(bad), strings.Join(bad, " ")))
		}
	}
	return r
}

func TestTaprootRefVectors(t *testing.T) {
	cases := loadAssetCases(t)
	if len(cases) != 2760 {
		t.Errorf("loaded %d taproot-ref cases, want 2760", len(cases))
	}
	withFailure, final := 0, 0
	for _, c := range cases {
		if c.Failure != nil {
			withFailure++
		}
		if c.Final {
			final++
		}
	}
	t.Logf("taproot-ref: %d cases (%d with a failure spend, %d final), %d flag combinations",
		len(cases), withFailure, final, len(assetConsensusFlags))
	for _, be := range backends() {
		results := make([]assetResult, len(cases))
		work := make(chan int)
		var wg sync.WaitGroup
		for range runtime.GOMAXPROCS(0) {
			wg.Go(func() {
				for i := range work {
					results[i] = runAssetCase(cases[i], be)
				}
			})
		}
		for i := range cases {
			work <- i
		}
		close(work)
		wg.Wait()

		var success, failure, passed int
		byComment := map[string]int{}
		for i, r := range results {
			success += r.successChecks
			failure += r.failureChecks
			if len(r.problems) == 0 {
				passed++
				continue
			}
			byComment[cases[i].Comment]++
			for _, p := range r.problems {
				t.Errorf("%s: %s (%s; flags %s): %s", be.Name(), cases[i].name, cases[i].Comment, cases[i].Flags, p)
			}
		}
		t.Logf("%s: taproot-ref: %d cases, %d passed; %d success checks, %d failure checks",
			be.Name(), len(cases), passed, success, failure)
		if len(byComment) > 0 {
			comments := make([]string, 0, len(byComment))
			for c := range byComment {
				comments = append(comments, c)
			}
			sort.Strings(comments)
			for _, c := range comments {
				t.Logf("%s: failing cases with comment %q: %d", be.Name(), c, byComment[c])
			}
		}
	}
}

func TestAssetConsensusFlags(t *testing.T) {
	if len(assetConsensusFlags) != 64 {
		t.Fatalf("%d consensus flag combinations, want 64", len(assetConsensusFlags))
	}
	seen := map[Flags]bool{}
	for _, f := range assetConsensusFlags {
		if seen[f] {
			t.Errorf("duplicate %s", f)
		}
		seen[f] = true
	}
}
