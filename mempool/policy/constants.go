package policy

import "github.com/bitnode/bitnode/wire"

// Size, sigop and script limits of standard transactions (Bitcoin Core's
// src/policy/policy.h). Values are Core 30.0/31.0's; the comment names
// Core's constant and, where the value changed recently, the release that
// set it.
const (
	// MaxStandardTxWeight is the largest weight a standard transaction may
	// have (MAX_STANDARD_TX_WEIGHT).
	MaxStandardTxWeight = 400_000

	// MinStandardTxNonWitnessSize is the smallest standard size without
	// witness data, one more than 64 so that no transaction can be mistaken
	// for an inner merkle node (MIN_STANDARD_TX_NONWITNESS_SIZE, 65 since
	// Core 25.0; checked in validation.cpp's PreChecks).
	MinStandardTxNonWitnessSize = 65

	// MaxStandardScriptSigSize bounds each scriptSig: a 15-of-15 P2SH
	// multisig spend with compressed keys is 1,627 bytes
	// (MAX_STANDARD_SCRIPTSIG_SIZE).
	MaxStandardScriptSigSize = 1650

	// MaxP2SHSigOps is the most signature operations, counted accurately, a
	// standard P2SH redeem script may hold (MAX_P2SH_SIGOPS).
	MaxP2SHSigOps = 15

	// MaxStandardTxSigOpsCost is the largest signature-operation cost of a
	// standard transaction, a fifth of the block limit
	// (MAX_STANDARD_TX_SIGOPS_COST = MAX_BLOCK_SIGOPS_COST/5).
	MaxStandardTxSigOpsCost = 80_000 / 5

	// MaxTxLegacySigOps bounds the potentially executed legacy signature
	// operations of a transaction: its scriptSigs, the scriptPubKeys it
	// spends and their P2SH redeem scripts, counted accurately, as BIP54
	// would (MAX_TX_LEGACY_SIGOPS, Core 30.0, #32521).
	MaxTxLegacySigOps = 2_500

	// DefaultBytesPerSigOp is the default of -bytespersigop: each unit of
	// sigop cost counts as this many weight units when the sigop-adjusted
	// virtual size is computed (DEFAULT_BYTES_PER_SIGOP).
	DefaultBytesPerSigOp = 20

	// MaxStandardP2WSHStackItems is the most witness stack items, the
	// witness script aside, of a standard P2WSH spend
	// (MAX_STANDARD_P2WSH_STACK_ITEMS).
	MaxStandardP2WSHStackItems = 100

	// MaxStandardP2WSHStackItemSize bounds each such item, in bytes
	// (MAX_STANDARD_P2WSH_STACK_ITEM_SIZE).
	MaxStandardP2WSHStackItemSize = 80

	// MaxStandardP2WSHScriptSize bounds a standard witness script, in bytes
	// (MAX_STANDARD_P2WSH_SCRIPT_SIZE).
	MaxStandardP2WSHScriptSize = 3600

	// MaxStandardTapscriptStackItemSize bounds each initial stack item of a
	// standard tapscript (leaf version 0xc0) spend, in bytes
	// (MAX_STANDARD_TAPSCRIPT_STACK_ITEM_SIZE).
	MaxStandardTapscriptStackItemSize = 80

	// MaxDustOutputsPerTx is how many dust outputs a standard transaction
	// may have; the one allowed is ephemeral dust, which a child in the
	// same package must spend (MAX_DUST_OUTPUTS_PER_TX, Core 29.0).
	MaxDustOutputsPerTx = 1
)

// Transaction versions (TX_MIN_STANDARD_VERSION, TX_MAX_STANDARD_VERSION):
// 1 and 2, and 3 (TRUC) since Core 28.0.
const (
	TxMinStandardVersion = 1
	TxMaxStandardVersion = 3
)

