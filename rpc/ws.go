package rpc

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/mempool"
	"github.com/gorilla/websocket"
)

// The websocket endpoint, /ws. The upgrade request must carry the same
// HTTP Basic Authorization header as a JSON-RPC POST (user/password,
// --rpcauth or the cookie); credentials in the URL are not accepted, and
// a browser page from another origin is refused (gorilla's same-origin
// check). Every text message is a JSON-RPC request or batch, answered by
// the HTTP dispatcher with one reply message (none for notifications).
// Two extra methods exist only on the socket: subscribe and unsubscribe,
// taking topic names (Bitcoin Core's ZMQ topics):
//
//	hashblock  [blockhash]                 a block was connected
//	rawblock   [block hex]                 a block was connected
//	hashtx     [txid]                      a transaction entered the mempool
//	rawtx      [tx hex]                    a transaction entered the mempool
//	sequence   [hash, "C"|"D"]             block connected / disconnected
//	           [txid, "A"|"R", mempoolseq] tx added to / removed from the mempool
//
// Events arrive as JSON-RPC 2.0 notifications {"jsonrpc":"2.0",
// "method":<topic>,"params":[...]}. Each connection has a bounded send
// queue (Config.WebsocketQueue); a subscriber that lets it fill up is
// disconnected, so a slow client never holds up the node.

// DefaultWebsocketQueue is the per-connection send queue length.
const DefaultWebsocketQueue = 1024

// wsWriteTimeout bounds one message write.
const wsWriteTimeout = 10 * time.Second

// wsTopics are the subscription topics.
var wsTopics = map[string]bool{"hashblock": true, "rawblock": true, "hashtx": true, "rawtx": true, "sequence": true}

// wsConn is one websocket client.
type wsConn struct {
	s         *Server
	c         *websocket.Conn
	send      chan []byte
	done      chan struct{}
	closeOnce sync.Once

	mu     sync.Mutex
	topics map[string]bool
}

