package address

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Encoding selects the checksum constant of a bech32 string.
type Encoding int

const (
	// Bech32 is BIP173's encoding (checksum constant 1), used by
	// witness version 0.
	Bech32 Encoding = 1
	// Bech32m is BIP350's encoding (checksum constant 0x2bc830a3), used
	// by witness versions 1 to 16.
	Bech32m Encoding = 2
)

// String returns "bech32", "bech32m" or "invalid".
func (e Encoding) String() string {
	switch e {
	case Bech32:
		return "bech32"
	case Bech32m:
		return "bech32m"
	default:
		return "invalid"
	}
}

// checksumConst is the value the checksum polynomial must leave.
func (e Encoding) checksumConst() uint32 {
	if e == Bech32m {
		return 0x2bc830a3
	}
	return 1
}

const (
	// MaxBech32Length is BIP173's limit on the length of a bech32 string.
	MaxBech32Length = 90
	// bech32ChecksumLen is the number of checksum characters.
	bech32ChecksumLen = 6
	// bech32Charset maps 5-bit values to characters.
	bech32Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

	// MinWitnessProgramLen and MaxWitnessProgramLen bound witness
	// programs of any version (BIP141).
	MinWitnessProgramLen = 2
	MaxWitnessProgramLen = 40
	// MaxWitnessVersion is the highest witness version (OP_16).
	MaxWitnessVersion = 16
)

// bech32Values maps a lowercase character to its 5-bit value, or -1.
var bech32Values = func() [256]int8 {
	var t [256]int8
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(bech32Charset); i++ {
		t[bech32Charset[i]] = int8(i)
	}
	return t
}()

// polymodStep feeds one 5-bit value into the BCH checksum state.
func polymodStep(chk uint32, v byte) uint32 {
	top := chk >> 25
	chk = (chk&0x1ffffff)<<5 ^ uint32(v)
	if top&1 != 0 {
		chk ^= 0x3b6a57b2
	}
	if top&2 != 0 {
		chk ^= 0x26508e6d
	}
	if top&4 != 0 {
		chk ^= 0x1ea119fa
	}
	if top&8 != 0 {
		chk ^= 0x3d4233dd
	}
	if top&16 != 0 {
		chk ^= 0x2a1462b3
	}
	return chk
}

// hrpPolymod returns the checksum state after the expanded (lowercase)
// human-readable part: high bits, a zero, low bits.
func hrpPolymod(hrp string) uint32 {
	chk := uint32(1)
	for i := 0; i < len(hrp); i++ {
		chk = polymodStep(chk, hrp[i]>>5)
	}
	chk = polymodStep(chk, 0)
	for i := 0; i < len(hrp); i++ {
		chk = polymodStep(chk, hrp[i]&31)
	}
	return chk
}

// Bech32Encode encodes the human-readable part and 5-bit data values with
// the given encoding's checksum. The result is lowercase (an uppercase HRP
// is lowercased). It fails if the HRP is empty or has characters outside
// 33..126, a data value is above 31, or the result would exceed 90
// characters.
func Bech32Encode(enc Encoding, hrp string, data []byte) (string, error) {
	if enc != Bech32 && enc != Bech32m {
		return "", newError(ErrInvalidArgument, "unknown bech32 encoding %d", int(enc))
	}
	if hrp == "" {
		return "", newError(ErrInvalidHRP, "empty human-readable part")
	}
	for i := 0; i < len(hrp); i++ {
		if hrp[i] < 33 || hrp[i] > 126 {
			return "", newError(ErrInvalidCharacter,
				"invalid character %s at position %d of the human-readable part", charDesc(hrp[i]), i)
		}
	}
	if n := len(hrp) + 1 + len(data) + bech32ChecksumLen; n > MaxBech32Length {
		return "", newError(ErrInvalidLength,
			"bech32 string would be %d characters, maximum is %d", n, MaxBech32Length)
	}
	hrp = strings.ToLower(hrp)
	chk := hrpPolymod(hrp)
	var sb strings.Builder
	sb.Grow(len(hrp) + 1 + len(data) + bech32ChecksumLen)
	sb.WriteString(hrp)
	sb.WriteByte('1')
	for i, v := range data {
		if v > 31 {
			return "", newError(ErrInvalidArgument, "data value %d at index %d does not fit in 5 bits", v, i)
		}
		chk = polymodStep(chk, v)
		sb.WriteByte(bech32Charset[v])
	}
	for i := 0; i < bech32ChecksumLen; i++ {
		chk = polymodStep(chk, 0)
	}
	chk ^= enc.checksumConst()
	for i := 0; i < bech32ChecksumLen; i++ {
		sb.WriteByte(bech32Charset[(chk>>uint(5*(bech32ChecksumLen-1-i)))&31])
	}
	return sb.String(), nil
}

