package rpc

import (
	"context"
	"encoding/json"
	"path/filepath"

	"github.com/bitnode/bitnode/chain/txjson"
	"github.com/bitnode/bitnode/mempool"
	"github.com/bitnode/bitnode/mempool/policy"
	"github.com/bitnode/bitnode/wire"
)

// The mempool methods, in Core's "blockchain" category (its
// rpc/mempool.cpp).

func mempoolCommands() []*Command {
	return []*Command{getMempoolInfoCommand(), getRawMempoolCommand(), getMempoolEntryCommand(),
		getMempoolRelativesCommand(true), getMempoolRelativesCommand(false), getMempoolClusterCommand(),
		getTxSpendingPrevoutCommand(), saveMempoolCommand()}
}

// pool returns the mempool, or Core's RPC_CLIENT_MEMPOOL_DISABLED.
func (s *Server) pool() (Mempool, *Error) {
	if s.cfg.Mempool == nil {
		return nil, errorf(ErrClientMempoolDisabled, "Mempool disabled or instance not found")
	}
	return s.cfg.Mempool, nil
}

// policyOptions are the relay settings the pool runs with.
func (s *Server) policyOptions() policy.Options {
	if s.cfg.Policy != nil {
		return *s.cfg.Policy
	}
	return policy.DefaultOptions()
}

// feeRateAmount prints a sat/kvB rate as BTC/kvB.
func feeRateAmount(r policy.FeeRate) txjson.Amount { return txjson.Amount(r) }

type mempoolInfo struct {
	Loaded              bool          `json:"loaded"`
	Size                int           `json:"size"`
	Bytes               int64         `json:"bytes"`
	Usage               int64         `json:"usage"`
	TotalFee            txjson.Amount `json:"total_fee"`
	MaxMempool          int64         `json:"maxmempool"`
	MempoolMinFee       txjson.Amount `json:"mempoolminfee"`
	MinRelayTxFee       txjson.Amount `json:"minrelaytxfee"`
	IncrementalRelayFee txjson.Amount `json:"incrementalrelayfee"`
	UnbroadcastCount    int           `json:"unbroadcastcount"`
	FullRBF             bool          `json:"fullrbf"`
	PermitBareMultisig  bool          `json:"permitbaremultisig"`
	MaxDataCarrierSize  int           `json:"maxdatacarriersize"`
	LimitClusterCount   int           `json:"limitclustercount"`
	LimitClusterSize    int64         `json:"limitclustersize"`
	Optimal             bool          `json:"optimal"`
}

