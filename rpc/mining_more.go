package rpc

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"sort"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/wire"
)

func miningMoreCommands() []*Command {
	return []*Command{getPrioritisedTransactionsCommand(), submitHeaderCommand()}
}

// feeDeltaLister is the mempool's list of prioritisetransaction deltas;
// *mempool.Pool has it.
type feeDeltaLister interface {
	FeeDeltas() map[wire.Hash]int64
}

type prioritisedJSON struct {
	FeeDelta    int64  `json:"fee_delta"`
	InMempool   bool   `json:"in_mempool"`
	ModifiedFee *int64 `json:"modified_fee,omitempty"`
}

func getPrioritisedTransactionsCommand() *Command {
	return &Command{
		Name: "getprioritisedtransactions", Category: "mining",
		Desc: "Returns a map of all user-created (see prioritisetransaction) fee deltas by txid, and whether the tx is present in mempool.",
		Results: []Result{{Type: ResObjDyn, Desc: "prioritisation keyed by txid", Inner: []Result{
			{Type: ResObj, Key: "<transactionid>", Inner: []Result{
				{Type: ResNum, Key: "fee_delta", Desc: "transaction fee delta in satoshis"},
				{Type: ResBool, Key: "in_mempool", Desc: "whether this transaction is currently in mempool"},
				{Type: ResNum, Key: "modified_fee", Optional: true, Desc: "modified fee in satoshis. Only returned if in_mempool=true"},
			}},
		}}},
		Examples: examples("getprioritisedtransactions", ""),
		handler: func(_ context.Context, s *Server, _ *callArgs) (any, error) {
			pool, err := s.pool()
			if err != nil {
				return nil, err
			}
			lister, ok := pool.(feeDeltaLister)
			if !ok {
				return nil, misc("fee deltas unavailable")
			}
			deltas := lister.FeeDeltas()
			ids := make([]wire.Hash, 0, len(deltas))
			for id := range deltas {
				ids = append(ids, id)
			}
			// Core's std::map<uint256> order: the internal bytes.
			sort.Slice(ids, func(i, j int) bool { return bytes.Compare(ids[i][:], ids[j][:]) < 0 })
			buf := []byte{'{'}
			for i, id := range ids {
				if i > 0 {
					buf = append(buf, ',')
				}
				r := prioritisedJSON{FeeDelta: deltas[id]}
				if e, ok := pool.Get(id); ok {
					r.InMempool, r.ModifiedFee = true, &e.ModifiedFee
				}
				k, _ := json.Marshal(id.String())
				v, _ := json.Marshal(r)
				buf = append(append(append(buf, k...), ':'), v...)
			}
			return json.RawMessage(append(buf, '}')), nil
		},
	}
}

// headerProcessor adds headers to the block index; *chain.Chain has it.
type headerProcessor interface {
	ProcessHeaders(headers []wire.BlockHeader) error
}

func submitHeaderCommand() *Command {
	return &Command{
		Name: "submitheader", Category: "mining",
		Desc: "Decode the given hexdata as a header and submit it as a candidate chain tip if valid.\n" +
			"Throws when the header is invalid.",
		Args:     []Arg{{Names: "hexdata", Type: ArgHex, Desc: "the hex-encoded block header data"}},
		Results:  []Result{{Type: ResNone, Desc: "None"}},
		Examples: examples("submitheader", `"aabbcc"`),
		handler: func(_ context.Context, s *Server, p *callArgs) (any, error) {
			str, err := p.str(0, "")
			if err != nil {
				return nil, err
			}
			raw, herr := hex.DecodeString(str)
			if !isHex(str) || herr != nil || len(raw) < 80 {
				return nil, errorf(ErrDeserialization, "Block header decode failed")
			}
			hdr, derr := wire.DecodeBlockHeader(raw[:80])
			if derr != nil {
				return nil, errorf(ErrDeserialization, "Block header decode failed")
			}
			if _, ok := s.cfg.Chain.BlockInfo(hdr.PrevBlock); !ok {
				return nil, errorf(ErrVerify, "Must submit previous header (%s) first", hdr.PrevBlock)
			}
			hp, ok := s.cfg.Chain.(headerProcessor)
			if !ok {
				return nil, misc("header submission unavailable")
			}
			if perr := hp.ProcessHeaders([]wire.BlockHeader{hdr}); perr != nil {
				if reason := chain.RejectReason(perr); reason != "" {
					return nil, errorf(ErrVerify, "%s", reason)
				}
				return nil, errorf(ErrVerify, "%s", perr.Error())
			}
			return nil, nil
		},
	}
}
