package main

import (
	"bytes"
	"encoding/json"
	"io"
)

// writeJSON prints v as bitcoin-cli prints an RPC result: indented by two
// spaces per level, "key": value, empty arrays and objects opened and
// closed on separate lines (UniValue's write(2)), then a newline.
func writeJSON(w io.Writer, v any) error {
	var compact bytes.Buffer
	enc := json.NewEncoder(&compact)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	out := indentLikeUniValue(bytes.TrimSpace(compact.Bytes()), 2)
	out = append(out, '\n')
	_, err := w.Write(out)
	return err
}

// indentLikeUniValue re-indents compact JSON the way Bitcoin Core's
// UniValue::write(prettyIndent) lays it out.
func indentLikeUniValue(src []byte, indent int) []byte {
	out := make([]byte, 0, len(src)*2)
	newline := func(level int) {
		out = append(out, '\n')
		for range level * indent {
			out = append(out, ' ')
		}
	}
	level := 0
	inString, escaped := false, false
	for i := 0; i < len(src); i++ {
		c := src[i]
		if inString {
			out = append(out, c)
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
			out = append(out, c)
		case '{', '[':
			out = append(out, c)
			if i+1 < len(src) && (src[i+1] == '}' || src[i+1] == ']') {
				// Empty: UniValue still breaks the line.
				newline(level)
				out = append(out, src[i+1])
				i++
				continue
			}
			level++
			newline(level)
		case '}', ']':
			level--
			newline(level)
			out = append(out, c)
		case ',':
			out = append(out, c)
			newline(level)
		case ':':
			out = append(out, ':', ' ')
		default:
			out = append(out, c)
		}
	}
	return out
}
