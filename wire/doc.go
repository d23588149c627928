// Package wire implements Bitcoin's serialization formats byte for byte:
// the 32-byte hash type, transactions (with BIP144 witness serialization),
// block headers and blocks, CompactSize integers, every P2P message of
// protocol version 70016, BIP155 network addresses, block locators and the
// message framing (magic, command, length, checksum).
//
// Everything read from a peer or a file is hostile: decoders bound every
// allocation by the bytes actually present and by the protocol's limits, never
// panic, and return a *MessageError whose Err is one of the ErrorKind values,
// with a description that says what was wrong and where.
//
// wire depends on the standard library only. It knows nothing of consensus
// rules, networks' parameters, scripts or storage: those live in chain and
// above, and import wire, never the reverse.
package wire
