package rpc

import (
	"context"
	"encoding/hex"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/chain/txjson"
	"github.com/bitnode/bitnode/wire"
)

func getRawTransactionCommand() *Command {
	verbose := func(prevouts bool) []Result {
		fields := []Result{{Type: ResBool, Key: "in_active_chain", Optional: true,
			Desc: "Whether specified block is in the active chain or not (only present with explicit \"blockhash\" argument)"}}
		fields = append(fields, txFields(prevouts)...)
		if prevouts {
			fields = append(fields, Result{Type: ResAmount, Key: "fee", Optional: true, Desc: "transaction fee in BTC, omitted if block undo data is not available"})
		}
		return append(fields,
			Result{Type: ResHex, Key: "hex", Desc: "The serialized, hex-encoded data for 'txid'"},
			Result{Type: ResHex, Key: "blockhash", Optional: true, Desc: "the block hash"},
			Result{Type: ResNum, Key: "confirmations", Optional: true, Desc: "The confirmations"},
			Result{Type: ResTime, Key: "time", Optional: true, Desc: "Same as \"blocktime\""},
			Result{Type: ResTime, Key: "blocktime", Optional: true, Desc: "The block time expressed in UNIX epoch time"})
	}
	return &Command{
		Name: "getrawtransaction", Category: "rawtransactions",
		Desc: "By default, this call only returns a transaction if it is in the mempool. If -txindex is enabled\n" +
			"and no blockhash argument is passed, it will return the transaction if it is in the mempool or any block.\n" +
			"If a blockhash argument is passed, it will return the transaction if\n" +
			"the specified block is available and the transaction is in that block.\n\n" +
			"If verbosity is 0 or omitted, returns the serialized transaction as a hex-encoded string.\n" +
			"If verbosity is 1, returns a JSON Object with information about the transaction.\n" +
			"If verbosity is 2, returns a JSON Object with information about the transaction, including fee and prevout information.",
		Args: []Arg{
			{Names: "txid", Type: ArgHex, Desc: "The transaction id"},
			{Names: "verbosity|verbose", Type: ArgNum, Default: "0", SkipTypeCheck: true,
				Desc: "0 for hex-encoded data, 1 for a JSON object, and 2 for JSON object with fee and prevout"},
			{Names: "blockhash", Type: ArgHex, Optional: true, Desc: "The block in which to look for the transaction"},
		},
		Results: []Result{
			{Type: ResHex, Cond: "if verbosity is not set or set to 0", Desc: "The serialized transaction as a hex-encoded string for 'txid'"},
			{Type: ResObj, Cond: "if verbosity is set to 1", Inner: verbose(false)},
			{Type: ResObj, Cond: "for verbosity = 2", Inner: verbose(true)},
		},
		Examples: cli("getrawtransaction", `"mytxid"`) + cli("getrawtransaction", `"mytxid" 1`) +
			httpExample("getrawtransaction", `"mytxid", 1`) + cli("getrawtransaction", `"mytxid" 0 "myblockhash"`) +
			cli("getrawtransaction", `"mytxid" 1 "myblockhash"`) + cli("getrawtransaction", `"mytxid" 2 "myblockhash"`),
		handler: getRawTransaction,
	}
}

func getRawTransaction(_ context.Context, s *Server, p *callArgs) (any, error) {
	txid, err := p.hash(0, "parameter 1")
	if err != nil {
		return nil, err
	}
	if txid == s.params.GenesisBlock.Header.MerkleRoot {
		return nil, errorf(ErrInvalidAddressOrKey, "The genesis block coinbase is not considered an ordinary transaction and cannot be retrieved")
	}
	verbosity, err := p.verbosity(1, 0, true)
	if err != nil {
		return nil, err
	}
	var block *chain.BlockInfo
	if p.has(2) {
		bh, err := p.hash(2, "parameter 3")
		if err != nil {
			return nil, err
		}
		info, ok := s.cfg.Chain.BlockInfo(bh)
		if !ok {
			return nil, errorf(ErrInvalidAddressOrKey, "Block hash not found")
		}
		block = &info
	}
	tx, blockHash, lerr := s.findTransaction(txid, block)
	if lerr != nil {
		return nil, lerr
	}
	if verbosity <= 0 {
		return hex.EncodeToString(tx.Serialize()), nil
	}
	var undo store.TxUndo
	if verbosity >= 2 && !blockHash.IsZero() && !tx.IsCoinBase() {
		if undo, lerr = s.txUndo(tx, blockHash); lerr != nil {
			return nil, lerr
		}
	}
	r := s.txWithUndo(tx, undo, verbosity >= 2)
	if block != nil {
		in := block.InActive
		r.InActiveChain = &in
	}
	if !blockHash.IsZero() {
		s.addBlockContext(&r, blockHash)
	}
	return r, nil
}

