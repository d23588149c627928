package rpc

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func strPtr(s string) *string { return &s }

func TestAuthentication(t *testing.T) {
	salt := "cb77f0957de88ff388cf817ddbc7273"
	n := newNode(t, func(c *Config) {
		c.RPCAuth = []string{"alice:" + salt + "$" + RPCAuthHMAC(salt, "wonderland")}
		c.AuthFailDelay = 100 * time.Millisecond
	})
	body := `{"method":"getblockcount","id":1}`
	status, b, h := n.post(body, strPtr(""))
	if status != http.StatusUnauthorized || len(b) != 0 || h.Get("WWW-Authenticate") != `Basic realm="jsonrpc"` {
		t.Fatalf("no credentials: %d %q %v", status, b, h)
	}
	start := time.Now()
	if status, _, _ := n.post(body, strPtr("test:wrong")); status != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", status)
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("wrong password answered after %v, want the failure delay", d)
	}
	for _, bad := range []string{"nobody:secret", "test", "alice:wonderlan", "alice:wonderland2"} {
		if status, _, _ := n.post(body, strPtr(bad)); status != http.StatusUnauthorized {
			t.Errorf("%q: %d, want 401", bad, status)
		}
	}
	for _, good := range []string{"test:secret", "alice:wonderland"} {
		if status, b, _ := n.post(body, strPtr(good)); status != http.StatusOK || !strings.Contains(string(b), `"result":110`) {
			t.Errorf("%q: %d %s", good, status, b)
		}
	}
	// A header that is not Basic, or not base64.
	req, _ := http.NewRequest(http.MethodPost, n.url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer abc")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("bearer token: %v %v", resp, err)
	}
	if _, err := New(Config{Chain: n.ch, RPCAuth: []string{"bad"}}); err == nil {
		t.Error("malformed --rpcauth accepted")
	}
}

func TestCookieAuthentication(t *testing.T) {
	n := newNode(t, func(c *Config) { c.Password = "" })
	path := filepath.Join(n.dir, CookieName)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("cookie mode %v, want 0600", fi.Mode().Perm())
	}
	raw, _ := os.ReadFile(path)
	if !regexp.MustCompile(`^__cookie__:[0-9a-f]{64}$`).Match(raw) {
		t.Fatalf("cookie %q", raw)
	}
	user, pass, err := ReadCookie(path)
	if err != nil || user != "__cookie__" {
		t.Fatal(user, err)
	}
	if status, _, _ := n.post(`{"method":"getblockcount"}`, strPtr(user+":"+pass)); status != http.StatusOK {
		t.Fatalf("cookie credentials: %d", status)
	}
	if status, _, _ := n.post(`{"method":"getblockcount"}`, strPtr("test:secret")); status != http.StatusUnauthorized {
		t.Fatalf("password accepted in cookie mode: %d", status)
	}
	// The cookie is removed when the server stops.
	srv, err := New(Config{Chain: n.ch, Listen: []string{"127.0.0.1:0"}, CookieFile: filepath.Join(t.TempDir(), "c")})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- srv.Run(ctx) }()
	for i := 0; len(srv.Addrs()) == 0 && i < 100; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := os.Stat(srv.cfg.CookieFile); err != nil {
		t.Fatalf("cookie not written: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(srv.cfg.CookieFile); !os.IsNotExist(err) {
		t.Fatalf("cookie left after shutdown: %v", err)
	}
}

