package rpc

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"strings"

	"github.com/bitnode/bitnode/chain/address"
	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/chain/txjson"
	"github.com/bitnode/bitnode/wire"
)

func rawTransactionCommands() []*Command {
	return []*Command{decodeRawTransactionCommand(), decodeScriptCommand(), getRawTransactionCommand(),
		sendRawTransactionCommand(), testMempoolAcceptCommand(), createRawTransactionCommand()}
}

// decodeHexTx is Core's DecodeHexTx: hex, then a transaction in either
// serialization (both tried unless restricted).
func decodeHexTx(s string, tryLegacy, tryWitness bool) (*wire.Tx, bool) {
	if !isHex(s) {
		return nil, false
	}
	raw, _ := hex.DecodeString(s)
	tx, err := txjson.ParseRawTx(raw, tryLegacy, tryWitness)
	return tx, err == nil
}

func decodeRawTransactionCommand() *Command {
	return &Command{
		Name: "decoderawtransaction", Category: "rawtransactions",
		Desc: "Return a JSON object representing the serialized, hex-encoded transaction.",
		Args: []Arg{
			{Names: "hexstring", Type: ArgHex, Desc: "The transaction hex string"},
			{Names: "iswitness", Type: ArgBool, DefaultHint: "depends on heuristic tests",
				Desc: "Whether the transaction hex is a serialized witness transaction.\n" +
					"If iswitness is not present, heuristic tests will be used in decoding.\n" +
					"If true, only witness deserialization will be tried.\n" +
					"If false, only non-witness deserialization will be tried.\n" +
					"This boolean should reflect whether the transaction has inputs\n" +
					"(e.g. fully valid, or on-chain transactions), if known by the caller."},
		},
		Results:  []Result{{Type: ResObj, Inner: txFields(false)}},
		Examples: examples("decoderawtransaction", `"hexstring"`),
		handler: func(_ context.Context, s *Server, p *callArgs) (any, error) {
			hexStr, err := p.str(0, "")
			if err != nil {
				return nil, err
			}
			tryLegacy, tryWitness := true, true
			if p.has(1) {
				w, err := p.boolean(1, false)
				if err != nil {
					return nil, err
				}
				tryLegacy, tryWitness = !w, w
			}
			tx, ok := decodeHexTx(hexStr, tryLegacy, tryWitness)
			if !ok {
				return nil, errorf(ErrDeserialization, "TX decode failed")
			}
			return txjson.DecodeTx(tx, s.params), nil
		},
	}
}

type segwitScriptJSON struct {
	Asm        string `json:"asm"`
	Desc       string `json:"desc"`
	Hex        string `json:"hex"`
	Address    string `json:"address,omitempty"`
	Type       string `json:"type"`
	P2SHSegwit string `json:"p2sh-segwit"`
}

type decodeScriptJSON struct {
	Asm     string            `json:"asm"`
	Desc    string            `json:"desc"`
	Address string            `json:"address,omitempty"`
	Type    string            `json:"type"`
	P2SH    string            `json:"p2sh,omitempty"`
	Segwit  *segwitScriptJSON `json:"segwit,omitempty"`
}

func decodeScriptCommand() *Command {
	return &Command{
		Name: "decodescript", Category: "rawtransactions",
		Desc: "Decode a hex-encoded script.",
		Args: []Arg{{Names: "hexstring", Type: ArgHex, Desc: "the hex-encoded script"}},
		Results: []Result{{Type: ResObj, Inner: []Result{
			{Type: ResStr, Key: "asm", Desc: "Disassembly of the script"},
			{Type: ResStr, Key: "desc", Desc: "Inferred descriptor for the script"},
			{Type: ResStr, Key: "address", Optional: true, Desc: "The Bitcoin address (only if a well-defined address exists)"},
			{Type: ResStr, Key: "type", Desc: "The output type (e.g. " + scriptTypes + ")"},
			{Type: ResStr, Key: "p2sh", Optional: true, Desc: "address of P2SH script wrapping this redeem script (not returned for types that should not be wrapped)"},
			{Type: ResObj, Key: "segwit", Optional: true, Desc: "Result of a witness output script wrapping this redeem script (not returned for types that should not be wrapped)", Inner: []Result{
				{Type: ResStr, Key: "asm", Desc: "Disassembly of the output script"},
				{Type: ResStr, Key: "desc", Desc: "Inferred descriptor for the script"},
				{Type: ResHex, Key: "hex", Desc: "The raw output script bytes, hex-encoded"},
				{Type: ResStr, Key: "address", Optional: true, Desc: "The Bitcoin address (only if a well-defined address exists)"},
				{Type: ResStr, Key: "type", Desc: "The type of the output script (e.g. witness_v0_keyhash or witness_v0_scripthash)"},
				{Type: ResStr, Key: "p2sh-segwit", Desc: "address of the P2SH script wrapping this witness redeem script"},
			}},
		}}},
		Examples: examples("decodescript", `"hexstring"`),
		handler: func(_ context.Context, s *Server, p *callArgs) (any, error) {
			var sc []byte
			if str, _ := p.str(0, ""); str != "" {
				b, err := p.hexBytes(0, "argument")
				if err != nil {
					return nil, err
				}
				sc = b
			}
			return s.decodeScript(sc), nil
		},
	}
}

