package rpc

import (
	"context"
	"errors"

	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/chain/txjson"
	"github.com/bitnode/bitnode/mempool"
	"github.com/bitnode/bitnode/mempool/policy"
	"github.com/bitnode/bitnode/wire"
)

// DefaultMaxFeeRate is sendrawtransaction's and testmempoolaccept's
// default maxfeerate, 0.10 BTC/kvB, in sat/kvB.
const DefaultMaxFeeRate = 10_000_000

// Core's TransactionError messages.
const (
	msgMaxFeeExceeded  = "Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)"
	msgMaxBurnExceeded = "Unspendable output exceeds maximum configured by user (maxburnamount)"
	msgAlreadyInUTXO   = "Transaction outputs already in utxo set"
)

func sendRawTransactionCommand() *Command {
	return &Command{
		Name: "sendrawtransaction", Category: "rawtransactions",
		Desc: "Submit a raw transaction (serialized, hex-encoded) to local node and network.\n\n" +
			"The transaction will be sent unconditionally to all peers, so using sendrawtransaction\n" +
			"for manual rebroadcast may degrade privacy by leaking the transaction's origin, as\n" +
			"nodes will normally not rebroadcast non-wallet transactions already in their mempool.\n\n" +
			"A specific exception, RPC_TRANSACTION_ALREADY_IN_UTXO_SET, may throw if the transaction cannot be added to the mempool.\n\n" +
			"Related RPCs: createrawtransaction, signrawtransactionwithkey",
		Args: []Arg{
			{Names: "hexstring", Type: ArgHex, Desc: "The hex string of the raw transaction"},
			{Names: "maxfeerate", Type: ArgAmount, Default: `"0.10"`,
				Desc: "Reject transactions whose fee rate is higher than the specified value, expressed in BTC/kvB.\n" +
					"Fee rates larger than 1BTC/kvB are rejected.\nSet to 0 to accept any fee rate."},
			{Names: "maxburnamount", Type: ArgAmount, Default: `"0.00"`,
				Desc: "Reject transactions with provably unspendable outputs (e.g. 'datacarrier' outputs that use the OP_RETURN opcode) greater than the specified value, expressed in BTC.\n" +
					"If burning funds through unspendable outputs is desired, increase this value.\n" +
					"This check is based on heuristics and does not guarantee spendability of outputs."},
		},
		Results:  []Result{{Type: ResHex, Desc: "The transaction hash in hex"}},
		Examples: "\nSend the transaction (signed hex)\n" + cli("sendrawtransaction", `"signedhex"`) + "\nAs a JSON-RPC call\n" + httpExample("sendrawtransaction", `"signedhex"`),
		handler:  sendRawTransaction,
	}
}

func sendRawTransaction(_ context.Context, s *Server, p *callArgs) (any, error) {
	hexStr, err := p.str(0, "")
	if err != nil {
		return nil, err
	}
	maxBurn, err := p.amount(2, 0)
	if err != nil {
		return nil, err
	}
	tx, ok := decodeHexTx(hexStr, true, true)
	if !ok {
		return nil, errorf(ErrDeserialization, "TX decode failed. Make sure the tx has at least one input.")
	}
	for _, out := range tx.TxOut {
		if (unspendable(out.PkScript) || !validOps(out.PkScript)) && out.Value > maxBurn {
			return nil, errorf(ErrVerify, msgMaxBurnExceeded)
		}
	}
	rate, err := p.feeRate(1, DefaultMaxFeeRate)
	if err != nil {
		return nil, err
	}
	maxFee := policy.FeeRate(rate).Fee(int64(tx.VSize()))
	pool, err := s.pool()
	if err != nil {
		return nil, err
	}
	txid := tx.TxHash()
	for i := range tx.TxOut {
		coin, cerr := s.cfg.Chain.FetchCoin(wire.OutPoint{Hash: txid, Index: uint32(i)})
		if cerr == nil && coin != nil {
			return nil, errorf(ErrVerifyAlreadyInUTXO, msgAlreadyInUTXO)
		}
	}
	if existing := pool.Tx(txid); existing != nil {
		// Already in the pool (perhaps with another witness): announce
		// the pool's copy again.
		if e, ok := pool.Get(txid); ok {
			s.relay(existing, e.Fee, e.VSize)
		}
		return txid.String(), nil
	}
	if maxFee > 0 {
		res, aerr := pool.TestAccept(tx)
		if aerr != nil {
			return nil, atmpError(aerr)
		}
		if res.Fee > maxFee {
			return nil, errorf(ErrVerify, msgMaxFeeExceeded)
		}
	}
	res, aerr := pool.AcceptTx(tx)
	if aerr != nil {
		return nil, atmpError(aerr)
	}
	s.relay(tx, res.Fee, res.VSize)
	return txid.String(), nil
}

