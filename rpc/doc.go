// Package rpc is bitnode's JSON-RPC server, answering as Bitcoin Core's
// does: the same method names, positional and named parameters, result
// fields and types, error codes and HTTP statuses, so that explorers,
// wallets and scripts written for Core work unchanged.
//
// # Transport
//
// ServeHTTP follows Core's httpserver.cpp and httprpc.cpp: clients outside
// loopback and --rpcallowip get 403; unknown HTTP methods 405; paths other
// than "/" 404; a request arriving when --rpcthreads requests run and
// --rpcworkqueue more wait gets 503 "Work queue depth exceeded"; anything
// but POST 405; missing or wrong credentials 401 (the latter after
// AuthFailDelay, to slow password guessing); bodies over MaxBodyBytes 413.
// Then HandleBody parses the JSON-RPC request (UniValue's rules: valid
// UTF-8, at most 512 levels deep) as Core's JSONRPCRequest::parse does.
// A version 1.0 request (no "jsonrpc", or "1.0") that fails gets an HTTP
// error status with the JSON error body: 400 for an invalid request, 404
// for an unknown method, 500 otherwise. A 2.0 request always gets 200, and
// one without an id is a notification, executed without a reply (204).
// Batches are executed in order, always 200 (204 when every member was a
// notification). Each request runs with --rpcservertimeout as its
// deadline.
//
// # Authentication
//
// Without --rpcpassword the server writes a random cookie,
// "__cookie__:<64 hex digits>", to <datadir>/.cookie (mode 0600) and
// removes it when it stops. --rpcuser/--rpcpassword and --rpcauth
// "user:salt$hmac" entries (HMAC-SHA256 of the password keyed with the
// salt, as Core's share/rpcauth) are accepted besides; every password is
// kept and compared only as such an HMAC, in constant time. ResolveBind
// applies Core's binding rules: loopback (127.0.0.1 and ::1) unless
// --rpcbind says otherwise, and a non-loopback --rpcbind only with
// --rpcallowip.
//
// # Methods
//
// Every method is a Command in one table, registered from one file per
// Core category (blockchain.go, control.go, mining.go, generating.go,
// network.go, rawtransactions.go, util.go, with the mempool methods of
// Core's blockchain category in mempool.go). A Command documents its
// arguments and results the way Core's RPCHelpMan does, and the help text
// is rendered from that in Core's layout. The same documentation drives
// the argument checks (count: the help text as RPC_MISC_ERROR; JSON types:
// RPC_TYPE_ERROR "Wrong type passed"), Core's named-argument mapping
// (aliases, null-filled gaps, "args" for leading positional arguments),
// the generated docs/rpc.md (Reference) and, with Config.DocCheck (Core's
// -rpcdoccheck, on in every test), a check of every result against the
// documented fields and types. A panicking handler is reported as an
// error, never a crash.
//
// The server reaches the node through interfaces declared here (Chain,
// Mempool, Network, Miner, FeeEstimator, TxIndex, BlockFilters, Logging),
// so nothing below this package knows about it; a missing subsystem gives
// Core's "disabled" errors (-31 for P2P, -33 for the mempool).
package rpc