func getMempoolInfoCommand() *Command {
	return &Command{
		Name: "getmempoolinfo", Category: "blockchain",
		Desc: "Returns details on the active state of the TX memory pool.",
		Results: []Result{{Type: ResObj, Inner: []Result{
			{Type: ResBool, Key: "loaded", Desc: "True if the initial load attempt of the persisted mempool finished"},
			{Type: ResNum, Key: "size", Desc: "Current tx count"},
			{Type: ResNum, Key: "bytes", Desc: "Sum of all virtual transaction sizes as defined in BIP 141. Differs from actual serialized size because witness data is discounted"},
			{Type: ResNum, Key: "usage", Desc: "Total memory usage for the mempool"},
			{Type: ResAmount, Key: "total_fee", Desc: "Total fees for the mempool in BTC, ignoring modified fees through prioritisetransaction"},
			{Type: ResNum, Key: "maxmempool", Desc: "Maximum memory usage for the mempool"},
			{Type: ResAmount, Key: "mempoolminfee", Desc: "Minimum fee rate in BTC/kvB for tx to be accepted. Is the maximum of minrelaytxfee and minimum mempool fee"},
			{Type: ResAmount, Key: "minrelaytxfee", Desc: "Current minimum relay fee for transactions"},
			{Type: ResAmount, Key: "incrementalrelayfee", Desc: "minimum fee rate increment for mempool limiting or replacement in BTC/kvB"},
			{Type: ResNum, Key: "unbroadcastcount", Desc: "Current number of transactions that haven't passed initial broadcast yet (bitnode does not track this: 0)"},
			{Type: ResBool, Key: "fullrbf", Desc: "True if the mempool accepts RBF without replaceability signaling inspection (DEPRECATED)"},
			{Type: ResBool, Key: "permitbaremultisig", Desc: "True if the mempool accepts transactions with bare multisig outputs"},
			{Type: ResNum, Key: "maxdatacarriersize", Desc: "Maximum number of bytes that can be used by OP_RETURN outputs in the mempool"},
			{Type: ResNum, Key: "limitclustercount", Desc: "Maximum number of transactions that can be in a cluster (configured by -limitclustercount)"},
			{Type: ResNum, Key: "limitclustersize", Desc: "Maximum size of a cluster in virtual bytes (configured by -limitclustersize)"},
			{Type: ResBool, Key: "optimal", Desc: "If the mempool is in a known-optimal transaction ordering"},
		}}},
		Examples: examples("getmempoolinfo", ""),
		handler: func(_ context.Context, s *Server, _ *callArgs) (any, error) {
			pool, err := s.pool()
			if err != nil {
				return nil, err
			}
			in, opts := pool.Info(), s.policyOptions()
			r := mempoolInfo{Loaded: in.Loaded, Size: in.Size, Bytes: in.Bytes, Usage: in.Usage,
				TotalFee: txjson.Amount(in.TotalFee), MaxMempool: in.MaxMempool,
				MempoolMinFee: feeRateAmount(in.MempoolMinFee), MinRelayTxFee: feeRateAmount(in.MinRelayTxFee),
				IncrementalRelayFee: feeRateAmount(in.IncrementalRelayFee), FullRBF: in.FullRBF,
				PermitBareMultisig: opts.PermitBareMultisig, LimitClusterCount: in.LimitClusterCount,
				LimitClusterSize: in.LimitClusterSize, Optimal: in.Optimal}
			if opts.DataCarrier {
				r.MaxDataCarrierSize = opts.MaxDataCarrierBytes
			}
			return r, nil
		},
	}
}

type entryFees struct {
	Base       txjson.Amount `json:"base"`
	Modified   txjson.Amount `json:"modified"`
	Ancestor   txjson.Amount `json:"ancestor"`
	Descendant txjson.Amount `json:"descendant"`
	Chunk      txjson.Amount `json:"chunk"`
}

// entryJSON is Core 31's entryToJSON.
type entryJSON struct {
	VSize             int64     `json:"vsize"`
	Weight            int       `json:"weight"`
	Time              int64     `json:"time"`
	Height            int32     `json:"height"`
	DescendantCount   int       `json:"descendantcount"`
	DescendantSize    int64     `json:"descendantsize"`
	AncestorCount     int       `json:"ancestorcount"`
	AncestorSize      int64     `json:"ancestorsize"`
	WTxID             string    `json:"wtxid"`
	ChunkWeight       int64     `json:"chunkweight"`
	Fees              entryFees `json:"fees"`
	Depends           []string  `json:"depends"`
	SpentBy           []string  `json:"spentby"`
	BIP125Replaceable bool      `json:"bip125-replaceable"`
	Unbroadcast       bool      `json:"unbroadcast"`
}

func entryToJSON(e *mempool.TxEntry) entryJSON {
	return entryJSON{VSize: e.VSize, Weight: e.Weight, Time: e.Time.Unix(), Height: e.Height,
		DescendantCount: e.DescendantCount, DescendantSize: e.DescendantSize,
		AncestorCount: e.AncestorCount, AncestorSize: e.AncestorSize, WTxID: e.WTxID.String(),
		ChunkWeight: e.ChunkWeight,
		Fees: entryFees{Base: txjson.Amount(e.Fee), Modified: txjson.Amount(e.ModifiedFee),
			Ancestor: txjson.Amount(e.AncestorFees), Descendant: txjson.Amount(e.DescendantFees),
			Chunk: txjson.Amount(e.ChunkFee)},
		Depends: sortedHashes(e.Depends), SpentBy: sortedHashes(e.SpentBy),
		BIP125Replaceable: e.BIP125Replaceable}
}

