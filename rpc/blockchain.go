package rpc

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/chain/txjson"
	"github.com/bitnode/bitnode/wire"
)

func blockchainCommands() []*Command {
	return []*Command{
		getBestBlockHashCommand(), getBlockCommand(), getBlockchainInfoCommand(), getBlockCountCommand(),
		getBlockHashCommand(), getBlockHeaderCommand(), getChainTipsCommand(), getDifficultyCommand(),
		getTxOutCommand(), getTxOutSetInfoCommand(), getBlockFilterCommand(), getBlockStatsCommand(),
	}
}

// blockchainInfo is getblockchaininfo's result in Core 31's order.
type blockchainInfo struct {
	Chain                string       `json:"chain"`
	Blocks               int32        `json:"blocks"`
	Headers              int32        `json:"headers"`
	BestBlockHash        string       `json:"bestblockhash"`
	Bits                 string       `json:"bits"`
	Target               string       `json:"target"`
	Difficulty           txjson.Float `json:"difficulty"`
	Time                 uint32       `json:"time"`
	MedianTime           int64        `json:"mediantime"`
	VerificationProgress txjson.Float `json:"verificationprogress"`
	InitialBlockDownload bool         `json:"initialblockdownload"`
	ChainWork            string       `json:"chainwork"`
	SizeOnDisk           int64        `json:"size_on_disk"`
	Pruned               bool         `json:"pruned"`
	PruneHeight          *int32       `json:"pruneheight,omitempty"`
	AutomaticPruning     *bool        `json:"automatic_pruning,omitempty"`
	PruneTargetSize      *int64       `json:"prune_target_size,omitempty"`
	SignetChallenge      string       `json:"signet_challenge,omitempty"`
	Warnings             []string     `json:"warnings"`
}

func getBlockchainInfoCommand() *Command {
	return &Command{
		Name: "getblockchaininfo", Category: "blockchain",
		Desc: "Returns an object containing various state info regarding blockchain processing.",
		Results: []Result{{Type: ResObj, Inner: []Result{
			{Type: ResStr, Key: "chain", Desc: "current network name (main, test, testnet4, signet, regtest)"},
			{Type: ResNum, Key: "blocks", Desc: "the height of the most-work fully-validated chain. The genesis block has height 0"},
			{Type: ResNum, Key: "headers", Desc: "the current number of headers we have validated"},
			{Type: ResStr, Key: "bestblockhash", Desc: "the hash of the currently best block"},
			{Type: ResHex, Key: "bits", Desc: "nBits: compact representation of the block difficulty target"},
			{Type: ResHex, Key: "target", Desc: "the difficulty target"},
			{Type: ResNum, Key: "difficulty", Desc: "the current difficulty"},
			{Type: ResTime, Key: "time", Desc: "the block time expressed in UNIX epoch time"},
			{Type: ResTime, Key: "mediantime", Desc: "the median block time expressed in UNIX epoch time"},
			{Type: ResNum, Key: "verificationprogress", Desc: "estimate of verification progress [0..1] (blocks connected over headers known; 1 once caught up)"},
			{Type: ResBool, Key: "initialblockdownload", Desc: "(debug information) estimate of whether this node is in Initial Block Download mode"},
			{Type: ResHex, Key: "chainwork", Desc: "total amount of work in active chain, in hexadecimal"},
			{Type: ResNum, Key: "size_on_disk", Desc: "the estimated size of the block and undo files on disk"},
			{Type: ResBool, Key: "pruned", Desc: "if the blocks are subject to pruning"},
			{Type: ResNum, Key: "pruneheight", Optional: true, Desc: "the first block unpruned, all previous blocks were pruned (only present if pruning is enabled)"},
			{Type: ResBool, Key: "automatic_pruning", Optional: true, Desc: "whether automatic pruning is enabled (only present if pruning is enabled)"},
			{Type: ResNum, Key: "prune_target_size", Optional: true, Desc: "the target size used by pruning (only present if automatic pruning is enabled)"},
			{Type: ResHex, Key: "signet_challenge", Optional: true, Desc: "the block challenge (aka. block script), in hexadecimal (only present if the current network is a signet)"},
			{Type: ResArr, Key: "warnings", Desc: "any network and blockchain warnings", Inner: []Result{{Type: ResStr, Desc: "warning"}}},
		}}},
		Examples: examples("getblockchaininfo", ""),
		handler:  getBlockchainInfo,
	}
}

