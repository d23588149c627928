package address

import (
	"crypto/sha256"
	"fmt"
	"strings"

	"golang.org/x/crypto/ripemd160" //nolint:staticcheck // Bitcoin's HASH160 is defined with RIPEMD-160.

	"github.com/bitnode/bitnode/chain/params"
)

// Script opcodes used by the standard output templates.
const (
	opDup         = 0x76
	opHash160     = 0xa9
	opEqual       = 0x87
	opEqualVerify = 0x88
	opCheckSig    = 0xac
	op0           = 0x00
	op1           = 0x51
	op16          = 0x60
)

// Sizes of the hashes and keys behind the standard address types.
const (
	hash160Len   = 20
	sha256Len    = 32
	taprootKeyLn = 32
)

// Address is a destination bound to one network: String returns its
// encoding on that network, ScriptPubKey the output script it pays to.
//
// The concrete types are *P2PKH, *P2SH, *P2WPKH, *P2WSH, *P2TR and
// *WitnessUnknown; use a type switch to tell them apart. Values are
// immutable; the slices returned by methods are fresh copies.
type Address interface {
	// String returns the canonical encoding (Base58Check, or lowercase
	// bech32/bech32m).
	String() string
	// ScriptPubKey returns the output script paying to the address.
	ScriptPubKey() []byte
	// IsForNet reports whether the address's encoding is valid on p:
	// same Base58 version byte, or same bech32 HRP. (TestNet3, TestNet4
	// and SigNet share encodings, so an address is "for" all three.)
	IsForNet(p *params.Params) bool
	// Params returns the network the address was created for.
	Params() *params.Params
}

// WitnessAddress is an Address paying to a segwit output (version 0..16).
type WitnessAddress interface {
	Address
	// WitnessVersion returns the witness version, 0..16.
	WitnessVersion() byte
	// WitnessProgram returns a copy of the 2..40-byte witness program.
	WitnessProgram() []byte
}

// Hash160 returns RIPEMD160(SHA256(b)), the hash behind P2PKH, P2SH and
// P2WPKH.
func Hash160(b []byte) []byte {
	s := sha256.Sum256(b)
	h := ripemd160.New()
	h.Write(s[:])
	return h.Sum(nil)
}

func errNilParams() error {
	return newError(ErrInvalidArgument, "nil network parameters")
}

// P2PKH is a pay-to-public-key-hash address (Base58Check).
type P2PKH struct {
	hash [hash160Len]byte
	net  *params.Params
}

// NewP2PKH returns the P2PKH address for a 20-byte public key hash
// (Hash160 of the serialized public key).
func NewP2PKH(pubKeyHash []byte, p *params.Params) (*P2PKH, error) {
	if p == nil {
		return nil, errNilParams()
	}
	if len(pubKeyHash) != hash160Len {
		return nil, newError(ErrInvalidLength, "public key hash is %d bytes, want %d", len(pubKeyHash), hash160Len)
	}
	a := &P2PKH{net: p}
	copy(a.hash[:], pubKeyHash)
	return a, nil
}

// Hash returns the public key hash.
func (a *P2PKH) Hash() [hash160Len]byte { return a.hash }

// String returns the Base58Check encoding.
func (a *P2PKH) String() string { return encodeBase58Addr(a.net.PubKeyHashAddrID, a.hash) }

// ScriptPubKey returns OP_DUP OP_HASH160 <hash> OP_EQUALVERIFY OP_CHECKSIG.
func (a *P2PKH) ScriptPubKey() []byte {
	s := make([]byte, 0, 25)
	s = append(s, opDup, opHash160, hash160Len)
	s = append(s, a.hash[:]...)
	return append(s, opEqualVerify, opCheckSig)
}

// IsForNet reports whether p uses the same P2PKH version byte.
func (a *P2PKH) IsForNet(p *params.Params) bool {
	return p != nil && p.PubKeyHashAddrID == a.net.PubKeyHashAddrID
}

// Params returns the address's network.
func (a *P2PKH) Params() *params.Params { return a.net }

// P2SH is a pay-to-script-hash address (Base58Check).
type P2SH struct {
	hash [hash160Len]byte
	net  *params.Params
}

// NewP2SH returns the P2SH address for a 20-byte script hash.
func NewP2SH(scriptHash []byte, p *params.Params) (*P2SH, error) {
	if p == nil {
		return nil, errNilParams()
	}
	if len(scriptHash) != hash160Len {
		return nil, newError(ErrInvalidLength, "script hash is %d bytes, want %d", len(scriptHash), hash160Len)
	}
	a := &P2SH{net: p}
	copy(a.hash[:], scriptHash)
	return a, nil
}

