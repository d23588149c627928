package rpc

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/chain/txjson"
	"github.com/bitnode/bitnode/mempool/mining"
	"github.com/bitnode/bitnode/mempool/policy"
	"github.com/bitnode/bitnode/wire"
)

func miningCommands() []*Command {
	return []*Command{getBlockTemplateCommand(), submitBlockCommand(), getMiningInfoCommand(),
		getNetworkHashPSCommand(), prioritiseTransactionCommand(), generateToAddressCommand(),
		generateBlockCommand()}
}

// miner returns the block builder, RPC_MISC_ERROR when there is none.
func (s *Server) miner() (Miner, *Error) {
	if s.cfg.Miner == nil {
		return nil, misc("Block assembly is not available")
	}
	return s.cfg.Miner, nil
}

// bip22Result is Core's BIP22ValidationResult for a block's error: null
// for a valid block, else the reject reason ("rejected" without one).
func bip22Result(err error) any {
	if err == nil {
		return nil
	}
	if reason := chain.RejectReason(err); reason != "" {
		return reason
	}
	return "rejected"
}

// decodeHexBlock is Core's DecodeHexBlk.
func decodeHexBlock(s string) (*wire.Block, bool) {
	if !isHex(s) {
		return nil, false
	}
	raw, _ := hex.DecodeString(s)
	blk, err := wire.DecodeBlock(raw)
	return blk, err == nil
}

func submitBlockCommand() *Command {
	return &Command{
		Name: "submitblock", Category: "mining",
		Desc: "Attempts to submit new block to network.\nSee https://en.bitcoin.it/wiki/BIP_0022 for full specification.",
		Args: []Arg{
			{Names: "hexdata", Type: ArgHex, Desc: "the hex-encoded block data to submit"},
			{Names: "dummy", Type: ArgStr, DefaultHint: "ignored", Desc: "dummy value, for compatibility with BIP22. This value is ignored."},
		},
		Results: []Result{
			{Type: ResNone, Cond: "If the block was accepted"},
			{Type: ResStr, Cond: "Otherwise", Desc: "According to BIP22"},
		},
		Examples: examples("submitblock", `"mydata"`),
		handler:  submitBlock,
	}
}

func submitBlock(_ context.Context, s *Server, p *callArgs) (any, error) {
	hexStr, err := p.str(0, "")
	if err != nil {
		return nil, err
	}
	blk, ok := decodeHexBlock(hexStr)
	if !ok {
		return nil, errorf(ErrDeserialization, "Block decode failed")
	}
	if len(blk.Transactions) == 0 || !blk.Transactions[0].IsCoinBase() {
		return nil, errorf(ErrDeserialization, "Block does not start with a coinbase")
	}
	if prev, ok := s.cfg.Chain.BlockInfo(blk.Header.PrevBlock); ok {
		s.addWitnessNonce(blk, prev.Height+1)
	}
	hash := blk.BlockHash()
	known := s.cfg.Chain.HaveBlock(hash)
	perr := s.cfg.Chain.ProcessBlock(blk)
	switch {
	case perr != nil && chain.IsRuleError(perr):
		return bip22Result(perr), nil
	case perr != nil:
		return nil, misc("%v", perr)
	case known:
		return "duplicate", nil
	}
	if info, ok := s.cfg.Chain.BlockInfo(hash); ok && info.InActive {
		return nil, nil
	}
	// Stored, but not connected (a side branch): its validity is not
	// known yet.
	return "inconclusive", nil
}

// witnessCommitmentPrefix starts a BIP141 commitment output.
var witnessCommitmentPrefix = []byte{0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed}

// addWitnessNonce is Core's UpdateUncommittedBlockStructures: a block at a
// segwit height whose coinbase commits to witnesses but carries no
// witness reserved value gets the all-zero one.
func (s *Server) addWitnessNonce(blk *wire.Block, height int32) {
	cb := blk.Transactions[0]
	if height < s.params.SegwitHeight || len(cb.TxIn) == 0 || len(cb.TxIn[0].Witness) > 0 {
		return
	}
	for _, out := range cb.TxOut {
		if len(out.PkScript) >= 38 && bytes.HasPrefix(out.PkScript, witnessCommitmentPrefix) {
			cb.TxIn[0].Witness = wire.TxWitness{make([]byte, 32)}
			return
		}
	}
}