// Bech32Decode decodes a bech32 or bech32m string (BIP173, BIP350). It
// returns which checksum constant verified, the lowercased human-readable
// part and the 5-bit data values without the checksum. Upper- and
// lowercase strings are accepted, mixed case is not.
func Bech32Decode(s string) (Encoding, string, []byte, error) {
	if err := checkBech32Chars(s); err != nil {
		return 0, "", nil, err
	}
	sep := strings.LastIndexByte(s, '1')
	if sep < 0 {
		return 0, "", nil, newError(ErrMissingSeparator, "bech32 string has no '1' separator").
			withCore(coreBech32NoSeparator)
	}
	if sep == 0 {
		return 0, "", nil, newError(ErrInvalidHRP, "empty human-readable part (separator at position 0)").
			withCore(coreBech32SepPosition).withLocations([]int{0})
	}
	if n := len(s) - sep - 1; n < bech32ChecksumLen {
		return 0, "", nil, newError(ErrInvalidLength,
			"data part after the separator at position %d has %d characters, the checksum alone needs %d",
			sep, n, bech32ChecksumLen).withCore(coreBech32SepPosition).withLocations([]int{sep})
	}
	hrp := strings.ToLower(s[:sep])
	values := make([]byte, len(s)-sep-1)
	for i := range values {
		pos := sep + 1 + i
		c := s[pos]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		v := bech32Values[c]
		if v < 0 {
			return 0, "", nil, newError(ErrInvalidCharacter,
				"invalid character %s at position %d", charDesc(s[pos]), pos).
				withCore(coreBech32Base32Char).withLocations([]int{pos})
		}
		values[i] = byte(v)
	}
	chk := hrpPolymod(hrp)
	for _, v := range values {
		chk = polymodStep(chk, v)
	}
	var enc Encoding
	switch chk {
	case Bech32.checksumConst():
		enc = Bech32
	case Bech32m.checksumConst():
		enc = Bech32m
	default:
		return 0, "", nil, checksumError(s, len(values), chk)
	}
	data := values[: len(values)-bech32ChecksumLen : len(values)-bech32ChecksumLen]
	return enc, hrp, data, nil
}

// maxReportedLocations caps the error positions kept for a too-long string.
const maxReportedLocations = 1000

// checkBech32Chars enforces the length limit, the 33..126 character range
// and the no-mixed-case rule. Like Core, it records every offending
// position: characters out of range, and letters whose case differs from
// the first letter's.
func checkBech32Chars(s string) error {
	if len(s) > MaxBech32Length {
		locs := make([]int, min(len(s)-MaxBech32Length, maxReportedLocations))
		for i := range locs {
			locs[i] = MaxBech32Length + i
		}
		return newError(ErrInvalidLength,
			"bech32 string is %d characters, maximum is %d", len(s), MaxBech32Length).
			withCore(coreBech32TooLong).withLocations(locs)
	}
	var first *Error
	var locs []int
	lower, upper := false, false
	for i := 0; i < len(s); i++ {
		var bad *Error
		switch c := s[i]; {
		case c < 33 || c > 126:
			bad = newError(ErrInvalidCharacter, "invalid character %s at position %d", charDesc(c), i)
		case c >= 'a' && c <= 'z' && upper:
			bad = newError(ErrMixedCase, "mixed case: lowercase %s at position %d in an uppercase string", charDesc(c), i)
		case c >= 'A' && c <= 'Z' && lower:
			bad = newError(ErrMixedCase, "mixed case: uppercase %s at position %d in a lowercase string", charDesc(c), i)
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= 'A' && c <= 'Z':
			upper = true
		}
		if bad != nil {
			locs = append(locs, i)
			if first == nil {
				first = bad
			}
		}
	}
	if first != nil {
		return first.withCore(coreBech32BadChar).withLocations(locs)
	}
	return nil
}

