package rpc

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

func TestHelp(t *testing.T) {
	n := newNode(t, nil)
	var listing string
	decode(t, n.call("help"), &listing)
	for _, want := range []string{"== Blockchain ==\ngetbestblockhash\ngetblock \"blockhash\" ( verbosity )\n",
		"== Control ==\n", "== Generating ==\ngenerateblock \"output\" [\"rawtx/txid\",...] ( submit )\n",
		"== Mining ==\n", "== Network ==\n", "== Rawtransactions ==\n", "== Util ==\n",
		"gettxout \"txid\" n ( include_mempool )", "prioritisetransaction \"txid\" ( dummy ) fee_delta",
		"logging ( [\"include_category\",...] [\"exclude_category\",...] )"} {
		if !strings.Contains(listing, want) {
			t.Errorf("help listing lacks %q:\n%s", want, listing)
		}
	}
	if strings.HasSuffix(listing, "\n") {
		t.Error("listing ends with a newline")
	}
	var text string
	decode(t, n.call("help", "getblockhash"), &text)
	want := "getblockhash height\n\n" +
		"Returns hash of block in best-block-chain at height provided.\n\n" +
		"Arguments:\n" +
		"1. height    (numeric, required) The height index\n\n" +
		"Result:\n" +
		"\"hex\"    (string) The block hash\n\n" +
		"Examples:\n" +
		"> bitnode rpc getblockhash 1000\n" +
		"> curl --user myusername --data-binary '{\"jsonrpc\": \"2.0\", \"id\": \"curltest\", \"method\": \"getblockhash\", \"params\": [1000]}' -H 'content-type: application/json' http://127.0.0.1:8332/\n"
	if text != want {
		t.Errorf("help getblockhash:\n%s\nwant:\n%s", text, want)
	}
	decode(t, n.call("help", "getblockheader"), &text)
	for _, w := range []string{"getblockheader \"blockhash\" ( verbose )\n",
		"1. blockhash    (string, required) The block hash\n2. verbose      (boolean, optional, default=true)",
		"Result (for verbose = true):\n{                                 (json object)\n  \"hash\" : \"hex\",",
		"  \"nextblockhash\" : \"hex\"         (string, optional) The hash of the next block (if available)\n}\n",
		"Result (for verbose=false):\n\"hex\"    (string) A string"} {
		if !strings.Contains(text, w) {
			t.Errorf("help getblockheader lacks %q:\n%s", w, text)
		}
	}
	decode(t, n.call("help", "nosuch"), &text)
	if text != "help: unknown command: nosuch" {
		t.Errorf("unknown: %q", text)
	}
	// The stop method's hidden argument stays out of its help.
	decode(t, n.call("help", "stop"), &text)
	if strings.Contains(text, "wait") || !strings.HasPrefix(text, "stop\n\n") {
		t.Errorf("help stop:\n%s", text)
	}
	// A wrong number of arguments is answered with the help text.
	n.wantErr(ErrMisc, mustHelp(t, n, "getblockhash"), "getblockhash")
	n.wantErr(ErrMisc, mustHelp(t, n, "getblockcount"), "getblockcount", 1)
	n.wantErr(ErrType, "Wrong type passed:\n{\n    \"Position 1 (command)\": \"JSON value of type number is not of expected type string\"\n}", "help", 5)
}

func mustHelp(t *testing.T, n *testNode, method string) string {
	t.Helper()
	text, ok := n.srv.Help(method)
	if !ok {
		t.Fatalf("no help for %s", method)
	}
	return text
}

// TestEveryMethodHasHelp checks the table: every method documents its
// results, and its help has Core's sections.
func TestEveryMethodHasHelp(t *testing.T) {
	for _, c := range Methods() {
		if len(c.Results) == 0 {
			t.Errorf("%s documents no result", c.Name)
		}
		h := c.help()
		if !strings.HasPrefix(h, c.usage()+"\n\n") || !strings.Contains(h, "\nResult") {
			t.Errorf("%s help malformed:\n%s", c.Name, h)
		}
		for i := range c.Args {
			if c.Args[i].Desc == "" && len(c.Args[i].Inner) == 0 && c.Name != "testmempoolaccept" {
				t.Errorf("%s argument %s has no description", c.Name, c.Args[i].Names)
			}
		}
	}
}

func TestUptimeAndRPCInfo(t *testing.T) {
	n := newNode(t, func(c *Config) { c.LogPath = "/tmp/debug.log" })
	var up int64
	decode(t, n.call("uptime"), &up)
	if up < 0 || up > 60 {
		t.Errorf("uptime %d", up)
	}
	var info struct {
		ActiveCommands []struct {
			Method   string `json:"method"`
			Duration int64  `json:"duration"`
		} `json:"active_commands"`
		LogPath string `json:"logpath"`
	}
	decode(t, n.call("getrpcinfo"), &info)
	if len(info.ActiveCommands) != 1 || info.ActiveCommands[0].Method != "getrpcinfo" || info.LogPath != "/tmp/debug.log" {
		t.Errorf("getrpcinfo: %+v", info)
	}
	n.wantErr(ErrMisc, "", "uptime", 1)
}

