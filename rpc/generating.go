package rpc

import (
	"context"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/chain/address"
	"github.com/bitnode/bitnode/chain/txjson"
	"github.com/bitnode/bitnode/mempool/mining"
	"github.com/bitnode/bitnode/wire"
)

// The generating methods (Core's "generating" category): mining blocks on
// networks whose proof of work a CPU meets, regtest above all.

func generateToAddressCommand() *Command {
	return &Command{
		Name: "generatetoaddress", Category: "generating",
		Desc: "Mine to a specified address and return the block hashes.",
		Args: []Arg{
			{Names: "nblocks", Type: ArgNum, Desc: "How many blocks are generated."},
			{Names: "address", Type: ArgStr, Desc: "The address to send the newly generated bitcoin to."},
			{Names: "maxtries", Type: ArgNum, Default: "1000000", Desc: "How many iterations to try."},
		},
		Results: []Result{{Type: ResArr, Desc: "hashes of blocks generated", Inner: []Result{{Type: ResHex, Desc: "blockhash"}}}},
		Examples: "\nGenerate 11 blocks to myaddress\n" + cli("generatetoaddress", "11 \"myaddress\"") +
			"If you are using the bitnode wallet, you can get a new address to send the newly generated bitcoin to with:\n" +
			cli("getnewaddress", ""),
		handler: generateToAddress,
	}
}

func generateToAddress(ctx context.Context, s *Server, p *callArgs) (any, error) {
	n, err := p.int32Arg(0, 0)
	if err != nil {
		return nil, err
	}
	addrStr, err := p.str(1, "")
	if err != nil {
		return nil, err
	}
	maxTries, err := p.uint64Arg(2, mining.DefaultMaxTries)
	if err != nil {
		return nil, err
	}
	addr, aerr := address.Decode(addrStr, s.params)
	if aerr != nil {
		return nil, errorf(ErrInvalidAddressOrKey, "Error: Invalid address")
	}
	m, err := s.miner()
	if err != nil {
		return nil, err
	}
	if n <= 0 {
		return []string{}, nil
	}
	if maxTries == 0 {
		return []string{}, nil
	}
	hashes, gerr := m.Generate(ctx, addr.ScriptPubKey(), int(n), maxTries)
	if gerr != nil && !errors.Is(gerr, mining.ErrMaxTries) {
		if ctx.Err() != nil {
			return nil, s.asError(ctx, gerr)
		}
		return nil, errorf(ErrInternal, "ProcessNewBlock, block not accepted: %v", gerr)
	}
	out := make([]string, len(hashes))
	for i, h := range hashes {
		out[i] = h.String()
	}
	return out, nil
}

// outputScript reads generateblock's output: an address, or one of the
// descriptors bitnode can turn into a script without a wallet, addr(...)
// and raw(...) (a checksum is optional, and checked when present).
func (s *Server) outputScript(str string) ([]byte, bool) {
	if !strings.Contains(str, "(") {
		a, err := address.Decode(str, s.params)
		if err != nil {
			return nil, false
		}
		return a.ScriptPubKey(), true
	}
	if err := txjson.VerifyChecksum(str, false); err != nil {
		return nil, false
	}
	desc, _, _ := strings.Cut(str, "#")
	switch {
	case strings.HasPrefix(desc, "addr(") && strings.HasSuffix(desc, ")"):
		a, err := address.Decode(desc[5:len(desc)-1], s.params)
		if err != nil {
			return nil, false
		}
		return a.ScriptPubKey(), true
	case strings.HasPrefix(desc, "raw(") && strings.HasSuffix(desc, ")"):
		h := desc[4 : len(desc)-1]
		b, err := hex.DecodeString(h)
		if err != nil || !isHex(h) {
			return nil, false
		}
		return b, true
	}
	return nil, false
}

type generateBlockJSON struct {
	Hash string `json:"hash"`
	Hex  string `json:"hex,omitempty"`
}