func getBlockTemplateCommand() *Command {
	return &Command{
		Name: "getblocktemplate", Category: "mining",
		Desc: "If the request parameters include a 'mode' key, that is used to explicitly select between the default 'template' request or a 'proposal'.\n" +
			"It returns data needed to construct a block to work on.\n" +
			"For full specification, see BIPs 22, 23, 9, and 145:\n" +
			"    https://github.com/bitcoin/bips/blob/master/bip-0022.mediawiki\n" +
			"    https://github.com/bitcoin/bips/blob/master/bip-0023.mediawiki\n" +
			"    https://github.com/bitcoin/bips/blob/master/bip-0009.mediawiki#getblocktemplate_changes\n" +
			"    https://github.com/bitcoin/bips/blob/master/bip-0145.mediawiki",
		Args: []Arg{{Names: "template_request", Type: ArgObj, Default: "{}", Desc: "Format of the template", Inner: []Arg{
			{Names: "mode", Type: ArgStr, Optional: true, Desc: "This must be set to \"template\", \"proposal\" (see BIP 23), or omitted"},
			{Names: "capabilities", Type: ArgArr, Optional: true, Desc: "A list of strings", Inner: []Arg{
				{Names: "str", Type: ArgStr, Optional: true, Desc: "client side supported feature, 'longpoll', 'coinbasevalue', 'proposal', 'serverlist', 'workid'"}}},
			{Names: "rules", Type: ArgArr, Desc: "A list of strings", Inner: []Arg{
				{Names: "segwit", Type: ArgStr, Desc: "(literal) indicates client side segwit support"},
				{Names: "str", Type: ArgStr, Optional: true, Desc: "other client side supported softfork deployment"}}},
			{Names: "longpollid", Type: ArgStr, Optional: true, Desc: "delay processing request until the result would vary significantly from the \"longpollid\" of a prior template"},
			{Names: "data", Type: ArgHex, Optional: true, Desc: "proposed block data to check, encoded in hexadecimal; valid only for mode=\"proposal\""},
		}}},
		Results: []Result{
			{Type: ResNone, Cond: "If the proposal was accepted with mode=='proposal'"},
			{Type: ResStr, Cond: "If the proposal was not accepted with mode=='proposal'", Desc: "According to BIP22"},
			{Type: ResObj, Cond: "Otherwise", Inner: gbtFields()},
		},
		Examples: cli("getblocktemplate", `'{"rules": ["segwit"]}'`) + httpExample("getblocktemplate", `{"rules": ["segwit"]}`),
		handler:  getBlockTemplate,
	}
}

