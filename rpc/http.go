package rpc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"time"
)

// wwwAuthenticate is the challenge sent with a 401.
const wwwAuthenticate = `Basic realm="jsonrpc"`

// ServeHTTP answers one HTTP request the way Bitcoin Core's HTTP server
// and HTTPReq_JSONRPC do: 403 for a client outside --rpcallowip, 405 for
// an unknown method, 404 for a path other than "/", 503 when the work
// queue is full, 405 for anything but POST, 401 without valid
// credentials, then the JSON-RPC exchange.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.clientAllowed(r.RemoteAddr) {
		s.log.Warn("RPC request rejected: client network is not allowed RPC access", "peer", r.RemoteAddr)
		w.WriteHeader(http.StatusForbidden)
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodPost, http.MethodHead, http.MethodPut, http.MethodOptions:
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	if s.serveREST(w, r) { // see rest.go
		return
	}
	if r.URL.Path == "/ws" {
		s.serveWebsocket(w, r) // see ws.go
		return
	}
	if r.URL.Path != "/" {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	select {
	case s.admit <- struct{}{}:
		defer func() { <-s.admit }()
	default:
		s.log.Warn("RPC request rejected because the work queue is full; raise --rpcworkqueue")
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, "Work queue depth exceeded")
		return
	}
	select {
	case s.workers <- struct{}{}:
		defer func() { <-s.workers }()
	case <-r.Context().Done():
		return
	}
	s.serveJSONRPC(w, r)
}

func (s *Server) serveJSONRPC(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.WriteHeader(http.StatusMethodNotAllowed)
		io.WriteString(w, "JSONRPC server handles only POST requests")
		return
	}
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
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.Timeout)
	defer cancel()
	status, reply := s.HandleBody(ctx, body)
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(reply)
}

// request is one parsed JSON-RPC request (Core's JSONRPCRequest).
type request struct {
	id     json.RawMessage // nil when the request has no id
	v2     bool
	method string
	params json.RawMessage
}

// notification reports a JSON-RPC 2.0 request without an id, which gets
// no reply.
func (q *request) notification() bool { return q.id == nil && q.v2 }

// HandleBody runs the JSON-RPC request or batch in body and returns the
// HTTP status and reply body (empty for 204). Version 1.0 failures carry
// HTTP error statuses (400 invalid request, 404 method not found, 500
// otherwise); version 2.0 replies and batches are always 200.
func (s *Server) HandleBody(ctx context.Context, body []byte) (int, []byte) {
	if !validJSON(body) {
		return replyError(&request{id: json.RawMessage("null")}, errorf(ErrParse, "Parse error"))
	}
	trimmed := bytes.TrimSpace(body)
	switch trimmed[0] {
	case '{':
		return s.handleSingle(ctx, trimmed)
	case '[':
		return s.handleBatch(ctx, trimmed)
	}
	return replyError(&request{id: json.RawMessage("null")}, errorf(ErrParse, "Top-level object parse error"))
}

func (s *Server) handleSingle(ctx context.Context, body []byte) (int, []byte) {
	q, perr := parseRequest(body)
	if perr != nil {
		return replyError(q, perr)
	}
	result, rerr := s.execute(ctx, q)
	if q.notification() {
		return http.StatusNoContent, nil
	}
	if rerr != nil && !q.v2 {
		return replyError(q, rerr)
	}
	return http.StatusOK, append(replyObject(q, result, rerr), '\n')
}

func (s *Server) handleBatch(ctx context.Context, body []byte) (int, []byte) {
	elems, err := arrayElements(body)
	if err != nil {
		return replyError(&request{id: json.RawMessage("null")}, errorf(ErrParse, "Parse error"))
	}
	var out bytes.Buffer
	out.WriteByte('[')
	n := 0
	for _, e := range elems {
		q, rerr := parseRequest(e)
		var result json.RawMessage
		if rerr == nil {
			result, rerr = s.execute(ctx, q)
		}
		if q.notification() {
			continue
		}
		if n > 0 {
			out.WriteByte(',')
		}
		out.Write(replyObject(q, result, rerr))
		n++
	}
	if n == 0 && len(elems) > 0 {
		return http.StatusNoContent, nil
	}
	out.WriteString("]\n")
	return http.StatusOK, out.Bytes()
}

