package txjson

import (
	"encoding/json"
	"testing"

	"github.com/bitnode/bitnode/chain/params"
)

// The valid cases are from Bitcoin Core's rpc_validateaddress.json (address
// and scriptPubKey) with the fields Core's DescribeAddress adds; the JSON is
// in Core's key order.
func TestValidateAddress(t *testing.T) {
	tests := []struct {
		net  *params.Params
		in   string
		want string
	}{
		{params.MainNet, "1CH2JsgrMXmXUZWokyekHPZq4dYmeNBQjv",
			`{"isvalid":true,"address":"1CH2JsgrMXmXUZWokyekHPZq4dYmeNBQjv","scriptPubKey":"76a9147bb1218a48c58c35c3537e6560e804023ee7310688ac","isscript":false,"iswitness":false}`},
		{params.MainNet, "3PUNyaW7M55oKWJ3kDukwk9bsKvryra15j",
			`{"isvalid":true,"address":"3PUNyaW7M55oKWJ3kDukwk9bsKvryra15j","scriptPubKey":"a914eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee87","isscript":true,"iswitness":false}`},
		{params.MainNet, "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
			`{"isvalid":true,"address":"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4","scriptPubKey":"0014751e76e8199196d454941c45d1b3a323f1433bd6","isscript":false,"iswitness":true,"witness_version":0,"witness_program":"751e76e8199196d454941c45d1b3a323f1433bd6"}`},
		{params.MainNet, "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",
			`{"isvalid":true,"address":"bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3","scriptPubKey":"00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262","isscript":true,"iswitness":true,"witness_version":0,"witness_program":"1863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"}`},
		{params.MainNet, "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
			`{"isvalid":true,"address":"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0","scriptPubKey":"512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798","isscript":true,"iswitness":true,"witness_version":1,"witness_program":"79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"}`},
		{params.MainNet, "BC1SW50QGDZ25J",
			`{"isvalid":true,"address":"bc1sw50qgdz25j","scriptPubKey":"6002751e","iswitness":true,"witness_version":16,"witness_program":"751e"}`},
		{params.MainNet, "bc1pfeessrawgf",
			`{"isvalid":true,"address":"bc1pfeessrawgf","scriptPubKey":"51024e73","isscript":true,"iswitness":true}`},
		{params.SigNet, "tb1pfees9rn5nz",
			`{"isvalid":true,"address":"tb1pfees9rn5nz","scriptPubKey":"51024e73","isscript":true,"iswitness":true}`},
		{params.MainNet, "bc1gmk9yu",
			`{"isvalid":false,"error_locations":[],"error":"Empty Bech32 data section"}`},
		{params.MainNet, "bcrt1qtmp74ayg7p24uslctssvjm06q5phz4yrxucgnv",
			`{"isvalid":false,"error_locations":[],"error":"Invalid or unsupported prefix for Segwit (Bech32) address (expected bc, got bcrt)."}`},
		{params.MainNet, "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3t4",
			`{"isvalid":false,"error_locations":[40],"error":"Invalid character or mixed case"}`},
		{params.MainNet, "", `{"isvalid":false,"error_locations":[],"error":"Invalid checksum or length of Base58 address (P2PKH or P2SH)"}`},
	}
	for _, tc := range tests {
		b, err := json.Marshal(ValidateAddress(tc.in, tc.net))
		if err != nil || string(b) != tc.want {
			t.Errorf("ValidateAddress(%q, %s)\n got %s\nwant %s", tc.in, tc.net.Name, b, tc.want)
		}
	}
}
