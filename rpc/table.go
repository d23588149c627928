package rpc

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// ArgType is an argument's type, Bitcoin Core's RPCArg::Type.
type ArgType int

// Argument types.
const (
	ArgStr         ArgType = iota // a string
	ArgHex                        // a hex string
	ArgNum                        // a number
	ArgAmount                     // a BTC amount, number or string (not type-checked)
	ArgRange                      // a number or [begin,end] (not type-checked)
	ArgBool                       // a boolean
	ArgObj                        // an object with the keys of Inner
	ArgObjUserKeys                // an object with keys chosen by the caller
	ArgArr                        // an array of Inner
)

// Arg documents one argument, as Core's RPCArg.
type Arg struct {
	// Names is the name and any aliases, "verbosity|verbose".
	Names string
	Type  ArgType
	// Exactly one of these says how the argument may be left out: Default
	// is its JSON default ("1", `"economical"`), DefaultHint a description
	// of it, Optional that it may be omitted without a default; none of
	// them makes it required.
	Default     string
	DefaultHint string
	Optional    bool
	Desc        string
	Inner       []Arg
	// SkipTypeCheck leaves the type to the handler (verbosity accepting a
	// boolean, for instance).
	SkipTypeCheck bool
	// Hidden arguments are left out of help, as is every later one.
	Hidden bool
	// Oneline replaces the argument's form in the usage line, TypeName
	// its type in the description ("string or numeric").
	Oneline  string
	TypeName string
}

// required reports whether the argument must be given.
func (a *Arg) required() bool { return a.Default == "" && a.DefaultHint == "" && !a.Optional }

// firstName is the argument's name without aliases.
func (a *Arg) firstName() string { name, _, _ := strings.Cut(a.Names, "|"); return name }

// expectedType is the JSON type the argument must have, "" when any goes
// (Core's ExpectedType).
func (a *Arg) expectedType() string {
	switch a.Type {
	case ArgStr, ArgHex:
		return "string"
	case ArgNum:
		return "number"
	case ArgBool:
		return "bool"
	case ArgObj, ArgObjUserKeys:
		return "object"
	case ArgArr:
		return "array"
	}
	return ""
}

// ResultType is a result's type, Core's RPCResult::Type.
type ResultType int

// Result types.
const (
	ResObj      ResultType = iota // an object with the keys of Inner
	ResArr                        // an array of Inner (the last repeats)
	ResStr                        // a string
	ResNum                        // a number
	ResBool                       // a boolean
	ResNone                       // null
	ResAny                        // anything (not documented)
	ResAmount                     // a BTC amount (a number)
	ResHex                        // a hex string
	ResObjDyn                     // an object with caller-defined keys, values of Inner[0]
	ResArrFixed                   // an array of exactly Inner
	ResTime                       // a UNIX time (a number)
	ResElision                    // "..." (the rest as documented elsewhere)
)

// Result documents a result or one of its fields, as Core's RPCResult.
type Result struct {
	Type ResultType
	// Key is the field name inside an object.
	Key      string
	Optional bool
	Desc     string
	Inner    []Result
	// Cond labels one of several alternative results ("for verbose = true").
	Cond string
}

// handlerFunc runs a method. It returns the result (marshalled to JSON) or
// an error, an *Error for a JSON-RPC error and anything else for
// RPC_MISC_ERROR.
type handlerFunc func(ctx context.Context, s *Server, p *callArgs) (any, error)

// Command is one entry of the method table.
type Command struct {
	Name     string
	Category string
	// Hidden methods are missing from the help listing (Core's "hidden"
	// category) but have their own help.
	Hidden   bool
	Desc     string
	Args     []Arg
	Results  []Result
	Examples string
	handler  handlerFunc
}

// table maps method names to commands.
type table map[string]*Command

func (t table) add(cmds ...*Command) {
	for _, c := range cmds {
		if _, dup := t[c.Name]; dup {
			panic("rpc: method registered twice: " + c.Name)
		}
		t[c.Name] = c
	}
}