func gbtFields() []Result {
	return []Result{
		{Type: ResArr, Key: "capabilities", Desc: "specific client side supported features", Inner: []Result{{Type: ResStr, Desc: "capability"}}},
		{Type: ResNum, Key: "version", Desc: "The preferred block version"},
		{Type: ResArr, Key: "rules", Desc: "specific block rules that are to be enforced", Inner: []Result{{Type: ResStr, Desc: "name of a rule the client must understand to some extent; see BIP 9 for format"}}},
		{Type: ResObjDyn, Key: "vbavailable", Desc: "set of pending, supported versionbit (BIP 9) softfork deployments", Inner: []Result{{Type: ResNum, Key: "rulename", Desc: "identifies the bit number as indicating acceptance and readiness for the named softfork rule"}}},
		{Type: ResNum, Key: "vbrequired", Desc: "bit mask of versionbits the server requires set in submissions"},
		{Type: ResStr, Key: "previousblockhash", Desc: "The hash of current highest block"},
		{Type: ResArr, Key: "transactions", Desc: "contents of non-coinbase transactions that should be included in the next block", Inner: []Result{{Type: ResObj, Inner: []Result{
			{Type: ResHex, Key: "data", Desc: "transaction data encoded in hexadecimal (byte-for-byte)"},
			{Type: ResHex, Key: "txid", Desc: "transaction hash excluding witness data, shown in byte-reversed hex"},
			{Type: ResHex, Key: "hash", Desc: "transaction hash including witness data, shown in byte-reversed hex"},
			{Type: ResArr, Key: "depends", Desc: "array of numbers", Inner: []Result{{Type: ResNum, Desc: "transactions before this one (by 1-based index in 'transactions' list) that must be present in the final block if this one is"}}},
			{Type: ResNum, Key: "fee", Desc: "difference in value between transaction inputs and outputs (in satoshis); for coinbase transactions, this is a negative Number of the total collected block fees (ie, not including the block subsidy); if key is not present, fee is unknown and clients MUST NOT assume there isn't one"},
			{Type: ResNum, Key: "sigops", Desc: "total SigOps cost, as counted for purposes of block limits; if key is not present, sigop cost is unknown and clients MUST NOT assume it is zero"},
			{Type: ResNum, Key: "weight", Desc: "total transaction weight, as counted for purposes of block limits"},
		}}}},
		{Type: ResObjDyn, Key: "coinbaseaux", Desc: "data that should be included in the coinbase's scriptSig content", Inner: []Result{{Type: ResStr, Key: "key", Desc: "values must be in the coinbase (keys may be ignored)"}}},
		{Type: ResNum, Key: "coinbasevalue", Desc: "maximum allowable input to coinbase transaction, including the generation award and transaction fees (in satoshis)"},
		{Type: ResStr, Key: "longpollid", Desc: "an id to include with a request to longpoll on an update to this template"},
		{Type: ResStr, Key: "target", Desc: "The hash target"},
		{Type: ResTime, Key: "mintime", Desc: "The minimum timestamp appropriate for the next block time, expressed in UNIX epoch time. Adjusted for the proposed BIP94 timewarp rule."},
		{Type: ResArr, Key: "mutable", Desc: "list of ways the block template may be changed", Inner: []Result{{Type: ResStr, Key: "value", Desc: "A way the block template may be changed, e.g. 'time', 'transactions', 'prevblock'"}}},
		{Type: ResHex, Key: "noncerange", Desc: "A range of valid nonces"},
		{Type: ResNum, Key: "sigoplimit", Desc: "limit of sigops in blocks"},
		{Type: ResNum, Key: "sizelimit", Desc: "limit of block size"},
		{Type: ResNum, Key: "weightlimit", Optional: true, Desc: "limit of block weight"},
		{Type: ResTime, Key: "curtime", Desc: "current timestamp in UNIX epoch time. Adjusted for the proposed BIP94 timewarp rule."},
		{Type: ResStr, Key: "bits", Desc: "compressed target of next block"},
		{Type: ResNum, Key: "height", Desc: "The height of the next block"},
		{Type: ResHex, Key: "signet_challenge", Optional: true, Desc: "Only on signet"},
		{Type: ResHex, Key: "default_witness_commitment", Optional: true, Desc: "a valid witness commitment for the unmodified block template"},
	}
}

// gbtRequest is getblocktemplate's template_request.
type gbtRequest struct {
	mode       string
	longpollID json.RawMessage
	data       json.RawMessage
	rules      map[string]bool
}

func parseGBTRequest(raw json.RawMessage) (*gbtRequest, *Error) {
	q := &gbtRequest{mode: "template", rules: map[string]bool{}}
	if isNull(raw) {
		return q, nil
	}
	ms, err := objectMembers(raw)
	if err != nil {
		return nil, errorf(ErrType, "Expected type object, got %s", jsonType(raw))
	}
	if m, ok := find(ms, "mode"); ok && !isNull(m) {
		s, perr := parseString(m)
		if perr != nil {
			return nil, invalidParameter("Invalid mode")
		}
		q.mode = s
	}
	q.longpollID, _ = find(ms, "longpollid")
	q.data, _ = find(ms, "data")
	if rules, ok := find(ms, "rules"); ok && jsonType(rules) == "array" {
		list, perr := stringList(rules)
		if perr != nil {
			return nil, perr
		}
		for _, r := range list {
			q.rules[r] = true
		}
	}
	return q, nil
}