// NewP2SHFromScript returns the P2SH address paying to redeemScript.
func NewP2SHFromScript(redeemScript []byte, p *params.Params) (*P2SH, error) {
	return NewP2SH(Hash160(redeemScript), p)
}

// Hash returns the script hash.
func (a *P2SH) Hash() [hash160Len]byte { return a.hash }

// String returns the Base58Check encoding.
func (a *P2SH) String() string { return encodeBase58Addr(a.net.ScriptHashAddrID, a.hash) }

// ScriptPubKey returns OP_HASH160 <hash> OP_EQUAL.
func (a *P2SH) ScriptPubKey() []byte {
	s := make([]byte, 0, 23)
	s = append(s, opHash160, hash160Len)
	s = append(s, a.hash[:]...)
	return append(s, opEqual)
}

// IsForNet reports whether p uses the same P2SH version byte.
func (a *P2SH) IsForNet(p *params.Params) bool {
	return p != nil && p.ScriptHashAddrID == a.net.ScriptHashAddrID
}

// Params returns the address's network.
func (a *P2SH) Params() *params.Params { return a.net }

func encodeBase58Addr(version byte, hash [hash160Len]byte) string {
	var b [1 + hash160Len]byte
	b[0] = version
	copy(b[1:], hash[:])
	return Base58CheckEncode(b[:])
}

// witnessBase holds what every segwit address type shares.
type witnessBase struct {
	version byte
	program []byte
	net     *params.Params
	str     string
}

func newWitnessBase(version byte, program []byte, p *params.Params) (witnessBase, error) {
	if p == nil {
		return witnessBase{}, errNilParams()
	}
	s, err := EncodeSegWit(p.Bech32HRP, version, program)
	if err != nil {
		return witnessBase{}, err
	}
	prog := append([]byte(nil), program...)
	return witnessBase{version: version, program: prog, net: p, str: s}, nil
}

// String returns the lowercase bech32 (v0) or bech32m (v1+) encoding.
func (w *witnessBase) String() string { return w.str }

// ScriptPubKey returns OP_n <program>.
func (w *witnessBase) ScriptPubKey() []byte {
	s := make([]byte, 0, 2+len(w.program))
	op := byte(op0)
	if w.version > 0 {
		op = op1 - 1 + w.version
	}
	s = append(s, op, byte(len(w.program)))
	return append(s, w.program...)
}

// IsForNet reports whether p uses the same bech32 HRP.
func (w *witnessBase) IsForNet(p *params.Params) bool {
	return p != nil && strings.EqualFold(p.Bech32HRP, w.net.Bech32HRP)
}

// Params returns the address's network.
func (w *witnessBase) Params() *params.Params { return w.net }

// WitnessVersion returns the witness version.
func (w *witnessBase) WitnessVersion() byte { return w.version }

// WitnessProgram returns a copy of the witness program.
func (w *witnessBase) WitnessProgram() []byte { return append([]byte(nil), w.program...) }

// P2WPKH is a version 0 pay-to-witness-public-key-hash address.
type P2WPKH struct{ witnessBase }

// NewP2WPKH returns the P2WPKH address for a 20-byte public key hash.
func NewP2WPKH(pubKeyHash []byte, p *params.Params) (*P2WPKH, error) {
	if len(pubKeyHash) != hash160Len {
		return nil, newError(ErrInvalidProgramLength, "P2WPKH hash is %d bytes, want %d", len(pubKeyHash), hash160Len)
	}
	w, err := newWitnessBase(0, pubKeyHash, p)
	if err != nil {
		return nil, err
	}
	return &P2WPKH{w}, nil
}

// Hash returns the public key hash.
func (a *P2WPKH) Hash() [hash160Len]byte { return [hash160Len]byte(a.program) }

// P2WSH is a version 0 pay-to-witness-script-hash address.
type P2WSH struct{ witnessBase }

// NewP2WSH returns the P2WSH address for a 32-byte SHA256 script hash.
func NewP2WSH(scriptHash []byte, p *params.Params) (*P2WSH, error) {
	if len(scriptHash) != sha256Len {
		return nil, newError(ErrInvalidProgramLength, "P2WSH hash is %d bytes, want %d", len(scriptHash), sha256Len)
	}
	w, err := newWitnessBase(0, scriptHash, p)
	if err != nil {
		return nil, err
	}
	return &P2WSH{w}, nil
}

// NewP2WSHFromScript returns the P2WSH address paying to witnessScript.
func NewP2WSHFromScript(witnessScript []byte, p *params.Params) (*P2WSH, error) {
	h := sha256.Sum256(witnessScript)
	return NewP2WSH(h[:], p)
}