func TestJSONRPCVersions(t *testing.T) {
	n := newNode(t, nil)
	cases := []struct {
		name, body string
		status     int
		reply      string
	}{
		{"1.0 success", `{"method":"getblockcount","id":7}`, 200, `{"result":110,"error":null,"id":7}`},
		{"1.0 explicit", `{"jsonrpc":"1.0","method":"getblockcount","id":"x"}`, 200, `{"result":110,"error":null,"id":"x"}`},
		{"1.0 no id", `{"method":"getblockcount"}`, 200, `{"result":110,"error":null}`},
		{"1.0 null id", `{"method":"getblockcount","id":null}`, 200, `{"result":110,"error":null,"id":null}`},
		{"1.0 unknown method", `{"method":"nosuch","id":1}`, 404, `{"result":null,"error":{"code":-32601,"message":"Method not found"},"id":1}`},
		{"1.0 bad parameter", `{"method":"getblockhash","params":[-1],"id":1}`, 500, `{"result":null,"error":{"code":-8,"message":"Block height out of range"},"id":1}`},
		{"1.0 missing method", `{"id":1}`, 400, `{"result":null,"error":{"code":-32600,"message":"Missing method"},"id":1}`},
		{"method not a string", `{"method":1,"id":1}`, 400, `{"result":null,"error":{"code":-32600,"message":"Method must be a string"},"id":1}`},
		{"bad params", `{"method":"getblockcount","params":"x","id":1}`, 400, `{"result":null,"error":{"code":-32600,"message":"Params must be an array or object"},"id":1}`},
		{"bad version", `{"jsonrpc":"3.0","method":"getblockcount","id":1}`, 400, `{"result":null,"error":{"code":-32600,"message":"JSON-RPC version not supported"},"id":1}`},
		{"version not a string", `{"jsonrpc":2,"method":"getblockcount","id":1}`, 400, `{"result":null,"error":{"code":-32600,"message":"jsonrpc field must be a string"},"id":1}`},
		{"parse error", `{"method":`, 500, `{"result":null,"error":{"code":-32700,"message":"Parse error"},"id":null}`},
		{"top level", `42`, 500, `{"result":null,"error":{"code":-32700,"message":"Top-level object parse error"},"id":null}`},
		{"2.0 success", `{"jsonrpc":"2.0","method":"getblockcount","id":1}`, 200, `{"jsonrpc":"2.0","result":110,"id":1}`},
		{"2.0 unknown method", `{"jsonrpc":"2.0","method":"nosuch","id":1}`, 200, `{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":1}`},
		{"2.0 bad parameter", `{"jsonrpc":"2.0","method":"getblockhash","params":[999],"id":"a"}`, 200, `{"jsonrpc":"2.0","error":{"code":-8,"message":"Block height out of range"},"id":"a"}`},
		{"2.0 notification", `{"jsonrpc":"2.0","method":"getblockcount"}`, 204, ``},
		{"2.0 failing notification", `{"jsonrpc":"2.0","method":"nosuch"}`, 204, ``},
	}
	for _, c := range cases {
		status, b, h := n.post(c.body, nil)
		if status != c.status || strings.TrimSpace(string(b)) != c.reply {
			t.Errorf("%s: got %d %s, want %d %s", c.name, status, b, c.status, c.reply)
		}
		if c.status != 204 && h.Get("Content-Type") != "application/json" {
			t.Errorf("%s: content type %q", c.name, h.Get("Content-Type"))
		}
	}
}

func TestBatch(t *testing.T) {
	n := newNode(t, nil)
	body := `[{"jsonrpc":"2.0","method":"getblockcount","id":1},
		{"method":"getblockhash","params":[0],"id":2},
		{"jsonrpc":"2.0","method":"getblockcount"},
		{"method":"nosuch","id":3},
		17,
		{"jsonrpc":"2.0","method":"getblockhash","params":["x"],"id":4}]`
	status, b, _ := n.post(body, nil)
	if status != 200 {
		t.Fatalf("batch: %d %s", status, b)
	}
	var replies []map[string]json.RawMessage
	decode(t, b, &replies)
	if len(replies) != 5 {
		t.Fatalf("got %d replies, want 5 (the notification gets none): %s", len(replies), b)
	}
	want := []string{`"result":110`, `"id":2`, `"code":-32601`, `"code":-32600,"message":"Invalid Request object"`, `"code":-3`}
	for i, w := range want {
		if raw := string(mustJSON(t, replies[i])); !strings.Contains(raw, w) {
			t.Errorf("reply %d: %s, want %s", i, raw, w)
		}
	}
	if status, b, _ := n.post(`[{"jsonrpc":"2.0","method":"getblockcount"}]`, nil); status != 204 || len(b) != 0 {
		t.Errorf("all-notification batch: %d %q", status, b)
	}
	if status, b, _ := n.post(`[]`, nil); status != 200 || strings.TrimSpace(string(b)) != "[]" {
		t.Errorf("empty batch: %d %q", status, b)
	}
}

