package rpc

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func (n *testNode) wsURL() string {
	return "ws://" + n.srv.Addrs()[0].String() + "/ws"
}

func basicAuth(user, pass string) http.Header {
	return http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))}}
}

// wsDial connects to the node's /ws with its credentials.
func (n *testNode) wsDial(t *testing.T) *websocket.Conn {
	t.Helper()
	c, resp, err := websocket.DefaultDialer.Dial(n.wsURL(), basicAuth(n.user, n.pass))
	if err != nil {
		t.Fatalf("dial: %v (%v)", err, resp)
	}
	return c
}

// wsMsg is a reply or a notification.
type wsMsg struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params []any           `json:"params"`
	Result json.RawMessage `json:"result"`
	Error  *Error          `json:"error"`
}

// wsRead reads messages until want accepts one, failing after timeout.
func wsRead(t *testing.T, c *websocket.Conn, timeout time.Duration, want func(wsMsg) bool) wsMsg {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(timeout))
	for {
		_, data, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		var m wsMsg
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", data, err)
		}
		if want(m) {
			return m
		}
	}
}

func wsCall(t *testing.T, c *websocket.Conn, id int, method string, params ...any) wsMsg {
	t.Helper()
	if params == nil {
		params = []any{}
	}
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	if err := c.WriteMessage(websocket.TextMessage, body); err != nil {
		t.Fatal(err)
	}
	return wsRead(t, c, 5*time.Second, func(m wsMsg) bool { return string(m.ID) == mustJSONString(id) })
}

func mustJSONString(v any) string { b, _ := json.Marshal(v); return string(b) }

