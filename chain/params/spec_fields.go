package params

import (
	"encoding/binary"
	"encoding/hex"
	"math"
	"math/big"
	"time"

	"github.com/bitnode/bitnode/chain/consensus"
)

// Limits on spec values beyond their types' ranges.
const (
	maxNameLen = 32
	// maxHRPLen keeps every segwit address within BIP173's 90 characters:
	// a 32-byte program (P2WSH, P2TR) takes 1 + 52 + 6 characters after
	// the separator, leaving 30 for the HRP.
	maxHRPLen = 30
	// maxSpecSeconds bounds block interval and retarget timespan (a year).
	maxSpecSeconds = 365 * 24 * 60 * 60
	// maxSpecMaturity bounds coinbase_maturity.
	maxSpecMaturity = 1_000_000
	// maxChainWorkDigits is 256 bits in hex.
	maxChainWorkDigits = 64
)

// applyIdentity sets the name, message start and ports.
func (s *chainSpec) applyIdentity(p *Params) error {
	name, err := requiredString("name", s.Name)
	if err != nil {
		return err
	}
	if err := checkName(name); err != nil {
		return err
	}
	p.Name = name

	magic, err := requiredString("magic", s.Magic)
	if err != nil {
		return err
	}
	b, err := fixedHex("magic", magic, 4)
	if err != nil {
		return err
	}
	p.Net = binary.LittleEndian.Uint32(b)
	if other, ok := ByNet(p.Net); ok {
		return fieldErr("magic", "%s is the message start of Bitcoin's %s network", magic, other.Name)
	}

	port, err := requiredInt("port", s.Port, 1, math.MaxUint16)
	if err != nil {
		return err
	}
	rpcPort, err := requiredInt("rpcport", s.RPCPort, 1, math.MaxUint16)
	if err != nil {
		return err
	}
	if rpcPort == port {
		return fieldErr("rpcport", "must differ from port (%d)", port)
	}
	p.DefaultPort, p.RPCPort = uint16(port), uint16(rpcPort)
	return nil
}

// checkName accepts 1–32 characters of [a-z0-9._-] starting with a letter or
// digit, other than Bitcoin's network names and aliases.
func checkName(name string) error {
	if name == "" || len(name) > maxNameLen {
		return fieldErr("name", "must be 1 to %d characters, got %d", maxNameLen, len(name))
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '-' && c != '_' && c != '.') {
			return fieldErr("name", "%q: only lowercase letters, digits, '-', '_' and '.' are allowed, "+
				"starting with a letter or digit", name)
		}
	}
	if isReservedName(name) {
		return fieldErr("name", "%q is the name of a Bitcoin network", name)
	}
	return nil
}

// applyAddresses sets the bech32 HRP and the Base58 and BIP32 versions.
func (s *chainSpec) applyAddresses(p *Params) error {
	hrp, err := requiredString("bech32_hrp", s.Bech32HRP)
	if err != nil {
		return err
	}
	if err := checkHRP(hrp); err != nil {
		return err
	}
	p.Bech32HRP = hrp

	ids := []struct {
		field string
		v     *int64
		dst   *byte
	}{
		{"pubkey_hash_addr_id", s.PubKeyHashAddrID, &p.PubKeyHashAddrID},
		{"script_hash_addr_id", s.ScriptHashAddrID, &p.ScriptHashAddrID},
		{"private_key_id", s.PrivateKeyID, &p.PrivateKeyID},
	}
	for _, id := range ids {
		v, err := requiredInt(id.field, id.v, 0, math.MaxUint8)
		if err != nil {
			return err
		}
		*id.dst = byte(v)
	}
	for _, id := range ids[:2] {
		if v := *id.dst; v == MainNet.PubKeyHashAddrID || v == MainNet.ScriptHashAddrID {
			return fieldErr(id.field, "%d is a mainnet address version; addresses would look like mainnet ones", v)
		}
	}
	if p.ScriptHashAddrID == p.PubKeyHashAddrID {
		return fieldErr("script_hash_addr_id", "must differ from pubkey_hash_addr_id (%d)", p.PubKeyHashAddrID)
	}

	if p.HDPrivateKeyID, err = optionalVersion("hd_private_key_id", s.HDPrivateKeyID, tprv); err != nil {
		return err
	}
	if p.HDPublicKeyID, err = optionalVersion("hd_public_key_id", s.HDPublicKeyID, tpub); err != nil {
		return err
	}
	if p.HDPublicKeyID == p.HDPrivateKeyID {
		return fieldErr("hd_public_key_id", "must differ from hd_private_key_id")
	}
	return nil
}

// checkHRP applies BIP173's rules (ASCII 33–126, no mixed case; lowercase
// here, as addresses are generated in lowercase), the 30-character bound
// that keeps 32-byte programs encodable, and refuses mainnet's "bc".
func checkHRP(hrp string) error {
	if hrp == "" || len(hrp) > maxHRPLen {
		return fieldErr("bech32_hrp", "must be 1 to %d characters, got %d", maxHRPLen, len(hrp))
	}
	for i := 0; i < len(hrp); i++ {
		c := hrp[i]
		if c < 33 || c > 126 {
			return fieldErr("bech32_hrp", "character %d is outside ASCII 33-126", i)
		}
		if c >= 'A' && c <= 'Z' {
			return fieldErr("bech32_hrp", "%q must be lowercase", hrp)
		}
	}
	if hrp == MainNet.Bech32HRP {
		return fieldErr("bech32_hrp", "%q is mainnet's; addresses would look like mainnet ones", hrp)
	}
	return nil
}