// findTransaction is Core's GetTransaction: the mempool (unless a block
// is given), the transaction index, then the given block. It returns the
// block holding the transaction (zero for a mempool transaction).
func (s *Server) findTransaction(txid wire.Hash, block *chain.BlockInfo) (*wire.Tx, wire.Hash, *Error) {
	if block == nil && s.cfg.Mempool != nil {
		if tx := s.cfg.Mempool.Tx(txid); tx != nil {
			return tx, wire.Hash{}, nil
		}
	}
	indexReady := false
	if s.cfg.TxIndex != nil {
		indexReady = s.cfg.TxIndex.Synced()
		if bh, pos, err := s.cfg.TxIndex.Tx(txid); err == nil && (block == nil || block.Hash == bh) {
			if blk, err := s.cfg.Chain.ReadBlock(bh); err == nil && pos < len(blk.Transactions) {
				return blk.Transactions[pos], bh, nil
			}
		}
	}
	if block != nil {
		if block.Status&chain.StatusHaveData == 0 {
			return nil, wire.Hash{}, misc("Block not available")
		}
		if blk, err := s.cfg.Chain.ReadBlock(block.Hash); err == nil {
			for _, tx := range blk.Transactions {
				if tx.TxHash() == txid {
					return tx, block.Hash, nil
				}
			}
		}
	}
	msg := "No such mempool or blockchain transaction"
	switch {
	case block != nil:
		msg = "No such transaction found in the provided block"
	case s.cfg.TxIndex == nil:
		msg = "No such mempool transaction. Use -txindex or provide a block hash to enable blockchain transaction queries"
	case !indexReady:
		msg = "No such mempool transaction. Blockchain transactions are still in the process of being indexed"
	}
	return nil, wire.Hash{}, errorf(ErrInvalidAddressOrKey, "%s. Use gettransaction for wallet transactions.", msg)
}

// txUndo returns the spent outputs of tx in block bh, nil when the block
// has no undo data.
func (s *Server) txUndo(tx *wire.Tx, bh wire.Hash) (store.TxUndo, *Error) {
	info, ok := s.cfg.Chain.BlockInfo(bh)
	if !ok || info.Status&chain.StatusHaveUndo == 0 || info.Status&chain.StatusHaveData == 0 {
		return nil, nil
	}
	undo, err := s.readUndo(info)
	if err != nil {
		return nil, err
	}
	blk, rerr := s.cfg.Chain.ReadBlock(bh)
	if rerr != nil {
		return nil, errorf(ErrInternal, "Block data expected but can't be read. This could be due to disk corruption or a conflict with a pruning event.")
	}
	txid := tx.TxHash()
	for i, btx := range blk.Transactions {
		if i > 0 && btx.TxHash() == txid && i-1 < len(undo) {
			return undo[i-1], nil
		}
	}
	return nil, nil
}

// addBlockContext adds getrawtransaction's block fields (Core's
// TxToJSON): the block hash and, for a block of the active chain, the
// confirmations and times (confirmations 0 otherwise).
func (s *Server) addBlockContext(r *txjson.TxResult, bh wire.Hash) {
	r.BlockHash = bh.String()
	info, ok := s.cfg.Chain.BlockInfo(bh)
	if !ok {
		return
	}
	conf := int64(0)
	if info.InActive {
		_, tip := s.cfg.Chain.Tip()
		conf = int64(tip - info.Height + 1)
		t := int64(info.Header.Timestamp)
		r.Time, r.BlockTime = &t, &t
	}
	r.Confirmations = &conf
}