func getRawMempoolCommand() *Command {
	return &Command{
		Name: "getrawmempool", Category: "blockchain",
		Desc: "Returns all transaction ids in memory pool as a json array of string transaction ids.\n\n" +
			"Hint: use getmempoolentry to fetch a specific transaction from the mempool.",
		Args: []Arg{
			{Names: "verbose", Type: ArgBool, Default: "false", Desc: "True for a json object, false for array of transaction ids"},
			{Names: "mempool_sequence", Type: ArgBool, Default: "false", Desc: "If verbose=false, returns a json object with transaction list and mempool sequence number attached (not supported by bitnode)."},
		},
		Results: []Result{
			{Type: ResArr, Cond: "for verbose = false", Inner: []Result{{Type: ResHex, Desc: "The transaction id"}}},
			{Type: ResObjDyn, Cond: "for verbose = true", Inner: []Result{{Type: ResObj, Key: "transactionid", Inner: mempoolEntryFields()}}},
		},
		Examples: examples("getrawmempool", "true"),
		handler: func(_ context.Context, s *Server, p *callArgs) (any, error) {
			pool, err := s.pool()
			if err != nil {
				return nil, err
			}
			verbose, err := p.boolean(0, false)
			if err != nil {
				return nil, err
			}
			sequence, err := p.boolean(1, false)
			if err != nil {
				return nil, err
			}
			if verbose && sequence {
				return nil, invalidParameter("Verbose results cannot contain mempool sequence values.")
			}
			if sequence {
				return nil, invalidParameter("mempool_sequence is not supported: bitnode keeps no mempool sequence number")
			}
			if !verbose {
				ids := pool.TxIDs()
				out := make([]string, len(ids))
				for i, id := range ids {
					out[i] = id.String()
				}
				return out, nil
			}
			out := map[string]entryJSON{}
			for _, e := range pool.Entries() {
				out[e.TxID.String()] = entryToJSON(&e)
			}
			return out, nil
		},
	}
}

// poolEntry finds a pool transaction, RPC_INVALID_ADDRESS_OR_KEY
// otherwise.
func (s *Server) poolEntry(p *callArgs) (Mempool, mempool.TxEntry, *Error) {
	pool, err := s.pool()
	if err != nil {
		return nil, mempool.TxEntry{}, err
	}
	txid, err := p.hash(0, "txid")
	if err != nil {
		return nil, mempool.TxEntry{}, err
	}
	e, ok := pool.Get(txid)
	if !ok {
		return nil, e, errorf(ErrInvalidAddressOrKey, "Transaction not in mempool")
	}
	return pool, e, nil
}

func getMempoolEntryCommand() *Command {
	return &Command{
		Name: "getmempoolentry", Category: "blockchain",
		Desc:     "Returns mempool data for given transaction",
		Args:     []Arg{{Names: "txid", Type: ArgHex, Desc: "The transaction id (must be in mempool)"}},
		Results:  []Result{{Type: ResObj, Inner: mempoolEntryFields()}},
		Examples: examples("getmempoolentry", `"mytxid"`),
		handler: func(_ context.Context, s *Server, p *callArgs) (any, error) {
			_, e, err := s.poolEntry(p)
			if err != nil {
				return nil, err
			}
			return entryToJSON(&e), nil
		},
	}
}

// getMempoolRelativesCommand is getmempoolancestors (up) or
// getmempooldescendants.
func getMempoolRelativesCommand(up bool) *Command {
	name, what := "getmempooldescendants", "descendants"
	if up {
		name, what = "getmempoolancestors", "ancestors"
	}
	return &Command{
		Name: name, Category: "blockchain",
		Desc: "If txid is in the mempool, returns all in-mempool " + what + ".",
		Args: []Arg{
			{Names: "txid", Type: ArgHex, Desc: "The transaction id (must be in mempool)"},
			{Names: "verbose", Type: ArgBool, Default: "false", Desc: "True for a json object, false for array of transaction ids"},
		},
		Results: []Result{
			{Type: ResArr, Cond: "for verbose = false", Inner: []Result{{Type: ResHex, Desc: "The transaction id of an in-mempool " + what[:len(what)-1]}}},
			{Type: ResObjDyn, Cond: "for verbose = true", Inner: []Result{{Type: ResObj, Key: "transactionid", Inner: mempoolEntryFields()}}},
		},
		Examples: examples(name, `"mytxid"`),
		handler: func(_ context.Context, s *Server, p *callArgs) (any, error) {
			pool, e, err := s.poolEntry(p)
			if err != nil {
				return nil, err
			}
			verbose, err := p.boolean(1, false)
			if err != nil {
				return nil, err
			}
			var ids []wire.Hash
			if up {
				ids, _ = pool.Ancestors(e.TxID)
			} else {
				ids, _ = pool.Descendants(e.TxID)
			}
			if !verbose {
				out := make([]string, len(ids))
				for i, id := range ids {
					out[i] = id.String()
				}
				return out, nil
			}
			out := map[string]entryJSON{}
			for _, id := range ids {
				if rel, ok := pool.Get(id); ok {
					out[id.String()] = entryToJSON(&rel)
				}
			}
			return out, nil
		},
	}
}

