package rpc

import (
	"context"
	"encoding/hex"
	"fmt"
	"math/big"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/chain/txjson"
	"github.com/bitnode/bitnode/wire"
)

// headerJSON is Core's blockheaderToJSON, fields in its order.
type headerJSON struct {
	Hash              string       `json:"hash"`
	Confirmations     int64        `json:"confirmations"`
	Height            int64        `json:"height"`
	Version           int32        `json:"version"`
	VersionHex        string       `json:"versionHex"`
	MerkleRoot        string       `json:"merkleroot"`
	Time              uint32       `json:"time"`
	MedianTime        int64        `json:"mediantime"`
	Nonce             uint32       `json:"nonce"`
	Bits              string       `json:"bits"`
	Target            string       `json:"target"`
	Difficulty        txjson.Float `json:"difficulty"`
	ChainWork         string       `json:"chainwork"`
	NTx               uint32       `json:"nTx"`
	PreviousBlockHash string       `json:"previousblockhash,omitempty"`
	NextBlockHash     string       `json:"nextblockhash,omitempty"`
}

// blockJSON is getblock's object at verbosity 1 and above.
type blockJSON struct {
	headerJSON
	StrippedSize int `json:"strippedsize"`
	Size         int `json:"size"`
	Weight       int `json:"weight"`
	Tx           any `json:"tx"`
}

// chainWorkHex prints a chain work as Core's uint256 GetHex: 64 digits.
func chainWorkHex(w *big.Int) string { return fmt.Sprintf("%064x", w) }

// headerToJSON describes an indexed block relative to the active chain.
func (s *Server) headerToJSON(info chain.BlockInfo) headerJSON {
	h := &info.Header
	r := headerJSON{
		Hash: info.Hash.String(), Confirmations: -1, Height: int64(info.Height),
		Version: h.Version, VersionHex: fmt.Sprintf("%08x", uint32(h.Version)),
		MerkleRoot: h.MerkleRoot.String(), Time: h.Timestamp, MedianTime: info.MedianTimePast,
		Nonce: h.Nonce, Bits: fmt.Sprintf("%08x", h.Bits), Target: txjson.TargetHex(h.Bits),
		Difficulty: txjson.Float(txjson.Difficulty(h.Bits)), ChainWork: chainWorkHex(info.ChainWork),
		NTx: info.NumTx,
	}
	if info.Height > 0 {
		r.PreviousBlockHash = h.PrevBlock.String()
	}
	if info.InActive {
		_, tip := s.cfg.Chain.Tip()
		r.Confirmations = int64(tip - info.Height + 1)
		if next, ok := s.cfg.Chain.MainChainHash(info.Height + 1); ok {
			r.NextBlockHash = next.String()
		}
	}
	return r
}

// lookupBlock finds an indexed block, RPC_INVALID_ADDRESS_OR_KEY "Block
// not found" otherwise.
func (s *Server) lookupBlock(hash wire.Hash) (chain.BlockInfo, *Error) {
	info, ok := s.cfg.Chain.BlockInfo(hash)
	if !ok {
		return info, errorf(ErrInvalidAddressOrKey, "Block not found")
	}
	return info, nil
}

// pruned reports whether the node prunes block files.
func (s *Server) pruned() bool { return s.cfg.PruneTarget > 0 }

// readBlock reads a block's data with Core's GetRawBlockChecked errors.
func (s *Server) readBlock(info chain.BlockInfo) (*wire.Block, *Error) {
	if info.Status&chain.StatusHaveData == 0 {
		if s.pruned() && info.NumTx > 0 {
			return nil, misc("Block not available (pruned data)")
		}
		return nil, misc("Block not available (not fully downloaded)")
	}
	blk, err := s.cfg.Chain.ReadBlock(info.Hash)
	if err != nil {
		return nil, misc("Block not found on disk")
	}
	return blk, nil
}

// readUndo reads a block's undo data when it has some (nil otherwise).
func (s *Server) readUndo(info chain.BlockInfo) (store.BlockUndo, *Error) {
	if info.Status&chain.StatusHaveUndo == 0 || info.Status&chain.StatusHaveData == 0 {
		return nil, nil
	}
	undo, err := s.cfg.Chain.ReadUndo(info.Hash)
	if err != nil {
		return nil, errorf(ErrInternal, "Undo data expected but can't be read. This could be due to disk corruption or a conflict with a pruning event.")
	}
	return undo, nil
}

