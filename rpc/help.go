package rpc

import (
	"strconv"
	"strings"
)

// The help text follows Bitcoin Core's RPCHelpMan::ToString layout: the
// usage line, the description, "Arguments:", one "Result:" section per
// alternative and "Examples:", with descriptions aligned in a column four
// spaces right of the longest left-hand part.

// section is one line of an aligned listing.
type section struct{ left, right string }

// sections is Core's Sections helper.
type sections struct {
	lines []section
	pad   int
}

func (s *sections) push(left, right string) {
	s.lines = append(s.lines, section{left, right})
	s.pad = max(s.pad, len(left))
}

// String aligns the right-hand parts, continuing multi-line descriptions
// at the same column.
func (s *sections) String() string {
	var b strings.Builder
	pad := s.pad + 4
	for _, l := range s.lines {
		if l.right == "" {
			b.WriteString(l.left + "\n")
			continue
		}
		b.WriteString(l.left + strings.Repeat(" ", pad-len(l.left)))
		for i, line := range strings.Split(l.right, "\n") {
			if i > 0 {
				b.WriteString("\n" + strings.Repeat(" ", pad))
				line = strings.TrimLeft(line, " ")
			}
			b.WriteString(line)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// oneline is the argument's form in the usage line (Core's
// RPCArg::ToString).
func (a *Arg) oneline() string {
	if a.Oneline != "" {
		return a.Oneline
	}
	name := a.firstName()
	switch a.Type {
	case ArgStr, ArgHex:
		return `"` + name + `"`
	case ArgObj, ArgObjUserKeys:
		parts := make([]string, len(a.Inner))
		for i := range a.Inner {
			parts[i] = a.Inner[i].objForm(true)
		}
		if a.Type == ArgObjUserKeys {
			return "{" + strings.Join(parts, ",") + ",...}"
		}
		return "{" + strings.Join(parts, ",") + "}"
	case ArgArr:
		var b strings.Builder
		for i := range a.Inner {
			b.WriteString(a.Inner[i].oneline() + ",")
		}
		return "[" + b.String() + "...]"
	}
	return name
}

// objForm is the argument as an object member (Core's ToStringObj).
func (a *Arg) objForm(oneline bool) string {
	res := `"` + a.firstName() + `": `
	if oneline {
		res = `"` + a.firstName() + `":`
	}
	switch a.Type {
	case ArgStr:
		return res + `"str"`
	case ArgHex:
		return res + `"hex"`
	case ArgNum:
		return res + "n"
	case ArgRange:
		return res + "n or [n,n]"
	case ArgAmount:
		return res + "amount"
	case ArgBool:
		return res + "bool"
	case ArgArr:
		var b strings.Builder
		for i := range a.Inner {
			b.WriteString(a.Inner[i].oneline() + ",")
		}
		return res + "[" + b.String() + "...]"
	}
	return res + "{...}"
}

// describe is the argument's "(type, required) description" (Core's
// ToDescriptionString).
func (a *Arg) describe(named bool) string {
	typ := map[ArgType]string{ArgStr: "string", ArgHex: "string", ArgNum: "numeric",
		ArgAmount: "numeric or string", ArgRange: "numeric or array", ArgBool: "boolean",
		ArgObj: "json object", ArgObjUserKeys: "json object", ArgArr: "json array"}[a.Type]
	if a.TypeName != "" {
		typ = a.TypeName
	}
	switch {
	case a.DefaultHint != "":
		typ += ", optional, default=" + a.DefaultHint
	case a.Default != "":
		typ += ", optional, default=" + a.Default
	case a.Optional:
		if named {
			typ += ", optional"
		}
	default:
		typ += ", required"
	}
	s := "(" + typ + ")"
	if a.Desc != "" {
		s += " " + a.Desc
	}
	return s
}

// pushArg adds the nested lines of an object or array argument (Core's
// Sections::Push).
func (s *sections) pushArg(a *Arg, indent int, outer string) {
	ind := strings.Repeat(" ", indent)
	top := outer == ""
	named := outer == "obj"
	switch a.Type {
	case ArgObj, ArgObjUserKeys, ArgArr:
	default:
		if top {
			return
		}
		left := ind + a.oneline()
		if named {
			left = ind + a.objForm(false)
		}
		s.push(left+",", a.describe(named))
		return
	}
	right := ""
	if !top {
		right = a.describe(named)
	}
	key := ""
	if named {
		key = `"` + a.firstName() + `": `
	}
	open, close, inner := "{", "}", "obj"
	if a.Type == ArgArr {
		open, close, inner = "[", "]", "arr"
	}
	s.push(ind+key+open, right)
	for i := range a.Inner {
		s.pushArg(&a.Inner[i], indent+2, inner)
	}
	if a.Type != ArgObj {
		s.push(ind+"  ...", "")
	}
	end := ind + close
	if !top {
		end += ","
	}
	s.push(end, "")
}

// pushResult adds a result's lines (Core's RPCResult::ToSections).
func (s *sections) pushResult(r *Result, indent int, outer string) {
	ind := strings.Repeat(" ", indent)
	sep, key := "", ""
	if outer != "" {
		sep = ","
	}
	if outer == "obj" {
		key = `"` + r.Key + `" : `
	}
	desc := func(typ string) string {
		d := "(" + typ
		if r.Optional {
			d += ", optional"
		}
		d += ")"
		if r.Desc != "" {
			d += " " + r.Desc
		}
		return d
	}
	switch r.Type {
	case ResElision:
		s.push(ind+"..."+sep, r.Desc)
	case ResNone:
		s.push(ind+"null"+sep, desc("json null"))
	case ResStr:
		s.push(ind+key+`"str"`+sep, desc("string"))
	case ResAmount, ResNum:
		s.push(ind+key+"n"+sep, desc("numeric"))
	case ResHex:
		s.push(ind+key+`"hex"`+sep, desc("string"))
	case ResTime:
		s.push(ind+key+"xxx"+sep, desc("numeric"))
	case ResBool:
		s.push(ind+key+"true|false"+sep, desc("boolean"))
	case ResAny:
		s.push(ind+key+"..."+sep, desc("any"))
	case ResArr, ResArrFixed:
		s.pushResultArr(r, ind, key, sep, desc("json array"))
	case ResObj, ResObjDyn:
		if len(r.Inner) == 0 {
			s.push(ind+key+"{}"+sep, desc("empty JSON object"))
			return
		}
		s.push(ind+key+"{", desc("json object"))
		for i := range r.Inner {
			s.pushResult(&r.Inner[i], indent+2, "obj")
		}
		if r.Type == ResObjDyn && r.Inner[len(r.Inner)-1].Type != ResElision {
			s.push(ind+"  ...", "")
		} else {
			s.trimComma()
		}
		s.push(ind+"}"+sep, "")
	}
}

func (s *sections) pushResultArr(r *Result, ind, key, sep, desc string) {
	s.push(ind+key+"[", desc)
	for i := range r.Inner {
		s.pushResult(&r.Inner[i], len(ind)+2, "arr")
	}
	if r.Type == ResArr && (len(r.Inner) == 0 || r.Inner[len(r.Inner)-1].Type != ResElision) {
		s.push(ind+"  ...", "")
	} else {
		s.trimComma()
	}
	s.push(ind+"]"+sep, "")
}

// trimComma removes the separator after the last member.
func (s *sections) trimComma() {
	last := &s.lines[len(s.lines)-1]
	last.left = strings.TrimSuffix(last.left, ",")
}

// help renders the command's help text.
func (c *Command) help() string {
	var b strings.Builder
	b.WriteString(c.usage())
	b.WriteString("\n\n" + strings.TrimSpace(c.Desc) + "\n")
	var args sections
	for i := range c.Args {
		a := &c.Args[i]
		if a.Hidden {
			break
		}
		args.push(strconv.Itoa(i+1)+". "+a.firstName(), a.describe(true))
		args.pushArg(a, 5, "")
	}
	if len(args.lines) > 0 {
		b.WriteString("\nArguments:\n" + args.String())
	}
	for i := range c.Results {
		r := &c.Results[i]
		if r.Cond == "" {
			b.WriteString("\nResult:\n")
		} else {
			b.WriteString("\nResult (" + r.Cond + "):\n")
		}
		var res sections
		res.pushResult(r, 0, "")
		b.WriteString(res.String())
	}
	if c.Examples != "" {
		b.WriteString("\nExamples:\n" + c.Examples)
	}
	return b.String()
}

// usage is the one-line summary: name and arguments, optional ones in
// parentheses.
func (c *Command) usage() string {
	s := c.Name
	optional := false
	for i := range c.Args {
		a := &c.Args[i]
		if a.Hidden {
			break
		}
		s += " "
		if !a.required() {
			if !optional {
				s += "( "
			}
			optional = true
		} else {
			if optional {
				s += ") "
			}
			optional = false
		}
		s += a.oneline()
	}
	if optional {
		s += " )"
	}
	return s
}

// cli and http build the usual two examples: a command line and a curl
// call (Core's HelpExampleCli and HelpExampleRpc).
func cli(method, args string) string {
	return "> bitnode rpc " + method + " " + args + "\n"
}

func httpExample(method, args string) string {
	return `> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "` + method +
		`", "params": [` + args + `]}' -H 'content-type: application/json' http://127.0.0.1:8332/` + "\n"
}

// examples joins cli and http examples for the same arguments.
func examples(method, args string) string { return cli(method, args) + httpExample(method, args) }

// helpListing is `help` without a command: every visible method's usage
// line under its category heading.
func (t table) helpListing() string {
	var b strings.Builder
	category := ""
	for _, c := range t.sorted() {
		if c.Hidden {
			continue
		}
		if c.Category != category {
			if category != "" {
				b.WriteString("\n")
			}
			category = c.Category
			b.WriteString("== " + strings.ToUpper(category[:1]) + category[1:] + " ==\n")
		}
		b.WriteString(c.usage() + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}