// checksumError builds the error for a string whose checksum verifies
// under neither constant. Like Core, it tries to locate up to two
// substituted data characters under each encoding and keeps the encoding
// needing fewer corrections (bech32 on a tie).
func checksumError(s string, dataLen int, chk uint32) *Error {
	enc := Encoding(0)
	locs := locateTypos(chk^Bech32.checksumConst(), len(s), dataLen)
	if locs != nil {
		enc = Bech32
	}
	if m := locateTypos(chk^Bech32m.checksumConst(), len(s), dataLen); m != nil && (locs == nil || len(m) < len(locs)) {
		enc, locs = Bech32m, m
	}
	if enc == 0 {
		return newError(ErrInvalidChecksum,
			"invalid checksum: neither a bech32 nor a bech32m checksum verifies, and no one- or two-character typo explains it").
			withCore(coreInvalidChecksum)
	}
	core := coreBech32Checksum
	if enc == Bech32m {
		core = coreBech32mChecksum
	}
	return newError(ErrInvalidChecksum, "invalid %s checksum: likely typo at position %s", enc, joinInts(locs)).
		withCore(core).withLocations(locs)
}

// typoSyndromes holds, for each position k (counted from the end of the
// string) and each non-zero error value e, the checksum residue that
// substituting value v by v XOR e at k adds, plus the inverse map from a
// single-substitution residue to its position. The checksum is
// GF(2)-linear in the data values, so residues of several substitutions
// add up by XOR.
type typoSyndromes struct {
	byPos  [MaxBech32Length][32]uint32
	single map[uint32]int
}

var typoTable = sync.OnceValue(func() *typoSyndromes {
	t := &typoSyndromes{single: make(map[uint32]int, MaxBech32Length*31)}
	for e := uint32(1); e < 32; e++ {
		v := e
		for k := 0; k < MaxBech32Length; k++ {
			t.byPos[k][e] = v
			t.single[v] = k
			v = polymodStep(v, 0)
		}
	}
	return t
})

// locateTypos returns the ascending string positions of one or two data
// characters whose substitution would turn the checksum residue (polymod
// XOR the encoding's constant) into zero, or nil if none would. BIP173's
// code has distance 5 over strings of this length, so such a correction,
// if it exists, is unique: one error is found by a lookup, two by one
// lookup per guess of the first.
func locateTypos(residue uint32, strLen, dataLen int) []int {
	t := typoTable()
	if k, ok := t.single[residue]; ok {
		if k < dataLen {
			return []int{strLen - 1 - k}
		}
		return nil
	}
	for k1 := 0; k1 < dataLen; k1++ {
		for e := 1; e < 32; e++ {
			if k2, ok := t.single[residue^t.byPos[k1][e]]; ok && k2 != k1 && k2 < dataLen {
				p1, p2 := strLen-1-k1, strLen-1-k2
				return []int{min(p1, p2), max(p1, p2)}
			}
		}
	}
	return nil
}

// joinInts renders positions as "9" or "22 and 43".
func joinInts(v []int) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, " and ")
}

// ConvertBits regroups a sequence of fromBits-wide values into toBits-wide
// values (both 1..8), most significant bit first. With pad, a final
// partial group is zero-padded; without pad (decoding), leftover bits must
// be fewer than fromBits and all zero, else ErrInvalidPadding.
func ConvertBits(data []byte, fromBits, toBits uint8, pad bool) ([]byte, error) {
	if fromBits < 1 || fromBits > 8 || toBits < 1 || toBits > 8 {
		return nil, newError(ErrInvalidArgument, "bit widths %d and %d must be 1..8", fromBits, toBits)
	}
	out := make([]byte, 0, (len(data)*int(fromBits)+int(toBits)-1)/int(toBits))
	maxv := uint32(1)<<toBits - 1
	var acc uint32
	var bits uint8
	for i, v := range data {
		if uint32(v)>>fromBits != 0 {
			return nil, newError(ErrInvalidArgument, "value %d at index %d does not fit in %d bits", v, i, fromBits)
		}
		acc = acc<<fromBits | uint32(v)
		bits += fromBits
		for bits >= toBits {
			bits -= toBits
			out = append(out, byte(acc>>bits&maxv))
		}
		acc &= 1<<bits - 1 // keep only the bits not yet emitted
	}
	switch {
	case pad:
		if bits > 0 {
			out = append(out, byte(acc<<(toBits-bits)&maxv))
		}
	case bits >= fromBits:
		return nil, newError(ErrInvalidPadding,
			"%d bits of padding left over, at most %d allowed", bits, fromBits-1).
			withCore(coreBech32Padding)
	case acc != 0:
		return nil, newError(ErrInvalidPadding, "non-zero padding bits (%0*b)", int(bits), acc).
			withCore(coreBech32Padding)
	}
	return out, nil
}