// waitGoroutines waits until no goroutine of a websocket connection is
// left (the count is not compared: HTTP keep-alive connections come and go).
func waitGoroutines(t *testing.T, _ int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	buf := make([]byte, 1<<20)
	for {
		stacks := string(buf[:runtime.Stack(buf, true)])
		if !strings.Contains(stacks, "serveWebsocket") && !strings.Contains(stacks, "(*wsConn)") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("websocket goroutines left:\n%s", stacks)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestWebsocketAuth(t *testing.T) {
	n := newNode(t, nil)
	for _, h := range []http.Header{nil, basicAuth(n.user, "wrong"), {"Authorization": {"Bearer x"}}} {
		c, resp, err := websocket.DefaultDialer.Dial(n.wsURL(), h)
		if err == nil {
			c.Close()
			t.Fatalf("%v: connected without valid credentials", h)
		}
		if resp == nil || resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("%v: %v %v", h, err, resp)
		}
	}
	// Credentials in the URL are not accepted.
	u := strings.Replace(n.wsURL(), "ws://", "ws://"+n.user+":"+n.pass+"@", 1)
	if c, _, err := websocket.DefaultDialer.Dial(u, nil); err == nil {
		c.Close()
		t.Fatal("URL credentials accepted")
	}
	// A page from another origin is refused.
	h := basicAuth(n.user, n.pass)
	h.Set("Origin", "http://evil.example")
	if c, _, err := websocket.DefaultDialer.Dial(n.wsURL(), h); err == nil {
		c.Close()
		t.Fatal("cross-origin upgrade accepted")
	}
}

func TestWebsocketCall(t *testing.T) {
	n := newNode(t, nil)
	c := n.wsDial(t)
	defer c.Close()
	var want int
	decode(t, n.call("getblockcount"), &want)
	m := wsCall(t, c, 1, "getblockcount")
	var got int
	if m.Error != nil || json.Unmarshal(m.Result, &got) != nil || got != want {
		t.Fatalf("getblockcount over ws: %+v", m)
	}
	if m := wsCall(t, c, 2, "nosuchmethod"); m.Error == nil || m.Error.Code != ErrMethodNotFound {
		t.Fatalf("unknown method: %+v", m)
	}
	if m := wsCall(t, c, 3, "subscribe", "nosuchtopic"); m.Error == nil || m.Error.Code != ErrInvalidParameter {
		t.Fatalf("unknown topic: %+v", m)
	}
	if m := wsCall(t, c, 4, "subscribe", "hashblock", "sequence"); m.Error != nil || string(m.Result) != `["hashblock","sequence"]` {
		t.Fatalf("subscribe: %+v %s", m, m.Result)
	}
	if m := wsCall(t, c, 5, "unsubscribe", "hashblock"); m.Error != nil || string(m.Result) != `["sequence"]` {
		t.Fatalf("unsubscribe: %+v %s", m, m.Result)
	}
}

func TestWebsocketNotifications(t *testing.T) {
	n := newNode(t, nil)
	// The node runs the pool, which applies connected blocks as they come.
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() { defer close(ran); n.pool.Run(ctx) }()
	defer func() { cancel(); <-ran }()
	base := runtime.NumGoroutine()
	c := n.wsDial(t)
	if m := wsCall(t, c, 1, "subscribe", "hashblock", "rawblock", "hashtx", "rawtx", "sequence"); m.Error != nil {
		t.Fatal(m.Error)
	}
	hash := n.generate(1)[0]
	start := time.Now()
	wsRead(t, c, time.Second, func(m wsMsg) bool {
		return m.Method == "hashblock" && len(m.Params) == 1 && m.Params[0] == hash
	})
	if d := time.Since(start); d > time.Second {
		t.Fatalf("hashblock after %v", d)
	}
	wsRead(t, c, time.Second, func(m wsMsg) bool {
		return m.Method == "sequence" && len(m.Params) == 2 && m.Params[0] == hash && m.Params[1] == "C"
	})

	tx := spendTx(n.coinbase(), 1000, 1)
	txid := n.send(tx)
	wsRead(t, c, time.Second, func(m wsMsg) bool {
		return m.Method == "hashtx" && len(m.Params) == 1 && m.Params[0] == txid
	})
	wsRead(t, c, time.Second, func(m wsMsg) bool {
		return m.Method == "rawtx" && len(m.Params) == 1 && m.Params[0] == txHex(tx)
	})
	wsRead(t, c, time.Second, func(m wsMsg) bool {
		return m.Method == "sequence" && len(m.Params) == 3 && m.Params[0] == txid && m.Params[1] == "A"
	})
	// Mining it removes it from the pool.
	n.generate(1)
	wsRead(t, c, time.Second, func(m wsMsg) bool {
		return m.Method == "sequence" && len(m.Params) == 3 && m.Params[0] == txid && m.Params[1] == "R"
	})
	c.Close()
	waitGoroutines(t, base)
}

// TestWebsocketSlowSubscriber: a client that never reads cannot hold up
// block processing, and the server's connection goroutines end with it.
func TestWebsocketSlowSubscriber(t *testing.T) {
	n := newNode(t, func(cfg *Config) { cfg.WebsocketQueue = 4 })
	base := runtime.NumGoroutine()
	c := n.wsDial(t)
	if m := wsCall(t, c, 1, "subscribe", "rawblock", "hashblock", "sequence"); m.Error != nil {
		t.Fatal(m.Error)
	}
	// Never read again.
	start := time.Now()
	for range 5 {
		n.generate(20)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Fatalf("mining took %v", d)
	}
	var height int
	decode(t, n.call("getblockcount"), &height)
	c.Close()
	waitGoroutines(t, base)
}

// TestWebsocketDropFullQueue: a notification finding the send queue full
// drops the connection at once instead of waiting.
func TestWebsocketDropFullQueue(t *testing.T) {
	var up websocket.Upgrader
	conns := make(chan *websocket.Conn, 1)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			t.Error(err)
			return
		}
		conns <- c
	}))
	defer hs.Close()
	client, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(hs.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	s := &Server{log: slog.New(slog.DiscardHandler)}
	wc := &wsConn{s: s, c: <-conns, send: make(chan []byte, 2), done: make(chan struct{}), topics: map[string]bool{}}
	// No writer runs: the queue fills.
	start := time.Now()
	for range 3 {
		wc.notify("hashblock", "00")
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("notify blocked for %v", d)
	}
	select {
	case <-wc.done:
	default:
		t.Fatal("slow subscriber not dropped")
	}
	// The client sees the connection closed.
	client.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, _, err := client.ReadMessage(); err == nil {
		t.Fatal("read after drop succeeded")
	}
}