func TestGetMemoryInfo(t *testing.T) {
	n := newNode(t, nil)
	m := object(t, n.call("getmemoryinfo"))
	locked, ok := m["locked"].(map[string]any)
	if !ok || len(locked) != 6 || locked["used"] != float64(0) {
		t.Errorf("stats: %v", m)
	}
	if string(n.call("getmemoryinfo", "stats")) != string(n.call("getmemoryinfo")) {
		t.Error("explicit stats mode differs")
	}
	n.wantErr(ErrInvalidParameter, "mallocinfo mode not available", "getmemoryinfo", "mallocinfo")
	n.wantErr(ErrInvalidParameter, "unknown mode foo", "getmemoryinfo", "foo")
}

type fakeLogging struct{ cats map[string]bool }

func (f *fakeLogging) Categories() map[string]bool { return f.cats }

func (f *fakeLogging) Set(include, exclude []string) error {
	for _, c := range append(append([]string{}, include...), exclude...) {
		if _, ok := f.cats[c]; !ok && c != "all" {
			return fmt.Errorf("%w %s", ErrUnknownCategory, c)
		}
	}
	for _, c := range include {
		f.cats[c] = true
	}
	for _, c := range exclude {
		f.cats[c] = false
	}
	return nil
}

func TestLogging(t *testing.T) {
	n := newNode(t, nil)
	n.wantErr(ErrMisc, "logging configuration is not available", "logging")
	n = newNode(t, func(c *Config) { c.Logging = &fakeLogging{cats: map[string]bool{"net": false, "mempool": false}} })
	var cats map[string]bool
	decode(t, n.call("logging"), &cats)
	if len(cats) != 2 || cats["net"] {
		t.Errorf("categories %v", cats)
	}
	decode(t, n.call("logging", []string{"net", "mempool"}, []string{"mempool"}), &cats)
	if !cats["net"] || cats["mempool"] {
		t.Errorf("after include/exclude: %v", cats)
	}
	n.wantErr(ErrInvalidParameter, "unknown logging category nosuch", "logging", []string{"nosuch"})
	n.wantErr(ErrType, "", "logging", "net")
}

func TestStop(t *testing.T) {
	n := newNode(t, nil)
	if res := n.call("stop"); string(res) != `"bitnode stopping"` {
		t.Fatalf("stop: %s", res)
	}
	<-n.shutdown
	n.wantErr(ErrType, "", "stop", "soon")
}

// TestNamedArguments covers Core's named-argument mapping: names and
// aliases, gaps filled with null, "args" for leading positional ones,
// and its errors.
func TestNamedArguments(t *testing.T) {
	n := newNode(t, nil)
	genesis := regtest.GenesisHash.String()
	res, e := n.callRaw("getblockhash", []byte(`{"height":0}`))
	if e != nil || string(res) != `"`+genesis+`"` {
		t.Fatalf("named height: %s %v", res, e)
	}
	res, e = n.callRaw("getblock", []byte(`{"blockhash":"`+genesis+`","verbose":0}`))
	if e != nil || !strings.HasPrefix(string(res), `"01000000`) {
		t.Fatalf("alias verbose: %s %v", res, e)
	}
	res, e = n.callRaw("getblock", []byte(`{"args":["`+genesis+`"],"verbosity":0}`))
	if e != nil || !strings.HasPrefix(string(res), `"01000000`) {
		t.Fatalf("args plus named: %s %v", res, e)
	}
	// txid and fee_delta named: dummy becomes null.
	txid := strings.Repeat("ab", 32)
	res, e = n.callRaw("prioritisetransaction", []byte(`{"txid":"`+txid+`","fee_delta":1000}`))
	if e != nil || string(res) != "true" {
		t.Fatalf("gap filled with null: %s %v", res, e)
	}
	for body, msg := range map[string]string{
		`{"height":0,"height":1}`:        "Parameter height specified multiple times",
		`{"height":0,"nosuch":1}`:        "Unknown named parameter nosuch",
		`{"args":[1],"height":0}`:        "Parameter height specified twice both as positional and named argument",
		`{"args":"notarray","height":0}`: "",
	} {
		res, e := n.callRaw("getblockhash", []byte(body))
		switch {
		case msg == "" && e != nil:
			t.Errorf("%s: %v", body, e)
		case msg != "" && (e == nil || e.Code != ErrInvalidParameter || e.Message != msg):
			t.Errorf("%s: got %s %+v, want %q", body, res, e, msg)
		}
	}
}

func TestMethodsSorted(t *testing.T) {
	ms := Methods()
	if !sort.SliceIsSorted(ms, func(i, j int) bool {
		if ms[i].Category != ms[j].Category {
			return ms[i].Category < ms[j].Category
		}
		return ms[i].Name < ms[j].Name
	}) {
		t.Error("Methods not sorted")
	}
}