// witnessEncoding returns the checksum encoding a witness version uses.
func witnessEncoding(version byte) Encoding {
	if version == 0 {
		return Bech32
	}
	return Bech32m
}

// checkWitnessProgram enforces the version range and program length rules
// of BIP141/BIP350.
func checkWitnessProgram(version byte, n int) error {
	if version > MaxWitnessVersion {
		return newError(ErrInvalidWitnessVersion,
			"invalid witness version %d, must be 0..%d", version, MaxWitnessVersion).
			withCore(coreWitnessVersion)
	}
	if n < MinWitnessProgramLen || n > MaxWitnessProgramLen {
		return newError(ErrInvalidProgramLength,
			"witness program is %d %s, must be %d..%d", n, byteWord(n),
			MinWitnessProgramLen, MaxWitnessProgramLen).
			withCore(fmt.Sprintf(coreProgramSizeFmt, n, byteWord(n)))
	}
	if version == 0 && n != 20 && n != 32 {
		return newError(ErrInvalidProgramLength,
			"version 0 witness program is %d %s, must be 20 or 32 (BIP141)", n, byteWord(n)).
			withCore(fmt.Sprintf(coreV0ProgramSizeFmt, n, byteWord(n)))
	}
	return nil
}

// EncodeSegWit encodes a witness program as a segwit address string:
// bech32 for version 0, bech32m for versions 1..16 (BIP350).
func EncodeSegWit(hrp string, version byte, program []byte) (string, error) {
	if err := checkWitnessProgram(version, len(program)); err != nil {
		return "", err
	}
	conv, err := ConvertBits(program, 8, 5, true)
	if err != nil {
		return "", err
	}
	data := make([]byte, 0, 1+len(conv))
	data = append(data, version)
	data = append(data, conv...)
	return Bech32Encode(witnessEncoding(version), hrp, data)
}

// DecodeSegWit decodes a segwit address string for any HRP, returning the
// lowercased HRP, the witness version and program. It enforces BIP173 and
// BIP350: version 0..16, program 2..40 bytes (20 or 32 for version 0),
// padding rules, and bech32 for version 0 / bech32m otherwise. Use Decode
// to also check the network.
func DecodeSegWit(s string) (string, byte, []byte, error) {
	enc, hrp, data, err := Bech32Decode(s)
	if err != nil {
		return "", 0, nil, err
	}
	version, program, err := witnessFromData(enc, data)
	if err != nil {
		return "", 0, nil, err
	}
	return hrp, version, program, nil
}

// witnessFromData interprets decoded bech32 data as a witness version and
// program. The error kind follows the BIP test vectors' order (version,
// padding, program length, checksum constant) while the attached Core
// message follows Bitcoin Core's order (checksum constant first).
func witnessFromData(enc Encoding, data []byte) (byte, []byte, error) {
	if len(data) == 0 {
		return 0, nil, newError(ErrEmptyData, "bech32 string has no data besides the checksum").
			withCore(coreBech32EmptyData)
	}
	version := data[0]
	program, convErr := ConvertBits(data[1:], 5, 8, false)
	var err error
	switch {
	case version > MaxWitnessVersion:
		err = checkWitnessProgram(version, 0)
	case convErr != nil:
		err = convErr
	default:
		err = checkWitnessProgram(version, len(program))
		if want := witnessEncoding(version); err == nil && enc != want {
			err = newError(ErrInvalidChecksum,
				"witness version %d requires a %s checksum, string uses %s", version, want, enc)
		}
	}
	if err != nil {
		return 0, nil, asError(err).withCore(coreWitnessMessage(enc, version, program, convErr))
	}
	return version, program, nil
}

// coreWitnessMessage reproduces Bitcoin Core's choice of message for an
// invalid witness address, in Core's order of checks.
func coreWitnessMessage(enc Encoding, version byte, program []byte, convErr error) string {
	switch {
	case version == 0 && enc != Bech32:
		return coreV0NeedsBech32
	case version != 0 && enc != Bech32m:
		return coreV1NeedsBech32m
	case convErr != nil:
		return coreBech32Padding
	case version == 0:
		return fmt.Sprintf(coreV0ProgramSizeFmt, len(program), byteWord(len(program)))
	case version > MaxWitnessVersion:
		return coreWitnessVersion
	default:
		return fmt.Sprintf(coreProgramSizeFmt, len(program), byteWord(len(program)))
	}
}