// Hash returns the script hash.
func (a *P2WSH) Hash() [sha256Len]byte { return [sha256Len]byte(a.program) }

// P2TR is a version 1 pay-to-taproot address (BIP341).
type P2TR struct{ witnessBase }

// NewP2TR returns the P2TR address for a 32-byte x-only output key. The
// key is not checked to be on the curve (this package has no secp256k1).
func NewP2TR(outputKey []byte, p *params.Params) (*P2TR, error) {
	if len(outputKey) != taprootKeyLn {
		return nil, newError(ErrInvalidProgramLength, "taproot output key is %d bytes, want %d", len(outputKey), taprootKeyLn)
	}
	w, err := newWitnessBase(1, outputKey, p)
	if err != nil {
		return nil, err
	}
	return &P2TR{w}, nil
}

// OutputKey returns the x-only output key.
func (a *P2TR) OutputKey() [taprootKeyLn]byte { return [taprootKeyLn]byte(a.program) }

// WitnessUnknown is a segwit address of a version or program length with
// no defined meaning yet: version 1 with a program other than 32 bytes
// (e.g. the 2-byte pay-to-anchor), or versions 2..16. Such outputs are
// valid to pay to (BIP350) and must round-trip.
type WitnessUnknown struct{ witnessBase }

// NewWitnessUnknown returns a WitnessUnknown address. Version 0 programs
// and 32-byte version 1 programs are rejected: they have their own types
// (use NewWitnessAddress to pick the type from any version and program).
func NewWitnessUnknown(version byte, program []byte, p *params.Params) (*WitnessUnknown, error) {
	if version == 0 || (version == 1 && len(program) == taprootKeyLn) {
		return nil, newError(ErrInvalidArgument,
			"witness version %d with a %d-byte program is not an unknown witness type", version, len(program))
	}
	w, err := newWitnessBase(version, program, p)
	if err != nil {
		return nil, err
	}
	return &WitnessUnknown{w}, nil
}

// NewWitnessAddress returns the address type matching a witness version
// and program: P2WPKH, P2WSH, P2TR or WitnessUnknown. It enforces version
// 0..16 and program length 2..40 (20 or 32 for version 0).
func NewWitnessAddress(version byte, program []byte, p *params.Params) (WitnessAddress, error) {
	if err := checkWitnessProgram(version, len(program)); err != nil {
		return nil, err
	}
	switch {
	case version == 0 && len(program) == hash160Len:
		return NewP2WPKH(program, p)
	case version == 0:
		return NewP2WSH(program, p)
	case version == 1 && len(program) == taprootKeyLn:
		return NewP2TR(program, p)
	default:
		return NewWitnessUnknown(version, program, p)
	}
}

// Decode parses an address string for network p: Base58Check P2PKH/P2SH,
// or bech32/bech32m segwit in either case (mixed case is rejected). A
// well-formed address of another network fails with ErrWrongNetwork.
// Segwit addresses must satisfy BIP173/BIP350: witness version 0..16,
// program 2..40 bytes (20 or 32 for version 0), bech32 for version 0 and
// bech32m for versions 1..16, canonical padding.
//
// Unlike Bitcoin Core, surrounding whitespace is not skipped.
func Decode(s string, p *params.Params) (Address, error) {
	if p == nil {
		return nil, errNilParams()
	}
	a, err, bechErr := decode(s, p)
	if err == nil {
		return a, nil
	}
	e := asError(err)
	switch {
	case !coreRoutesBech32(s, p):
		e.core, e.locations = coreBase58Message(s, p), nil
	case bechErr != nil:
		be := asError(bechErr)
		e.core, e.locations = be.core, be.locations
	}
	return nil, e
}

// decode does Decode's work. bechErr is Bech32Decode's error, if any, for
// Core's message selection.
func decode(s string, p *params.Params) (Address, error, error) {
	enc, hrp, data, bechErr := Bech32Decode(s)
	if bechErr == nil {
		a, err := segwitAddress(enc, hrp, data, p)
		return a, err, nil
	}
	payload, b58Err := Base58CheckDecode(s)
	if b58Err == nil {
		a, err := base58Address(payload, p)
		return a, err, bechErr
	}
	// Neither decoded: report the error of the encoding the string
	// was most likely meant to be in.
	switch {
	case coreRoutesBech32(s, p):
		return nil, bechErr, bechErr
	case isBase58String(s) || !strings.ContainsRune(s, '1'):
		return nil, b58Err, bechErr
	default:
		return nil, bechErr, bechErr
	}
}

