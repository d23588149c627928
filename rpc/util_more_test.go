package rpc

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/btcsuite/btcd/btcec/v2"

	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/chain/txjson"
)

func TestSignVerifyMessage(t *testing.T) {
	n := newNode(t, nil)
	// Bitcoin Core's rpc_signmessagewithprivkey.py vector (regtest).
	const (
		priv = "cUeKHd5orzT3mz8P9pxyREHfsWtVfgsfDjiZZBcjUBAaGk1BTj7N"
		addr = "mpLQjfK79b7CCV4VMJWEWAj5Mpx8Up5zxB"
		msg  = "This is just a test message"
		want = "INbVnW4e6PeRmsv2Qgu8NuopvrVjkcxob+sX8OcZG0SALhWybUjzMLPdAsXI46YZGb0KQTRii+wWIQzRpG/U+S0="
	)
	var sig string
	decode(t, n.call("signmessagewithprivkey", priv, msg), &sig)
	if sig != want {
		t.Fatalf("signature %s, want %s", sig, want)
	}
	if got := string(n.call("verifymessage", addr, sig, msg)); got != "true" {
		t.Fatalf("verifymessage %s", got)
	}
	if got := string(n.call("verifymessage", addr, sig, msg+"!")); got != "false" {
		t.Fatalf("verifymessage altered %s", got)
	}
	n.wantErr(ErrInvalidAddressOrKey, "Invalid private key", "signmessagewithprivkey", "invalid_key", msg)
	n.wantErr(ErrInvalidAddressOrKey, "Invalid address", "verifymessage", "invalid_addr", sig, msg)
	n.wantErr(ErrType, "Malformed base64 encoding", "verifymessage", addr, "invalid_sig", msg)
	n.wantErr(ErrType, "Address does not refer to key", "verifymessage", trueAddr, sig, msg)
}

func TestCreateMultisig(t *testing.T) {
	n := newNode(t, nil)
	var keys, uncompressed []string
	for i := byte(1); i <= 3; i++ {
		_, pub := btcec.PrivKeyFromBytes(bytes.Repeat([]byte{i}, 32))
		keys = append(keys, hex.EncodeToString(pub.SerializeCompressed()))
		uncompressed = append(uncompressed, hex.EncodeToString(pub.SerializeUncompressed()))
	}
	redeem := hex.EncodeToString(script.MultiSigScript(2, mustHexKeys(t, keys)))
	for _, tc := range []struct{ typ, prefix, desc string }{
		{"legacy", "2", "sh(multi(2,"}, {"p2sh-segwit", "2", "sh(wsh(multi(2,"}, {"bech32", "bcrt1q", "wsh(multi(2,"},
	} {
		var r multisigJSON
		decode(t, n.call("createmultisig", 2, keys, tc.typ), &r)
		if !strings.HasPrefix(r.Address, tc.prefix) || r.RedeemScript != redeem || !strings.HasPrefix(r.Descriptor, tc.desc+keys[0]) ||
			txjson.VerifyChecksum(r.Descriptor, true) != nil || r.Warnings != nil {
			t.Fatalf("createmultisig %s: %+v", tc.typ, r)
		}
		v := object(t, n.call("validateaddress", r.Address))
		if v["isvalid"] != true {
			t.Fatalf("createmultisig %s: invalid address %v", tc.typ, v)
		}
	}
	var def, u multisigJSON
	decode(t, n.call("createmultisig", 2, keys), &def)
	if !strings.HasPrefix(def.Descriptor, "sh(multi(") {
		t.Fatalf("default type %+v", def)
	}
	decode(t, n.call("createmultisig", 1, uncompressed[:2], "bech32"), &u)
	if !strings.HasPrefix(u.Descriptor, "sh(multi(1,") || len(u.Warnings) != 1 {
		t.Fatalf("uncompressed %+v", u)
	}
	n.wantErr(ErrInvalidParameter, "a multisignature address must require at least one key to redeem", "createmultisig", 0, keys)
	n.wantErr(ErrInvalidParameter, "not enough keys supplied (got 3 keys, but need at least 4 to redeem)", "createmultisig", 4, keys)
	n.wantErr(ErrInvalidAddressOrKey, "Unknown address type 'foo'", "createmultisig", 2, keys, "foo")
	n.wantErr(ErrInvalidAddressOrKey, "createmultisig cannot create bech32m multisig addresses", "createmultisig", 2, keys, "bech32m")
	n.wantErr(ErrInvalidAddressOrKey, `Pubkey "zz" must be a hex string`, "createmultisig", 1, []string{"zz"})
	n.wantErr(ErrInvalidAddressOrKey, `Pubkey "02aa" must have a length of either 33 or 65 bytes`, "createmultisig", 1, []string{"02aa"})
	bad := "02" + strings.Repeat("ff", 32)
	n.wantErr(ErrInvalidAddressOrKey, `Pubkey "`+bad+`" must be cryptographically valid.`, "createmultisig", 1, []string{bad})
	many := make([]string, 21)
	for i := range many {
		many[i] = keys[0]
	}
	n.wantErr(ErrInvalidParameter, "Number of keys involved in the multisignature address creation > 20\nReduce the number", "createmultisig", 1, many)
}

func mustHexKeys(t *testing.T, keys []string) [][]byte {
	t.Helper()
	var out [][]byte
	for _, k := range keys {
		b, err := hex.DecodeString(k)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}