// Fee rates, in satoshis per 1,000 virtual bytes.
const (
	// DustRelayFee is the fee rate dust is defined by: an output is dust
	// when spending it would cost more than it is worth at this rate
	// (DUST_RELAY_TX_FEE, default of -dustrelayfee; unchanged by 30.0).
	DustRelayFee FeeRate = 3000

	// DefaultMinRelayFee is the default of -minrelaytxfee: 0.1 sat/vB
	// (DEFAULT_MIN_RELAY_TX_FEE, lowered from 1,000 in Core 30.0 and 29.1,
	// #33106).
	DefaultMinRelayFee FeeRate = 100

	// DefaultIncrementalRelayFee is the default of -incrementalrelayfee,
	// the fee rate replacements and mempool trimming must add: 0.1 sat/vB
	// (DEFAULT_INCREMENTAL_RELAY_FEE, lowered from 1,000 with the minimum
	// relay fee in Core 30.0 and 29.1, #33106; Core requires the two
	// defaults to be equal).
	DefaultIncrementalRelayFee FeeRate = 100

	// DefaultBlockMinTxFee is the default of -blockmintxfee, 0.001 sat/vB
	// (DEFAULT_BLOCK_MIN_TX_FEE, lowered from 1,000 in Core 30.0).
	DefaultBlockMinTxFee FeeRate = 1
)

// Data carrier (OP_RETURN) outputs. Since Core 30.0 (#32406) a transaction
// may have any number of them; -datacarriersize bounds the sum of their
// scriptPubKey sizes (each script's own length prefix not counted).
const (
	// DefaultAcceptDataCarrier is the default of -datacarrier
	// (DEFAULT_ACCEPT_DATACARRIER). With it false no OP_RETURN output is
	// standard.
	DefaultAcceptDataCarrier = true

	// MaxOpReturnRelay is the default of -datacarriersize, 100,000 bytes,
	// which MaxStandardTxWeight reaches first (MAX_OP_RETURN_RELAY =
	// MAX_STANDARD_TX_WEIGHT / WITNESS_SCALE_FACTOR, Core 30.0; 83 before).
	MaxOpReturnRelay = MaxStandardTxWeight / wire.WitnessScaleFactor
)

// DefaultPermitBareMultisig is the default of -permitbaremultisig: bare
// (not P2SH-wrapped) 1..3-key multisig outputs are standard
// (DEFAULT_PERMIT_BAREMULTISIG).
const DefaultPermitBareMultisig = true

// TRUC (BIP431) limits, src/policy/truc_policy.h (Core 28.0). A
// transaction of version 3 opts in.
const (
	// TRUCVersion is the version that makes a transaction TRUC.
	TRUCVersion = 3
	// TRUCAncestorLimit bounds a TRUC transaction's unconfirmed ancestor
	// set, itself included (TRUC_ANCESTOR_LIMIT): one parent.
	TRUCAncestorLimit = 2
	// TRUCDescendantLimit bounds an unconfirmed TRUC transaction's
	// descendant set, itself included (TRUC_DESCENDANT_LIMIT): one child.
	TRUCDescendantLimit = 2
	// TRUCMaxVSize is the largest sigop-adjusted virtual size of a TRUC
	// transaction (TRUC_MAX_VSIZE).
	TRUCMaxVSize = 10_000
	// TRUCMaxWeight is TRUCMaxVSize in weight units (TRUC_MAX_WEIGHT).
	TRUCMaxWeight = TRUCMaxVSize * wire.WitnessScaleFactor
	// TRUCChildMaxVSize is the largest sigop-adjusted virtual size of a
	// TRUC transaction spending an unconfirmed TRUC parent
	// (TRUC_CHILD_MAX_VSIZE).
	TRUCChildMaxVSize = 1_000
	// TRUCChildMaxWeight is TRUCChildMaxVSize in weight units
	// (TRUC_CHILD_MAX_WEIGHT).
	TRUCChildMaxWeight = TRUCChildMaxVSize * wire.WitnessScaleFactor
)

// Cluster and package limits (policy.h and packages.h). Core 31.0's cluster
// mempool replaced the ancestor and descendant count and size limits with
// these cluster limits.
const (
	// DefaultClusterLimit is the default most transactions in one mempool
	// cluster (DEFAULT_CLUSTER_LIMIT, Core 31.0).
	DefaultClusterLimit = 64
	// DefaultClusterSizeLimitKvB is the default largest virtual size of a
	// cluster, in thousands of virtual bytes (DEFAULT_CLUSTER_SIZE_LIMIT_KVB,
	// Core 31.0).
	DefaultClusterSizeLimitKvB = 101
	// MaxPackageCount is the most transactions in a package
	// (MAX_PACKAGE_COUNT).
	MaxPackageCount = 25
	// MaxPackageWeight is the largest total weight of a package
	// (MAX_PACKAGE_WEIGHT).
	MaxPackageWeight = 404_000
)
