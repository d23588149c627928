package txjson

import (
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/bitnode/bitnode/chain/params"
)

// FuzzParseRawTx decodes arbitrary bytes as a raw transaction and, when
// that succeeds, describes it: nothing may panic and the result must
// always encode as JSON.
func FuzzParseRawTx(f *testing.F) {
	for _, tc := range coreBitcoinTxCases {
		b, _ := hex.DecodeString(tc.hex)
		f.Add(b)
	}
	tx170, _ := hex.DecodeString("0100000001c997a5e56e104102fa209c6a852dd90660a20b2d9c352423edce25857fcd3704000000004847304402204e45e16932b8af514961a1d3a1a25fdf3f4f7732e9d624c6c61548ab5fb8cd410220181522ec8eca07de4860a4acdd12909d831cc56cbbac4622082221a8768d1d0901ffffffff0200ca9a3b00000000434104ae1a62fe09c5f51b13905f07f06b99a2f7159b2225f374cd378d71302fa28414e7aab37397f554a7df5f142c21c1b7303b8a0626f1baded5c72a704f7e6cd84cac00286bee0000000043410411db93e1dcdb8a016b49840f8c53bc1eb68a382e97b1482ecad7b148a6909a5cb2e0eaddfb84ccf9744464f82e160bfa9b8b64f9d4c03f999b8643f656b412a3ac00000000")
	f.Add(tx170)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		tx, err := ParseRawTx(data, true, true)
		if err != nil {
			return
		}
		if _, err := json.Marshal(DecodeTxWithHex(tx, params.MainNet)); err != nil {
			t.Fatalf("%x: %v", data, err)
		}
	})
}

// FuzzDecodeScriptPubKey describes arbitrary output scripts: the
// descriptor must carry a valid checksum, and addresses appear only for
// the types that have one.
func FuzzDecodeScriptPubKey(f *testing.F) {
	for _, tc := range append(append([]spkCase{}, coreSPKCases...), ruleSPKCases...) {
		b, _ := hex.DecodeString(tc.script)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, s []byte) {
		r := DecodeScriptPubKey(s, params.MainNet)
		if err := VerifyChecksum(r.Desc, true); err != nil {
			t.Fatalf("%x: desc %q: %v", s, r.Desc, err)
		}
		switch r.Type {
		case "pubkey", "multisig", "nulldata", "nonstandard":
			if r.Address != "" {
				t.Fatalf("%x: %s with address %s", s, r.Type, r.Address)
			}
		default:
			if r.Address == "" || !strings.Contains(r.Desc, r.Address) && !strings.HasPrefix(r.Desc, "rawtr(") {
				t.Fatalf("%x: %s: address %q desc %q", s, r.Type, r.Address, r.Desc)
			}
		}
	})
}