func getBlockTemplate(ctx context.Context, s *Server, p *callArgs) (any, error) {
	q, err := parseGBTRequest(p.raw(0))
	if err != nil {
		return nil, err
	}
	if q.mode == "proposal" {
		return s.checkProposal(q.data)
	}
	if q.mode != "template" {
		return nil, invalidParameter("Invalid mode")
	}
	if s.params.Name == "main" {
		if s.cfg.Network == nil || len(s.cfg.Network.Peers()) == 0 {
			return nil, errorf(ErrClientNotConnected, "bitnode is not connected!")
		}
		if s.cfg.Chain.IsInitialBlockDownload() {
			return nil, errorf(ErrClientInInitialDL, "bitnode is in initial sync and waiting for blocks...")
		}
	}
	pool, err := s.pool()
	if err != nil {
		return nil, err
	}
	if !isNull(q.longpollID) {
		s.longPoll(ctx, q.longpollID, pool)
		if errors.Is(ctx.Err(), context.Canceled) {
			return nil, errorf(ErrClientNotConnected, "Shutting down")
		}
	}
	if s.params.SignetChallenge != nil && !q.rules["signet"] {
		return nil, invalidParameter(`getblocktemplate must be called with the signet rule set (call with {"rules": ["segwit", "signet"]})`)
	}
	if !q.rules["segwit"] {
		return nil, invalidParameter(`getblocktemplate must be called with the segwit rule set (call with {"rules": ["segwit"]})`)
	}
	m, err := s.miner()
	if err != nil {
		return nil, err
	}
	t, terr := m.Template(mining.Options{TxUpdates: uint64(pool.Info().Size)})
	if terr != nil {
		return nil, misc("%v", terr)
	}
	s.lastTemplate.Store(&templateStats{weight: int64(t.Weight), txs: int64(len(t.Txs))})
	return t.GBT(), nil
}

// checkProposal is getblocktemplate's proposal mode (BIP23).
func (s *Server) checkProposal(data json.RawMessage) (any, error) {
	if jsonType(data) != "string" {
		return nil, errorf(ErrType, "Missing data String key for proposal")
	}
	str, _ := parseString(data)
	blk, ok := decodeHexBlock(str)
	if !ok {
		return nil, errorf(ErrDeserialization, "Block decode failed")
	}
	if info, ok := s.cfg.Chain.BlockInfo(blk.BlockHash()); ok {
		switch {
		case info.Status&chain.StatusValidScripts != 0:
			return "duplicate", nil
		case info.Status&(chain.StatusFailed|chain.StatusFailedChild) != 0:
			return "duplicate-invalid", nil
		}
		return "duplicate-inconclusive", nil
	}
	return bip22Result(s.cfg.Chain.TestBlockValidity(blk, false)), nil
}

