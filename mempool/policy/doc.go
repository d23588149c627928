// Package policy is Bitcoin Core's default transaction relay policy
// (standardness): the rules a node applies, on top of consensus, before it
// lets a transaction into its mempool and relays it. Nothing here decides
// validity; a block may contain transactions every rule below rejects.
//
// The package follows Bitcoin Core 30.0/31.0 (src/policy/policy.{h,cpp},
// feerate.{h,cpp}, ephemeral_policy.cpp, truc_policy.{h,cpp}, packages.h and
// the standardness checks of validation.cpp's PreChecks):
//
//   - constants mirroring policy.h and truc_policy.h, each naming Core's
//     constant and the release its value comes from (constants.go);
//   - FeeRate, Core's CFeeRate: satoshis per 1,000 virtual bytes, fees
//     rounded up as CFeeRate::GetFee does (feerate.go);
//   - CheckStandard (IsStandardTx, then CheckNonWitnessSize, PreChecks'
//     "tx-size-small"), output script standardness and the dust rules
//     (standard.go);
//   - CheckInputsStandard (AreInputsStandard, with the BIP54 legacy sigop
//     limit), CheckWitnessStandard (IsWitnessStandard) and the sigop cost
//     and virtual size of a transaction (inputs.go);
//   - ephemeral dust: PreCheckEphemeralTx and CheckEphemeralSpends
//     (ephemeral.go);
//   - TRUC (BIP431, version 3) topology: SingleTRUCChecks and
//     PackageTRUCChecks as pure functions over a small description of the
//     in-mempool parents (truc.go).
//
// Errors are *RuleError values whose Err is an ErrorKind spelt exactly as
// Core's reject reason ("dust", "tx-size", "TRUC-violation", ...), so the
// mapping to reject messages and RPC results is one table; test them with
// errors.Is(err, policy.ErrDust).
//
// Dependencies: the standard library, wire, chain/script (templates and
// sigop counting) and chain/store (the spent coins). Like chain/consensus,
// every function is a function of its arguments: no mempool, no chain
// state, no clock.
package policy
