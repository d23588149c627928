package mempool

import (
	"errors"
	"fmt"
	"strings"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/mempool/policy"
)

// ErrorKind is a reject reason, spelt as Bitcoin Core spells it. It is
// policy's kind type, so the policy package's kinds (policy.ErrDust, ...)
// and the ones below compare equal with errors.Is, and consensus kinds are
// carried through under the same spelling.
type ErrorKind = policy.ErrorKind

// Reject reasons the pool adds to those of the policy package (which
// declares the fee, finality, coinbase, already-known and RBF ones).
const (
	// ErrMissingInputs: an input is neither in the pool nor unspent on the
	// chain (TX_MISSING_INPUTS). Core's internal reason is
	// "bad-txns-inputs-missingorspent"; its RPCs report "missing-inputs".
	ErrMissingInputs = ErrorKind("missing-inputs")
	// ErrSpendsConflicting: the transaction spends an output of a
	// transaction it would replace.
	ErrSpendsConflicting = ErrorKind("bad-txns-spends-conflicting-tx")
	// ErrTooLargeCluster: the cluster would exceed the count or size limit.
	ErrTooLargeCluster = ErrorKind("too-large-cluster")
	// ErrReplacementFailed: the replacement does not strictly improve the
	// feerate diagram.
	ErrReplacementFailed = ErrorKind("replacement-failed")
	// ErrReplacementDisallowed: a conflict where replacement is not
	// considered (package test acceptance).
	ErrReplacementDisallowed = ErrorKind("bip125-replacement-disallowed")
	// ErrMandatoryScript: a script fails under consensus flags.
	ErrMandatoryScript = ErrorKind("mandatory-script-verify-flag-failed")
	// ErrPolicyScript: a script fails only under the policy flags (Core
	// 30.0's name for what was non-mandatory-script-verify-flag).
	ErrPolicyScript = policy.ErrScriptVerifyFailed
	// ErrNoSpace: the pool had no room left after trimming ("mempool full").
	ErrNoSpace = policy.ErrMempoolFull
)

// Package reject reasons (package_msg of Core's submitpackage).
const (
	ErrPackageTooMany        = ErrorKind("package-too-many-transactions")
	ErrPackageTooLarge       = ErrorKind("package-too-large")
	ErrPackageDuplicates     = ErrorKind("package-contains-duplicates")
	ErrPackageNotSorted      = ErrorKind("package-not-sorted")
	ErrPackageConflict       = ErrorKind("conflict-in-package")
	ErrPackageNotChildParent = ErrorKind("package-not-child-with-parents")
	ErrPackageTxFailed       = ErrorKind("transaction failed")
	ErrPackageUnspentDust    = ErrorKind("unspent-dust")
)

// Result classifies a rejection as Core's TxValidationResult does: it
// tells the P2P layer whether to penalise the peer, cache the rejection or
// retry the transaction in a package.
type Result int

// Result values, one for one with TxValidationResult.
const (
	ResultUnset             Result = iota
	ResultConsensus                // TX_CONSENSUS: invalid by consensus rules
	ResultInputsNotStandard        // TX_INPUTS_NOT_STANDARD
	ResultNotStandard              // TX_NOT_STANDARD
	ResultMissingInputs            // TX_MISSING_INPUTS: an orphan
	ResultPrematureSpend           // TX_PREMATURE_SPEND: not final yet
	ResultWitnessMutated           // TX_WITNESS_MUTATED
	ResultWitnessStripped          // TX_WITNESS_STRIPPED
	ResultConflict                 // TX_CONFLICT: already known
	ResultMempoolPolicy            // TX_MEMPOOL_POLICY
	ResultReconsiderable           // TX_RECONSIDERABLE: may pass in a package
	ResultUnknown                  // TX_UNKNOWN
)

var resultNames = [...]string{"unset", "consensus", "inputs-not-standard", "not-standard",
	"missing-inputs", "premature-spend", "witness-mutated", "witness-stripped", "conflict",
	"mempool-policy", "reconsiderable", "unknown"}

func (r Result) String() string {
	if r >= 0 && int(r) < len(resultNames) {
		return resultNames[r]
	}
	return "unknown"
}