// segwitAddress validates decoded bech32 data as a segwit address of p.
func segwitAddress(enc Encoding, hrp string, data []byte, p *params.Params) (Address, error) {
	if len(data) == 0 {
		_, _, err := witnessFromData(enc, data)
		return nil, err
	}
	if want := strings.ToLower(p.Bech32HRP); hrp != want {
		return nil, newError(ErrWrongNetwork,
			"bech32 human-readable part %q is not %q of network %q", hrp, want, p.Name).
			withCore(fmt.Sprintf(coreWrongHRPFmt, p.Bech32HRP, hrp))
	}
	version, program, err := witnessFromData(enc, data)
	if err != nil {
		return nil, err
	}
	return NewWitnessAddress(version, program, p)
}

// base58Address interprets a Base58Check payload as a P2PKH or P2SH
// address of p.
func base58Address(payload []byte, p *params.Params) (Address, error) {
	if len(payload) != 1+hash160Len {
		return nil, newError(ErrInvalidLength,
			"base58 address payload is %d bytes, want %d (version byte and 20-byte hash)",
			len(payload), 1+hash160Len)
	}
	switch payload[0] {
	case p.PubKeyHashAddrID:
		return NewP2PKH(payload[1:], p)
	case p.ScriptHashAddrID:
		return NewP2SH(payload[1:], p)
	default:
		return nil, newError(ErrWrongNetwork,
			"base58 version byte 0x%02x is neither P2PKH (0x%02x) nor P2SH (0x%02x) of network %q",
			payload[0], p.PubKeyHashAddrID, p.ScriptHashAddrID, p.Name)
	}
}

// isBase58String reports whether s is non-empty and uses only the Base58
// alphabet.
func isBase58String(s string) bool {
	for i := 0; i < len(s); i++ {
		if base58Digits[s[i]] < 0 {
			return false
		}
	}
	return s != ""
}

// coreRoutesBech32 mirrors Bitcoin Core's DecodeDestination, which treats
// a string as bech32 exactly when it starts (case-insensitively) with the
// network's HRP, and as Base58 otherwise.
func coreRoutesBech32(s string, p *params.Params) bool {
	n := len(p.Bech32HRP)
	return n > 0 && len(s) >= n && strings.EqualFold(s[:n], p.Bech32HRP)
}

// coreBase58Message is the message Core gives for a string it routed to
// its Base58 decoder and rejected.
func coreBase58Message(s string, p *params.Params) string {
	if data, err := Base58CheckDecode(s); err == nil && len(data) <= 1+hash160Len {
		if len(data) > 0 && (data[0] == p.PubKeyHashAddrID || data[0] == p.ScriptHashAddrID) {
			return coreBase58Length
		}
		return coreBase58Unsupported
	}
	if raw, err := Base58Decode(s); err != nil || len(raw) > 100 {
		return coreInvalidEncoding
	}
	return coreBase58Checksum
}

// FromScriptPubKey returns the address an output script pays to, for the
// standard templates: P2PKH, P2SH and witness programs of versions 0..16
// (version 0 only with 20- or 32-byte programs). Other scripts (P2PK,
// bare multisig, OP_RETURN, non-standard) have no address and fail with
// ErrUnsupportedScript.
func FromScriptPubKey(script []byte, p *params.Params) (Address, error) {
	if p == nil {
		return nil, errNilParams()
	}
	n := len(script)
	switch {
	case n == 25 && script[0] == opDup && script[1] == opHash160 && script[2] == hash160Len &&
		script[23] == opEqualVerify && script[24] == opCheckSig:
		return NewP2PKH(script[3:23], p)
	case n == 23 && script[0] == opHash160 && script[1] == hash160Len && script[22] == opEqual:
		return NewP2SH(script[2:22], p)
	}
	if version, program, ok := witnessProgram(script); ok {
		return NewWitnessAddress(version, program, p)
	}
	return nil, newError(ErrUnsupportedScript, "script of %d bytes matches no address template", n)
}

// witnessProgram recognises a BIP141 witness output: a version opcode
// (OP_0, OP_1..OP_16) followed by one direct push of 2..40 bytes.
func witnessProgram(script []byte) (byte, []byte, bool) {
	if len(script) < 2+MinWitnessProgramLen || len(script) > 2+MaxWitnessProgramLen {
		return 0, nil, false
	}
	if int(script[1]) != len(script)-2 {
		return 0, nil, false
	}
	switch op := script[0]; {
	case op == op0:
		return 0, script[2:], true
	case op >= op1 && op <= op16:
		return op - op1 + 1, script[2:], true
	}
	return 0, nil, false
}