func getBlockchainInfo(_ context.Context, s *Server, _ *callArgs) (any, error) {
	ch := s.cfg.Chain
	hash, height := ch.Tip()
	info, ok := ch.BlockInfo(hash)
	if !ok {
		return nil, misc("tip %s is not in the block index", hash)
	}
	_, headers := ch.BestHeader()
	ibd := ch.IsInitialBlockDownload()
	r := blockchainInfo{
		Chain: s.params.Name, Blocks: height, Headers: headers, BestBlockHash: hash.String(),
		Bits: fmt.Sprintf("%08x", info.Header.Bits), Target: txjson.TargetHex(info.Header.Bits),
		Difficulty: txjson.Float(txjson.Difficulty(info.Header.Bits)), Time: info.Header.Timestamp,
		MedianTime: info.MedianTimePast, VerificationProgress: txjson.Float(progress(height, headers, ibd)),
		InitialBlockDownload: ibd, ChainWork: chainWorkHex(info.ChainWork),
		SizeOnDisk: blockFilesSize(s.cfg.BlocksDir), Pruned: s.pruned(), Warnings: []string{},
	}
	if s.pruned() {
		first, auto, target := s.firstUnpruned(height), true, s.cfg.PruneTarget
		r.PruneHeight, r.AutomaticPruning, r.PruneTargetSize = &first, &auto, &target
	}
	if s.params.SignetChallenge != nil {
		r.SignetChallenge = hex.EncodeToString(s.params.SignetChallenge)
	}
	return r, nil
}

// progress estimates verification progress. Core extrapolates transaction
// counts from checkpoint data; bitnode has none, so it uses blocks
// connected over headers known, and 1 once the node has caught up.
func progress(height, headers int32, ibd bool) float64 {
	if (!ibd && height >= headers) || headers <= 0 {
		return 1
	}
	return min(1, float64(height)/float64(headers))
}

// blockFilesSize sums the sizes of the blk and rev files in dir.
func blockFilesSize(dir string) int64 {
	if dir == "" {
		return 0
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	var total int64
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".dat") || !(strings.HasPrefix(name, "blk") || strings.HasPrefix(name, "rev")) {
			continue
		}
		if fi, err := e.Info(); err == nil {
			total += fi.Size()
		}
	}
	return total
}

