// Package address implements Bitcoin's textual encodings for destinations
// and keys: Base58 and Base58Check, bech32 (BIP173) and bech32m (BIP350),
// the standard address types (P2PKH, P2SH, P2WPKH, P2WSH, P2TR and future
// witness versions) and WIF private keys.
//
// It is the single place where strings typed by users become scripts and
// keys, and is shared by the RPC server (validateaddress,
// decoderawtransaction, ...) and the wallet. Decoding is strict and
// network-aware: every decoder takes the *params.Params of the network the
// string must belong to, and a string for another network is an error that
// matches ErrWrongNetwork under errors.Is.
//
// All failures are *Error values wrapping an ErrorKind, so callers branch
// with errors.Is(err, address.ErrInvalidChecksum) and friends, read a
// precise description (what and where) from Error(), and get Bitcoin
// Core's RPC wording from CoreErrorMessage and its "error_locations" from
// ErrorLocations.
//
// Dependencies: this package must stay wire-free and leaf-like. It may
// import only the standard library, golang.org/x/crypto and
// github.com/bitnode/bitnode/chain/params. It must never import mempool,
// node, rpc or wallet (those import it), nor the wire or script packages:
// the few script templates it needs (P2PKH, P2SH, witness programs) are
// built and recognised here byte by byte.
package address