func optionalVersion(field string, v *string, def [4]byte) ([4]byte, error) {
	if v == nil {
		return def, nil
	}
	b, err := fixedHex(field, *v, 4)
	if err != nil {
		return def, err
	}
	return [4]byte(b), nil
}

// applyPow sets the proof-of-work limit and retargeting rules.
func (s *chainSpec) applyPow(p *Params) error {
	text, err := requiredString("pow_limit_bits", s.PowLimitBits)
	if err != nil {
		return err
	}
	if p.PowLimitBits, p.PowLimit, err = parseBits("pow_limit_bits", text); err != nil {
		return err
	}
	p.PowNoRetargeting = s.Retarget != nil && !*s.Retarget
	p.PowAllowMinDifficultyBlocks = s.AllowMinDifficulty != nil && *s.AllowMinDifficulty

	spacing, err := optionalInt("block_interval_seconds", s.BlockIntervalSeconds, 600, 1, maxSpecSeconds)
	if err != nil {
		return err
	}
	timespan, err := optionalInt("retarget_timespan_seconds", s.RetargetTimespanSeconds,
		int64(twoWeeks/time.Second), 1, maxSpecSeconds)
	if err != nil {
		return err
	}
	if timespan < spacing {
		return fieldErr("retarget_timespan_seconds", "%d is shorter than block_interval_seconds (%d)",
			timespan, spacing)
	}
	p.PowTargetSpacing = time.Duration(spacing) * time.Second
	p.PowTargetTimespan = time.Duration(timespan) * time.Second
	return nil
}

// parseBits parses a compact target given as 8 hex digits and rejects the
// encodings Core's SetCompact flags (negative, overflowing) and zero.
func parseBits(field, text string) (uint32, *big.Int, error) {
	b, err := fixedHex(field, text, 4)
	if err != nil {
		return 0, nil, err
	}
	bits := binary.BigEndian.Uint32(b)
	target, negative, overflow := consensus.CompactToBig(bits)
	switch {
	case negative:
		return 0, nil, fieldErr(field, "%s encodes a negative target", text)
	case overflow:
		return 0, nil, fieldErr(field, "%s encodes a target above 2^256", text)
	case target.Sign() == 0:
		return 0, nil, fieldErr(field, "%s encodes a zero target", text)
	}
	return bits, target, nil
}

// applyRules sets the subsidy schedule, activation heights, minimum chain
// work and coinbase maturity.
func (s *chainSpec) applyRules(p *Params) error {
	halving, err := optionalInt("halving_interval", s.HalvingInterval, 210000, 1, math.MaxInt32)
	if err != nil {
		return err
	}
	p.SubsidyHalvingInterval = int32(halving)

	h := s.ActivationHeights
	if h == nil {
		h = &heightsSpec{}
	}
	heights := []struct {
		field string
		v     *int64
		def   int64
		dst   *int32
	}{
		{"activation_heights.bip34", h.BIP34, 1, &p.BIP34Height},
		{"activation_heights.bip65", h.BIP65, 1, &p.BIP65Height},
		{"activation_heights.bip66", h.BIP66, 1, &p.BIP66Height},
		{"activation_heights.csv", h.CSV, 1, &p.CSVHeight},
		{"activation_heights.segwit", h.Segwit, 0, &p.SegwitHeight},
		{"activation_heights.taproot", h.Taproot, 0, &p.TaprootHeight},
	}
	for _, ah := range heights {
		v, err := optionalInt(ah.field, ah.v, ah.def, 0, math.MaxInt32)
		if err != nil {
			return err
		}
		*ah.dst = int32(v)
	}

	p.MinimumChainWork = new(big.Int)
	if w := s.MinimumChainWork; w != nil {
		if *w == "" || len(*w) > maxChainWorkDigits {
			return fieldErr("minimum_chain_work", "must be 1 to %d hex digits", maxChainWorkDigits)
		}
		if _, ok := p.MinimumChainWork.SetString(*w, 16); !ok {
			return fieldErr("minimum_chain_work", "%q is not hexadecimal", *w)
		}
	}

	maturity, err := optionalInt("coinbase_maturity", s.CoinbaseMaturity, CoinbaseMaturity, 0, maxSpecMaturity)
	if err != nil {
		return err
	}
	p.CoinbaseMaturity = int32(maturity)
	return nil
}

// requiredString returns *v, or an error naming field if it is absent.
func requiredString(field string, v *string) (string, error) {
	if v == nil {
		return "", fieldErr(field, "is required")
	}
	return *v, nil
}

// requiredInt returns *v if present and within [lo, hi].
func requiredInt(field string, v *int64, lo, hi int64) (int64, error) {
	if v == nil {
		return 0, fieldErr(field, "is required")
	}
	return optionalInt(field, v, 0, lo, hi)
}

// optionalInt returns *v, or def when absent, checking [lo, hi].
func optionalInt(field string, v *int64, def, lo, hi int64) (int64, error) {
	if v == nil {
		return def, nil
	}
	if *v < lo || *v > hi {
		return 0, fieldErr(field, "%d is outside %d to %d", *v, lo, hi)
	}
	return *v, nil
}

// fixedHex decodes exactly n bytes written as 2n hex digits.
func fixedHex(field, text string, n int) ([]byte, error) {
	if len(text) != 2*n {
		return nil, fieldErr(field, "%q must be exactly %d hex digits", text, 2*n)
	}
	b, err := hex.DecodeString(text)
	if err != nil {
		return nil, fieldErr(field, "%q is not hexadecimal", text)
	}
	return b, nil
}