// firstUnpruned finds the lowest active-chain height whose block is
// stored: pruning removes a prefix, so the stored heights are a suffix.
func (s *Server) firstUnpruned(tip int32) int32 {
	stored := func(h int32) bool {
		hash, ok := s.cfg.Chain.MainChainHash(h)
		if !ok {
			return false
		}
		info, ok := s.cfg.Chain.BlockInfo(hash)
		return ok && info.Status&chain.StatusHaveData != 0
	}
	lo, hi := int32(0), tip
	for lo < hi {
		mid := lo + (hi-lo)/2
		if stored(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

type chainTipJSON struct {
	Height    int32  `json:"height"`
	Hash      string `json:"hash"`
	BranchLen int32  `json:"branchlen"`
	Status    string `json:"status"`
}

func getChainTipsCommand() *Command {
	return &Command{
		Name: "getchaintips", Category: "blockchain",
		Desc: "Return information about all known tips in the block tree, including the main chain as well as orphaned branches.",
		Results: []Result{{Type: ResArr, Inner: []Result{{Type: ResObj, Inner: []Result{
			{Type: ResNum, Key: "height", Desc: "height of the chain tip"},
			{Type: ResHex, Key: "hash", Desc: "block hash of the tip"},
			{Type: ResNum, Key: "branchlen", Desc: "zero for main chain, otherwise length of branch connecting the tip to the main chain"},
			{Type: ResStr, Key: "status", Desc: "status of the chain, \"active\" for the main chain\n" +
				"Possible values for status:\n" +
				"1.  \"invalid\"               This branch contains at least one invalid block\n" +
				"2.  \"headers-only\"          Not all blocks for this branch are available, but the headers are valid\n" +
				"3.  \"valid-headers\"         All blocks are available for this branch, but they were never fully validated\n" +
				"4.  \"valid-fork\"            This branch is not part of the active chain, but is fully validated\n" +
				"5.  \"active\"                This is the tip of the active main chain, which is certainly valid"},
		}}}}},
		Examples: examples("getchaintips", ""),
		handler: func(_ context.Context, s *Server, _ *callArgs) (any, error) {
			tips := s.cfg.Chain.ChainTips()
			out := make([]chainTipJSON, len(tips))
			for i, t := range tips {
				out[i] = chainTipJSON{Height: t.Height, Hash: t.Hash.String(), BranchLen: t.BranchLen, Status: t.Status}
			}
			return out, nil
		},
	}
}

func getDifficultyCommand() *Command {
	return &Command{
		Name: "getdifficulty", Category: "blockchain",
		Desc:     "Returns the proof-of-work difficulty as a multiple of the minimum difficulty.",
		Results:  []Result{{Type: ResNum, Desc: "the proof-of-work difficulty as a multiple of the minimum difficulty."}},
		Examples: examples("getdifficulty", ""),
		handler: func(_ context.Context, s *Server, _ *callArgs) (any, error) {
			hash, _ := s.cfg.Chain.Tip()
			info, ok := s.cfg.Chain.BlockInfo(hash)
			if !ok {
				return nil, misc("tip %s is not in the block index", hash)
			}
			return txjson.Float(txjson.Difficulty(info.Header.Bits)), nil
		},
	}
}

type txOutJSON struct {
	BestBlock     string                    `json:"bestblock"`
	Confirmations int64                     `json:"confirmations"`
	Value         txjson.Amount             `json:"value"`
	ScriptPubKey  txjson.ScriptPubKeyResult `json:"scriptPubKey"`
	Coinbase      bool                      `json:"coinbase"`
}

func getTxOutCommand() *Command {
	return &Command{
		Name: "gettxout", Category: "blockchain",
		Desc: "Returns details about an unspent transaction output.",
		Args: []Arg{
			{Names: "txid", Type: ArgStr, Desc: "The transaction id"},
			{Names: "n", Type: ArgNum, Desc: "vout number"},
			{Names: "include_mempool", Type: ArgBool, Default: "true", Desc: "Whether to include the mempool. Note that an unspent output that is spent in the mempool won't appear."},
		},
		Results: []Result{
			{Type: ResNone, Cond: "If the UTXO was not found"},
			{Type: ResObj, Cond: "Otherwise", Inner: []Result{
				{Type: ResHex, Key: "bestblock", Desc: "The hash of the block at the tip of the chain"},
				{Type: ResNum, Key: "confirmations", Desc: "The number of confirmations"},
				{Type: ResAmount, Key: "value", Desc: "The transaction value in BTC"},
				{Type: ResObj, Key: "scriptPubKey", Inner: scriptPubKeyFields()},
				{Type: ResBool, Key: "coinbase", Desc: "Coinbase or not"},
			}},
		},
		Examples: "\nGet unspent transactions\n" + cli("listunspent", "") + "\nView the details\n" +
			cli("gettxout", `"txid" 1`) + "\nAs a JSON-RPC call\n" + httpExample("gettxout", `"txid", 1`),
		handler: getTxOut,
	}
}

func getTxOut(_ context.Context, s *Server, p *callArgs) (any, error) {
	txid, err := p.hash(0, "txid")
	if err != nil {
		return nil, err
	}
	n, err := p.uint32Arg(1, 0)
	if err != nil {
		return nil, err
	}
	withPool, err := p.boolean(2, true)
	if err != nil {
		return nil, err
	}
	op := wire.OutPoint{Hash: txid, Index: n}
	best, tip := s.cfg.Chain.Tip()
	r := txOutJSON{BestBlock: best.String()}
	if withPool && s.cfg.Mempool != nil {
		if _, spent := s.cfg.Mempool.SpentBy(op); spent {
			return nil, nil
		}
		if tx := s.cfg.Mempool.Tx(txid); tx != nil {
			if int(n) >= len(tx.TxOut) {
				return nil, nil
			}
			out := tx.TxOut[n]
			r.Value, r.ScriptPubKey = txjson.Amount(out.Value), txjson.DecodeScriptPubKey(out.PkScript, s.params)
			return r, nil
		}
	}
	coin, cerr := s.cfg.Chain.FetchCoin(op)
	if cerr != nil {
		return nil, misc("%v", cerr)
	}
	if coin == nil {
		return nil, nil
	}
	r.Confirmations = int64(tip - coin.Height + 1)
	r.Value, r.ScriptPubKey = txjson.Amount(coin.Value), txjson.DecodeScriptPubKey(coin.PkScript, s.params)
	r.Coinbase = coin.CoinBase
	return r, nil
}

type txOutSetInfo struct {
	Height          int32         `json:"height"`
	BestBlock       string        `json:"bestblock"`
	TxOuts          int64         `json:"txouts"`
	BogoSize        int64         `json:"bogosize"`
	HashSerialized3 string        `json:"hash_serialized_3,omitempty"`
	TotalAmount     txjson.Amount `json:"total_amount"`
	Transactions    int64         `json:"transactions"`
	DiskSize        int64         `json:"disk_size"`
}

func getTxOutSetInfoCommand() *Command {
	return &Command{
		Name: "gettxoutsetinfo", Category: "blockchain",
		Desc: "Returns statistics about the unspent transaction output set.\n" +
			"Note this call may take some time (there is no coinstatsindex).",
		Args: []Arg{
			{Names: "hash_type", Type: ArgStr, Default: `"hash_serialized_3"`, Desc: "Which UTXO set hash should be calculated. Options: 'hash_serialized_3' (the legacy algorithm), 'none' ('muhash' is not supported)."},
			{Names: "hash_or_height", Type: ArgNum, DefaultHint: "the current best block", SkipTypeCheck: true, TypeName: "string or numeric",
				Desc: "The block hash or height of the target height (only available with coinstatsindex, which bitnode does not have)."},
			{Names: "use_index", Type: ArgBool, Default: "true", Desc: "Use coinstatsindex, if available."},
		},
		Results: []Result{{Type: ResObj, Inner: []Result{
			{Type: ResNum, Key: "height", Desc: "The block height (index) of the returned statistics"},
			{Type: ResHex, Key: "bestblock", Desc: "The hash of the block at which these statistics are calculated"},
			{Type: ResNum, Key: "txouts", Desc: "The number of unspent transaction outputs"},
			{Type: ResNum, Key: "bogosize", Desc: "Database-independent, meaningless metric indicating the UTXO set size"},
			{Type: ResHex, Key: "hash_serialized_3", Optional: true, Desc: "The serialized hash (only present if 'hash_serialized_3' hash_type is chosen)"},
			{Type: ResAmount, Key: "total_amount", Desc: "The total amount of coins in the UTXO set"},
			{Type: ResNum, Key: "transactions", Desc: "The number of transactions with unspent outputs"},
			{Type: ResNum, Key: "disk_size", Desc: "The estimated size of the chainstate on disk"},
		}}},
		Examples: examples("gettxoutsetinfo", "") + cli("gettxoutsetinfo", `"none"`),
		handler:  getTxOutSetInfo,
	}
}

func getTxOutSetInfo(_ context.Context, s *Server, p *callArgs) (any, error) {
	hashType, err := p.str(0, "hash_serialized_3")
	if err != nil {
		return nil, err
	}
	switch hashType {
	case "hash_serialized_3", "none":
	case "muhash":
		return nil, invalidParameter("hash_type 'muhash' is not supported")
	default:
		return nil, invalidParameter("'%s' is not a valid hash_type", hashType)
	}
	if p.has(1) {
		return nil, invalidParameter("Querying specific block heights requires coinstatsindex")
	}
	if _, err := p.boolean(2, true); err != nil {
		return nil, err
	}
	st, serr := s.cfg.Chain.UTXOStats()
	if serr != nil {
		return nil, misc("Unable to read UTXO set: %v", serr)
	}
	info, ok := s.cfg.Chain.BlockInfo(st.BestBlock)
	if !ok {
		return nil, misc("UTXO set best block %s is not in the block index", st.BestBlock)
	}
	r := txOutSetInfo{Height: info.Height, BestBlock: st.BestBlock.String(), TxOuts: st.TxOuts,
		BogoSize: st.BogoSize, TotalAmount: txjson.Amount(st.TotalAmount),
		Transactions: st.Transactions, DiskSize: st.DiskSize}
	if hashType == "hash_serialized_3" {
		r.HashSerialized3 = st.HashSerialized.String()
	}
	return r, nil
}

// sortedHashes returns hashes as sorted hex strings.
func sortedHashes(hs []wire.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.String()
	}
	sort.Strings(out)
	return out
}
