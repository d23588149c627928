package script

import (
	"bytes"

	"github.com/bitnode/bitnode/wire"
)

// Taproot constants (BIP341).
const (
	AnnexTag             = 0x50
	TaprootLeafMask      = 0xfe
	TaprootLeafTapscript = 0xc0
	TaprootControlBase   = 33
	TaprootControlNode   = 32
	TaprootControlMax    = TaprootControlBase + TaprootControlNode*128
)

// verifyTaproot spends a segwit v1 32-byte program: by key path with one
// signature, or by script path with a script and its control block.
func verifyTaproot(witness wire.TxWitness, st stack, program []byte, flags Flags, checker *TxChecker) error {
	if len(st) == 0 {
		return newError(ErrWitnessProgramWitnessEmpty, -1, "taproot spend with an empty witness")
	}
	exec := &execData{}
	if len(st) >= 2 && len(st.top(-1)) > 0 && st.top(-1)[0] == AnnexTag {
		exec.annex = st.pop()
	}
	if len(st) == 1 {
		return checker.checkSchnorr(st[0], program, SigVersionTaproot, exec)
	}
	control := st.pop()
	script := st.pop()
	if len(control) < TaprootControlBase || len(control) > TaprootControlMax ||
		(len(control)-TaprootControlBase)%TaprootControlNode != 0 {
		return newError(ErrTaprootWrongControlSize, -1, "control block of %d bytes", len(control))
	}
	exec.tapLeafHash = TapLeafHash(control[0]&TaprootLeafMask, script)
	if !verifyTaprootCommitment(control, program, &exec.tapLeafHash, checker.backend()) {
		return newError(ErrWitnessProgramMismatch, -1, "control block does not commit to the output key")
	}
	if control[0]&TaprootLeafMask == TaprootLeafTapscript {
		exec.validationWeightLeft = int64(witness.SerializeSize()) + ValidationWeightOffset
		return executeWitnessScript(st, script, flags, checker, SigVersionTapscript, exec)
	}
	if flags&VerifyDiscourageUpgradableTaprootVersion != 0 {
		return newError(ErrDiscourageUpgradableTaprootVersion, -1, "taproot leaf version 0x%02x is reserved for upgrades", control[0]&TaprootLeafMask)
	}
	return nil
}

// TapLeafHash is BIP341's leaf hash: tagged "TapLeaf" over the leaf version
// and the script with its CompactSize length.
func TapLeafHash(leafVersion byte, script []byte) [32]byte {
	prefix := wire.AppendCompactSize([]byte{leafVersion}, uint64(len(script)))
	return TaggedHash(TagTapLeaf, prefix, script)
}

// TapBranchHash hashes two nodes of a script tree in lexicographic order.
func TapBranchHash(a, b []byte) [32]byte {
	if bytes.Compare(a, b) > 0 {
		a, b = b, a
	}
	return TaggedHash(TagTapBranch, a, b)
}

// verifyTaprootCommitment walks the control block's merkle path from the
// leaf to the root and checks that the output key is the internal key
// tweaked with that root.
func verifyTaprootCommitment(control, program []byte, leaf *[32]byte, backend SignatureBackend) bool {
	var internal, output [32]byte
	copy(internal[:], control[1:TaprootControlBase])
	copy(output[:], program)
	k := *leaf
	for node := control[TaprootControlBase:]; len(node) > 0; node = node[TaprootControlNode:] {
		k = TapBranchHash(k[:], node[:TaprootControlNode])
	}
	tweak := TaggedHash(TagTapTweak, internal[:], k[:])
	return backend.CheckTapTweak(&internal, &output, control[0]&1 == 1, &tweak)
}
