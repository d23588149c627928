package txjson

import (
	"bytes"
	"encoding/hex"

	"github.com/bitnode/bitnode/chain/address"
	"github.com/bitnode/bitnode/chain/params"
)

// ValidateAddressResult is Bitcoin Core's validateaddress result. A valid
// address has isvalid, address, scriptPubKey and the type details Core's
// DescribeAddress gives; an invalid one has only isvalid, error_locations
// and error.
type ValidateAddressResult struct {
	IsValid        bool   `json:"isvalid"`
	Address        string `json:"address,omitempty"`
	ScriptPubKey   string `json:"scriptPubKey,omitempty"`
	IsScript       *bool  `json:"isscript,omitempty"`
	IsWitness      *bool  `json:"iswitness,omitempty"`
	WitnessVersion *int   `json:"witness_version,omitempty"`
	WitnessProgram string `json:"witness_program,omitempty"`
	ErrorLocations []int  `json:"error_locations,omitzero"`
	Error          string `json:"error,omitempty"`
}

// anchorProgram is pay-to-anchor's version 1 witness program (BIP433).
var anchorProgram = []byte{0x4e, 0x73}

// ValidateAddress checks s as an address of network p and describes it as
// validateaddress does. Invalid addresses carry Core's error message and
// the positions of likely bech32 typos (empty when unknown).
func ValidateAddress(s string, p *params.Params) ValidateAddressResult {
	a, err := address.Decode(s, p)
	if err != nil {
		locs := address.ErrorLocations(err)
		if locs == nil {
			locs = []int{}
		}
		return ValidateAddressResult{ErrorLocations: locs, Error: address.CoreErrorMessage(err)}
	}
	r := ValidateAddressResult{
		IsValid:      true,
		Address:      a.String(),
		ScriptPubKey: hex.EncodeToString(a.ScriptPubKey()),
	}
	yes, no := true, false
	switch a := a.(type) {
	case *address.P2PKH:
		r.IsScript, r.IsWitness = &no, &no
	case *address.P2SH:
		r.IsScript, r.IsWitness = &yes, &no
	case address.WitnessAddress:
		describeWitness(&r, a)
	}
	return r
}

// describeWitness fills Core's DescribeAddress fields of a segwit address:
// P2WPKH is not a script, P2WSH and P2TR are, pay-to-anchor is a script
// without version and program, and unknown versions say nothing about
// scripts.
func describeWitness(r *ValidateAddressResult, a address.WitnessAddress) {
	yes, no := true, false
	version, program := int(a.WitnessVersion()), a.WitnessProgram()
	r.IsWitness = &yes
	switch a.(type) {
	case *address.P2WPKH:
		r.IsScript = &no
	case *address.P2WSH, *address.P2TR:
		r.IsScript = &yes
	default:
		if version == 1 && bytes.Equal(program, anchorProgram) {
			r.IsScript = &yes
			return
		}
	}
	r.WitnessVersion = &version
	r.WitnessProgram = hex.EncodeToString(program)
}