// parseRequest is Core's JSONRPCRequest::parse. The request returned
// carries the id and version read before any error, for the reply.
func parseRequest(raw json.RawMessage) (*request, *Error) {
	q := &request{id: json.RawMessage("null")}
	if jsonType(raw) != "object" {
		return q, errorf(ErrInvalidRequest, "Invalid Request object")
	}
	ms, err := objectMembers(raw)
	if err != nil {
		return q, errorf(ErrParse, "Parse error")
	}
	q.id = nil
	if id, ok := find(ms, "id"); ok {
		q.id = compactJSON(id)
	}
	if v, ok := find(ms, "jsonrpc"); ok && !isNull(v) {
		version, perr := parseString(v)
		if perr != nil {
			return q, errorf(ErrInvalidRequest, "jsonrpc field must be a string")
		}
		switch version {
		case "1.0":
		case "2.0":
			q.v2 = true
		default:
			return q, errorf(ErrInvalidRequest, "JSON-RPC version not supported")
		}
	}
	m, ok := find(ms, "method")
	if !ok || isNull(m) {
		return q, errorf(ErrInvalidRequest, "Missing method")
	}
	method, perr := parseString(m)
	if perr != nil {
		return q, errorf(ErrInvalidRequest, "Method must be a string")
	}
	q.method = method
	p, _ := find(ms, "params")
	switch jsonType(p) {
	case "array", "object", "null":
		q.params = p
	default:
		return q, errorf(ErrInvalidRequest, "Params must be an array or object")
	}
	return q, nil
}

// replyObject is Core's JSONRPCReplyObj: version 1.0 replies have both
// result and error (one null), 2.0 replies have "jsonrpc" and only one of
// them; the id is echoed when the request had one.
func replyObject(q *request, result json.RawMessage, e *Error) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	if q.v2 {
		b.WriteString(`"jsonrpc":"2.0",`)
	}
	if e == nil {
		b.WriteString(`"result":`)
		b.Write(result)
		if !q.v2 {
			b.WriteString(`,"error":null`)
		}
	} else {
		if !q.v2 {
			b.WriteString(`"result":null,`)
		}
		b.WriteString(`"error":`)
		b.Write(marshalError(e))
	}
	if q.id != nil {
		b.WriteString(`,"id":`)
		b.Write(q.id)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// replyError is Core's JSONErrorReply: the error with an HTTP status
// derived from its code.
func replyError(q *request, e *Error) (int, []byte) {
	status := http.StatusInternalServerError
	switch e.Code {
	case ErrInvalidRequest:
		status = http.StatusBadRequest
	case ErrMethodNotFound:
		status = http.StatusNotFound
	}
	return status, append(replyObject(q, nil, e), '\n')
}

// execute runs one request: method lookup, argument mapping and checks,
// the handler (a panic becomes an error, never a crash), result encoding.
func (s *Server) execute(ctx context.Context, q *request) (result json.RawMessage, rerr *Error) {
	cmd, ok := s.cmds[q.method]
	if !ok {
		return nil, errorf(ErrMethodNotFound, "Method not found")
	}
	vals, perr := toPositional(cmd, q.params)
	if perr != nil {
		return nil, perr
	}
	if perr := checkArgs(cmd, vals); perr != nil {
		return nil, perr
	}
	defer s.track(cmd.Name)()
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("RPC handler panicked", "method", cmd.Name, "panic", r, "stack", string(debug.Stack()))
			result, rerr = nil, misc("Internal bug detected: %v", r)
		}
	}()
	v, err := cmd.handler(ctx, s, &callArgs{cmd: cmd, vals: vals})
	if err != nil {
		return nil, s.asError(ctx, err)
	}
	raw, err := marshalJSON(v)
	if err != nil {
		return nil, misc("%v", err)
	}
	if s.cfg.DocCheck {
		if m := cmd.docMismatch(raw); m != "" {
			return nil, misc("Internal bug detected: RPC call %q returned incorrect type: %s", cmd.Name, m)
		}
	}
	return raw, nil
}

// asError turns a handler's error into a JSON-RPC error.
func (s *Server) asError(ctx context.Context, err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
		return misc("Request timed out after %v (--rpcservertimeout)", s.cfg.Timeout)
	}
	return misc("%s", fmt.Sprint(err))
}