// serveWebsocket authenticates and upgrades r, then serves the connection
// until either side closes it or the server stops.
func (s *Server) serveWebsocket(w http.ResponseWriter, r *http.Request) {
	header := r.Header.Get("Authorization")
	if header == "" {
		w.Header().Set("WWW-Authenticate", wwwAuthenticate)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if _, ok := s.auth.check(header); !ok {
		s.log.Warn("RPC incorrect password attempt", "peer", r.RemoteAddr)
		select {
		case <-time.After(s.cfg.AuthFailDelay):
		case <-r.Context().Done():
		}
		w.Header().Set("WWW-Authenticate", wwwAuthenticate)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	up := websocket.Upgrader{ReadBufferSize: 4096, WriteBufferSize: 4096}
	c, err := up.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has replied
	}
	queue := s.cfg.WebsocketQueue
	if queue <= 0 {
		queue = DefaultWebsocketQueue
	}
	wc := &wsConn{s: s, c: c, send: make(chan []byte, queue), done: make(chan struct{}), topics: map[string]bool{}}
	c.SetReadLimit(s.cfg.MaxBodyBytes)
	if ch, ok := s.cfg.Chain.(interface {
		Subscribe(func(chain.Notification)) func()
	}); ok {
		defer ch.Subscribe(wc.chainEvent)()
	}
	if mp, ok := s.cfg.Mempool.(interface {
		Subscribe(func(mempool.Event)) func()
	}); ok {
		defer mp.Subscribe(wc.mempoolEvent)()
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		wc.writeLoop()
	}()
	go func() {
		defer wg.Done()
		select {
		case <-s.base.Done():
			wc.close()
		case <-wc.done:
		}
	}()
	wc.readLoop()
	wc.close()
	wg.Wait()
}

// close ends the connection (idempotent).
func (wc *wsConn) close() {
	wc.closeOnce.Do(func() {
		close(wc.done)
		wc.c.Close()
	})
}

func (wc *wsConn) writeLoop() {
	for {
		select {
		case m := <-wc.send:
			wc.c.SetWriteDeadline(time.Now().Add(wsWriteTimeout))
			if err := wc.c.WriteMessage(websocket.TextMessage, m); err != nil {
				wc.close()
				return
			}
		case <-wc.done:
			return
		}
	}
}

// reply queues a reply, waiting for room.
func (wc *wsConn) reply(m []byte) {
	select {
	case wc.send <- m:
	case <-wc.done:
	}
}

// notify queues a notification without waiting: a client whose queue is
// full is dropped.
func (wc *wsConn) notify(topic string, params ...any) {
	m, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": topic, "params": params})
	if err != nil {
		return
	}
	select {
	case wc.send <- m:
	case <-wc.done:
	default:
		wc.s.log.Warn("dropping slow websocket subscriber", "peer", wc.c.RemoteAddr())
		wc.close()
	}
}

func (wc *wsConn) subscribed(topic string) bool {
	wc.mu.Lock()
	defer wc.mu.Unlock()
	return wc.topics[topic]
}

func (wc *wsConn) chainEvent(n chain.Notification) {
	hash := n.Hash.String()
	if n.Kind == chain.BlockConnected {
		if wc.subscribed("hashblock") {
			wc.notify("hashblock", hash)
		}
		if wc.subscribed("rawblock") && n.Block != nil {
			wc.notify("rawblock", hex.EncodeToString(n.Block.Serialize()))
		}
		if wc.subscribed("sequence") {
			wc.notify("sequence", hash, "C")
		}
		return
	}
	if wc.subscribed("sequence") {
		wc.notify("sequence", hash, "D")
	}
}

func (wc *wsConn) mempoolEvent(e mempool.Event) {
	txid := e.TxID.String()
	if e.Kind == mempool.TxAdded {
		if wc.subscribed("hashtx") {
			wc.notify("hashtx", txid)
		}
		if wc.subscribed("rawtx") && e.Tx != nil {
			wc.notify("rawtx", hex.EncodeToString(e.Tx.Serialize()))
		}
		if wc.subscribed("sequence") {
			wc.notify("sequence", txid, "A", e.Sequence)
		}
		return
	}
	if wc.subscribed("sequence") {
		wc.notify("sequence", txid, "R", e.Sequence)
	}
}

func (wc *wsConn) readLoop() {
	for {
		typ, data, err := wc.c.ReadMessage()
		if err != nil {
			return
		}
		if typ != websocket.TextMessage && typ != websocket.BinaryMessage {
			continue
		}
		if out := wc.handle(data); out != nil {
			wc.reply(out)
		}
	}
}

// handle answers one message: subscribe/unsubscribe here, everything else
// through the HTTP dispatcher. It returns nil when there is no reply.
func (wc *wsConn) handle(data []byte) []byte {
	s := wc.s
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' && validJSON(t) {
		if q, perr := parseRequest(t); perr == nil && (q.method == "subscribe" || q.method == "unsubscribe") {
			result, rerr := wc.subscribe(q)
			if q.notification() {
				return nil
			}
			return replyObject(q, result, rerr)
		}
	}
	select {
	case s.workers <- struct{}{}:
		defer func() { <-s.workers }()
	case <-wc.done:
		return nil
	}
	ctx, cancel := context.WithTimeout(s.base, s.cfg.Timeout)
	defer cancel()
	status, reply := s.HandleBody(ctx, data)
	if status == http.StatusNoContent {
		return nil
	}
	return bytes.TrimRight(reply, "\n")
}

// subscribe runs subscribe or unsubscribe: params are topic names; the
// result is the list of topics subscribed afterwards.
func (wc *wsConn) subscribe(q *request) (json.RawMessage, *Error) {
	var topics []string
	if len(q.params) > 0 && !isNull(q.params) {
		if err := json.Unmarshal(q.params, &topics); err != nil {
			return nil, errorf(ErrInvalidParams, "params must be an array of topic names")
		}
	}
	if len(topics) == 0 {
		return nil, errorf(ErrInvalidParams, "no topic given")
	}
	for _, t := range topics {
		if !wsTopics[t] {
			return nil, invalidParameter("unknown topic %q (hashblock, rawblock, hashtx, rawtx, sequence)", t)
		}
	}
	wc.mu.Lock()
	defer wc.mu.Unlock()
	for _, t := range topics {
		if q.method == "subscribe" {
			wc.topics[t] = true
		} else {
			delete(wc.topics, t)
		}
	}
	now := []string{}
	for _, t := range []string{"hashblock", "rawblock", "hashtx", "rawtx", "sequence"} {
		if wc.topics[t] {
			now = append(now, t)
		}
	}
	raw, _ := json.Marshal(now)
	return raw, nil
}
