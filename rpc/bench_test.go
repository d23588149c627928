package rpc

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/internal/testvec"
	"github.com/bitnode/bitnode/mempool/mining"
	"github.com/bitnode/bitnode/wire"
	"github.com/gorilla/websocket"
)

// Benchmarks over real HTTP on 127.0.0.1. Results and the command used
// are in docs/performance.md, section "rpc".

// mainnetBlockChain is the regtest test chain that also answers for one
// mainnet block held in memory. A regtest chain cannot contain mainnet
// block 413567 (its parent and proof of work are mainnet's), so BlockInfo
// and ReadBlock serve it from its raw bytes: ReadBlock decodes them on
// every call, as the real chain decodes what it reads from disk (the file
// read itself is left out). There is no undo data, so getblock's
// verbosity 2 output carries no fees, as for a block without undo data.
type mainnetBlockChain struct {
	*chain.Chain
	raw  []byte
	info chain.BlockInfo
}

func (c *mainnetBlockChain) BlockInfo(hash wire.Hash) (chain.BlockInfo, bool) {
	if hash == c.info.Hash {
		return c.info, true
	}
	return c.Chain.BlockInfo(hash)
}

func (c *mainnetBlockChain) ReadBlock(hash wire.Hash) (*wire.Block, error) {
	if hash == c.info.Hash {
		return wire.DecodeBlock(c.raw)
	}
	return c.Chain.ReadBlock(hash)
}

func (c *mainnetBlockChain) ReadUndo(hash wire.Hash) (store.BlockUndo, error) {
	if hash == c.info.Hash {
		return nil, fmt.Errorf("no undo data")
	}
	return c.Chain.ReadUndo(hash)
}

func loadBlock413567(b *testing.B) ([]byte, *wire.Block) {
	raw := testvec.Read(b, "bitcoin-core/block413567.raw")
	blk, err := wire.DecodeBlock(raw)
	if err != nil {
		b.Fatal(err)
	}
	return raw, blk
}

// benchPost sends one authenticated JSON-RPC request on client and
// returns the body of a 200 reply.
func benchPost(b *testing.B, client *http.Client, n *testNode, body []byte) []byte {
	req, err := http.NewRequest(http.MethodPost, n.url, bytes.NewReader(body))
	if err != nil {
		b.Error(err)
		return nil
	}
	req.SetBasicAuth(n.user, n.pass)
	resp, err := client.Do(req)
	if err != nil {
		b.Error(err)
		return nil
	}
	out, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Errorf("HTTP %d %v: %.200s", resp.StatusCode, err, out)
		return nil
	}
	return out
}

// BenchmarkGetBlockVerbosity2 is getblock <hash> 2 of mainnet block
// 413567 (1,557 transactions, 999,887 bytes) over HTTP: request parsing,
// decoding the block, rendering every transaction and writing the JSON
// reply, and the client reading it. Allocations are the whole process's,
// client included.
func BenchmarkGetBlockVerbosity2(b *testing.B) {
	raw, blk := loadBlock413567(b)
	hash := blk.Header.BlockHash()
	mc := &mainnetBlockChain{raw: raw, info: chain.BlockInfo{Hash: hash, Header: blk.Header, Height: 413567,
		Status: chain.StatusHaveData, ChainWork: big.NewInt(1), NumTx: uint32(len(blk.Transactions)),
		MedianTimePast: int64(blk.Header.Timestamp)}}
	n := newNode(b, func(cfg *Config) {
		mc.Chain = cfg.Chain.(*chain.Chain)
		cfg.Chain = mc
		cfg.DocCheck = false
	})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	defer client.CloseIdleConnections()
	body := []byte(fmt.Sprintf(`{"jsonrpc":"2.0","id":1,"method":"getblock","params":[%q,2]}`, hash.String()))
	// Check the reply once.
	var r struct {
		Result struct {
			Hash string            `json:"hash"`
			Tx   []json.RawMessage `json:"tx"`
		} `json:"result"`
	}
	out := benchPost(b, client, n, body)
	if err := json.Unmarshal(out, &r); err != nil || r.Result.Hash != hash.String() || len(r.Result.Tx) != len(blk.Transactions) {
		b.Fatalf("getblock reply: %v %.300s", err, out)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		benchPost(b, client, n, body)
	}
	b.ReportMetric(float64(len(out)), "reply-bytes")
}

