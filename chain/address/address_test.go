package address

import (
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/bitnode/bitnode/chain/params"
)

// coreMessageCases are validateaddress results of Bitcoin Core for the
// same inputs (regtest cases from Core's rpc_invalid_address_message.py;
// mainnet cases follow Core's key_io.cpp decision order on the BIP
// vectors).
var coreMessageCases = []struct {
	net  *params.Params
	in   string
	kind ErrorKind
	msg  string
	locs []int
}{
	{params.RegTest, "bcrt1s0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav25430mtr",
		ErrInvalidProgramLength, "Invalid Bech32 address program size (41 bytes)", nil},
	{params.RegTest, "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx",
		ErrWrongNetwork, "Invalid or unsupported Segwit (Bech32) or Base58 encoding.", nil},
	{params.RegTest, "bcrt1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqdmchcc",
		ErrInvalidChecksum, "Version 1+ witness address must use Bech32m checksum", nil},
	{params.RegTest, "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7k35mrzd",
		ErrInvalidChecksum, "Version 0 witness address must use Bech32 checksum", nil},
	{params.RegTest, "bcrt130xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqynjegk",
		ErrInvalidWitnessVersion, "Invalid Bech32 address witness version", nil},
	{params.RegTest, "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kqqq5k3my",
		ErrInvalidProgramLength, "Invalid Bech32 v0 address program size (21 bytes), per BIP141", nil},
	{params.RegTest, "bcrt1q049edschfnwystcqnsvyfpj23mpsg3jcedq9xv049edschfnwystcqnsvyfpj23mpsg3jcedq9xv049edschfnwystcqnsvyfpj23m",
		ErrInvalidLength, "Bech32 string too long", []int{90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107}},
	{params.RegTest, "bcrt1q049edschfnwystcqnsvyfpj23mpsg3jcedq9xv",
		ErrInvalidChecksum, "Invalid Bech32 checksum", []int{9}},
	{params.RegTest, "bcrt1qax9suht3qv95sw33xavx8crpxduefdrsvgsklu",
		ErrInvalidChecksum, "Invalid Bech32 checksum", []int{22, 43}},
	{params.RegTest, "BCRT1QPLMTZKC2XHARPPZDLNPAQL78RSHJ68U32RAH7R",
		ErrInvalidChecksum, "Invalid Bech32 checksum", []int{38}},
	{params.RegTest, "bcrtq049ldschfnwystcqnsvyfpj23mpsg3jcedq9xv",
		ErrMissingSeparator, "Missing separator", nil},
	{params.RegTest, "bcrt1q04oldschfnwystcqnsvyfpj23mpsg3jcedq9xv",
		ErrInvalidCharacter, "Invalid Base 32 character", []int{8}},
	{params.RegTest, "bcrt1qdg3myrgvzw7ml8q0ejxhlkyxn7vl9r56yzkfgvzclrf4hkpx9yfqhpsuks",
		ErrInvalidChecksum, "Invalid Bech32 checksum", []int{19, 30}},
	{params.RegTest, "bcrt1ptmp74ayg7p24uslctssvjm06q5phz4yrxucgnv",
		ErrInvalidChecksum, "Invalid Bech32 checksum", []int{5}},
	{params.RegTest, "17VZNX1SN5NtKa8UQFxwQbFeFc3iqRYhem",
		ErrWrongNetwork, "Invalid or unsupported Base58-encoded address.", nil},
	{params.RegTest, "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJJfn",
		ErrInvalidChecksum, "Invalid checksum or length of Base58 address (P2PKH or P2SH)", nil},
	{params.RegTest, "2VKf7XKMrp4bVNVmuRbyCewkP8FhGLP2E54LHDPakr9Sq5mtU2",
		ErrInvalidLength, "Invalid checksum or length of Base58 address (P2PKH or P2SH)", nil},
	{params.RegTest, "asfah14i8fajz0123f",
		ErrInvalidLength, "Invalid or unsupported Segwit (Bech32) or Base58 encoding.", nil},
	{params.RegTest, "1q049ldschfnwystcqnsvyfpj23mpsg3jcedq9xv",
		ErrInvalidHRP, "Invalid or unsupported Segwit (Bech32) or Base58 encoding.", nil},

	{params.MainNet, "tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty",
		ErrWrongNetwork, "Invalid or unsupported Segwit (Bech32) or Base58 encoding.", nil},
	{params.MainNet, "BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2",
		ErrInvalidWitnessVersion, "Version 1+ witness address must use Bech32m checksum", nil},
	{params.MainNet, "bc1rw5uspcuh",
		ErrInvalidProgramLength, "Version 1+ witness address must use Bech32m checksum", nil},
	{params.MainNet, "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",
		ErrInvalidProgramLength, "Invalid Bech32 v0 address program size (16 bytes), per BIP141", nil},
	{params.MainNet, "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3t4",
		ErrMixedCase, "Invalid character or mixed case", []int{40}},
	{params.MainNet, "bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du",
		ErrInvalidPadding, "Version 1+ witness address must use Bech32m checksum", nil},
	{params.MainNet, "bc1gmk9yu", ErrEmptyData, "Empty Bech32 data section", nil},
	{params.MainNet, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
		ErrInvalidChecksum, "Version 0 witness address must use Bech32 checksum", nil},
	{params.MainNet, "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
		ErrInvalidCharacter, "Invalid Base 32 character", []int{59}},
	{params.MainNet, "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",
		ErrInvalidWitnessVersion, "Invalid Bech32 address witness version", nil},
	{params.MainNet, "bc1pw5dgrnzv",
		ErrInvalidProgramLength, "Invalid Bech32 address program size (1 byte)", nil},
	{params.MainNet, "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
		ErrInvalidPadding, "Invalid padding in Bech32 data section", nil},
	{params.MainNet, "bcrt1qtmp74ayg7p24uslctssvjm06q5phz4yrxucgnv",
		ErrWrongNetwork, "Invalid or unsupported prefix for Segwit (Bech32) address (expected bc, got bcrt).", nil},
	{params.MainNet, "", ErrInvalidLength, "Invalid checksum or length of Base58 address (P2PKH or P2SH)", nil},
}