// decodeScript is Core's decodescript: the script, and the P2SH and
// segwit wrappings that make sense for its type.
func (s *Server) decodeScript(sc []byte) decodeScriptJSON {
	spk := txjson.DecodeScriptPubKey(sc, s.params)
	r := decodeScriptJSON{Asm: spk.Asm, Desc: spk.Desc, Address: spk.Address, Type: spk.Type}
	sol := script.Classify(sc)
	if !canWrap(sc, sol.Class) {
		return r
	}
	if a, err := address.NewP2SHFromScript(sc, s.params); err == nil {
		r.P2SH = a.String()
	}
	var segwit []byte
	switch sol.Class {
	case script.PubKey:
		if len(sol.Data[0]) != 33 {
			return r
		}
		segwit = script.PayToWitness(0, address.Hash160(sol.Data[0]))
	case script.MultiSig:
		for _, k := range sol.Data {
			if len(k) != 33 {
				return r
			}
		}
		segwit = p2wsh(sc)
	case script.PubKeyHash:
		segwit = script.PayToWitness(0, sol.Data[0])
	case script.NonStandard:
		segwit = p2wsh(sc)
	default:
		return r
	}
	w := txjson.DecodeScriptPubKey(segwit, s.params)
	sr := &segwitScriptJSON{Asm: w.Asm, Desc: w.Desc, Hex: w.Hex, Address: w.Address, Type: w.Type}
	if sol.Class == script.MultiSig {
		// Knowing the witness script, Core infers wsh(multi(...)).
		inner, _, _ := strings.Cut(txjson.InferDescriptor(sc, s.params), "#")
		sr.Desc = txjson.AddChecksum("wsh(" + inner + ")")
	}
	if a, err := address.NewP2SHFromScript(segwit, s.params); err == nil {
		sr.P2SHSegwit = a.String()
	}
	r.Segwit = sr
	return r
}

func p2wsh(sc []byte) []byte {
	h := sha256.Sum256(sc)
	return script.PayToWitness(0, h[:])
}

// canWrap is decodescript's test for offering a P2SH (and possibly
// segwit) wrapping: a key, key-hash, multisig or non-standard script with
// valid opcodes, spendable, and without tapscript-only opcodes.
func canWrap(sc []byte, class script.ScriptClass) bool {
	switch class {
	case script.MultiSig, script.NonStandard, script.PubKey, script.PubKeyHash,
		script.WitnessV0KeyHash, script.WitnessV0ScriptHash:
	default:
		return false
	}
	if (len(sc) > 0 && script.Opcode(sc[0]) == script.OpReturn) || len(sc) > script.MaxScriptSize {
		return false
	}
	t := script.MakeTokenizer(sc)
	for t.Next() {
		op := t.Opcode()
		if op > script.MaxOpcode || len(t.Data()) > script.MaxScriptElementSize {
			return false
		}
		if op == script.OpCheckSigAdd || isOpSuccess(byte(op)) {
			return false
		}
	}
	return t.Err() == nil
}

// isOpSuccess lists BIP342's OP_SUCCESSx opcodes.
func isOpSuccess(op byte) bool {
	return op == 80 || op == 98 || (op >= 126 && op <= 129) || (op >= 131 && op <= 134) ||
		(op >= 137 && op <= 138) || (op >= 141 && op <= 142) || (op >= 149 && op <= 153) ||
		(op >= 187 && op <= 254)
}

