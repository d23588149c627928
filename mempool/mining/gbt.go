package mining

import (
	"encoding/hex"
	"fmt"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/wire"
)

// GBTResult is Bitcoin Core's getblocktemplate result (BIPs 22, 23, 9,
// 145) in Core's field order, for a client that declared the segwit rule.
type GBTResult struct {
	Capabilities []string `json:"capabilities"`
	// Version is the preferred header version.
	Version int32 `json:"version"`
	// Rules are the block rules in force; a leading '!' marks one the
	// client must understand.
	Rules []string `json:"rules"`
	// VBAvailable maps signalling BIP9 deployments to their bits.
	VBAvailable map[string]int `json:"vbavailable"`
	VBRequired  int            `json:"vbrequired"`

	PreviousBlockHash string            `json:"previousblockhash"`
	Transactions      []GBTTransaction  `json:"transactions"`
	CoinbaseAux       map[string]string `json:"coinbaseaux"`
	// CoinbaseValue is subsidy plus fees, in satoshis.
	CoinbaseValue int64  `json:"coinbasevalue"`
	LongPollID    string `json:"longpollid"`
	// Target is the 256-bit target, 64 hex digits.
	Target  string   `json:"target"`
	MinTime int64    `json:"mintime"`
	Mutable []string `json:"mutable"`
	// NonceRange is always "00000000ffffffff".
	NonceRange string `json:"noncerange"`
	SigOpLimit int64  `json:"sigoplimit"`
	SizeLimit  int64  `json:"sizelimit"`
	// WeightLimit is absent before segwit.
	WeightLimit int64 `json:"weightlimit,omitempty"`
	CurTime     int64 `json:"curtime"`
	// Bits is the compact target, 8 hex digits.
	Bits   string `json:"bits"`
	Height int64  `json:"height"`
	// SignetChallenge is present on signet only.
	SignetChallenge string `json:"signet_challenge,omitempty"`
	// DefaultWitnessCommitment is the commitment output's scriptPubKey,
	// absent before segwit.
	DefaultWitnessCommitment string `json:"default_witness_commitment,omitempty"`
}

// GBTTransaction is one entry of getblocktemplate's "transactions".
type GBTTransaction struct {
	// Data is the serialized transaction (with witness), hex.
	Data string `json:"data"`
	// TxID and Hash are the txid and wtxid, byte-reversed hex.
	TxID string `json:"txid"`
	Hash string `json:"hash"`
	// Depends lists, for each input spending an earlier transaction of
	// the template, that transaction's 1-based index (the coinbase is 0),
	// once per such input, as Core lists them.
	Depends []int `json:"depends"`
	Fee     int64 `json:"fee"`
	// SigOps is the sigop cost (legacy sigops before segwit).
	SigOps int64 `json:"sigops"`
	Weight int64 `json:"weight"`
}

// GBT renders the template as Core's getblocktemplate does. The RPC layer
// handles the request (the "segwit" rule is mandatory, "signet" on signet,
// longpoll waits, proposals) and may rebuild the template to refresh
// curtime.
func (t *Template) GBT() GBTResult {
	p := t.params
	blk := t.Block
	segwit := t.Height >= p.SegwitHeight
	scale := int64(1)
	if !segwit {
		scale = wire.WitnessScaleFactor
	}

	index := make(map[wire.Hash]int, len(blk.Transactions))
	index[blk.Transactions[0].TxHash()] = 0
	txs := make([]GBTTransaction, 0, len(t.Txs))
	for i := range t.Txs {
		d := &t.Txs[i]
		deps := []int{}
		for _, in := range d.Tx.TxIn {
			if j, ok := index[in.PreviousOutPoint.Hash]; ok {
				deps = append(deps, j)
			}
		}
		index[d.TxID] = i + 1
		txs = append(txs, GBTTransaction{
			Data: hex.EncodeToString(d.Tx.Serialize()), TxID: d.TxID.String(), Hash: d.WTxID.String(),
			Depends: deps, Fee: d.Fee, SigOps: int64(d.SigOpCost) / scale, Weight: int64(d.Weight),
		})
	}

	rules := []string{"csv"}
	if segwit {
		rules = append(rules, "!segwit")
	}
	if p.SignetChallenge != nil {
		rules = append(rules, "!signet")
	}
	if t.Height >= p.TaprootHeight {
		rules = append(rules, "taproot")
	}

	r := GBTResult{
		Capabilities:      []string{"proposal"},
		Version:           blk.Header.Version,
		Rules:             rules,
		VBAvailable:       map[string]int{},
		PreviousBlockHash: blk.Header.PrevBlock.String(),
		Transactions:      txs,
		CoinbaseAux:       map[string]string{},
		CoinbaseValue:     blk.Transactions[0].TxOut[0].Value,
		LongPollID:        t.LongPollID,
		Target:            fmt.Sprintf("%064x", t.Target),
		MinTime:           t.MinTime,
		Mutable:           []string{"time", "transactions", "prevblock"},
		NonceRange:        "00000000ffffffff",
		SigOpLimit:        consensus.MaxBlockSigOpsCost / scale,
		SizeLimit:         wire.MaxBlockWeight / scale, // MAX_BLOCK_SERIALIZED_SIZE
		CurTime:           int64(blk.Header.Timestamp),
		Bits:              fmt.Sprintf("%08x", blk.Header.Bits),
		Height:            int64(t.Height),
	}
	if segwit {
		r.WeightLimit = wire.MaxBlockWeight
	}
	if p.SignetChallenge != nil {
		r.SignetChallenge = hex.EncodeToString(p.SignetChallenge)
	}
	if t.WitnessCommitment != nil {
		r.DefaultWitnessCommitment = hex.EncodeToString(t.WitnessCommitment)
	}
	return r
}
