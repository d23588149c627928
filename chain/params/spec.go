package params

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
)

// DefaultMaxGenesisWork is the default cap, in expected hashes, on the work
// ParseChainSpec will do to mine a genesis block: 2^28, about a minute and
// a half on one core at ~3M hashes a second. Mining happens every time a
// spec without a valid nonce is parsed, so a network with harder genesis
// bits should record the mined nonce (and timestamp) in its spec.
const DefaultMaxGenesisWork = 1 << 28

// maxSpecSize bounds the chain spec files LoadChainSpec reads.
const maxSpecSize = 1 << 20

// ErrGenesisTooHard is wrapped by the error for a spec whose genesis block
// needs mining at a difficulty above the allowed work.
var ErrGenesisTooHard = errors.New("genesis block too hard to mine")

// ErrGenesisNotFound is wrapped by the error for a genesis search that ran
// out of attempts (which, within the attempt budget, is vanishingly rare).
var ErrGenesisNotFound = errors.New("no genesis block found")

// SpecError reports an invalid chain spec and the field at fault.
type SpecError struct {
	// Field is the JSON path of the offending field, e.g. "genesis.bits";
	// empty when the document as a whole is malformed.
	Field string
	// Msg says what is wrong.
	Msg string
	// Err is an underlying cause, if any.
	Err error
}

func (e *SpecError) Error() string {
	if e.Field == "" {
		return "chain spec: " + e.Msg
	}
	return fmt.Sprintf("chain spec: field %q: %s", e.Field, e.Msg)
}

// Unwrap returns the underlying cause.
func (e *SpecError) Unwrap() error { return e.Err }

