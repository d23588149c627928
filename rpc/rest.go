package rpc

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/bitnode/bitnode/chain/txjson"
	"github.com/bitnode/bitnode/wire"
)

// Bitcoin Core's REST interface (rest.cpp), served under /rest/ when
// Config.REST is set: unauthenticated and read-only. JSON results are
// those of the corresponding RPC methods.

// maxRESTHeaders bounds /rest/headers' count (Core's MAX_REST_HEADERS_RESULTS).
const maxRESTHeaders = 2000

// serveREST answers r when it is a REST request and REST is enabled,
// reporting whether it did.
func (s *Server) serveREST(w http.ResponseWriter, r *http.Request) bool {
	if !s.cfg.REST || !strings.HasPrefix(r.URL.Path, "/rest/") {
		return false
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return true
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.Timeout)
	defer cancel()
	rest := strings.TrimPrefix(r.URL.Path, "/rest/")
	route := func(prefix string) (string, bool) {
		if strings.HasPrefix(rest, prefix) {
			return rest[len(prefix):], true
		}
		return "", false
	}
	if p, ok := route("block/notxdetails/"); ok {
		s.restBlock(ctx, w, p, 1)
	} else if p, ok := route("block/"); ok {
		s.restBlock(ctx, w, p, 2)
	} else if p, ok := route("tx/"); ok {
		s.restTx(ctx, w, p)
	} else if p, ok := route("headers/"); ok {
		s.restHeaders(ctx, w, p, r.URL.Query().Get("count"))
	} else if p, ok := route("blockhashbyheight/"); ok {
		s.restBlockHash(w, p)
	} else if p, ok := route("getutxos"); ok {
		s.restGetUTXOs(w, p)
	} else if p, ok := route("chaininfo"); ok {
		s.restJSONOnly(ctx, w, p, "getblockchaininfo", `[]`)
	} else if p, ok := route("mempool/info"); ok {
		s.restJSONOnly(ctx, w, p, "getmempoolinfo", `[]`)
	} else if p, ok := route("mempool/contents"); ok {
		s.restJSONOnly(ctx, w, p, "getrawmempool", `[true]`)
	} else {
		restErr(w, http.StatusNotFound, "")
	}
	return true
}

// restErr writes Core's RESTERR: a plain-text message.
func restErr(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(status)
	io.WriteString(w, msg+"\r\n")
}

const restFormats = "output format not found (available: json, bin, hex)"

// splitFormat splits "param.fmt" as Core's ParseDataFormat does.
func splitFormat(p string) (string, string) {
	i := strings.LastIndexByte(p, '.')
	if i < 0 {
		return p, ""
	}
	switch f := p[i+1:]; f {
	case "json", "bin", "hex":
		return p[:i], f
	}
	return p, ""
}

// writeREST writes data in format f (bin or hex) or json raw.
func writeREST(w http.ResponseWriter, f string, bin []byte, js json.RawMessage) {
	switch f {
	case "bin":
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(bin)
	case "hex":
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, hex.EncodeToString(bin)+"\n")
	default:
		w.Header().Set("Content-Type", "application/json")
		w.Write(append(append([]byte{}, js...), '\n'))
	}
}

// restCall runs an RPC method for a REST JSON reply.
func (s *Server) restCall(ctx context.Context, method, params string) (json.RawMessage, *Error) {
	return s.execute(ctx, &request{method: method, params: json.RawMessage(params)})
}

func parseRESTHash(w http.ResponseWriter, p string) (wire.Hash, bool) {
	h, err := wire.NewHashFromStr(p)
	if err != nil || len(p) != 64 {
		restErr(w, http.StatusBadRequest, "Invalid hash: "+p)
		return h, false
	}
	return h, true
}

func (s *Server) restBlock(ctx context.Context, w http.ResponseWriter, p string, verbosity int) {
	p, f := splitFormat(p)
	hash, ok := parseRESTHash(w, p)
	if !ok {
		return
	}
	if f == "" {
		restErr(w, http.StatusNotFound, restFormats)
		return
	}
	info, rerr := s.lookupBlock(hash)
	if rerr != nil {
		restErr(w, http.StatusNotFound, p+" not found")
		return
	}
	if f == "json" {
		js, rerr := s.restCall(ctx, "getblock", fmt.Sprintf(`[%q,%d]`, p, verbosity))
		if rerr != nil {
			restErr(w, http.StatusNotFound, p+" not found")
			return
		}
		writeREST(w, f, nil, js)
		return
	}
	blk, rerr := s.readBlock(info)
	if rerr != nil {
		restErr(w, http.StatusNotFound, p+" not found")
		return
	}
	writeREST(w, f, blk.Serialize(), nil)
}