func createRawTransactionCommand() *Command {
	return &Command{
		Name: "createrawtransaction", Category: "rawtransactions",
		Desc: "Create a transaction spending the given inputs and creating new outputs.\n" +
			"Outputs can be addresses or data.\n" +
			"Returns hex-encoded raw transaction.\n" +
			"Note that the transaction's inputs are not signed, and\n" +
			"it is not stored in the wallet or transmitted to the network.",
		Args: []Arg{
			{Names: "inputs", Type: ArgArr, Desc: "The inputs", Inner: []Arg{{Names: "", Type: ArgObj, Optional: true, Inner: []Arg{
				{Names: "txid", Type: ArgHex, Desc: "The transaction id"},
				{Names: "vout", Type: ArgNum, Desc: "The output number"},
				{Names: "sequence", Type: ArgNum, DefaultHint: "depends on the value of the 'replaceable' and 'locktime' arguments", Desc: "The sequence number"},
			}}}},
			{Names: "outputs", Type: ArgArr, SkipTypeCheck: true,
				Desc: "The outputs specified as key-value pairs.\n" +
					"Each key may only appear once, i.e. there can only be one 'data' output, and no address may be duplicated.\n" +
					"At least one output of either type must be specified.\n" +
					"For compatibility reasons, a dictionary, which holds the key-value pairs directly, is also\n" +
					"                             accepted as second parameter.",
				Inner: []Arg{
					{Names: "", Type: ArgObjUserKeys, Optional: true, Inner: []Arg{
						{Names: "address", Type: ArgAmount, Desc: "A key-value pair. The key (string) is the bitcoin address, the value (float or string) is the amount in BTC"}}},
					{Names: "", Type: ArgObj, Optional: true, Inner: []Arg{
						{Names: "data", Type: ArgHex, Desc: "A key-value pair. The key must be \"data\", the value is hex-encoded data that becomes a part of an OP_RETURN output"}}},
				}},
			{Names: "locktime", Type: ArgNum, Default: "0", Desc: "Raw locktime. Non-0 value also locktime-activates inputs"},
			{Names: "replaceable", Type: ArgBool, Default: "true", Desc: "Marks this transaction as BIP125-replaceable.\n" +
				"Allows this transaction to be replaced by a transaction with higher fees. If provided, it is an error if explicit sequence numbers are incompatible."},
			{Names: "version", Type: ArgNum, Default: "2", Desc: "Transaction version"},
		},
		Results: []Result{{Type: ResHex, Desc: "hex string of the transaction"}},
		Examples: cli("createrawtransaction", `"[{\"txid\":\"myid\",\"vout\":0}]" "[{\"address\":0.01}]"`) +
			cli("createrawtransaction", `"[{\"txid\":\"myid\",\"vout\":0}]" "[{\"data\":\"00010203\"}]"`) +
			httpExample("createrawtransaction", `"[{\"txid\":\"myid\",\"vout\":0}]", "[{\"address\":0.01}]"`),
		handler: createRawTransaction,
	}
}

func createRawTransaction(_ context.Context, s *Server, p *callArgs) (any, error) {
	tx := &wire.Tx{}
	lockTime, err := p.int64Arg(2, 0)
	if err != nil {
		return nil, err
	}
	if lockTime < 0 || lockTime > math.MaxUint32 {
		return nil, invalidParameter("Invalid parameter, locktime out of range")
	}
	tx.LockTime = uint32(lockTime)
	version, err := p.int64Arg(4, 2)
	if err != nil {
		return nil, err
	}
	if version < 1 || version > 3 {
		return nil, invalidParameter("Invalid parameter, version out of range(1~3)")
	}
	tx.Version = int32(version)
	var rbf *bool
	if p.has(3) {
		b, err := p.boolean(3, true)
		if err != nil {
			return nil, err
		}
		rbf = &b
	}
	if err := addInputs(tx, p.raw(0), rbf); err != nil {
		return nil, err
	}
	if err := s.addOutputs(tx, p.raw(1)); err != nil {
		return nil, err
	}
	if rbf != nil && *rbf && len(tx.TxIn) > 0 && !signalsRBF(tx) {
		return nil, invalidParameter("Invalid parameter combination: Sequence number(s) contradict replaceable option")
	}
	return hex.EncodeToString(tx.Serialize()), nil
}

func signalsRBF(tx *wire.Tx) bool {
	for _, in := range tx.TxIn {
		if in.Sequence < wire.MaxTxInSequenceNum-1 {
			return true
		}
	}
	return false
}