// coreMessageSeeds feeds the Core cases to the fuzz targets.
func coreMessageSeeds() []string {
	out := make([]string, 0, len(coreMessageCases)+len(coreValidRegtest))
	for _, c := range coreMessageCases {
		out = append(out, c.in)
	}
	return append(out, coreValidRegtest...)
}

func TestCoreErrorMessages(t *testing.T) {
	for _, c := range coreMessageCases {
		_, err := Decode(c.in, c.net)
		if !errors.Is(err, c.kind) {
			t.Errorf("%q on %s: got %v, want kind %s", c.in, c.net.Name, err, c.kind)
		}
		if got := CoreErrorMessage(err); got != c.msg {
			t.Errorf("%q on %s: Core message %q, want %q", c.in, c.net.Name, got, c.msg)
		}
		if got := ErrorLocations(err); !slices.Equal(got, c.locs) {
			t.Errorf("%q on %s: locations %v, want %v", c.in, c.net.Name, got, c.locs)
		}
	}
	logCount(t, "core validateaddress messages", len(coreMessageCases))
}

// coreValidRegtest are addresses Core's validateaddress accepts on regtest
// (including typo-free versions of the checksum cases above).
var coreValidRegtest = []string{
	"bcrt1qtmp74ayg7p24uslctssvjm06q5phz4yrxucgnv",
	"bcrt1p424qxxyd0r", // pay-to-anchor: witness v1, 2-byte program
	"BCRT1QPLMTZKC2XHARPPZDLNPAQL78RSHJ68U33RAH7R",
	"bcrt1qdg3myrgvzw7ml9q0ejxhlkyxm7vl9r56yzkfgvzclrf4hkpx9yfqhpsuks",
	"mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn",
}

func TestCoreValidRegtest(t *testing.T) {
	for _, s := range coreValidRegtest {
		a, err := Decode(s, params.RegTest)
		if err != nil {
			t.Errorf("%q: %v", s, err)
			continue
		}
		if CoreErrorMessage(nil) != "" || ErrorLocations(nil) != nil {
			t.Fatal("nil error has a message")
		}
		if a.String() != s && a.String() != strings.ToLower(s) {
			t.Errorf("%q re-encodes as %q", s, a)
		}
	}
	a, _ := Decode("bcrt1p424qxxyd0r", params.RegTest)
	if u, ok := a.(*WitnessUnknown); !ok || u.WitnessVersion() != 1 || len(u.WitnessProgram()) != 2 {
		t.Errorf("pay-to-anchor decodes as %T", a)
	}
}