func (s *Server) restTx(ctx context.Context, w http.ResponseWriter, p string) {
	p, f := splitFormat(p)
	txid, ok := parseRESTHash(w, p)
	if !ok {
		return
	}
	if f == "" {
		restErr(w, http.StatusNotFound, restFormats)
		return
	}
	if f == "json" {
		js, rerr := s.restCall(ctx, "getrawtransaction", fmt.Sprintf(`[%q,true]`, p))
		if rerr != nil {
			restErr(w, http.StatusNotFound, p+" not found")
			return
		}
		writeREST(w, f, nil, js)
		return
	}
	tx, _, rerr := s.findTransaction(txid, nil)
	if rerr != nil {
		restErr(w, http.StatusNotFound, p+" not found")
		return
	}
	writeREST(w, f, tx.Serialize(), nil)
}

// restHeaders serves /rest/headers/<hash>?count=N and the older
// /rest/headers/<count>/<hash>.
func (s *Server) restHeaders(ctx context.Context, w http.ResponseWriter, p, count string) {
	p, f := splitFormat(p)
	parts := strings.Split(p, "/")
	switch {
	case len(parts) == 1:
		if count == "" {
			count = "5"
		}
	case len(parts) == 2:
		count, parts = parts[0], parts[1:]
	default:
		restErr(w, http.StatusBadRequest, "Invalid URI format. Expected /rest/headers/<hash>.<ext>?count=<count>")
		return
	}
	n, err := strconv.Atoi(count)
	if err != nil || n < 1 || n > maxRESTHeaders {
		restErr(w, http.StatusBadRequest, fmt.Sprintf("Header count is invalid or out of acceptable range (1-%d): %s", maxRESTHeaders, count))
		return
	}
	hash, ok := parseRESTHash(w, parts[0])
	if !ok {
		return
	}
	if f == "" {
		restErr(w, http.StatusNotFound, restFormats)
		return
	}
	var bin []byte
	js := []json.RawMessage{}
	info, found := s.cfg.Chain.BlockInfo(hash)
	for found && info.InActive && len(js) < n {
		bin = append(bin, info.Header.Serialize()...)
		if f == "json" {
			h, rerr := s.restCall(ctx, "getblockheader", fmt.Sprintf(`[%q,true]`, info.Hash.String()))
			if rerr != nil {
				restErr(w, http.StatusInternalServerError, rerr.Message)
				return
			}
			js = append(js, h)
		} else {
			js = append(js, nil)
		}
		next, ok := s.cfg.Chain.MainChainHash(info.Height + 1)
		if !ok {
			break
		}
		info, found = s.cfg.Chain.BlockInfo(next)
	}
	raw, _ := json.Marshal(js)
	writeREST(w, f, bin, raw)
}

func (s *Server) restBlockHash(w http.ResponseWriter, p string) {
	p, f := splitFormat(p)
	height, err := strconv.ParseInt(p, 10, 32)
	if err != nil || height < 0 {
		restErr(w, http.StatusBadRequest, "Invalid height: "+p)
		return
	}
	hash, ok := s.cfg.Chain.MainChainHash(int32(height))
	if !ok {
		restErr(w, http.StatusNotFound, "Block height out of range")
		return
	}
	if f == "" {
		restErr(w, http.StatusNotFound, restFormats)
		return
	}
	switch f {
	case "bin":
		writeREST(w, f, hash[:], nil)
	case "hex":
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, hash.String()+"\n")
	default:
		raw, _ := json.Marshal(map[string]string{"blockhash": hash.String()})
		writeREST(w, f, nil, raw)
	}
}

// restJSONOnly serves an endpoint available only as JSON.
func (s *Server) restJSONOnly(ctx context.Context, w http.ResponseWriter, p, method, params string) {
	if p != ".json" {
		restErr(w, http.StatusNotFound, "output format not found (available: json)")
		return
	}
	js, rerr := s.restCall(ctx, method, params)
	if rerr != nil {
		restErr(w, http.StatusServiceUnavailable, rerr.Message)
		return
	}
	writeREST(w, "json", nil, js)
}

// maxGetUTXOsOutpoints bounds /rest/getutxos (Core's MAX_GETUTXOS_OUTPOINTS).
const maxGetUTXOsOutpoints = 15

// mempoolHeight is the height of a mempool coin (Core's MEMPOOL_HEIGHT).
const mempoolHeight = 0x7fffffff

type restUTXO struct {
	Height       int32                     `json:"height"`
	Value        txjson.Amount             `json:"value"`
	ScriptPubKey txjson.ScriptPubKeyResult `json:"scriptPubKey"`
}