func (s *Server) relay(tx *wire.Tx, fee, vsize int64) {
	if s.cfg.Network != nil {
		s.cfg.Network.RelayTransaction(tx, fee, vsize)
	}
}

// atmpError is Core's HandleATMPError and JSONRPCTransactionError: missing
// inputs are RPC_TRANSACTION_ERROR, other rejections
// RPC_TRANSACTION_REJECTED with the validation state's text, internal
// failures RPC_TRANSACTION_ERROR.
func atmpError(err error) *Error {
	var re *mempool.RejectError
	if !errors.As(err, &re) {
		return errorf(ErrVerify, "%v", err)
	}
	if re.Result == mempool.ResultMissingInputs {
		return errorf(ErrVerify, "bad-txns-inputs-missingorspent")
	}
	return errorf(ErrVerifyRejected, "%s", re.Error())
}

// unspendable is Core's CScript::IsUnspendable.
func unspendable(s []byte) bool {
	return (len(s) > 0 && script.Opcode(s[0]) == script.OpReturn) || len(s) > script.MaxScriptSize
}

// validOps is Core's CScript::HasValidOps.
func validOps(s []byte) bool {
	t := script.MakeTokenizer(s)
	for t.Next() {
		if t.Opcode() > script.MaxOpcode || len(t.Data()) > script.MaxScriptElementSize {
			return false
		}
	}
	return t.Err() == nil
}

type acceptFees struct {
	Base              txjson.Amount `json:"base"`
	EffectiveFeeRate  txjson.Amount `json:"effective-feerate"`
	EffectiveIncludes []string      `json:"effective-includes"`
}

type acceptJSON struct {
	TxID          string      `json:"txid"`
	WTxID         string      `json:"wtxid"`
	PackageError  string      `json:"package-error,omitempty"`
	Allowed       *bool       `json:"allowed,omitempty"`
	VSize         *int64      `json:"vsize,omitempty"`
	Fees          *acceptFees `json:"fees,omitempty"`
	RejectReason  string      `json:"reject-reason,omitempty"`
	RejectDetails string      `json:"reject-details,omitempty"`
}

