package mempool

import (
	"errors"

	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/wire"
)

// parallelInputs is the input count from which one transaction's scripts
// are checked on several goroutines.
const parallelInputs = 16

// checkScripts is Core's PolicyScriptChecks followed by
// ConsensusScriptChecks: every input under the standard flags, through the
// shared signature cache; on failure the failing input is checked again
// under the mandatory flags alone to tell a policy failure
// ("mempool-script-verify-flag-failed") from an invalid transaction
// ("mandatory-script-verify-flag-failed"). Then every input under the next
// block's consensus flags, which normally only hits the cache. It runs
// without the pool's lock.
func (p *Pool) checkScripts(ws *workspace) error {
	spent := make([]*wire.TxOut, len(ws.coins))
	for i, c := range ws.coins {
		spent[i] = &wire.TxOut{Value: c.Value, PkScript: c.PkScript}
	}
	hashes := script.NewTxSigHashes(ws.tx, spent)
	checks := make([]script.InputCheck, len(ws.tx.TxIn))
	for i := range checks {
		checks[i] = script.InputCheck{Tx: ws.tx, Idx: i, Spent: spent, Hashes: hashes, Flags: script.StandardFlags}
	}
	if err := p.verify(checks); err != nil {
		return p.classifyScriptFailure(ws, checks, spent, err)
	}
	flags := ws.next.ScriptFlags
	for i := range checks {
		checks[i].Flags = flags
	}
	if err := p.verify(checks); err != nil {
		p.log.Error("mempool: BUG: scripts pass standard flags but fail the block's", "txid", ws.txid, "err", err)
		return scriptReject(ErrMandatoryScript, ResultConsensus, err)
	}
	ws.verified, ws.flags = true, flags
	return nil
}

// verify runs checks, in parallel for large transactions; a failure is
// reported for the first failing input, as a sequential check would.
func (p *Pool) verify(checks []script.InputCheck) error {
	workers := 1
	if len(checks) >= parallelInputs {
		workers = 0
	}
	v := script.Verifier{Workers: workers, Backend: p.cfg.Backend, Cache: p.cfg.SigCache}
	err := v.Verify(checks)
	if err != nil && workers != 1 {
		v.Workers = 1
		err = v.Verify(checks)
	}
	return err
}

// classifyScriptFailure turns a standard-flags failure into Core's reject
// reason.
func (p *Pool) classifyScriptFailure(ws *workspace, checks []script.InputCheck, spent []*wire.TxOut, err error) error {
	var ie *script.InputError
	if !errors.As(err, &ie) {
		return scriptReject(ErrMandatoryScript, ResultConsensus, err)
	}
	retry := checks[ie.Idx]
	retry.Flags = script.StandardFlags & script.MandatoryFlags
	v := script.Verifier{Workers: 1, Backend: p.cfg.Backend, Cache: p.cfg.SigCache}
	var re *RejectError
	if v.Verify([]script.InputCheck{retry}) == nil {
		re = scriptReject(ErrPolicyScript, ResultNotStandard, ie.Err)
	} else {
		re = scriptReject(ErrMandatoryScript, ResultConsensus, ie.Err)
	}
	if !ws.tx.HasWitness() && spendsNonAnchorWitnessProgram(ws.tx, spent) {
		re.Result = ResultWitnessStripped
	}
	return re
}

// recheckFlags verifies again, under the pool's lock, when the next
// block's consensus flags changed since the scripts were checked (a soft
// fork activating in between).
func (p *Pool) recheckFlags(ws *workspace) error {
	if ws.flags == ws.next.ScriptFlags {
		return nil
	}
	return p.checkScripts(ws)
}

// spendsNonAnchorWitnessProgram is Core's SpendsNonAnchorWitnessProg: an
// input spends a witness program other than pay-to-anchor, directly or
// through P2SH.
func spendsNonAnchorWitnessProgram(tx *wire.Tx, spent []*wire.TxOut) bool {
	for i, in := range tx.TxIn {
		pk := spent[i].PkScript
		if script.IsPayToScriptHash(pk) {
			pk = lastPush(in.SignatureScript)
		}
		if v, prog, ok := script.WitnessProgram(pk); ok && !(v == 1 && len(prog) == 2 && prog[0] == 0x4e && prog[1] == 0x73) {
			return true
		}
	}
	return false
}

// lastPush returns the data of a push-only script's last push.
func lastPush(s []byte) []byte {
	var last []byte
	t := script.MakeTokenizer(s)
	for t.Next() {
		last = t.Data()
	}
	return last
}