type chunkJSON struct {
	ChunkFee    txjson.Amount `json:"chunkfee"`
	ChunkWeight int64         `json:"chunkweight"`
	Txs         []string      `json:"txs"`
}

type clusterJSON struct {
	ClusterWeight int64       `json:"clusterweight"`
	TxCount       int         `json:"txcount"`
	Chunks        []chunkJSON `json:"chunks"`
}

func getMempoolClusterCommand() *Command {
	return &Command{
		Name: "getmempoolcluster", Category: "blockchain",
		Desc: "Returns mempool data for given cluster",
		Args: []Arg{{Names: "txid", Type: ArgHex, Desc: "The txid of a transaction in the cluster"}},
		Results: []Result{{Type: ResObj, Inner: []Result{
			{Type: ResNum, Key: "clusterweight", Desc: "total sigops-adjusted weight (as defined in BIP 141 and modified by '-bytespersigop')"},
			{Type: ResNum, Key: "txcount", Desc: "number of transactions"},
			{Type: ResArr, Key: "chunks", Desc: "chunks in this cluster (in mining order)", Inner: []Result{{Type: ResObj, Key: "chunk", Inner: []Result{
				{Type: ResAmount, Key: "chunkfee", Desc: "fees of the transactions in this chunk"},
				{Type: ResNum, Key: "chunkweight", Desc: "sigops-adjusted weight of all transactions in this chunk"},
				{Type: ResArr, Key: "txs", Desc: "transactions in this chunk in mining order", Inner: []Result{{Type: ResHex, Key: "txid", Desc: "transaction id"}}},
			}}}},
		}}},
		Examples: examples("getmempoolcluster", `"txid"`),
		handler: func(_ context.Context, s *Server, p *callArgs) (any, error) {
			pool, e, err := s.poolEntry(p)
			if err != nil {
				return nil, err
			}
			cl, ok := pool.Cluster(e.TxID)
			if !ok {
				return nil, errorf(ErrInvalidAddressOrKey, "Transaction not in mempool")
			}
			r := clusterJSON{ClusterWeight: cl.Weight, TxCount: cl.TxCount, Chunks: []chunkJSON{}}
			for _, ch := range cl.Chunks {
				c := chunkJSON{ChunkFee: txjson.Amount(ch.Fee), ChunkWeight: ch.Weight, Txs: []string{}}
				for _, id := range ch.TxIDs {
					c.Txs = append(c.Txs, id.String())
				}
				r.Chunks = append(r.Chunks, c)
			}
			return r, nil
		},
	}
}

type spendingJSON struct {
	TxID         string `json:"txid"`
	Vout         uint32 `json:"vout"`
	SpendingTxID string `json:"spendingtxid,omitempty"`
}