// txWithUndo describes tx as TxToUniv does with undo data: the fee and,
// when prevouts is set, each input's spent output. undo is nil for a
// coinbase or when the block has no undo data.
func (s *Server) txWithUndo(tx *wire.Tx, undo store.TxUndo, prevouts bool) txjson.TxResult {
	r := txjson.DecodeTxWithHex(tx, s.params)
	if undo == nil || len(undo) != len(tx.TxIn) {
		return r
	}
	var in, out int64
	for i := range undo {
		c := &undo[i]
		in += c.Value
		if prevouts {
			r.Vin[i].Prevout = &txjson.PrevoutResult{Generated: c.CoinBase, Height: int64(c.Height),
				Value: txjson.Amount(c.Value), ScriptPubKey: txjson.DecodeScriptPubKey(c.PkScript, s.params)}
		}
	}
	for _, o := range tx.TxOut {
		out += o.Value
	}
	fee := txjson.Amount(in - out)
	r.Fee = &fee
	return r
}

func getBlockCommand() *Command {
	tx := func(prevouts bool) Result {
		return Result{Type: ResArr, Key: "tx", Inner: []Result{{Type: ResObj, Inner: blockTxFields(prevouts)}}}
	}
	return &Command{
		Name: "getblock", Category: "blockchain",
		Desc: "If verbosity is 0, returns a string that is serialized, hex-encoded data for block 'hash'.\n" +
			"If verbosity is 1, returns an Object with information about block <hash>.\n" +
			"If verbosity is 2, returns an Object with information about block <hash> and information about each transaction.\n" +
			"If verbosity is 3, returns an Object with information about block <hash> and information about each transaction, including prevout information for inputs (only for unpruned blocks in the current best chain).",
		Args: []Arg{
			{Names: "blockhash", Type: ArgHex, Desc: "The block hash"},
			{Names: "verbosity|verbose", Type: ArgNum, Default: "1", SkipTypeCheck: true,
				Desc: "0 for hex-encoded data, 1 for a JSON object, 2 for JSON object with transaction data, and 3 for JSON object with transaction data including prevout information for inputs"},
		},
		Results: []Result{
			{Type: ResHex, Cond: "for verbosity = 0", Desc: "A string that is serialized, hex-encoded data for block 'hash'"},
			{Type: ResObj, Cond: "for verbosity = 1", Inner: blockFields(Result{Type: ResArr, Key: "tx", Desc: "The transaction ids",
				Inner: []Result{{Type: ResHex, Desc: "The transaction id"}}})},
			{Type: ResObj, Cond: "for verbosity = 2", Inner: blockFields(tx(false))},
			{Type: ResObj, Cond: "for verbosity = 3", Inner: blockFields(tx(true))},
		},
		Examples: examples("getblock", `"00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09"`),
		handler:  getBlock,
	}
}

func getBlock(_ context.Context, s *Server, p *callArgs) (any, error) {
	hash, err := p.hash(0, "blockhash")
	if err != nil {
		return nil, err
	}
	verbosity, err := p.verbosity(1, 1, true)
	if err != nil {
		return nil, err
	}
	info, err := s.lookupBlock(hash)
	if err != nil {
		return nil, err
	}
	blk, err := s.readBlock(info)
	if err != nil {
		return nil, err
	}
	if verbosity <= 0 {
		return hex.EncodeToString(blk.Serialize()), nil
	}
	r := blockJSON{headerJSON: s.headerToJSON(info), StrippedSize: blk.BaseSize(),
		Size: blk.SerializeSize(), Weight: blk.Weight()}
	if verbosity == 1 {
		txids := make([]string, len(blk.Transactions))
		for i, tx := range blk.Transactions {
			txids[i] = tx.TxHash().String()
		}
		r.Tx = txids
		return r, nil
	}
	undo, err := s.readUndo(info)
	if err != nil {
		return nil, err
	}
	txs := make([]txjson.TxResult, len(blk.Transactions))
	for i, tx := range blk.Transactions {
		var txUndo store.TxUndo
		if i > 0 && i-1 < len(undo) {
			txUndo = undo[i-1]
		}
		txs[i] = s.txWithUndo(tx, txUndo, verbosity >= 3)
	}
	r.Tx = txs
	return r, nil
}

func getBlockHeaderCommand() *Command {
	return &Command{
		Name: "getblockheader", Category: "blockchain",
		Desc: "If verbose is false, returns a string that is serialized, hex-encoded data for blockheader 'hash'.\n" +
			"If verbose is true, returns an Object with information about blockheader <hash>.",
		Args: []Arg{
			{Names: "blockhash", Type: ArgHex, Desc: "The block hash"},
			{Names: "verbose", Type: ArgBool, Default: "true", Desc: "true for a json object, false for the hex-encoded data"},
		},
		Results: []Result{
			{Type: ResObj, Cond: "for verbose = true", Inner: headerFields()},
			{Type: ResHex, Cond: "for verbose=false", Desc: "A string that is serialized, hex-encoded data for block 'hash'"},
		},
		Examples: examples("getblockheader", `"00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09"`),
		handler: func(_ context.Context, s *Server, p *callArgs) (any, error) {
			hash, err := p.hash(0, "hash")
			if err != nil {
				return nil, err
			}
			verbose, err := p.boolean(1, true)
			if err != nil {
				return nil, err
			}
			info, err := s.lookupBlock(hash)
			if err != nil {
				return nil, err
			}
			if !verbose {
				return hex.EncodeToString(info.Header.Serialize()), nil
			}
			return s.headerToJSON(info), nil
		},
	}
}