func TestHTTPRules(t *testing.T) {
	n := newNode(t, func(c *Config) { c.MaxBodyBytes = 1000 })
	resp, err := http.Get(n.url)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 100)
	k, _ := resp.Body.Read(buf)
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || string(buf[:k]) != "JSONRPC server handles only POST requests" {
		t.Errorf("GET: %d %q", resp.StatusCode, buf[:k])
	}
	resp, err = http.Post(n.url+"wallet/x", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("other path: %d", resp.StatusCode)
	}
	big := `{"method":"getblockcount","params":[],"id":"` + strings.Repeat("x", 2000) + `"}`
	if status, _, _ := n.post(big, nil); status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: %d", status)
	}
	req, _ := http.NewRequest("PATCH", n.url, nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("PATCH: %v %v", resp, err)
	}
}

// TestWorkQueue fills the single worker and the one-deep queue with long
// polls, then a third request is refused with 503.
func TestWorkQueue(t *testing.T) {
	n := newNode(t, func(c *Config) { c.Threads, c.WorkQueue = 1, 1 })
	tip, _ := n.ch.Tip()
	poll := fmt.Sprintf(`{"method":"getblocktemplate","params":[{"rules":["segwit"],"longpollid":"%s0"}],"id":1}`, tip)
	results := make(chan int, 2)
	for range 2 {
		go func() {
			status, _, _ := n.post(poll, nil)
			results <- status
		}()
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(n.srv.admit) < 2 {
		if time.Now().After(deadline) {
			t.Fatal("long polls never admitted")
		}
		time.Sleep(5 * time.Millisecond)
	}
	status, b, _ := n.post(`{"method":"getblockcount","id":1}`, nil)
	if status != http.StatusServiceUnavailable || string(b) != "Work queue depth exceeded" {
		t.Fatalf("third request: %d %q", status, b)
	}
	// A new block ends the long polls.
	if _, err := n.srv.cfg.Miner.Generate(context.Background(), p2wshTrue, 1, 0); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if s := <-results; s != 200 {
			t.Errorf("long poll: %d", s)
		}
	}
	if status, _, _ := n.post(`{"method":"getblockcount","id":1}`, nil); status != 200 {
		t.Errorf("after the queue drained: %d", status)
	}
}

func TestRequestTimeout(t *testing.T) {
	n := newNode(t, func(c *Config) { c.Timeout = 300 * time.Millisecond })
	start := time.Now()
	res := n.call("stop", 60_000)
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("stop with a 60 s wait returned after %v", d)
	}
	if string(res) != `"bitnode stopping"` {
		t.Fatalf("stop: %s", res)
	}
	select {
	case <-n.shutdown:
	default:
		t.Fatal("stop did not ask for a shutdown")
	}
}

