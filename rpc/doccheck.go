package rpc

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Doc checking is Core's -rpcdoccheck: every result is compared with the
// method's documented results, so the help text and the code cannot drift
// apart. Config.DocCheck turns it on (the tests always do).

// expected is the JSON type a result must have, "" for any.
func (r *Result) expected() string {
	switch r.Type {
	case ResObj, ResObjDyn:
		return "object"
	case ResArr, ResArrFixed:
		return "array"
	case ResStr, ResHex:
		return "string"
	case ResNum, ResAmount, ResTime:
		return "number"
	case ResBool:
		return "bool"
	case ResNone:
		return "null"
	}
	return ""
}

// mismatch describes how v differs from r, "" when it matches (Core's
// RPCResult::MatchesType).
func (r *Result) mismatch(v json.RawMessage) string {
	want := r.expected()
	if want == "" {
		return ""
	}
	if got := jsonType(v); got != want {
		return fmt.Sprintf("returned type is %s, but declared as %s in doc", got, want)
	}
	switch want {
	case "array":
		return r.arrayMismatch(v)
	case "object":
		return r.objectMismatch(v)
	}
	return ""
}

func (r *Result) arrayMismatch(v json.RawMessage) string {
	elems, err := arrayElements(v)
	if err != nil {
		return err.Error()
	}
	var errs []string
	for i, e := range elems {
		if len(r.Inner) == 0 {
			return "array elements are not documented"
		}
		doc := &r.Inner[min(i, len(r.Inner)-1)]
		if m := doc.mismatch(e); m != "" {
			errs = append(errs, fmt.Sprintf("%d: %s", i, m))
		}
	}
	return strings.Join(errs, "; ")
}

func (r *Result) objectMismatch(v json.RawMessage) string {
	if len(r.Inner) > 0 && r.Inner[0].Type == ResElision {
		return ""
	}
	ms, err := objectMembers(v)
	if err != nil {
		return err.Error()
	}
	var errs []string
	if r.Type == ResObjDyn {
		for _, m := range ms {
			if e := r.Inner[0].mismatch(m.Value); e != "" {
				errs = append(errs, m.Key+": "+e)
			}
		}
		return strings.Join(errs, "; ")
	}
	doc := map[string]*Result{}
	for i := range r.Inner {
		doc[r.Inner[i].Key] = &r.Inner[i]
	}
	for _, m := range ms {
		if doc[m.Key] == nil {
			errs = append(errs, m.Key+": key returned that was not in doc")
		}
	}
	for i := range r.Inner {
		d := &r.Inner[i]
		val, ok := find(ms, d.Key)
		if !ok {
			if !d.Optional && d.Type != ResElision {
				errs = append(errs, d.Key+": key missing, despite not being optional in doc")
			}
			continue
		}
		if e := d.mismatch(val); e != "" {
			errs = append(errs, d.Key+": "+e)
		}
	}
	sort.Strings(errs)
	return strings.Join(errs, "; ")
}

// docMismatch checks a result against every documented alternative and
// describes the differences when none matches.
func (c *Command) docMismatch(v json.RawMessage) string {
	if len(c.Results) == 0 {
		return "no possible results defined"
	}
	var all []string
	for i := range c.Results {
		m := c.Results[i].mismatch(v)
		if m == "" {
			return ""
		}
		all = append(all, m)
	}
	return strings.Join(all, " | ")
}
