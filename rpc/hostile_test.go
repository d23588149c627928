package rpc

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// hostileBodies are requests a client may send to break the server.
var hostileBodies = []string{
	``, ` `, `{`, `}`, `[`, `null`, `true`, `"x"`, `1e999999`, `{"method":"getblockcount"}garbage`,
	strings.Repeat("[", 100_000), strings.Repeat(`{"a":`, 600) + "1" + strings.Repeat("}", 600),
	`{"method":"getblockhash","params":[` + strings.Repeat("9", 5000) + `]}`,
	`{"method":"getblockhash","params":[-99999999999999999999999]}`,
	`{"method":"getblockhash","params":[1e308]}`,
	`{"method":"getblockhash","params":[0.0000001]}`,
	"{\"method\":\"help\",\"params\":[\"\xff\xfe\"]}",
	"{\"method\":\"help\",\"params\":[\"\\ud800\"]}",
	`{"method":"getblock","params":{"blockhash":{"a":[1,2,{"b":null}]}}}`,
	`{"method":"getblock","params":[[[[[[[[[[[[]]]]]]]]]]]]}`,
	`{"method":"sendrawtransaction","params":["` + strings.Repeat("ff", 5000) + `"]}`,
	`{"method":"decoderawtransaction","params":["0100000001` + strings.Repeat("ff", 40) + `"]}`,
	`{"method":"submitblock","params":["` + strings.Repeat("00", 80) + `ffffffffff"]}`,
	`{"method":"getblocktemplate","params":[{"mode":"proposal","data":"` + strings.Repeat("ab", 81) + `"}]}`,
	`{"method":"getblocktemplate","params":[{"rules":[1,2,3]}]}`,
	`{"method":"getblocktemplate","params":[{"rules":"segwit"}]}`,
	`{"method":"generateblock","params":["raw(",[]]}`,
	`{"method":"testmempoolaccept","params":[[null]]}`,
	`{"method":"sendrawtransaction","params":["00","1e-99999"]}`,
	`{"method":"sendrawtransaction","params":["00","9999999999999999999999"]}`,
	`{"method":"logging","params":[[1],[{}]]}`,
	`{"method":"getrawtransaction","params":["` + strings.Repeat("00", 32) + `",{}]}`,
	`{"method":"gettxout","params":["` + strings.Repeat("00", 32) + `",4294967295]}`,
	`{"method":"getblockhash","params":{"height":1,"args":[1,2,3,4,5]}}`,
	`{"method":"estimatesmartfee","params":[-2147483649]}`,
	`{"method":"prioritisetransaction","params":["` + strings.Repeat("00", 32) + `",1e400,1]}`,
	`{"jsonrpc":"2.0","method":"getblockcount","id":{"deep":[1,[2,[3]]]}}`,
	`[` + strings.Repeat(`{"method":"getblockcount"},`, 50) + `1]`,
	`[[],[[]],{},null]`,
}

// TestHostileBodies sends each hostile body over HTTP: every answer is a
// well-formed HTTP reply, JSON unless the status says there is no body.
func TestHostileBodies(t *testing.T) {
	n := newNode(t, nil)
	for _, body := range hostileBodies {
		status, b, _ := n.post(body, nil)
		checkReply(t, body, status, b)
	}
	// The server still works.
	if got := string(n.call("getblockcount")); got != "110" {
		t.Fatalf("after hostile input: %s", got)
	}
}

func checkReply(t *testing.T, body string, status int, reply []byte) {
	t.Helper()
	short := body
	if len(short) > 80 {
		short = short[:80] + "..."
	}
	switch status {
	case http.StatusNoContent:
		if len(reply) != 0 {
			t.Errorf("%q: 204 with a body", short)
		}
		return
	case http.StatusOK, http.StatusBadRequest, http.StatusNotFound, http.StatusInternalServerError:
	default:
		t.Errorf("%q: status %d", short, status)
		return
	}
	if !json.Valid(reply) {
		t.Errorf("%q: reply is not JSON: %q", short, reply)
	}
}

func TestParseErrors(t *testing.T) {
	n := newNode(t, nil)
	for _, body := range []string{strings.Repeat("[", 513) + strings.Repeat("]", 513), "{\"method\":\"help\",\"params\":[\"\xff\"]}", `{"a":1}x`} {
		status, b, _ := n.post(body, nil)
		if status != 500 || !strings.Contains(string(b), `"code":-32700`) {
			t.Errorf("%.40q: %d %s", body, status, b)
		}
	}
	status, b, _ := n.post(strings.Repeat("[", 100)+strings.Repeat("]", 100), nil)
	if status != 200 {
		t.Errorf("nesting within the limit: %d %s", status, b)
	}
	n.wantErr(ErrMisc, "JSON integer out of range", "getblockhash", json.RawMessage(strings.Repeat("9", 400)))
}

// FuzzRPCRequest feeds arbitrary bodies to the JSON-RPC handler of a
// server on a real regtest chain: it must never panic, and every reply
// must be JSON with a sensible status.
func FuzzRPCRequest(f *testing.F) {
	for _, b := range hostileBodies {
		f.Add([]byte(b))
	}
	for _, m := range Methods() {
		f.Add([]byte(`{"method":"` + m.Name + `","params":[],"id":1}`))
		f.Add([]byte(`{"jsonrpc":"2.0","method":"` + m.Name + `","params":[1,"x",true,null,{},[]],"id":1}`))
	}
	n := newNode(f, func(c *Config) { c.Timeout = time.Second })
	f.Fuzz(func(t *testing.T, body []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		done := make(chan struct{})
		var status int
		var reply []byte
		go func() {
			defer close(done)
			status, reply = n.srv.HandleBody(ctx, body)
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("request hangs: %q", body)
		}
		checkReply(t, string(body), status, reply)
	})
}