func testMempoolAcceptCommand() *Command {
	return &Command{
		Name: "testmempoolaccept", Category: "rawtransactions",
		Desc: "Returns result of mempool acceptance tests indicating if raw transaction(s) (serialized, hex-encoded) would be accepted by mempool.\n\n" +
			"If multiple transactions are passed in, parents must come before children and package policies apply: the transactions cannot conflict with any mempool transactions or each other.\n\n" +
			"If one transaction fails, other transactions may not be fully validated (the 'allowed' key will be blank).\n\n" +
			"The maximum number of transactions allowed is 25 (bitnode tests one transaction at a time: packages of several are refused for now).\n\n" +
			"This checks if transactions violate the consensus or policy rules.\n\nSee sendrawtransaction call.",
		Args: []Arg{
			{Names: "rawtxs", Type: ArgArr, Desc: "An array of hex strings of raw transactions.",
				Inner: []Arg{{Names: "rawtx", Type: ArgHex}}},
			{Names: "maxfeerate", Type: ArgAmount, Default: `"0.10"`,
				Desc: "Reject transactions whose fee rate is higher than the specified value, expressed in BTC/kvB.\n" +
					"Fee rates larger than 1BTC/kvB are rejected.\nSet to 0 to accept any fee rate."},
		},
		Results: []Result{{Type: ResArr, Desc: "The result of the mempool acceptance test for each raw transaction in the input array.\n" +
			"Returns results for each transaction in the same order they were passed in.\n" +
			"Transactions that cannot be fully validated due to failures in other transactions will not contain an 'allowed' result.",
			Inner: []Result{{Type: ResObj, Inner: []Result{
				{Type: ResHex, Key: "txid", Desc: "The transaction hash in hex"},
				{Type: ResHex, Key: "wtxid", Desc: "The transaction witness hash in hex"},
				{Type: ResStr, Key: "package-error", Optional: true, Desc: "Package validation error, if any (only possible if rawtxs had more than 1 transaction)."},
				{Type: ResBool, Key: "allowed", Optional: true, Desc: "Whether this tx would be accepted to the mempool and pass client-specified maxfeerate. If not present, the tx was not fully validated due to a failure in another tx in the list."},
				{Type: ResNum, Key: "vsize", Optional: true, Desc: "Virtual transaction size as defined in BIP 141. This is different from actual serialized size for witness transactions as witness data is discounted (only present when 'allowed' is true)"},
				{Type: ResObj, Key: "fees", Optional: true, Desc: "Transaction fees (only present if 'allowed' is true)", Inner: []Result{
					{Type: ResAmount, Key: "base", Desc: "transaction fee in BTC"},
					{Type: ResAmount, Key: "effective-feerate", Desc: "the effective feerate in BTC per KvB. May differ from the base feerate if, for example, there are modified fees from prioritisetransaction or a package feerate was used."},
					{Type: ResArr, Key: "effective-includes", Desc: "transactions whose fees and vsizes are included in effective-feerate.",
						Inner: []Result{{Type: ResHex, Desc: "transaction wtxid in hex"}}},
				}},
				{Type: ResStr, Key: "reject-reason", Optional: true, Desc: "Rejection reason (only present when 'allowed' is false)"},
				{Type: ResStr, Key: "reject-details", Optional: true, Desc: "Rejection details (only present when 'allowed' is false and rejection details exist)"},
			}}}}},
		Examples: "\nCreate a transaction\n" + cli("createrawtransaction", `"[{\"txid\" : \"mytxid\",\"vout\":0}]" "{\"myaddress\":0.01}"`) +
			"Sign the transaction, and get back the hex\n" + cli("signrawtransactionwithwallet", `"myhex"`) +
			"\nTest acceptance of the transaction (signed hex)\n" + cli("testmempoolaccept", `'["signedhex"]'`) +
			"\nAs a JSON-RPC call\n" + httpExample("testmempoolaccept", `["signedhex"]`),
		handler: testMempoolAccept,
	}
}

func testMempoolAccept(_ context.Context, s *Server, p *callArgs) (any, error) {
	raws, err := stringList(p.raw(0))
	if err != nil {
		return nil, err
	}
	if len(raws) < 1 || len(raws) > policy.MaxPackageCount {
		return nil, invalidParameter("Array must contain between 1 and %d transactions.", policy.MaxPackageCount)
	}
	rate, err := p.feeRate(1, DefaultMaxFeeRate)
	if err != nil {
		return nil, err
	}
	txs := make([]*wire.Tx, len(raws))
	for i, raw := range raws {
		tx, ok := decodeHexTx(raw, true, true)
		if !ok {
			return nil, errorf(ErrDeserialization, "TX decode failed: %s Make sure the tx has at least one input.", raw)
		}
		txs[i] = tx
	}
	pool, err := s.pool()
	if err != nil {
		return nil, err
	}
	if len(txs) > 1 {
		return nil, invalidParameter("testmempoolaccept with more than one transaction (package validation) is not supported yet")
	}
	tx := txs[0]
	txid, wtxid := tx.Hashes()
	r := acceptJSON{TxID: txid.String(), WTxID: wtxid.String()}
	no, yes := false, true
	res, aerr := pool.TestAccept(tx)
	switch {
	case aerr != nil:
		r.Allowed = &no
		var re *mempool.RejectError
		switch {
		case !errors.As(aerr, &re):
			r.RejectReason, r.RejectDetails = "unknown", aerr.Error()
		case re.Result == mempool.ResultMissingInputs:
			r.RejectReason = "missing-inputs"
		default:
			r.RejectReason, r.RejectDetails = re.Reason, re.Error()
		}
	case rate > 0 && res.Fee > policy.FeeRate(rate).Fee(res.VSize):
		r.Allowed, r.RejectReason = &no, "max-fee-exceeded"
	default:
		vsize := res.VSize
		r.Allowed, r.VSize = &yes, &vsize
		r.Fees = &acceptFees{Base: txjson.Amount(res.Fee), EffectiveFeeRate: feeRateAmount(res.EffectiveFeeRate),
			EffectiveIncludes: []string{wtxid.String()}}
	}
	return []acceptJSON{r}, nil
}
