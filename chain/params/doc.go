// Package params describes the networks a bitnode can join: Bitcoin's own
// five (main, testnet3, testnet4, signet and regtest, with the values Bitcoin
// Core uses) and custom networks defined by a JSON chain spec.
//
// A *Params carries everything that distinguishes one network from another:
// the P2P message start ("magic") and default ports, DNS seeds, the genesis
// block and its hash, the proof-of-work limit and retargeting rules, the
// subsidy schedule, the heights at which the buried soft forks (BIP34, BIP65,
// BIP66, CSV, segwit) and taproot apply, the IBD anti-DoS values
// (minimum chain work, assume-valid block) and the address and key encodings.
//
// The five Bitcoin networks are package variables (MainNet, TestNet3,
// TestNet4, SigNet, RegTest); ByName and ByNet look them up. Their genesis
// blocks are built in code from the same inputs Bitcoin Core uses and are
// checked against Core's hashes by the tests.
//
// ParseChainSpec and LoadChainSpec build a *Params for a private network
// (a devnet) from a JSON spec, validating every field and mining the genesis
// block when the spec does not give a nonce that meets its target.
//
// # Chain specs
//
// A chain spec is a JSON object describing a custom network. Fields (all
// names are exact; unknown fields are rejected):
//
//	name                       required; 1–32 of [a-z0-9._-], not a Bitcoin network's name or alias
//	magic                      required; 8 hex digits, the message-start bytes in wire order
//	port, rpcport              required; 1–65535, different from each other
//	bech32_hrp                 required; lowercase BIP173 HRP of at most 30 characters, not "bc"
//	pubkey_hash_addr_id        required; 0–255, not mainnet's 0 or 5
//	script_hash_addr_id        required; 0–255, not mainnet's 0 or 5, not pubkey_hash_addr_id
//	private_key_id             required; 0–255
//	hd_private_key_id          optional; 8 hex digits (default 04358394, tprv)
//	hd_public_key_id           optional; 8 hex digits (default 043587cf, tpub)
//	pow_limit_bits             required; compact target as 8 hex digits, e.g. "207fffff"
//	retarget                   optional; false disables difficulty adjustment (default true)
//	allow_min_difficulty       optional; testnet's 20-minute rule (default false)
//	block_interval_seconds     optional; default 600
//	retarget_timespan_seconds  optional; default 1209600, at least block_interval_seconds
//	halving_interval           optional; default 210000
//	activation_heights         optional object {bip34, bip65, bip66, csv, segwit, taproot};
//	                           defaults as regtest: 1, 1, 1, 1, 0, 0
//	minimum_chain_work         optional; hex, at most 64 digits (default 0)
//	coinbase_maturity          optional; 0–1000000 (default 100)
//	genesis                    required object:
//	  timestamp                required; 1–4294967295 (Unix seconds)
//	  message                  required; 1–91 bytes, pushed in the coinbase scriptSig
//	  bits                     optional; 8 hex digits, not easier than pow_limit_bits (default pow_limit_bits)
//	  nonce                    optional; 0–4294967295; mined when absent or not meeting the target
//	  version                  optional; 1–2147483647 (default 1)
//	  reward                   optional; satoshis, 0–2100000000000000 (default 5000000000)
//	  output_script            optional; hex (default Bitcoin's genesis pay-to-pubkey script)
//
// Mining starts at nonce 0 and moves to the next timestamp when the nonces
// run out, so the same spec always yields the same block. A spec whose
// genesis would need more than DefaultMaxGenesisWork expected hashes is
// rejected: give its nonce instead. testdata/devnet-spec.json is a complete
// example.
//
// Every *Params, including the package variables, is shared and must be
// treated as read-only: callers that need a variant make their own copy.
//
// Dependencies: wire, chain/consensus and the standard library only. This
// package must never import store, mempool, node or rpc; everything else
// depends on it, not the other way round.
package params
