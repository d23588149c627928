package rpc

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcec/v2/ecdsa"

	"github.com/bitnode/bitnode/chain/address"
	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/chain/txjson"
	"github.com/bitnode/bitnode/wire"
)

func utilMoreCommands() []*Command {
	return []*Command{verifyMessageCommand(), signMessageWithPrivKeyCommand(), createMultisigCommand()}
}

// messageMagic prefixes signed messages (Core's MESSAGE_MAGIC).
const messageMagic = "Bitcoin Signed Message:\n"

// messageHash is Core's MessageHash: the double SHA-256 of the magic and
// the message, each with its compact-size length.
func messageHash(msg string) wire.Hash {
	b := wire.AppendCompactSize(nil, uint64(len(messageMagic)))
	b = append(b, messageMagic...)
	b = wire.AppendCompactSize(b, uint64(len(msg)))
	b = append(b, msg...)
	return wire.DoubleSHA256(b)
}

func verifyMessageCommand() *Command {
	return &Command{
		Name: "verifymessage", Category: "util",
		Desc: "Verify a signed message.",
		Args: []Arg{
			{Names: "address", Type: ArgStr, Desc: "The bitcoin address to use for the signature."},
			{Names: "signature", Type: ArgStr, Desc: "The signature provided by the signer in base 64 encoding (see signmessage)."},
			{Names: "message", Type: ArgStr, Desc: "The message that was signed."},
		},
		Results: []Result{{Type: ResBool, Desc: "If the signature is verified or not."}},
		Examples: "\nCreate the signature\n" + cli("signmessagewithprivkey", `"privkey" "my message"`) +
			"\nVerify the signature\n" + cli("verifymessage", `"1D1ZrZNe3JUo7ZycKEYQQiQAWd9y54F4XX" "signature" "my message"`) +
			"\nAs a JSON-RPC call\n" + httpExample("verifymessage", `"1D1ZrZNe3JUo7ZycKEYQQiQAWd9y54F4XX", "signature", "my message"`),
		handler: func(_ context.Context, s *Server, p *callArgs) (any, error) {
			addrStr, err := p.str(0, "")
			if err != nil {
				return nil, err
			}
			sigStr, err := p.str(1, "")
			if err != nil {
				return nil, err
			}
			msg, err := p.str(2, "")
			if err != nil {
				return nil, err
			}
			addr, derr := address.Decode(addrStr, s.params)
			if derr != nil {
				return nil, errorf(ErrInvalidAddressOrKey, "Invalid address")
			}
			pkh, ok := addr.(*address.P2PKH)
			if !ok {
				return nil, errorf(ErrType, "Address does not refer to key")
			}
			sig, berr := base64.StdEncoding.DecodeString(sigStr)
			if berr != nil {
				return nil, errorf(ErrType, "Malformed base64 encoding")
			}
			h := messageHash(msg)
			pub, compressed, rerr := ecdsa.RecoverCompact(sig, h[:])
			if rerr != nil {
				return false, nil
			}
			key := pub.SerializeUncompressed()
			if compressed {
				key = pub.SerializeCompressed()
			}
			want := pkh.Hash()
			return bytes.Equal(address.Hash160(key), want[:]), nil
		},
	}
}

func signMessageWithPrivKeyCommand() *Command {
	return &Command{
		Name: "signmessagewithprivkey", Category: "util",
		Desc: "Sign a message with the private key of an address",
		Args: []Arg{
			{Names: "privkey", Type: ArgStr, Desc: "The private key to sign the message with."},
			{Names: "message", Type: ArgStr, Desc: "The message to create a signature of."},
		},
		Results: []Result{{Type: ResStr, Key: "signature", Desc: "The signature of the message encoded in base 64"}},
		Examples: "\nCreate the signature\n" + cli("signmessagewithprivkey", `"privkey" "my message"`) +
			"\nVerify the signature\n" + cli("verifymessage", `"1D1ZrZNe3JUo7ZycKEYQQiQAWd9y54F4XX" "signature" "my message"`) +
			"\nAs a JSON-RPC call\n" + httpExample("signmessagewithprivkey", `"privkey", "my message"`),
		handler: func(_ context.Context, s *Server, p *callArgs) (any, error) {
			keyStr, err := p.str(0, "")
			if err != nil {
				return nil, err
			}
			msg, err := p.str(1, "")
			if err != nil {
				return nil, err
			}
			w, werr := address.DecodeWIF(keyStr, s.params)
			if werr != nil {
				return nil, errorf(ErrInvalidAddressOrKey, "Invalid private key")
			}
			priv, _ := btcec.PrivKeyFromBytes(w.PrivKey[:])
			defer priv.Zero()
			h := messageHash(msg)
			return base64.StdEncoding.EncodeToString(ecdsa.SignCompact(priv, h[:], w.Compressed)), nil
		},
	}
}

// Multisig limits (Core's MAX_PUBKEYS_PER_MULTISIG, MAX_SCRIPT_ELEMENT_SIZE).
const (
	maxPubKeysPerMultisig = 20
	maxScriptElementSize  = 520
)

// hexToPubKey is Core's HexToPubKey.
func hexToPubKey(h string) ([]byte, *Error) {
	if !isHex(h) {
		return nil, errorf(ErrInvalidAddressOrKey, "Pubkey \"%s\" must be a hex string", h)
	}
	if len(h) != 66 && len(h) != 130 {
		return nil, errorf(ErrInvalidAddressOrKey, "Pubkey \"%s\" must have a length of either 33 or 65 bytes", h)
	}
	b, _ := hex.DecodeString(h)
	if _, err := btcec.ParsePubKey(b); err != nil {
		return nil, errorf(ErrInvalidAddressOrKey, "Pubkey \"%s\" must be cryptographically valid.", h)
	}
	return b, nil
}