func getTxSpendingPrevoutCommand() *Command {
	return &Command{
		Name: "gettxspendingprevout", Category: "blockchain",
		Desc: "Scans the mempool to find transactions spending any of the given outputs",
		Args: []Arg{{Names: "outputs", Type: ArgArr, Desc: "The transaction outputs that we want to check, and within each, the txid (string) vout (numeric).",
			Inner: []Arg{{Names: "", Type: ArgObj, Optional: true, Inner: []Arg{
				{Names: "txid", Type: ArgHex, Desc: "The transaction id"},
				{Names: "vout", Type: ArgNum, Desc: "The output number"},
			}}}}},
		Results: []Result{{Type: ResArr, Inner: []Result{{Type: ResObj, Inner: []Result{
			{Type: ResHex, Key: "txid", Desc: "the transaction id of the checked output"},
			{Type: ResNum, Key: "vout", Desc: "the vout value of the checked output"},
			{Type: ResHex, Key: "spendingtxid", Optional: true, Desc: "the transaction id of the mempool transaction spending this output (omitted if unspent)"},
		}}}}},
		Examples: cli("gettxspendingprevout", `"[{\"txid\":\"a08e6907dbbd3d809776dbfc5d82e371b764ed838b5655e72f463568df1aadf0\",\"vout\":3}]"`) +
			httpExample("gettxspendingprevout", `"[{\"txid\":\"a08e6907dbbd3d809776dbfc5d82e371b764ed838b5655e72f463568df1aadf0\",\"vout\":3}]"`),
		handler: getTxSpendingPrevout,
	}
}

func getTxSpendingPrevout(_ context.Context, s *Server, p *callArgs) (any, error) {
	elems, jerr := arrayElements(p.raw(0))
	if jerr != nil {
		return nil, misc("%v", jerr)
	}
	if len(elems) == 0 {
		return nil, invalidParameter("Invalid parameter, outputs are missing")
	}
	pool, err := s.pool()
	if err != nil {
		return nil, err
	}
	out := make([]spendingJSON, 0, len(elems))
	for _, e := range elems {
		op, err := outPointArg(e)
		if err != nil {
			return nil, err
		}
		r := spendingJSON{TxID: op.Hash.String(), Vout: op.Index}
		if by, ok := pool.SpentBy(op); ok {
			r.SpendingTxID = by.String()
		}
		out = append(out, r)
	}
	return out, nil
}

// outPointArg reads {"txid": hex, "vout": n} with Core's RPCTypeCheckObj
// errors (strict: no other keys).
func outPointArg(raw json.RawMessage) (wire.OutPoint, *Error) {
	if t := jsonType(raw); t != "object" {
		return wire.OutPoint{}, misc("JSON value of type %s is not of expected type object", t)
	}
	ms, _ := objectMembers(raw)
	for _, f := range []struct{ key, typ string }{{"txid", "string"}, {"vout", "number"}} {
		v, _ := find(ms, f.key)
		if isNull(v) {
			return wire.OutPoint{}, errorf(ErrType, "Missing %s", f.key)
		}
		if t := jsonType(v); t != f.typ {
			return wire.OutPoint{}, errorf(ErrType, "JSON value of type %s for field %s is not of expected type %s", t, f.key, f.typ)
		}
	}
	for _, m := range ms {
		if m.Key != "txid" && m.Key != "vout" {
			return wire.OutPoint{}, errorf(ErrType, "Unexpected key %s", m.Key)
		}
	}
	txidRaw, _ := find(ms, "txid")
	voutRaw, _ := find(ms, "vout")
	str, _ := parseString(txidRaw)
	txid, err := parseHash(str, "txid")
	if err != nil {
		return wire.OutPoint{}, err
	}
	vout, err := parseInt(voutRaw, 32)
	if err != nil {
		return wire.OutPoint{}, err
	}
	if vout < 0 {
		return wire.OutPoint{}, invalidParameter("Invalid parameter, vout cannot be negative")
	}
	return wire.OutPoint{Hash: txid, Index: uint32(vout)}, nil
}

func saveMempoolCommand() *Command {
	return &Command{
		Name: "savemempool", Category: "blockchain",
		Desc: "Dumps the mempool to disk. It will fail until the previous dump is fully loaded.",
		Results: []Result{{Type: ResObj, Inner: []Result{
			{Type: ResStr, Key: "filename", Desc: "the directory and file where the mempool was saved"},
		}}},
		Examples: examples("savemempool", ""),
		handler: func(_ context.Context, s *Server, _ *callArgs) (any, error) {
			pool, err := s.pool()
			if err != nil {
				return nil, err
			}
			if !pool.IsLoaded() {
				return nil, misc("The mempool was not loaded yet")
			}
			if serr := pool.Save(); serr != nil {
				return nil, misc("Unable to dump mempool to disk")
			}
			return map[string]string{"filename": filepath.Join(s.cfg.DataDir, "mempool.dat")}, nil
		},
	}
}