func fieldErr(field, format string, args ...any) *SpecError {
	return &SpecError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// SpecOptions tunes ParseChainSpecOptions.
type SpecOptions struct {
	// MaxGenesisWork caps the expected number of hashes (2^256 / (target+1))
	// that mining the genesis block may need; a spec that needs mining at a
	// harder target is rejected. Zero means DefaultMaxGenesisWork.
	MaxGenesisWork uint64
}

// LoadChainSpec reads a chain spec file (at most 1 MiB) and builds its
// network as ParseChainSpec does.
func LoadChainSpec(path string) (*Params, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("chain spec: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSpecSize+1))
	if err != nil {
		return nil, fmt.Errorf("chain spec %s: %w", path, err)
	}
	if len(data) > maxSpecSize {
		return nil, fmt.Errorf("chain spec %s: file larger than %d bytes", path, maxSpecSize)
	}
	p, err := ParseChainSpec(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// ParseChainSpec builds a custom network from a JSON chain spec (see the
// package documentation for its fields), mining its genesis block if the spec gives no nonce
// that meets the genesis target. Mining is deterministic: the same spec
// always yields the same block. Errors are *SpecError naming the field.
func ParseChainSpec(data []byte) (*Params, error) {
	return ParseChainSpecOptions(data, SpecOptions{})
}

// ParseChainSpecOptions is ParseChainSpec with options.
func ParseChainSpecOptions(data []byte, opts SpecOptions) (*Params, error) {
	spec, err := decodeSpec(data)
	if err != nil {
		return nil, err
	}
	if opts.MaxGenesisWork == 0 {
		opts.MaxGenesisWork = DefaultMaxGenesisWork
	}
	return spec.build(opts)
}

// chainSpec mirrors the JSON document. Pointers tell absent from zero.
type chainSpec struct {
	Name                    *string      `json:"name"`
	Magic                   *string      `json:"magic"`
	Port                    *int64       `json:"port"`
	RPCPort                 *int64       `json:"rpcport"`
	Bech32HRP               *string      `json:"bech32_hrp"`
	PubKeyHashAddrID        *int64       `json:"pubkey_hash_addr_id"`
	ScriptHashAddrID        *int64       `json:"script_hash_addr_id"`
	PrivateKeyID            *int64       `json:"private_key_id"`
	HDPrivateKeyID          *string      `json:"hd_private_key_id"`
	HDPublicKeyID           *string      `json:"hd_public_key_id"`
	Genesis                 *genesisSpec `json:"genesis"`
	PowLimitBits            *string      `json:"pow_limit_bits"`
	Retarget                *bool        `json:"retarget"`
	AllowMinDifficulty      *bool        `json:"allow_min_difficulty"`
	BlockIntervalSeconds    *int64       `json:"block_interval_seconds"`
	RetargetTimespanSeconds *int64       `json:"retarget_timespan_seconds"`
	HalvingInterval         *int64       `json:"halving_interval"`
	ActivationHeights       *heightsSpec `json:"activation_heights"`
	MinimumChainWork        *string      `json:"minimum_chain_work"`
	CoinbaseMaturity        *int64       `json:"coinbase_maturity"`
}

type genesisSpec struct {
	Timestamp    *int64  `json:"timestamp"`
	Message      *string `json:"message"`
	Bits         *string `json:"bits"`
	Nonce        *int64  `json:"nonce"`
	Version      *int64  `json:"version"`
	Reward       *int64  `json:"reward"`
	OutputScript *string `json:"output_script"`
}

type heightsSpec struct {
	BIP34   *int64 `json:"bip34"`
	BIP65   *int64 `json:"bip65"`
	BIP66   *int64 `json:"bip66"`
	CSV     *int64 `json:"csv"`
	Segwit  *int64 `json:"segwit"`
	Taproot *int64 `json:"taproot"`
}

// decodeSpec parses the JSON strictly: one object, no unknown fields, nothing
// after it.
func decodeSpec(data []byte) (*chainSpec, error) {
	if err := checkFieldNames(data); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var spec chainSpec
	if err := dec.Decode(&spec); err != nil {
		return nil, jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &SpecError{Msg: "unexpected data after the JSON object"}
	}
	return &spec, nil
}

// checkFieldNames rejects any object key that is not exactly one of the
// spec's field names (encoding/json alone would match keys case-insensitively),
// reporting its full path. Documents that are not well-formed objects are
// left to the decoder to report.
func checkFieldNames(data []byte) *SpecError {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return nil
	}
	nested := map[string]reflect.Type{
		"genesis":            reflect.TypeFor[genesisSpec](),
		"activation_heights": reflect.TypeFor[heightsSpec](),
	}
	if err := unknownKey("", top, reflect.TypeFor[chainSpec]()); err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(nested)) {
		var obj map[string]json.RawMessage
		if raw, ok := top[name]; ok && json.Unmarshal(raw, &obj) == nil {
			if err := unknownKey(name+".", obj, nested[name]); err != nil {
				return err
			}
		}
	}
	return nil
}

// unknownKey returns an error for the first key of obj (in sorted order)
// that is not a json tag of struct type t.
func unknownKey(prefix string, obj map[string]json.RawMessage, t reflect.Type) *SpecError {
	known := make(map[string]bool, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		known[name] = true
	}
	for _, key := range slices.Sorted(maps.Keys(obj)) {
		if !known[key] {
			return &SpecError{Field: prefix + key, Msg: "unknown field"}
		}
	}
	return nil
}

// jsonError turns an encoding/json error into a *SpecError naming the field
// where encoding/json says which.
func jsonError(err error) *SpecError {
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntaxErr):
		return &SpecError{Msg: fmt.Sprintf("invalid JSON at byte %d: %v", syntaxErr.Offset, err), Err: err}
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return &SpecError{Msg: "the spec must be a JSON object", Err: err}
		}
		return &SpecError{Field: typeErr.Field,
			Msg: fmt.Sprintf("got JSON %s, want %s", typeErr.Value, jsonKind(typeErr.Type.String())), Err: err}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &SpecError{Msg: "empty or truncated JSON", Err: err}
	}
	const unknownPrefix = "json: unknown field "
	if msg := err.Error(); strings.HasPrefix(msg, unknownPrefix) {
		return &SpecError{Field: strings.Trim(strings.TrimPrefix(msg, unknownPrefix), `"`),
			Msg: "unknown field", Err: err}
	}
	return &SpecError{Msg: err.Error(), Err: err}
}

// jsonKind describes a Go destination type in JSON terms.
func jsonKind(goType string) string {
	switch strings.TrimPrefix(goType, "*") {
	case "int64":
		return "an integer"
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	default:
		return "an object"
	}
}

// build validates the spec and assembles the network, genesis block last.
func (s *chainSpec) build(opts SpecOptions) (*Params, error) {
	p := &Params{}
	steps := []func(*Params) error{s.applyIdentity, s.applyAddresses, s.applyPow, s.applyRules}
	for _, step := range steps {
		if err := step(p); err != nil {
			return nil, err
		}
	}
	if err := s.applyGenesis(p, opts); err != nil {
		return nil, err
	}
	return p, nil
}