// addInputs is Core's AddInputs: each {"txid", "vout", "sequence"} with
// the sequence following replaceable and the lock time by default.
func addInputs(tx *wire.Tx, raw json.RawMessage, rbf *bool) *Error {
	elems, jerr := arrayElements(raw)
	if jerr != nil {
		return misc("%v", jerr)
	}
	for _, e := range elems {
		if t := jsonType(e); t != "object" {
			return misc("JSON value of type %s is not of expected type object", t)
		}
		ms, _ := objectMembers(e)
		txidRaw, _ := find(ms, "txid")
		str, perr := parseString(txidRaw)
		if perr != nil {
			return perr
		}
		txid, herr := parseHash(str, "txid")
		if herr != nil {
			return herr
		}
		vout, ok := find(ms, "vout")
		if !ok || jsonType(vout) != "number" {
			return invalidParameter("Invalid parameter, missing vout key")
		}
		n, ierr := parseInt(vout, 32)
		if ierr != nil {
			return ierr
		}
		if n < 0 {
			return invalidParameter("Invalid parameter, vout cannot be negative")
		}
		seq := uint32(wire.MaxTxInSequenceNum)
		switch {
		case rbf == nil || *rbf:
			seq = wire.MaxTxInSequenceNum - 2
		case tx.LockTime != 0:
			seq = wire.MaxTxInSequenceNum - 1
		}
		if sr, ok := find(ms, "sequence"); ok && jsonType(sr) == "number" {
			v, ierr := parseInt(sr, 64)
			if ierr != nil {
				return ierr
			}
			if v < 0 || v > math.MaxUint32 {
				return invalidParameter("Invalid parameter, sequence number is out of range")
			}
			seq = uint32(v)
		}
		tx.TxIn = append(tx.TxIn, &wire.TxIn{PreviousOutPoint: wire.OutPoint{Hash: txid, Index: uint32(n)}, Sequence: seq})
	}
	return nil
}

// addOutputs is Core's NormalizeOutputs and ParseOutputs: an object, or
// an array of one-key objects, of address amounts and one "data" output.
func (s *Server) addOutputs(tx *wire.Tx, raw json.RawMessage) *Error {
	var ms []member
	switch jsonType(raw) {
	case "null":
		return invalidParameter("Invalid parameter, output argument must be non-null")
	case "object":
		ms, _ = objectMembers(raw)
	case "array":
		elems, _ := arrayElements(raw)
		for _, e := range elems {
			if jsonType(e) != "object" {
				return invalidParameter("Invalid parameter, key-value pair not an object as expected")
			}
			one, _ := objectMembers(e)
			if len(one) != 1 {
				return invalidParameter("Invalid parameter, key-value pair must contain exactly one key")
			}
			ms = append(ms, one[0])
		}
	default:
		return misc("JSON value of type %s is not of expected type array", jsonType(raw))
	}
	seen := map[string]bool{}
	for _, m := range ms {
		out, err := s.parseOutput(m, seen)
		if err != nil {
			return err
		}
		tx.TxOut = append(tx.TxOut, out)
	}
	return nil
}

func (s *Server) parseOutput(m member, seen map[string]bool) (*wire.TxOut, *Error) {
	if m.Key == "data" {
		if seen["data"] {
			return nil, invalidParameter("Invalid parameter, duplicate key: data")
		}
		seen["data"] = true
		str := strings.Trim(string(m.Value), `"`)
		if jsonType(m.Value) == "string" {
			str, _ = parseString(m.Value)
		}
		if !isHex(str) {
			return nil, invalidParameter("Data must be hexadecimal string (not '%s')", str)
		}
		data, _ := hex.DecodeString(str)
		return &wire.TxOut{PkScript: nullData(data)}, nil
	}
	p := &callArgs{vals: []json.RawMessage{m.Value}}
	amount, err := p.amount(0, 0)
	if err != nil {
		return nil, err
	}
	a, aerr := address.Decode(m.Key, s.params)
	if aerr != nil {
		return nil, errorf(ErrInvalidAddressOrKey, "Invalid Bitcoin address: %s", m.Key)
	}
	spk := string(a.ScriptPubKey())
	if seen[spk] {
		return nil, invalidParameter("Invalid parameter, duplicated address: %s", m.Key)
	}
	seen[spk] = true
	return &wire.TxOut{Value: amount, PkScript: []byte(spk)}, nil
}

// nullData is OP_RETURN followed by a push of data, as Core's
// CScript() << OP_RETURN << data builds it.
func nullData(data []byte) []byte {
	s := []byte{byte(script.OpReturn)}
	switch n := len(data); {
	case n < 0x4c:
		s = append(s, byte(n))
	case n <= 0xff:
		s = append(s, 0x4c, byte(n))
	case n <= 0xffff:
		s = append(s, 0x4d, byte(n), byte(n>>8))
	default:
		s = append(s, 0x4e, byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
	}
	return append(s, data...)
}