func generateBlockCommand() *Command {
	return &Command{
		Name: "generateblock", Category: "generating",
		Desc: "Mine a set of ordered transactions to a specified address or descriptor and return the block hash.",
		Args: []Arg{
			{Names: "output", Type: ArgStr, Desc: "The address or descriptor to send the newly generated bitcoin to (descriptors: addr() and raw())."},
			{Names: "transactions", Type: ArgArr, Desc: "An array of hex strings which are either txids or raw transactions.\n" +
				"Txids must reference transactions currently in the mempool.\n" +
				"All transactions must be valid and in valid order, otherwise the block will be rejected.",
				Inner: []Arg{{Names: "rawtx/txid", Type: ArgHex, Optional: true}}},
			{Names: "submit", Type: ArgBool, Default: "true", Desc: "Whether to submit the block before the RPC call returns or to return it as hex."},
		},
		Results: []Result{{Type: ResObj, Inner: []Result{
			{Type: ResHex, Key: "hash", Desc: "hash of generated block"},
			{Type: ResHex, Key: "hex", Optional: true, Desc: "hex of generated block, only present when submit=false"},
		}}},
		Examples: "\nGenerate a block to myaddress, with txs rawtx and mempool_txid\n" +
			cli("generateblock", `"myaddress" '["rawtx", "mempool_txid"]'`),
		handler: generateBlock,
	}
}

func generateBlock(ctx context.Context, s *Server, p *callArgs) (any, error) {
	out, err := p.str(0, "")
	if err != nil {
		return nil, err
	}
	payout, ok := s.outputScript(out)
	if !ok {
		return nil, errorf(ErrInvalidAddressOrKey, "Error: Invalid address or descriptor")
	}
	items, err := stringList(p.raw(1))
	if err != nil {
		return nil, err
	}
	txs, err := s.blockTransactions(items)
	if err != nil {
		return nil, err
	}
	submit, err := p.boolean(2, true)
	if err != nil {
		return nil, err
	}
	m, err := s.miner()
	if err != nil {
		return nil, err
	}
	blk, berr := m.BlockWithTxs(payout, txs)
	if berr != nil {
		return nil, misc("%v", berr)
	}
	if verr := s.cfg.Chain.TestBlockValidity(blk, false); verr != nil {
		return nil, errorf(ErrVerify, "TestBlockValidity failed: %s", stateString(verr))
	}
	found, merr := mining.Mine(ctx, blk, s.params.PowLimit, mining.DefaultMaxTries)
	if merr != nil {
		return nil, s.asError(ctx, merr)
	}
	if !found {
		return nil, misc("Failed to make block.")
	}
	r := generateBlockJSON{Hash: blk.BlockHash().String()}
	if !submit {
		r.Hex = hex.EncodeToString(blk.Serialize())
		return r, nil
	}
	if perr := s.cfg.Chain.ProcessBlock(blk); perr != nil {
		return nil, misc("Failed to make block.")
	}
	return r, nil
}

// blockTransactions resolves generateblock's transactions: a txid names a
// mempool transaction, anything else must be a raw transaction.
func (s *Server) blockTransactions(items []string) ([]*wire.Tx, *Error) {
	txs := make([]*wire.Tx, 0, len(items))
	for _, item := range items {
		if len(item) == 2*wire.HashSize && isHex(item) {
			txid, _ := wire.NewHashFromStr(item)
			var tx *wire.Tx
			if s.cfg.Mempool != nil {
				tx = s.cfg.Mempool.Tx(txid)
			}
			if tx == nil {
				return nil, errorf(ErrInvalidAddressOrKey, "Transaction %s not in mempool.", item)
			}
			txs = append(txs, tx)
			continue
		}
		tx, ok := decodeHexTx(item, true, true)
		if !ok {
			return nil, errorf(ErrDeserialization, "Transaction decode failed for %s. Make sure the tx has at least one input.", item)
		}
		txs = append(txs, tx)
	}
	return txs, nil
}

// stateString is Core's ValidationState::ToString for a block error:
// "reason, details".
func stateString(err error) string {
	reason := chain.RejectReason(err)
	if reason == "" {
		return err.Error()
	}
	return reason + ", " + err.Error()
}