type multisigJSON struct {
	Address      string   `json:"address"`
	RedeemScript string   `json:"redeemScript"`
	Descriptor   string   `json:"descriptor"`
	Warnings     []string `json:"warnings,omitempty"`
}

func createMultisigCommand() *Command {
	return &Command{
		Name: "createmultisig", Category: "util",
		Desc: "Creates a multi-signature address with n signatures of m keys required.\n" +
			"It returns a json object with the address and redeemScript.",
		Args: []Arg{
			{Names: "nrequired", Type: ArgNum, Desc: "The number of required signatures out of the n keys."},
			{Names: "keys", Type: ArgArr, Desc: "The hex-encoded public keys.",
				Inner: []Arg{{Names: "key", Type: ArgHex, Optional: true, Desc: "The hex-encoded public key"}}},
			{Names: "address_type", Type: ArgStr, Default: `"legacy"`,
				Desc: "The address type to use. Options are \"legacy\", \"p2sh-segwit\", and \"bech32\"."},
		},
		Results: []Result{{Type: ResObj, Inner: []Result{
			{Type: ResStr, Key: "address", Desc: "The value of the new multisig address."},
			{Type: ResHex, Key: "redeemScript", Desc: "The string value of the hex-encoded redemption script."},
			{Type: ResStr, Key: "descriptor", Desc: "The descriptor for this multisig"},
			{Type: ResArr, Key: "warnings", Optional: true, Desc: "Any warnings resulting from the creation of this multisig",
				Inner: []Result{{Type: ResStr}}},
		}}},
		Examples: "\nCreate a multisig address from 2 public keys\n" +
			cli("createmultisig", `2 "[\"03789ed0bb717d88f7d321a368d905e7430207ebbd82bd342cf11ae157a7ace5fd\",\"03dbc6764b8884a92e871274b87583e6d5c2a58819473e17e107ef3f6aa5a61626\"]"`) +
			"\nAs a JSON-RPC call\n" +
			httpExample("createmultisig", `2, ["03789ed0bb717d88f7d321a368d905e7430207ebbd82bd342cf11ae157a7ace5fd","03dbc6764b8884a92e871274b87583e6d5c2a58819473e17e107ef3f6aa5a61626"]`),
		handler: createMultisig,
	}
}

func createMultisig(_ context.Context, s *Server, p *callArgs) (any, error) {
	required, err := p.int32Arg(0, 0)
	if err != nil {
		return nil, err
	}
	elems, jerr := arrayElements(p.raw(1))
	if jerr != nil {
		return nil, errorf(ErrType, "Expected type array")
	}
	keys := make([][]byte, 0, len(elems))
	hexKeys := make([]string, 0, len(elems))
	compressed := true
	for _, e := range elems {
		h, err := parseString(e)
		if err != nil {
			return nil, err
		}
		k, err := hexToPubKey(h)
		if err != nil {
			return nil, err
		}
		keys, hexKeys = append(keys, k), append(hexKeys, hex.EncodeToString(k))
		compressed = compressed && len(k) == 33
	}
	typ, err := p.str(2, "legacy")
	if err != nil {
		return nil, err
	}
	switch typ {
	case "legacy", "p2sh-segwit", "bech32":
	case "bech32m":
		return nil, errorf(ErrInvalidAddressOrKey, "createmultisig cannot create bech32m multisig addresses")
	default:
		return nil, errorf(ErrInvalidAddressOrKey, "Unknown address type '%s'", typ)
	}
	if required < 1 {
		return nil, invalidParameter("a multisignature address must require at least one key to redeem")
	}
	if len(keys) < int(required) {
		return nil, invalidParameter("not enough keys supplied (got %d keys, but need at least %d to redeem)", len(keys), required)
	}
	if len(keys) > maxPubKeysPerMultisig {
		return nil, invalidParameter("Number of keys involved in the multisignature address creation > %d\nReduce the number", maxPubKeysPerMultisig)
	}
	redeem := script.MultiSigScript(int(required), keys)
	chosen := typ
	if !compressed {
		typ = "legacy"
	}
	if typ == "legacy" && len(redeem) > maxScriptElementSize {
		return nil, invalidParameter("redeemScript exceeds size limit: %d > %d", len(redeem), maxScriptElementSize)
	}
	multi := fmt.Sprintf("multi(%d,%s)", required, strings.Join(hexKeys, ","))
	var addr fmt.Stringer
	var desc string
	var aerr error
	switch typ {
	case "legacy":
		addr, aerr = address.NewP2SHFromScript(redeem, s.params)
		desc = "sh(" + multi + ")"
	case "p2sh-segwit":
		var w *address.P2WSH
		if w, aerr = address.NewP2WSHFromScript(redeem, s.params); aerr == nil {
			addr, aerr = address.NewP2SHFromScript(w.ScriptPubKey(), s.params)
		}
		desc = "sh(wsh(" + multi + "))"
	case "bech32":
		addr, aerr = address.NewP2WSHFromScript(redeem, s.params)
		desc = "wsh(" + multi + ")"
	}
	if aerr != nil {
		return nil, misc("%v", aerr)
	}
	r := multisigJSON{Address: addr.String(), RedeemScript: hex.EncodeToString(redeem), Descriptor: txjson.AddChecksum(desc)}
	if typ != chosen {
		r.Warnings = []string{"Unable to make chosen address type, please ensure no uncompressed public keys are present."}
	}
	return r, nil
}