// sorted lists the commands by category, then name (the help order).
func (t table) sorted() []*Command {
	out := make([]*Command, 0, len(t))
	for _, c := range t {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Category != out[j].Category {
			return out[i].Category < out[j].Category
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// params are a call's arguments after named arguments were mapped to
// positions; a missing argument is nil.
type callArgs struct {
	cmd  *Command
	vals []json.RawMessage
}

// raw returns argument i, nil when absent.
func (p *callArgs) raw(i int) json.RawMessage {
	if i < len(p.vals) {
		return p.vals[i]
	}
	return nil
}

// has reports whether argument i was given and is not null.
func (p *callArgs) has(i int) bool { return !isNull(p.raw(i)) }

// toPositional turns the request's params (an array or object, nil for
// none) into positional arguments for cmd.
func toPositional(cmd *Command, raw json.RawMessage) ([]json.RawMessage, *Error) {
	switch jsonType(raw) {
	case "null":
		return nil, nil
	case "array":
		vals, err := arrayElements(raw)
		if err != nil {
			return nil, errorf(ErrParse, "Parse error")
		}
		return vals, nil
	case "object":
		ms, err := objectMembers(raw)
		if err != nil {
			return nil, errorf(ErrParse, "Parse error")
		}
		return namedToPositional(cmd, ms)
	}
	return nil, errorf(ErrInvalidRequest, "Params must be an array or object")
}

// namedToPositional is Core's transformNamedArguments: named arguments go
// to their positions (aliases allowed), gaps between them become nulls,
// and an "args" array supplies leading positional arguments.
func namedToPositional(cmd *Command, ms []member) ([]json.RawMessage, *Error) {
	in := make(map[string]json.RawMessage, len(ms))
	for _, m := range ms {
		if _, dup := in[m.Key]; dup {
			return nil, invalidParameter("Parameter %s specified multiple times", m.Key)
		}
		in[m.Key] = m.Value
	}
	var out []json.RawMessage
	hole, initialHole := 0, 0
	initialParam := ""
	for i := range cmd.Args {
		names := cmd.Args[i].Names
		var val json.RawMessage
		found := ""
		for _, name := range strings.Split(names, "|") {
			if v, ok := in[name]; ok {
				val, found = v, name
				break
			}
		}
		if found == "" {
			hole++
			if len(out) == 0 {
				initialHole = hole
			}
			continue
		}
		for ; hole > 0; hole-- {
			out = append(out, json.RawMessage("null"))
		}
		if initialParam == "" {
			initialParam = names
		}
		out = append(out, val)
		delete(in, found)
	}
	// Like Core, an "args" member that is not an array is dropped.
	args, hasArgs := in["args"]
	delete(in, "args")
	if hasArgs && jsonType(args) == "array" {
		positional, err := arrayElements(args)
		if err != nil {
			return nil, errorf(ErrParse, "Parse error")
		}
		if initialParam != "" && initialHole < len(positional) {
			return nil, invalidParameter("Parameter %s specified twice both as positional and named argument", initialParam)
		}
		named := out
		out = positional
		for i := len(out); i < len(named); i++ {
			out = append(out, named[i])
		}
	}
	if len(in) > 0 {
		keys := make([]string, 0, len(in))
		for k := range in {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return nil, invalidParameter("Unknown named parameter %s", keys[0])
	}
	return out, nil
}

// checkArgs is RPCHelpMan's request check: the argument count (a wrong one
// is answered with the method's help text, RPC_MISC_ERROR) and each
// argument's JSON type (RPC_TYPE_ERROR listing every mismatch).
func checkArgs(cmd *Command, vals []json.RawMessage) *Error {
	required := 0
	for i := len(cmd.Args); i > 0; i-- {
		if cmd.Args[i-1].required() {
			required = i
			break
		}
	}
	if len(vals) < required || len(vals) > len(cmd.Args) {
		return misc("%s", cmd.help())
	}
	var mismatches []string
	for i := range vals {
		a := &cmd.Args[i]
		want := a.expectedType()
		got := jsonType(vals[i])
		if a.SkipTypeCheck || want == "" || got == want || (!a.required() && got == "null") {
			continue
		}
		key, _ := marshalJSON(fmt.Sprintf("Position %d (%s)", i+1, a.Names))
		msg, _ := marshalJSON(fmt.Sprintf("JSON value of type %s is not of expected type %s", got, want))
		mismatches = append(mismatches, fmt.Sprintf("    %s: %s", key, msg))
	}
	if len(mismatches) > 0 {
		return errorf(ErrType, "Wrong type passed:\n{\n%s\n}", strings.Join(mismatches, ",\n"))
	}
	return nil
}
