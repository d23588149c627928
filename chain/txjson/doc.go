// Package txjson builds the JSON shapes Bitcoin Core's RPC uses for
// transactions, blocks, scripts and addresses, so that the `bitnode decode`
// command and the RPC server print exactly what bitcoin-cli does:
//
//   - DecodeTx: decoderawtransaction (TxResult);
//   - DecodeBlock: getblock at verbosity 2, minus what needs the chain
//     (BlockResult; height, confirmations, median time, chain work and next
//     block are left for the RPC layer);
//   - DecodeScriptPubKey: an output's scriptPubKey object, with Core's
//     type names, inferred descriptor (InferDescriptor, with the BIP380
//     checksum of DescriptorChecksum) and address;
//   - ValidateAddress: validateaddress;
//   - ParseRawTx: Core's witness/legacy decoding heuristic for raw
//     transactions.
//
// Struct field order is Core's output order, and the value types print as
// Core does: Amount as BTC with exactly eight decimals, Float (difficulty)
// with 16 significant digits.
//
// Script types come from chain/script's Classify, Core's Solver.
//
// Dependencies: wire, chain/consensus, chain/params, chain/address and
// chain/script. It sits below rpc and cmd, which both use it, and must not
// import them.
package txjson
