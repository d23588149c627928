// Package consensus holds Bitcoin's pure consensus computations: the compact
// difficulty encoding and proof-of-work check, merkle roots (with the
// CVE-2012-2459 mutation check), the BIP141 witness commitment and, as later
// work adds them, subsidy and context-free transaction checks.
//
// Everything here is a function of its arguments: no storage, no network, no
// clock, no logging. It depends on wire and the standard library only, so
// that every other part (params, validation, mining, wallets) can share it.
package consensus