func TestResolveBind(t *testing.T) {
	listen, allowed, err := ResolveBind(nil, nil, 18443)
	if err != nil || strings.Join(listen, ",") != "127.0.0.1:18443,[::1]:18443" || len(allowed) != 0 {
		t.Fatalf("default: %v %v %v", listen, allowed, err)
	}
	if _, _, err := ResolveBind([]string{"0.0.0.0"}, nil, 8332); err == nil {
		t.Fatal("non-loopback bind without --rpcallowip accepted")
	}
	if _, _, err := ResolveBind([]string{"192.168.1.2:9000"}, nil, 8332); err == nil {
		t.Fatal("non-loopback bind without --rpcallowip accepted")
	}
	listen, _, err = ResolveBind([]string{"127.0.0.1:9000", "localhost", "[::1]"}, nil, 8332)
	if err != nil || strings.Join(listen, ",") != "127.0.0.1:9000,localhost:8332,[::1]:8332" {
		t.Fatalf("loopback binds: %v %v", listen, err)
	}
	listen, allowed, err = ResolveBind([]string{"0.0.0.0"}, []string{"10.0.0.0/8", "192.168.1.5", "172.16.0.0/255.240.0.0"}, 8332)
	if err != nil || listen[0] != "0.0.0.0:8332" || len(allowed) != 3 {
		t.Fatalf("allowed bind: %v %v %v", listen, allowed, err)
	}
	if allowed[2] != netip.MustParsePrefix("172.16.0.0/12") || allowed[1] != netip.MustParsePrefix("192.168.1.5/32") {
		t.Errorf("subnets %v", allowed)
	}
	for _, bad := range []string{"10.0.0.0/33", "nonsense", "10.0.0.0/255.0.255.0"} {
		if _, _, err := ResolveBind(nil, []string{bad}, 1); err == nil {
			t.Errorf("--rpcallowip %s accepted", bad)
		}
	}
	if _, _, err := ResolveBind([]string{"127.0.0.1:0x"}, nil, 1); err == nil {
		t.Error("bad port accepted")
	}
	s := &Server{cfg: Config{AllowIPs: allowed}}
	for addr, want := range map[string]bool{"127.0.0.1:5": true, "[::1]:5": true, "10.1.2.3:5": true,
		"192.168.1.5:1": true, "192.168.1.6:1": false, "8.8.8.8:1": false, "garbage": false} {
		if got := s.clientAllowed(addr); got != want {
			t.Errorf("clientAllowed(%s) = %v", addr, got)
		}
	}
}

// TestForbiddenClient: a server on a non-loopback address refuses
// clients outside --rpcallowip with 403.
func TestForbiddenClient(t *testing.T) {
	n := newNode(t, func(c *Config) { c.AllowIPs = nil })
	n.srv.cfg.AllowIPs = nil
	req, _ := http.NewRequest(http.MethodPost, n.url, strings.NewReader(`{"method":"getblockcount"}`))
	req.RemoteAddr = "203.0.113.9:4000"
	rec := &recorder{header: http.Header{}}
	n.srv.ServeHTTP(rec, req)
	if rec.status != http.StatusForbidden {
		t.Fatalf("foreign client: %d", rec.status)
	}
}

type recorder struct {
	header http.Header
	status int
	body   []byte
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(status int)      { r.status = status }
func (r *recorder) Write(b []byte) (int, error) { r.body = append(r.body, b...); return len(b), nil }

func TestBindFailure(t *testing.T) {
	n := newNode(t, nil)
	taken := n.srv.Addrs()[0].String()
	srv, err := New(Config{Chain: n.ch, Listen: []string{taken}, Password: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err == nil || !strings.Contains(err.Error(), "unable to bind") {
		t.Fatalf("bind to a taken port: %v", err)
	}
}

// TestShutdownEndsLongPolls: stopping the server ends a waiting long poll
// at once instead of waiting for its deadline.
func TestShutdownEndsLongPolls(t *testing.T) {
	n := newNode(t, nil)
	srv, err := New(Config{Chain: n.ch, Mempool: n.pool, Miner: n.srv.cfg.Miner, Listen: []string{"127.0.0.1:0"},
		User: "u", Password: "p", Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	tip, _ := n.ch.Tip()
	reply := make(chan string, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, "http://"+srv.Addrs()[0].String()+"/",
			strings.NewReader(fmt.Sprintf(`{"method":"getblocktemplate","params":[{"rules":["segwit"],"longpollid":"%s0"}],"id":1}`, tip)))
		req.SetBasicAuth("u", "p")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			reply <- err.Error()
			return
		}
		b := make([]byte, 200)
		k, _ := resp.Body.Read(b)
		reply <- string(b[:k])
	}()
	for len(srv.admit) == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	start := time.Now()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("shutdown took %v", d)
	}
	if r := <-reply; !strings.Contains(r, "Shutting down") {
		t.Errorf("long poll reply %q", r)
	}
}
