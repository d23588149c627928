// Package script is Bitcoin's script system: the opcodes, the interpreter
// and everything needed to decide whether a transaction input may spend the
// output it names.
//
// The package holds:
//
//   - opcodes and parsing (opcode.go): the full opcode table with Bitcoin
//     Core's names, a Tokenizer that walks a script's instructions without
//     allocating and never panics on truncated pushes, and ParseOps;
//   - disassembly (asm.go): Disasm, byte-for-byte Bitcoin Core's
//     ScriptToAsmStr, the "asm" field of decoderawtransaction, decodescript
//     and getblock, including the "[ALL]"-style sighash decoding of
//     scriptSig signatures;
//   - the interpreter: legacy script, P2SH (BIP16), segwit v0 (BIP141/143)
//     and taproot/tapscript (BIP341/342), with Core's verification flags
//     and its ScriptError kinds (ErrorKind values are Core's names, such as
//     "BAD_OPCODE", so script_tests.json compares directly);
//   - signature hashes: legacy SignatureHash, BIP143 and BIP341;
//   - standard templates: recognising P2PK, P2PKH, P2SH, multisig, null
//     data and witness programs, and signature-operation counting;
//   - a signature cache and a parallel input verifier.
//
// Dependencies: script may import only the standard library, wire,
// chain/params, chain/consensus and github.com/btcsuite/btcd/btcec/v2 (for
// secp256k1 ECDSA and BIP340 Schnorr). It must not import chain/address,
// the chain state, mempool, node, rpc or wallet: it judges scripts, it does
// not know where coins are or how addresses are spelled.
package script
