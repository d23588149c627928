package rpc

import (
	"strings"
)

// Reference renders the method reference, docs/rpc.md, from the
// registered help texts: an index by category, then each method's help
// exactly as `help METHOD` prints it. A test fails when the file is
// stale; regenerate it with
//
//	BITNODE_UPDATE_DOCS=1 go test ./rpc/ -run TestReferenceUpToDate
func Reference() string {
	var b strings.Builder
	b.WriteString("# bitnode JSON-RPC reference\n\n")
	b.WriteString("<!-- Generated from the help text registered in package rpc; do not edit.\n" +
		"     Regenerate: BITNODE_UPDATE_DOCS=1 go test ./rpc/ -run TestReferenceUpToDate -->\n\n")
	b.WriteString("bitnode answers Bitcoin Core's JSON-RPC methods with Core's parameters, result\n" +
		"fields and error codes. It listens on 127.0.0.1 and ::1 at the network's RPC port\n" +
		"(8332, 18332, 48332, 38332, 18443) and authenticates with the cookie it writes to\n" +
		"`<datadir>/.cookie`, or `--rpcuser`/`--rpcpassword`, or `--rpcauth`. JSON-RPC 1.0\n" +
		"and 2.0, named and positional parameters and batches are supported; `bitnode rpc\n" +
		"METHOD ARGS...` is the command-line client. Each section below is the method's\n" +
		"`help` text.\n\n")
	methods := Methods()
	category := ""
	for _, c := range methods {
		if c.Hidden {
			continue
		}
		if c.Category != category {
			category = c.Category
			b.WriteString("\n- **" + title(category) + ":**")
		}
		b.WriteString(" [" + c.Name + "](#" + c.Name + ")")
	}
	b.WriteString("\n")
	category = ""
	for _, c := range methods {
		if c.Category != category {
			category = c.Category
			b.WriteString("\n## " + title(category) + "\n")
		}
		b.WriteString("\n### " + c.Name + "\n\n")
		if c.Hidden {
			b.WriteString("Hidden from `help` (a test helper, as in Core).\n\n")
		}
		b.WriteString("```text\n" + strings.TrimRight(c.help(), "\n") + "\n```\n")
	}
	return b.String()
}

func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