func TestDecodeTypesAndNetworks(t *testing.T) {
	tests := []struct {
		in      string
		net     *params.Params
		wantT   string
		wantErr ErrorKind
	}{
		{"1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo", params.MainNet, "*address.P2PKH", ""},
		{"36j4NfKv6Akva9amjWrLG6MuSQym1GuEmm", params.MainNet, "*address.P2SH", ""},
		{"1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo", params.TestNet3, "", ErrWrongNetwork},
		{"mzK2FFDEhxqHcmrJw1ysqFkVyhUULo45hZ", params.MainNet, "", ErrWrongNetwork},
		{"bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv", params.MainNet, "*address.P2WPKH", ""},
		{"bc1qyucykdlhp62tezs0hagqury402qwhk589q80tqs5myh3rxq34nwqhkdhv7", params.MainNet, "*address.P2WSH", ""},
		{"bc1p83n3au0rjylefxq2nc2xh2y4jzz4pm6zxj4mw5pagdjjr2a9f36s6jjnnu", params.MainNet, "*address.P2TR", ""},
		{"bc1z2rksukkjr8", params.MainNet, "*address.WitnessUnknown", ""},
		{"bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv", params.TestNet4, "", ErrWrongNetwork},
		{"tb1qcrh3yqn4nlleplcez2yndq2ry8h9ncg3qh7n54", params.MainNet, "", ErrWrongNetwork},
		{"tb1qcrh3yqn4nlleplcez2yndq2ry8h9ncg3qh7n54", params.RegTest, "", ErrWrongNetwork},
		{"tb1qcrh3yqn4nlleplcez2yndq2ry8h9ncg3qh7n54", params.SigNet, "*address.P2WPKH", ""},
		{"5JuW2AMDYu4xVwRG9DZW18VbzQrGcd5RCgb99sS6ehJsNQXu5b9", params.MainNet, "", ErrInvalidLength},
		{" 1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo", params.MainNet, "", ErrInvalidCharacter},
		{strings.Repeat("1", MaxBase58Length+1), params.MainNet, "", ErrInvalidLength},
	}
	for _, tt := range tests {
		a, err := Decode(tt.in, tt.net)
		if tt.wantErr != "" {
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("%q on %s: got %v, want %s", tt.in, tt.net.Name, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q on %s: %v", tt.in, tt.net.Name, err)
			continue
		}
		if got := typeName(a); got != tt.wantT {
			t.Errorf("%q: type %s, want %s", tt.in, got, tt.wantT)
		}
	}
	if _, err := Decode("1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo", nil); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("nil params: %v", err)
	}
}

func typeName(a Address) string {
	switch a.(type) {
	case *P2PKH:
		return "*address.P2PKH"
	case *P2SH:
		return "*address.P2SH"
	case *P2WPKH:
		return "*address.P2WPKH"
	case *P2WSH:
		return "*address.P2WSH"
	case *P2TR:
		return "*address.P2TR"
	case *WitnessUnknown:
		return "*address.WitnessUnknown"
	}
	return "?"
}

func TestFromScriptPubKey(t *testing.T) {
	pk := "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
	tests := []struct {
		script  string
		want    string
		wantErr ErrorKind
	}{
		{"76a914751e76e8199196d454941c45d1b3a323f1433bd688ac", "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH", ""},
		{"0014751e76e8199196d454941c45d1b3a323f1433bd6", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", ""},
		{"51024e73", "bc1pfeessrawgf", ""},
		{"21" + pk + "ac", "", ErrUnsupportedScript},                                    // P2PK
		{"6a0b68656c6c6f20776f726c64", "", ErrUnsupportedScript},                        // OP_RETURN
		{"0015751e76e8199196d454941c45d1b3a323f1433bd600", "", ErrInvalidProgramLength}, // v0, 21 bytes
		{"004c14751e76e8199196d454941c45d1b3a323f1433bd6", "", ErrUnsupportedScript},    // not a direct push
		{"5101ff", "", ErrUnsupportedScript},                                            // 1-byte program
		{"61020000", "", ErrUnsupportedScript},                                          // OP_NOP is no version
		{"", "", ErrUnsupportedScript},
	}
	for _, tt := range tests {
		a, err := FromScriptPubKey(mustHex(t, tt.script), params.MainNet)
		if tt.wantErr != "" {
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("%s: got %v, %v; want %s", tt.script, a, err, tt.wantErr)
			}
			continue
		}
		if err != nil || a.String() != tt.want {
			t.Errorf("%s: got %v, %v; want %s", tt.script, a, err, tt.want)
		}
	}
	if got := hex.EncodeToString(Hash160(mustHex(t, pk))); got != "751e76e8199196d454941c45d1b3a323f1433bd6" {
		t.Errorf("Hash160 = %s", got)
	}
}