// longPoll waits until the tip moves away from the one in id, or the pool
// changes (checked after a minute, then every ten seconds, as Core), or
// the request's deadline comes (the current template is then returned),
// or the server stops.
func (s *Server) longPoll(ctx context.Context, id json.RawMessage, pool Mempool) {
	watched, _ := s.cfg.Chain.Tip()
	txUpdates := pool.Info().Size
	if str, err := parseString(id); err == nil && len(str) >= 64 {
		if h, herr := wire.NewHashFromStr(str[:64]); herr == nil {
			watched = h
		}
		fmt.Sscan(str[64:], &txUpdates)
	}
	start, checkTx := time.Now(), time.Minute
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if tip, _ := s.cfg.Chain.Tip(); tip != watched {
			return
		}
		if time.Since(start) >= checkTx {
			if pool.Info().Size != txUpdates {
				return
			}
			checkTx += 10 * time.Second
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// templateStats remembers the last template (getmininginfo).
type templateStats struct{ weight, txs int64 }

type nextBlockJSON struct {
	Height     int32        `json:"height"`
	Bits       string       `json:"bits"`
	Difficulty txjson.Float `json:"difficulty"`
	Target     string       `json:"target"`
}

type miningInfo struct {
	Blocks             int32         `json:"blocks"`
	CurrentBlockWeight *int64        `json:"currentblockweight,omitempty"`
	CurrentBlockTx     *int64        `json:"currentblocktx,omitempty"`
	Bits               string        `json:"bits"`
	Difficulty         txjson.Float  `json:"difficulty"`
	Target             string        `json:"target"`
	NetworkHashPS      txjson.Float  `json:"networkhashps"`
	PooledTx           int           `json:"pooledtx"`
	BlockMinTxFee      txjson.Amount `json:"blockmintxfee"`
	Chain              string        `json:"chain"`
	SignetChallenge    string        `json:"signet_challenge,omitempty"`
	Next               nextBlockJSON `json:"next"`
	Warnings           []string      `json:"warnings"`
}

func getMiningInfoCommand() *Command {
	return &Command{
		Name: "getmininginfo", Category: "mining",
		Desc: "Returns a json object containing mining-related information.",
		Results: []Result{{Type: ResObj, Inner: []Result{
			{Type: ResNum, Key: "blocks", Desc: "The current block"},
			{Type: ResNum, Key: "currentblockweight", Optional: true, Desc: "The block weight (including reserved weight for block header, txs count and coinbase tx) of the last assembled block (only present if a block was ever assembled)"},
			{Type: ResNum, Key: "currentblocktx", Optional: true, Desc: "The number of block transactions (excluding coinbase) of the last assembled block (only present if a block was ever assembled)"},
			{Type: ResHex, Key: "bits", Desc: "The current nBits, compact representation of the block difficulty target"},
			{Type: ResNum, Key: "difficulty", Desc: "The current difficulty"},
			{Type: ResHex, Key: "target", Desc: "The current target"},
			{Type: ResNum, Key: "networkhashps", Desc: "The network hashes per second"},
			{Type: ResNum, Key: "pooledtx", Desc: "The size of the mempool"},
			{Type: ResAmount, Key: "blockmintxfee", Desc: "Minimum feerate of packages selected for block inclusion in BTC/kvB"},
			{Type: ResStr, Key: "chain", Desc: "current network name (main, test, testnet4, signet, regtest)"},
			{Type: ResHex, Key: "signet_challenge", Optional: true, Desc: "The block challenge (aka. block script), in hexadecimal (only present if the current network is a signet)"},
			{Type: ResObj, Key: "next", Desc: "The next block", Inner: []Result{
				{Type: ResNum, Key: "height", Desc: "The next height"},
				{Type: ResHex, Key: "bits", Desc: "The next target nBits"},
				{Type: ResNum, Key: "difficulty", Desc: "The next difficulty"},
				{Type: ResHex, Key: "target", Desc: "The next target"},
			}},
			{Type: ResArr, Key: "warnings", Desc: "any network and blockchain warnings", Inner: []Result{{Type: ResStr, Desc: "warning"}}},
		}}},
		Examples: examples("getmininginfo", ""),
		handler:  getMiningInfo,
	}
}

func getMiningInfo(_ context.Context, s *Server, _ *callArgs) (any, error) {
	pool, err := s.pool()
	if err != nil {
		return nil, err
	}
	hash, height := s.cfg.Chain.Tip()
	info, ok := s.cfg.Chain.BlockInfo(hash)
	if !ok {
		return nil, misc("tip %s is not in the block index", hash)
	}
	hps, err := s.networkHashPS(120, -1)
	if err != nil {
		return nil, err
	}
	next := s.cfg.Chain.NextBlock()
	r := miningInfo{Blocks: height, Bits: fmt.Sprintf("%08x", info.Header.Bits),
		Difficulty: txjson.Float(txjson.Difficulty(info.Header.Bits)), Target: txjson.TargetHex(info.Header.Bits),
		NetworkHashPS: txjson.Float(hps), PooledTx: pool.Info().Size,
		BlockMinTxFee: txjson.Amount(mining.DefaultMinFeeRate), Chain: s.params.Name, Warnings: []string{},
		Next: nextBlockJSON{Height: next.Height, Bits: fmt.Sprintf("%08x", next.Bits),
			Difficulty: txjson.Float(txjson.Difficulty(next.Bits)), Target: txjson.TargetHex(next.Bits)}}
	if last := s.lastTemplate.Load(); last != nil {
		r.CurrentBlockWeight, r.CurrentBlockTx = &last.weight, &last.txs
	}
	if s.params.SignetChallenge != nil {
		r.SignetChallenge = hex.EncodeToString(s.params.SignetChallenge)
	}
	return r, nil
}

func getNetworkHashPSCommand() *Command {
	return &Command{
		Name: "getnetworkhashps", Category: "mining",
		Desc: "Returns the estimated network hashes per second based on the last n blocks.\n" +
			"Pass in [blocks] to override # of blocks, -1 specifies since last difficulty change.\n" +
			"Pass in [height] to estimate the network speed at the time when a certain block was found.",
		Args: []Arg{
			{Names: "nblocks", Type: ArgNum, Default: "120", Desc: "The number of previous blocks to calculate estimate from, or -1 for blocks since last difficulty change."},
			{Names: "height", Type: ArgNum, Default: "-1", Desc: "To estimate at the time of the given height."},
		},
		Results:  []Result{{Type: ResNum, Desc: "Hashes per second estimated"}},
		Examples: examples("getnetworkhashps", ""),
		handler: func(_ context.Context, s *Server, p *callArgs) (any, error) {
			lookup, err := p.int32Arg(0, 120)
			if err != nil {
				return nil, err
			}
			height, err := p.int32Arg(1, -1)
			if err != nil {
				return nil, err
			}
			v, err := s.networkHashPS(lookup, height)
			if err != nil {
				return nil, err
			}
			return txjson.Float(v), nil
		},
	}
}

// networkHashPS is Core's GetNetworkHashPS: the work of the last lookup
// blocks (-1: since the last retarget) over the time they span.
func (s *Server) networkHashPS(lookup, height int32) (float64, *Error) {
	if lookup < -1 || lookup == 0 {
		return 0, invalidParameter("Invalid nblocks. Must be a positive number or -1.")
	}
	_, tip := s.cfg.Chain.Tip()
	if height < -1 || height > tip {
		return 0, invalidParameter("Block does not exist at specified height")
	}
	if height < 0 {
		height = tip
	}
	if height == 0 {
		return 0, nil
	}
	if lookup == -1 {
		lookup = int32(int64(height)%s.params.RetargetInterval()) + 1
	}
	lookup = min(lookup, height)
	at := func(h int32) (chain.BlockInfo, bool) {
		hash, ok := s.cfg.Chain.MainChainHash(h)
		if !ok {
			return chain.BlockInfo{}, false
		}
		return s.cfg.Chain.BlockInfo(hash)
	}
	end, ok := at(height)
	if !ok {
		return 0, nil
	}
	minTime, maxTime := int64(end.Header.Timestamp), int64(end.Header.Timestamp)
	var start chain.BlockInfo
	for h := height - 1; h >= height-lookup; h-- {
		if start, ok = at(h); !ok {
			return 0, nil
		}
		minTime, maxTime = min(minTime, int64(start.Header.Timestamp)), max(maxTime, int64(start.Header.Timestamp))
	}
	if minTime == maxTime {
		return 0, nil
	}
	work, _ := new(big.Float).SetInt(new(big.Int).Sub(end.ChainWork, start.ChainWork)).Float64()
	return work / float64(maxTime-minTime), nil
}

func prioritiseTransactionCommand() *Command {
	return &Command{
		Name: "prioritisetransaction", Category: "mining",
		Desc: "Accepts the transaction into mined blocks at a higher (or lower) priority",
		Args: []Arg{
			{Names: "txid", Type: ArgHex, Desc: "The transaction id."},
			{Names: "dummy", Type: ArgNum, Optional: true, Desc: "API-Compatibility for previous API. Must be zero or null.\nDEPRECATED. For forward compatibility use named arguments and omit this parameter."},
			{Names: "fee_delta", Type: ArgNum, Desc: "The fee value (in satoshis) to add (or subtract, if negative).\n" +
				"Note, that this value is not a fee rate. It is a value to modify absolute fee of the TX.\n" +
				"The fee is not actually paid, only the algorithm for selecting transactions into a block\n" +
				"considers the transaction as it would have paid a higher (or lower) fee."},
		},
		Results:  []Result{{Type: ResBool, Desc: "Returns true"}},
		Examples: examples("prioritisetransaction", `"txid" 0.0 10000`),
		handler: func(_ context.Context, s *Server, p *callArgs) (any, error) {
			txid, err := p.hash(0, "txid")
			if err != nil {
				return nil, err
			}
			if p.has(1) {
				dummy, err := parseFloat(p.raw(1))
				if err != nil {
					return nil, err
				}
				if dummy != 0 {
					return nil, invalidParameter("Priority is no longer supported, dummy argument to prioritisetransaction must be 0.")
				}
			}
			delta, err := p.int64Arg(2, 0)
			if err != nil {
				return nil, err
			}
			pool, err := s.pool()
			if err != nil {
				return nil, err
			}
			if tx := pool.Tx(txid); tx != nil && len(policy.DustOutputs(tx, s.policyOptions().DustRelayFee)) > 0 {
				return nil, invalidParameter("Priority is not supported for transactions with dust outputs.")
			}
			pool.PrioritiseTransaction(txid, delta)
			return true, nil
		},
	}
}
