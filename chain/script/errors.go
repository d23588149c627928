package script

// Script error kinds, one for one with Bitcoin Core's ScriptError, spelt as
// script_tests.json spells them. ErrBadOpcode is declared beside the
// tokenizer.
const (
	ErrUnknown                            = ErrorKind("UNKNOWN_ERROR")
	ErrEvalFalse                          = ErrorKind("EVAL_FALSE")
	ErrOpReturn                           = ErrorKind("OP_RETURN")
	ErrScriptSize                         = ErrorKind("SCRIPT_SIZE")
	ErrPushSize                           = ErrorKind("PUSH_SIZE")
	ErrOpCount                            = ErrorKind("OP_COUNT")
	ErrStackSize                          = ErrorKind("STACK_SIZE")
	ErrSigCount                           = ErrorKind("SIG_COUNT")
	ErrPubKeyCount                        = ErrorKind("PUBKEY_COUNT")
	ErrVerify                             = ErrorKind("VERIFY")
	ErrEqualVerify                        = ErrorKind("EQUALVERIFY")
	ErrCheckMultiSigVerify                = ErrorKind("CHECKMULTISIGVERIFY")
	ErrCheckSigVerify                     = ErrorKind("CHECKSIGVERIFY")
	ErrNumEqualVerify                     = ErrorKind("NUMEQUALVERIFY")
	ErrDisabledOpcode                     = ErrorKind("DISABLED_OPCODE")
	ErrInvalidStackOperation              = ErrorKind("INVALID_STACK_OPERATION")
	ErrInvalidAltStackOperation           = ErrorKind("INVALID_ALTSTACK_OPERATION")
	ErrUnbalancedConditional              = ErrorKind("UNBALANCED_CONDITIONAL")
	ErrNegativeLockTime                   = ErrorKind("NEGATIVE_LOCKTIME")
	ErrUnsatisfiedLockTime                = ErrorKind("UNSATISFIED_LOCKTIME")
	ErrSigHashType                        = ErrorKind("SIG_HASHTYPE")
	ErrSigDER                             = ErrorKind("SIG_DER")
	ErrMinimalData                        = ErrorKind("MINIMALDATA")
	ErrSigPushOnly                        = ErrorKind("SIG_PUSHONLY")
	ErrSigHighS                           = ErrorKind("SIG_HIGH_S")
	ErrSigNullDummy                       = ErrorKind("SIG_NULLDUMMY")
	ErrPubKeyType                         = ErrorKind("PUBKEYTYPE")
	ErrCleanStack                         = ErrorKind("CLEANSTACK")
	ErrMinimalIf                          = ErrorKind("MINIMALIF")
	ErrNullFail                           = ErrorKind("NULLFAIL")
	ErrDiscourageUpgradableNops           = ErrorKind("DISCOURAGE_UPGRADABLE_NOPS")
	ErrDiscourageUpgradableWitnessProgram = ErrorKind("DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM")
	ErrDiscourageUpgradableTaprootVersion = ErrorKind("DISCOURAGE_UPGRADABLE_TAPROOT_VERSION")
	ErrDiscourageOpSuccess                = ErrorKind("DISCOURAGE_OP_SUCCESS")
	ErrDiscourageUpgradablePubKeyType     = ErrorKind("DISCOURAGE_UPGRADABLE_PUBKEYTYPE")
	ErrWitnessProgramWrongLength          = ErrorKind("WITNESS_PROGRAM_WRONG_LENGTH")
	ErrWitnessProgramWitnessEmpty         = ErrorKind("WITNESS_PROGRAM_WITNESS_EMPTY")
	ErrWitnessProgramMismatch             = ErrorKind("WITNESS_PROGRAM_MISMATCH")
	ErrWitnessMalleated                   = ErrorKind("WITNESS_MALLEATED")
	ErrWitnessMalleatedP2SH               = ErrorKind("WITNESS_MALLEATED_P2SH")
	ErrWitnessUnexpected                  = ErrorKind("WITNESS_UNEXPECTED")
	ErrWitnessPubKeyType                  = ErrorKind("WITNESS_PUBKEYTYPE")
	ErrSchnorrSigSize                     = ErrorKind("SCHNORR_SIG_SIZE")
	ErrSchnorrSigHashType                 = ErrorKind("SCHNORR_SIG_HASHTYPE")
	ErrSchnorrSig                         = ErrorKind("SCHNORR_SIG")
	ErrTaprootWrongControlSize            = ErrorKind("TAPROOT_WRONG_CONTROL_SIZE")
	ErrTapscriptValidationWeight          = ErrorKind("TAPSCRIPT_VALIDATION_WEIGHT")
	ErrTapscriptCheckMultiSig             = ErrorKind("TAPSCRIPT_CHECKMULTISIG")
	ErrTapscriptMinimalIf                 = ErrorKind("TAPSCRIPT_MINIMALIF")
	ErrTapscriptEmptyPubKey               = ErrorKind("TAPSCRIPT_EMPTY_PUBKEY")
	ErrOpCodeSeparator                    = ErrorKind("OP_CODESEPARATOR")
	ErrSigFindAndDelete                   = ErrorKind("SIG_FINDANDDELETE")
	ErrScriptNum                          = ErrorKind("SCRIPTNUM")
)

// ErrorName returns the Core ScriptError name of err: "OK" for nil, the
// kind for a script error, "UNKNOWN_ERROR" otherwise.
func ErrorName(err error) string {
	if err == nil {
		return "OK"
	}
	var kind ErrorKind
	if e, ok := err.(*Error); ok {
		return string(e.Err)
	}
	if k, ok := err.(ErrorKind); ok {
		kind = k
		return string(kind)
	}
	return string(ErrUnknown)
}