// BenchmarkGetBlockRender413567 is the in-process part of the above:
// getBlock, the handler getblock runs, with verbosity 2 (block decode
// included, no HTTP), then the same with the JSON encoding of its result.
// BenchmarkDecodeBlock413567 in ./wire/ is the raw decode alone.
func BenchmarkGetBlockRender413567(b *testing.B) {
	raw, blk := loadBlock413567(b)
	hash := blk.Header.BlockHash()
	mc := &mainnetBlockChain{raw: raw, info: chain.BlockInfo{Hash: hash, Header: blk.Header, Height: 413567,
		Status: chain.StatusHaveData, ChainWork: big.NewInt(1), NumTx: uint32(len(blk.Transactions)),
		MedianTimePast: int64(blk.Header.Timestamp)}}
	n := newNode(b, func(cfg *Config) {
		mc.Chain = cfg.Chain.(*chain.Chain)
		cfg.Chain = mc
		cfg.DocCheck = false
	})
	cmd := getBlockCommand()
	vals := []json.RawMessage{json.RawMessage(fmt.Sprintf("%q", hash.String())), json.RawMessage("2")}
	call := func() any {
		res, err := getBlock(context.Background(), n.srv, &callArgs{cmd: cmd, vals: vals})
		if err != nil {
			b.Fatal(err)
		}
		return res
	}
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := wire.DecodeBlock(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("handler", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			call()
		}
	})
	b.Run("handler+json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(call()); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkGetBlockCount16Clients: 16 goroutines, each its own keep-alive
// connection (one shared Transport, MaxIdleConnsPerHost 16), calling
// getblockcount as fast as they can; reports requests per second.
func BenchmarkGetBlockCount16Clients(b *testing.B) {
	n := newNode(b, func(cfg *Config) { cfg.DocCheck = false })
	tr := &http.Transport{MaxIdleConnsPerHost: 16, MaxConnsPerHost: 16}
	client := &http.Client{Transport: tr}
	defer tr.CloseIdleConnections()
	body := []byte(`{"jsonrpc":"2.0","id":1,"method":"getblockcount","params":[]}`)
	if out := benchPost(b, client, n, body); !bytes.Contains(out, []byte(fmt.Sprintf(`"result":%d`, baseHeight))) {
		b.Fatalf("getblockcount: %s", out)
	}
	const clients = 16
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		k := b.N / clients
		if c < b.N%clients {
			k++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range k {
				benchPost(b, client, n, body)
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

// BenchmarkWebsocketFanout100: 100 websocket connections subscribed to
// hashblock; each op mines one regtest block into the chain directly and
// waits until all 100 clients have read its notification. "ms/block" is
// from the chain's BlockConnected notification (seen by a subscriber of
// the benchmark's own, delivered alongside the server's) to the last of
// the 100 reads; ns/op also includes mining and connecting the block.
func BenchmarkWebsocketFanout100(b *testing.B) {
	const subs = 100
	n := newNode(b, func(cfg *Config) { cfg.DocCheck = false; cfg.WebsocketQueue = 64 })
	var mu sync.Mutex
	connected := map[string]time.Time{}
	defer n.ch.Subscribe(func(note chain.Notification) {
		if note.Kind == chain.BlockConnected {
			mu.Lock()
			connected[note.Hash.String()] = time.Now()
			mu.Unlock()
		}
	})()
	type recv struct {
		hash string
		at   time.Time
	}
	got := make(chan recv, subs*4)
	dialer := websocket.Dialer{}
	var conns []*websocket.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := range subs {
		c, _, err := dialer.Dial("ws://"+n.srv.Addrs()[0].String()+"/ws", basicAuth(n.user, n.pass))
		if err != nil {
			b.Fatalf("dial %d: %v", i, err)
		}
		conns = append(conns, c)
		sub, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "subscribe", "params": []string{"hashblock"}})
		if err := c.WriteMessage(websocket.TextMessage, sub); err != nil {
			b.Fatal(err)
		}
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, data, err := c.ReadMessage(); err != nil || !bytes.Contains(data, []byte(`"hashblock"`)) {
			b.Fatalf("subscribe %d: %v %s", i, err, data)
		}
		c.SetReadDeadline(time.Time{})
		go func() {
			for {
				_, data, err := c.ReadMessage()
				if err != nil {
					return
				}
				at := time.Now()
				var m wsMsg
				if json.Unmarshal(data, &m) == nil && m.Method == "hashblock" && len(m.Params) == 1 {
					h, _ := m.Params[0].(string)
					got <- recv{h, at}
				}
			}
		}()
	}
	ctx := context.Background()
	var total time.Duration
	b.ResetTimer()
	for range b.N {
		hashes, err := mining.GenerateToScript(ctx, n.ch, nil, p2wshTrue, 1, 0)
		if err != nil {
			b.Fatal(err)
		}
		want := hashes[0].String()
		var last time.Time
		timeout := time.After(10 * time.Second)
		for k := 0; k < subs; {
			select {
			case r := <-got:
				if r.hash != want {
					b.Fatalf("notification for %s, want %s", r.hash, want)
				}
				if r.at.After(last) {
					last = r.at
				}
				k++
			case <-timeout:
				b.Fatalf("%d of %d notifications after 10s", k, subs)
			}
		}
		mu.Lock()
		t0, ok := connected[want]
		mu.Unlock()
		if !ok {
			b.Fatal("no BlockConnected notification")
		}
		total += last.Sub(t0)
	}
	b.StopTimer()
	b.ReportMetric(float64(total.Nanoseconds())/float64(b.N)/1e6, "ms/block")
}