func TestConstructors(t *testing.T) {
	h20 := make([]byte, 20)
	h32 := make([]byte, 32)
	if _, err := NewP2PKH(h32, params.MainNet); !errors.Is(err, ErrInvalidLength) {
		t.Errorf("NewP2PKH(32 bytes): %v", err)
	}
	if _, err := NewP2SH(h20, nil); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("NewP2SH(nil params): %v", err)
	}
	if _, err := NewP2WPKH(h32, params.MainNet); !errors.Is(err, ErrInvalidProgramLength) {
		t.Errorf("NewP2WPKH(32 bytes): %v", err)
	}
	if _, err := NewP2WSH(h20, params.MainNet); !errors.Is(err, ErrInvalidProgramLength) {
		t.Errorf("NewP2WSH(20 bytes): %v", err)
	}
	if _, err := NewP2TR(h20, params.MainNet); !errors.Is(err, ErrInvalidProgramLength) {
		t.Errorf("NewP2TR(20 bytes): %v", err)
	}
	if _, err := NewWitnessUnknown(0, h20, params.MainNet); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("NewWitnessUnknown(v0): %v", err)
	}
	if _, err := NewWitnessUnknown(1, h32, params.MainNet); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("NewWitnessUnknown(v1, 32 bytes): %v", err)
	}
	if _, err := NewWitnessAddress(17, h20, params.MainNet); !errors.Is(err, ErrInvalidWitnessVersion) {
		t.Errorf("NewWitnessAddress(v17): %v", err)
	}
	if _, err := NewWitnessAddress(2, make([]byte, 41), params.MainNet); !errors.Is(err, ErrInvalidProgramLength) {
		t.Errorf("NewWitnessAddress(41 bytes): %v", err)
	}
	long := &params.Params{Name: "long", Bech32HRP: strings.Repeat("x", 40)}
	if _, err := NewP2WSH(h32, long); !errors.Is(err, ErrInvalidLength) {
		t.Errorf("P2WSH with a 40-char HRP: %v", err)
	}

	script := mustHex(t, "5121"+strings.Repeat("02", 33)+"51ae")
	sh, _ := NewP2SHFromScript(script, params.MainNet)
	wsh, _ := NewP2WSHFromScript(script, params.MainNet)
	if h := sh.Hash(); hex.EncodeToString(h[:]) != hex.EncodeToString(Hash160(script)) {
		t.Errorf("P2SH hash mismatch")
	}
	if wsh.WitnessVersion() != 0 || len(wsh.WitnessProgram()) != 32 {
		t.Errorf("P2WSH program: v%d %x", wsh.WitnessVersion(), wsh.WitnessProgram())
	}
	tr, _ := NewP2TR(h32, params.TestNet4)
	if !tr.IsForNet(params.SigNet) || tr.IsForNet(params.MainNet) || tr.IsForNet(params.RegTest) || tr.IsForNet(nil) {
		t.Errorf("P2TR IsForNet wrong")
	}
	pkh, _ := NewP2PKH(h20, params.RegTest)
	if !pkh.IsForNet(params.TestNet3) || pkh.IsForNet(params.MainNet) {
		t.Errorf("P2PKH IsForNet wrong")
	}
	// Returned programs are copies.
	prog := tr.WitnessProgram()
	prog[0] = 0xff
	if tr.OutputKey()[0] != 0 {
		t.Errorf("WitnessProgram exposes internal state")
	}
}

func TestErrorValues(t *testing.T) {
	_, err := Decode("tb1qcrh3yqn4nlleplcez2yndq2ry8h9ncg3qh7n54", params.MainNet)
	var e *Error
	if !errors.As(err, &e) || e.Err != ErrWrongNetwork || !errors.Is(err, ErrWrongNetwork) {
		t.Fatalf("got %#v", err)
	}
	if !strings.Contains(err.Error(), `"tb"`) || !strings.Contains(err.Error(), `"bc"`) {
		t.Errorf("description does not name both HRPs: %s", err)
	}
	if errors.Is(err, ErrInvalidChecksum) {
		t.Errorf("wrong kind matched")
	}
	if ErrMixedCase.Error() != "ErrMixedCase" || (&Error{Err: ErrEmptyData}).Error() != "ErrEmptyData" {
		t.Errorf("kind strings")
	}
	if got := CoreErrorMessage(errors.New("other")); got != "other" {
		t.Errorf("foreign error maps to %q", got)
	}
}
