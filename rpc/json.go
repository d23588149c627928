package rpc

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"unicode/utf8"
)

// maxJSONDepth is UniValue's MAX_JSON_DEPTH: deeper documents are a parse
// error.
const maxJSONDepth = 512

// marshalJSON encodes v compactly as UniValue::write() does: no HTML
// escaping, no trailing newline.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// validJSON reports whether b is one well-formed JSON document of valid
// UTF-8 nested at most maxJSONDepth deep, as UniValue::read accepts.
func validJSON(b []byte) bool {
	return utf8.Valid(b) && json.Valid(b) && depthOK(b, maxJSONDepth)
}

// depthOK reports whether the JSON text b nests arrays and objects at most
// max deep. Strings are skipped, so brackets inside them do not count.
func depthOK(b []byte, max int) bool {
	depth, inString, escaped := 0, false, false
	for _, c := range b {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '[', '{':
			depth++
			if depth > max {
				return false
			}
		case ']', '}':
			depth--
		}
	}
	return true
}

// jsonType names the type of a JSON value as UniValue's uvTypeName does.
// An absent value (nil) is null.
func jsonType(raw json.RawMessage) string {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return "null"
	}
	switch raw[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	}
	return "number"
}

func isNull(raw json.RawMessage) bool { return jsonType(raw) == "null" }

// member is one key of a JSON object, in document order.
type member struct {
	Key   string
	Value json.RawMessage
}

// objectMembers splits a JSON object into its members in order, keeping
// duplicate keys (Core's named-argument mapping rejects them).
func objectMembers(raw json.RawMessage) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not a JSON object")
	}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, errors.New("object key is not a string")
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		out = append(out, member{Key: key, Value: v})
	}
	return out, nil
}

// find returns the first member named key (UniValue's find_value).
func find(ms []member, key string) (json.RawMessage, bool) {
	for _, m := range ms {
		if m.Key == key {
			return m.Value, true
		}
	}
	return nil, false
}

// arrayElements splits a JSON array into its elements.
func arrayElements(raw json.RawMessage) ([]json.RawMessage, error) {
	var out []json.RawMessage
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// compactJSON returns raw without insignificant whitespace.
func compactJSON(raw json.RawMessage) json.RawMessage {
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return raw
	}
	return buf.Bytes()
}

// numberText returns the literal text of a JSON number.
func numberText(raw json.RawMessage) string { return string(bytes.TrimSpace(raw)) }

// parseInt parses a JSON number as UniValue::getInt does (std::from_chars
// over the whole literal): only plain integers in range; anything else is
// Core's "JSON integer out of range".
func parseInt(raw json.RawMessage, bitSize int) (int64, *Error) {
	if t := jsonType(raw); t != "number" {
		return 0, misc("JSON value of type %s is not of expected type number", t)
	}
	v, err := strconv.ParseInt(numberText(raw), 10, bitSize)
	if err != nil {
		return 0, misc("JSON integer out of range")
	}
	return v, nil
}

// parseUint is parseInt for unsigned targets: a minus sign is out of range.
func parseUint(raw json.RawMessage, bitSize int) (uint64, *Error) {
	if t := jsonType(raw); t != "number" {
		return 0, misc("JSON value of type %s is not of expected type number", t)
	}
	v, err := strconv.ParseUint(numberText(raw), 10, bitSize)
	if err != nil {
		return 0, misc("JSON integer out of range")
	}
	return v, nil
}

// parseFloat parses a JSON number as UniValue::get_real does.
func parseFloat(raw json.RawMessage) (float64, *Error) {
	if t := jsonType(raw); t != "number" {
		return 0, misc("JSON value of type %s is not of expected type number", t)
	}
	v, err := strconv.ParseFloat(numberText(raw), 64)
	if err != nil {
		return 0, misc("JSON double out of range")
	}
	return v, nil
}

// parseString decodes a JSON string.
func parseString(raw json.RawMessage) (string, *Error) {
	if t := jsonType(raw); t != "string" {
		return "", misc("JSON value of type %s is not of expected type string", t)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", misc("JSON value is not a string")
	}
	return s, nil
}

// parseBool decodes a JSON boolean.
func parseBool(raw json.RawMessage) (bool, *Error) {
	if t := jsonType(raw); t != "bool" {
		return false, misc("JSON value of type %s is not of expected type bool", t)
	}
	return bytes.HasPrefix(bytes.TrimSpace(raw), []byte("true")), nil
}
