package script

import (
	"fmt"
	"math/bits"
	"strings"
)

// Flags selects the verification rules, one for one with Bitcoin Core's
// SCRIPT_VERIFY_* bits (same values), so flag sets read from Core's test
// vectors mean what they mean there.
type Flags uint32

// Verification flags.
const (
	VerifyNone                               Flags = 0
	VerifyP2SH                               Flags = 1 << 0  // BIP16
	VerifyStrictEncoding                     Flags = 1 << 1  // policy: strict DER, defined hash types, key formats
	VerifyDERSignatures                      Flags = 1 << 2  // BIP66
	VerifyLowS                               Flags = 1 << 3  // policy (BIP146)
	VerifyNullDummy                          Flags = 1 << 4  // BIP147
	VerifySigPushOnly                        Flags = 1 << 5  // policy
	VerifyMinimalData                        Flags = 1 << 6  // policy
	VerifyDiscourageUpgradableNops           Flags = 1 << 7  // policy
	VerifyCleanStack                         Flags = 1 << 8  // policy
	VerifyCheckLockTimeVerify                Flags = 1 << 9  // BIP65
	VerifyCheckSequenceVerify                Flags = 1 << 10 // BIP112
	VerifyWitness                            Flags = 1 << 11 // BIP141/143
	VerifyDiscourageUpgradableWitnessProgram Flags = 1 << 12 // policy
	VerifyMinimalIf                          Flags = 1 << 13 // policy (consensus in tapscript)
	VerifyNullFail                           Flags = 1 << 14 // policy (BIP146)
	VerifyWitnessPubKeyType                  Flags = 1 << 15 // policy: compressed keys in segwit v0
	VerifyConstScriptCode                    Flags = 1 << 16 // policy: no OP_CODESEPARATOR / FindAndDelete hits in legacy
	VerifyTaproot                            Flags = 1 << 17 // BIP341/342
	VerifyDiscourageUpgradableTaprootVersion Flags = 1 << 18 // policy
	VerifyDiscourageOpSuccess                Flags = 1 << 19 // policy
	VerifyDiscourageUpgradablePubKeyType     Flags = 1 << 20 // policy
)

// flagNames are Core's names, as its test vectors and -help text spell them.
var flagNames = []struct {
	name string
	flag Flags
}{
	{"P2SH", VerifyP2SH},
	{"STRICTENC", VerifyStrictEncoding},
	{"DERSIG", VerifyDERSignatures},
	{"LOW_S", VerifyLowS},
	{"NULLDUMMY", VerifyNullDummy},
	{"SIGPUSHONLY", VerifySigPushOnly},
	{"MINIMALDATA", VerifyMinimalData},
	{"DISCOURAGE_UPGRADABLE_NOPS", VerifyDiscourageUpgradableNops},
	{"CLEANSTACK", VerifyCleanStack},
	{"CHECKLOCKTIMEVERIFY", VerifyCheckLockTimeVerify},
	{"CHECKSEQUENCEVERIFY", VerifyCheckSequenceVerify},
	{"WITNESS", VerifyWitness},
	{"DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM", VerifyDiscourageUpgradableWitnessProgram},
	{"MINIMALIF", VerifyMinimalIf},
	{"NULLFAIL", VerifyNullFail},
	{"WITNESS_PUBKEYTYPE", VerifyWitnessPubKeyType},
	{"CONST_SCRIPTCODE", VerifyConstScriptCode},
	{"TAPROOT", VerifyTaproot},
	{"DISCOURAGE_UPGRADABLE_TAPROOT_VERSION", VerifyDiscourageUpgradableTaprootVersion},
	{"DISCOURAGE_OP_SUCCESS", VerifyDiscourageOpSuccess},
	{"DISCOURAGE_UPGRADABLE_PUBKEYTYPE", VerifyDiscourageUpgradablePubKeyType},
}

// AllFlags is every defined flag.
const AllFlags Flags = 1<<21 - 1

// Consensus flag sets. MandatoryFlags are the rules every block since the
// last soft fork obeys; StandardFlags add Bitcoin Core's relay policy
// (STANDARD_SCRIPT_VERIFY_FLAGS).
const (
	MandatoryFlags = VerifyP2SH | VerifyDERSignatures | VerifyNullDummy | VerifyCheckLockTimeVerify |
		VerifyCheckSequenceVerify | VerifyWitness | VerifyTaproot
	StandardFlags = MandatoryFlags | VerifyStrictEncoding | VerifyMinimalData |
		VerifyDiscourageUpgradableNops | VerifyCleanStack | VerifyLowS |
		VerifyDiscourageUpgradableWitnessProgram | VerifyMinimalIf | VerifyNullFail |
		VerifyWitnessPubKeyType | VerifyConstScriptCode | VerifyDiscourageUpgradableTaprootVersion |
		VerifyDiscourageOpSuccess | VerifyDiscourageUpgradablePubKeyType
)

// ParseFlags reads a comma-separated list of Core's flag names ("P2SH,WITNESS";
// "" and "NONE" are no flags).
func ParseFlags(s string) (Flags, error) {
	var f Flags
	if s == "" || s == "NONE" {
		return 0, nil
	}
	for _, name := range strings.Split(s, ",") {
		found := false
		for _, fn := range flagNames {
			if fn.name == name {
				f |= fn.flag
				found = true
				break
			}
		}
		if !found {
			return 0, fmt.Errorf("unknown script verification flag %q", name)
		}
	}
	return f, nil
}

// String lists the flags by Core's names, comma-separated.
func (f Flags) String() string {
	if f == 0 {
		return "NONE"
	}
	names := make([]string, 0, bits.OnesCount32(uint32(f)))
	for _, fn := range flagNames {
		if f&fn.flag != 0 {
			names = append(names, fn.name)
		}
	}
	return strings.Join(names, ",")
}