// RejectError is why the pool refused a transaction or package. Kind is
// Core's reject reason; Reason is the full reason string Core sends (Kind,
// or for script failures Kind followed by Core's script error message in
// parentheses); Debug is Core's debug message or one in its spirit. Err,
// when set, is the underlying policy, consensus or script error.
type RejectError struct {
	Kind   ErrorKind
	Reason string
	Debug  string
	Result Result
	Err    error
}

// Error renders the error as Core's ValidationState::ToString:
// "reason, debug", or the reason alone.
func (e *RejectError) Error() string {
	if e.Debug == "" {
		return e.Reason
	}
	return e.Reason + ", " + e.Debug
}

// Unwrap exposes the kind and the underlying error to errors.Is and
// errors.As.
func (e *RejectError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// RejectReason returns Core's reject reason for err (Reason of a
// *RejectError), or "" when err is not a rejection.
func RejectReason(err error) string {
	var re *RejectError
	if errors.As(err, &re) {
		return re.Reason
	}
	return ""
}

// reject builds a RejectError whose reason is kind.
func reject(kind ErrorKind, res Result, format string, args ...any) *RejectError {
	return &RejectError{Kind: kind, Reason: string(kind), Result: res, Debug: fmt.Sprintf(format, args...)}
}

// fromPolicy wraps a policy error (its kind and description carried
// through) with the given result class.
func fromPolicy(err error, res Result) *RejectError {
	var pe *policy.RuleError
	if errors.As(err, &pe) {
		return &RejectError{Kind: pe.Err, Reason: string(pe.Err), Debug: pe.Description, Result: res, Err: err}
	}
	return &RejectError{Kind: ErrorKind("unknown"), Reason: "unknown", Debug: err.Error(), Result: res, Err: err}
}

// fromConsensus wraps a consensus rule error under its own reason.
func fromConsensus(err error) *RejectError {
	var ce *consensus.RuleError
	if errors.As(err, &ce) {
		return &RejectError{Kind: ErrorKind(ce.Err), Reason: string(ce.Err), Debug: ce.Description,
			Result: ResultConsensus, Err: err}
	}
	return &RejectError{Kind: ErrorKind("unknown"), Reason: "unknown", Debug: err.Error(), Result: ResultUnknown, Err: err}
}

// scriptReject builds Core's CheckInputScripts failure: "kind (message)"
// where message is Core's ScriptErrorString of the script error.
func scriptReject(kind ErrorKind, res Result, err error) *RejectError {
	reason := fmt.Sprintf("%s (%s)", kind, ScriptErrorString(err))
	return &RejectError{Kind: kind, Reason: reason, Result: res, Err: err}
}

// scriptErrorStrings are Core's ScriptErrorString messages
// (src/script/script_error.cpp) by script error name.
var scriptErrorStrings = map[string]string{
	"OK":                                    "No error",
	"EVAL_FALSE":                            "Script evaluated without error but finished with a false/empty top stack element",
	"VERIFY":                                "Script failed an OP_VERIFY operation",
	"EQUALVERIFY":                           "Script failed an OP_EQUALVERIFY operation",
	"CHECKMULTISIGVERIFY":                   "Script failed an OP_CHECKMULTISIGVERIFY operation",
	"CHECKSIGVERIFY":                        "Script failed an OP_CHECKSIGVERIFY operation",
	"NUMEQUALVERIFY":                        "Script failed an OP_NUMEQUALVERIFY operation",
	"SCRIPT_SIZE":                           "Script is too big",
	"PUSH_SIZE":                             "Push value size limit exceeded",
	"OP_COUNT":                              "Operation limit exceeded",
	"STACK_SIZE":                            "Stack size limit exceeded",
	"SIG_COUNT":                             "Signature count negative or greater than pubkey count",
	"PUBKEY_COUNT":                          "Pubkey count negative or limit exceeded",
	"BAD_OPCODE":                            "Opcode missing or not understood",
	"DISABLED_OPCODE":                       "Attempted to use a disabled opcode",
	"INVALID_STACK_OPERATION":               "Operation not valid with the current stack size",
	"INVALID_ALTSTACK_OPERATION":            "Operation not valid with the current altstack size",
	"OP_RETURN":                             "OP_RETURN was encountered",
	"UNBALANCED_CONDITIONAL":                "Invalid OP_IF construction",
	"NEGATIVE_LOCKTIME":                     "Negative locktime",
	"UNSATISFIED_LOCKTIME":                  "Locktime requirement not satisfied",
	"SIG_HASHTYPE":                          "Signature hash type missing or not understood",
	"SIG_DER":                               "Non-canonical DER signature",
	"MINIMALDATA":                           "Data push larger than necessary",
	"SIG_PUSHONLY":                          "Only push operators allowed in signatures",
	"SIG_HIGH_S":                            "Non-canonical signature: S value is unnecessarily high",
	"SIG_NULLDUMMY":                         "Dummy CHECKMULTISIG argument must be zero",
	"MINIMALIF":                             "OP_IF/NOTIF argument must be minimal",
	"NULLFAIL":                              "Signature must be zero for failed CHECK(MULTI)SIG operation",
	"DISCOURAGE_UPGRADABLE_NOPS":            "NOPx reserved for soft-fork upgrades",
	"DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM": "Witness version reserved for soft-fork upgrades",
	"DISCOURAGE_UPGRADABLE_TAPROOT_VERSION": "Taproot version reserved for soft-fork upgrades",
	"DISCOURAGE_OP_SUCCESS":                 "OP_SUCCESSx reserved for soft-fork upgrades",
	"DISCOURAGE_UPGRADABLE_PUBKEYTYPE":      "Public key version reserved for soft-fork upgrades",
	"PUBKEYTYPE":                            "Public key is neither compressed or uncompressed",
	"CLEANSTACK":                            "Stack size must be exactly one after execution",
	"WITNESS_PROGRAM_WRONG_LENGTH":          "Witness program has incorrect length",
	"WITNESS_PROGRAM_WITNESS_EMPTY":         "Witness program was passed an empty witness",
	"WITNESS_PROGRAM_MISMATCH":              "Witness program hash mismatch",
	"WITNESS_MALLEATED":                     "Witness requires empty scriptSig",
	"WITNESS_MALLEATED_P2SH":                "Witness requires only-redeemscript scriptSig",
	"WITNESS_UNEXPECTED":                    "Witness provided for non-witness script",
	"WITNESS_PUBKEYTYPE":                    "Using non-compressed keys in segwit",
	"SCHNORR_SIG_SIZE":                      "Invalid Schnorr signature size",
	"SCHNORR_SIG_HASHTYPE":                  "Invalid Schnorr signature hash type",
	"SCHNORR_SIG":                           "Invalid Schnorr signature",
	"TAPROOT_WRONG_CONTROL_SIZE":            "Invalid Taproot control block size",
	"TAPSCRIPT_VALIDATION_WEIGHT":           "Too much signature validation relative to witness weight",
	"TAPSCRIPT_CHECKMULTISIG":               "OP_CHECKMULTISIG(VERIFY) is not available in tapscript",
	"TAPSCRIPT_MINIMALIF":                   "OP_IF/NOTIF argument must be minimal in tapscript",
	"TAPSCRIPT_EMPTY_PUBKEY":                "Empty public key in tapscript",
	"OP_CODESEPARATOR":                      "Using OP_CODESEPARATOR in non-witness script",
	"SIG_FINDANDDELETE":                     "Signature is found in scriptCode",
}

// ScriptErrorString returns Core's human-readable message for a script
// error (ScriptErrorString), "unknown error" for anything else.
func ScriptErrorString(err error) string {
	name := script.ErrorName(unwrapInputError(err))
	if s, ok := scriptErrorStrings[name]; ok {
		return s
	}
	return "unknown error"
}

// unwrapInputError strips a *script.InputError, so ErrorName sees the
// script error itself.
func unwrapInputError(err error) error {
	var ie *script.InputError
	if errors.As(err, &ie) {
		return ie.Err
	}
	return err
}

// formatMoney is Core's FormatMoney: BTC with up to eight decimals,
// trailing zeros trimmed down to one decimal ("0.0001", "1.0").
func formatMoney(sats int64) string {
	neg := sats < 0
	abs := uint64(sats)
	if neg {
		abs = uint64(-(sats + 1)) + 1
	}
	s := fmt.Sprintf("%d.%08d", abs/100_000_000, abs%100_000_000)
	for strings.HasSuffix(s, "0") && s[len(s)-2] != '.' {
		s = s[:len(s)-1]
	}
	if neg {
		s = "-" + s
	}
	return s
}