type restUTXOs struct {
	ChainHeight  int32      `json:"chainHeight"`
	ChaintipHash string     `json:"chaintipHash"`
	Bitmap       string     `json:"bitmap"`
	UTXOs        []restUTXO `json:"utxos"`
}

// restGetUTXOs serves /rest/getutxos[/checkmempool]/<txid>-<n>/... (BIP64),
// taking its outpoints from the URI only.
func (s *Server) restGetUTXOs(w http.ResponseWriter, p string) {
	p, f := splitFormat(p)
	var parts []string
	if len(p) > 1 {
		parts = strings.Split(p[1:], "/")
	}
	checkPool := len(parts) > 0 && parts[0] == "checkmempool"
	if checkPool {
		parts = parts[1:]
	}
	ops := make([]wire.OutPoint, 0, len(parts))
	for _, part := range parts {
		txid, n, ok := strings.Cut(part, "-")
		h, err := wire.NewHashFromStr(txid)
		idx, nerr := strconv.ParseUint(n, 10, 32)
		if !ok || err != nil || len(txid) != 64 || nerr != nil || strings.HasPrefix(n, "+") {
			restErr(w, http.StatusBadRequest, "Parse error")
			return
		}
		ops = append(ops, wire.OutPoint{Hash: h, Index: uint32(idx)})
	}
	if f == "" {
		restErr(w, http.StatusNotFound, restFormats)
		return
	}
	if len(ops) == 0 {
		restErr(w, http.StatusBadRequest, "Error: empty request")
		return
	}
	if len(ops) > maxGetUTXOsOutpoints {
		restErr(w, http.StatusBadRequest, fmt.Sprintf("Error: max outpoints exceeded (max: %d, tried: %d)", maxGetUTXOsOutpoints, len(ops)))
		return
	}
	pool := s.cfg.Mempool
	if !checkPool {
		pool = nil
	}
	tip, height := s.cfg.Chain.Tip()
	res := restUTXOs{ChainHeight: height, ChaintipHash: tip.String(), UTXOs: []restUTXO{}}
	bitmap := make([]byte, (len(ops)+7)/8)
	var coins []byte
	for i, op := range ops {
		value, script, h, hit, err := s.restCoin(pool, op)
		if err != nil {
			restErr(w, http.StatusInternalServerError, err.Error())
			return
		}
		if !hit {
			res.Bitmap += "0"
			continue
		}
		res.Bitmap += "1"
		bitmap[i/8] |= 1 << (i % 8)
		res.UTXOs = append(res.UTXOs, restUTXO{Height: h, Value: txjson.Amount(value),
			ScriptPubKey: txjson.DecodeScriptPubKey(script, s.params)})
		coins = binary.LittleEndian.AppendUint32(coins, 0) // nTxVerDummy
		coins = binary.LittleEndian.AppendUint32(coins, uint32(h))
		coins = binary.LittleEndian.AppendUint64(coins, uint64(value))
		coins = wire.AppendCompactSize(coins, uint64(len(script)))
		coins = append(coins, script...)
	}
	if f == "json" {
		raw, err := marshalJSON(res)
		if err != nil {
			restErr(w, http.StatusInternalServerError, err.Error())
			return
		}
		writeREST(w, f, nil, raw)
		return
	}
	bin := binary.LittleEndian.AppendUint32(nil, uint32(height))
	bin = append(bin, tip[:]...)
	bin = wire.AppendCompactSize(bin, uint64(len(bitmap)))
	bin = append(bin, bitmap...)
	bin = wire.AppendCompactSize(bin, uint64(len(res.UTXOs)))
	bin = append(bin, coins...)
	writeREST(w, f, bin, nil)
}

// restCoin looks op up in the UTXO set and, when pool is not nil, the
// mempool: spent there means missing, created there means found at
// mempoolHeight.
func (s *Server) restCoin(pool Mempool, op wire.OutPoint) (int64, []byte, int32, bool, error) {
	if pool != nil {
		if _, spent := pool.SpentBy(op); spent {
			return 0, nil, 0, false, nil
		}
		if tx := pool.Tx(op.Hash); tx != nil {
			if int(op.Index) >= len(tx.TxOut) {
				return 0, nil, 0, false, nil
			}
			out := tx.TxOut[op.Index]
			return out.Value, out.PkScript, mempoolHeight, true, nil
		}
	}
	coin, err := s.cfg.Chain.FetchCoin(op)
	if err != nil || coin == nil {
		return 0, nil, 0, false, err
	}
	return coin.Value, coin.PkScript, coin.Height, true, nil
}