func getBlockHashCommand() *Command {
	return &Command{
		Name: "getblockhash", Category: "blockchain",
		Desc:     "Returns hash of block in best-block-chain at height provided.",
		Args:     []Arg{{Names: "height", Type: ArgNum, Desc: "The height index"}},
		Results:  []Result{{Type: ResHex, Desc: "The block hash"}},
		Examples: examples("getblockhash", "1000"),
		handler: func(_ context.Context, s *Server, p *callArgs) (any, error) {
			height, err := p.int32Arg(0, 0)
			if err != nil {
				return nil, err
			}
			hash, ok := s.cfg.Chain.MainChainHash(height)
			if !ok {
				return nil, invalidParameter("Block height out of range")
			}
			return hash.String(), nil
		},
	}
}

func getBestBlockHashCommand() *Command {
	return &Command{
		Name: "getbestblockhash", Category: "blockchain",
		Desc:     "Returns the hash of the best (tip) block in the most-work fully-validated chain.",
		Results:  []Result{{Type: ResHex, Desc: "the block hash, hex-encoded"}},
		Examples: examples("getbestblockhash", ""),
		handler: func(_ context.Context, s *Server, _ *callArgs) (any, error) {
			hash, _ := s.cfg.Chain.Tip()
			return hash.String(), nil
		},
	}
}

func getBlockCountCommand() *Command {
	return &Command{
		Name: "getblockcount", Category: "blockchain",
		Desc:     "Returns the height of the most-work fully-validated chain.\nThe genesis block has height 0.",
		Results:  []Result{{Type: ResNum, Desc: "The current block count"}},
		Examples: examples("getblockcount", ""),
		handler: func(_ context.Context, s *Server, _ *callArgs) (any, error) {
			_, height := s.cfg.Chain.Tip()
			return height, nil
		},
	}
}

type blockFilterJSON struct {
	Filter string `json:"filter"`
	Header string `json:"header"`
}

func getBlockFilterCommand() *Command {
	return &Command{
		Name: "getblockfilter", Category: "blockchain",
		Desc: "Retrieve a BIP 157 content filter for a particular block.",
		Args: []Arg{
			{Names: "blockhash", Type: ArgHex, Desc: "The hash of the block"},
			{Names: "filtertype", Type: ArgStr, Default: `"basic"`, Desc: "The type name of the filter"},
		},
		Results: []Result{{Type: ResObj, Inner: []Result{
			{Type: ResHex, Key: "filter", Desc: "the hex-encoded filter data"},
			{Type: ResHex, Key: "header", Desc: "the hex-encoded filter header"},
		}}},
		Examples: examples("getblockfilter", `"00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09" "basic"`),
		handler:  getBlockFilter,
	}
}

func getBlockFilter(_ context.Context, s *Server, p *callArgs) (any, error) {
	hash, err := p.hash(0, "blockhash")
	if err != nil {
		return nil, err
	}
	filterType, err := p.str(1, "basic")
	if err != nil {
		return nil, err
	}
	if filterType != "basic" {
		return nil, errorf(ErrInvalidAddressOrKey, "Unknown filtertype")
	}
	idx := s.cfg.BlockFilters
	if idx == nil {
		return nil, misc("Index is not enabled for filtertype basic")
	}
	info, err := s.lookupBlock(hash)
	if err != nil {
		return nil, err
	}
	ready := idx.Synced()
	filter, ferr := idx.Filter(hash)
	header, herr := idx.FilterHeader(hash)
	if ferr != nil || herr != nil {
		switch {
		case info.Status&chain.StatusValidScripts == 0:
			return nil, errorf(ErrInvalidAddressOrKey, "Filter not found. Block was not connected to active chain.")
		case !ready:
			return nil, misc("Filter not found. Block filters are still in the process of being indexed.")
		}
		return nil, errorf(ErrInternal, "Filter not found. This error is unexpected and indicates index corruption.")
	}
	return blockFilterJSON{Filter: hex.EncodeToString(filter), Header: header.String()}, nil
}
