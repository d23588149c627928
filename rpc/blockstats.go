package rpc

import (
	"context"
	"encoding/json"
	"sort"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/wire"
)

// perUTXOOverhead is Core's PER_UTXO_OVERHEAD: an outpoint, the height
// and coinbase flag.
const perUTXOOverhead = 36 + 4 + 1

// bip30Repeats are mainnet's two blocks whose coinbases repeat earlier
// ones and so leave the UTXO set's counts unchanged.
var bip30Repeats = map[wire.Hash]bool{
	wire.MustHash("00000000000a4d0a398161ffc163c503763b1f4360639393e0e4c8e300e0caec"): true,
	wire.MustHash("00000000000743f190a18c5577a3c2d2a1f610ae9601ac046a38084ccb7cd721"): true,
}

// blockStatNames are getblockstats' statistics in Core's order.
var blockStatNames = []string{"avgfee", "avgfeerate", "avgtxsize", "blockhash", "feerate_percentiles", "height",
	"ins", "maxfee", "maxfeerate", "maxtxsize", "medianfee", "mediantime", "mediantxsize", "minfee", "minfeerate",
	"mintxsize", "outs", "subsidy", "swtotal_size", "swtotal_weight", "swtxs", "time", "total_out", "total_size",
	"total_weight", "totalfee", "txs", "utxo_increase", "utxo_size_inc", "utxo_increase_actual", "utxo_size_inc_actual"}

func getBlockStatsCommand() *Command {
	num := func(key, desc string) Result { return Result{Type: ResNum, Key: key, Optional: true, Desc: desc} }
	return &Command{
		Name: "getblockstats", Category: "blockchain",
		Desc: "Compute per block statistics for a given window. All amounts are in satoshis.\nIt won't work for some heights with pruning.",
		Args: []Arg{
			{Names: "hash_or_height", Type: ArgNum, SkipTypeCheck: true, TypeName: "string or numeric", Oneline: "hash_or_height",
				Desc: "The block hash or height of the target block"},
			{Names: "stats", Type: ArgArr, DefaultHint: "all values", Desc: "Values to plot (see result below)",
				Inner: []Arg{{Names: "height", Type: ArgStr, Optional: true, Desc: "Selected statistic"},
					{Names: "time", Type: ArgStr, Optional: true, Desc: "Selected statistic"}}},
		},
		Results: []Result{{Type: ResObj, Inner: []Result{
			num("avgfee", "Average fee in the block"),
			num("avgfeerate", "Average feerate (in satoshis per virtual byte)"),
			num("avgtxsize", "Average transaction size"),
			{Type: ResHex, Key: "blockhash", Optional: true, Desc: "The block hash (to check for potential reorgs)"},
			{Type: ResArrFixed, Key: "feerate_percentiles", Optional: true, Desc: "Feerates at the 10th, 25th, 50th, 75th, and 90th percentile weight unit (in satoshis per virtual byte)", Inner: []Result{
				{Type: ResNum, Key: "10th_percentile_feerate", Desc: "The 10th percentile feerate"},
				{Type: ResNum, Key: "25th_percentile_feerate", Desc: "The 25th percentile feerate"},
				{Type: ResNum, Key: "50th_percentile_feerate", Desc: "The 50th percentile feerate"},
				{Type: ResNum, Key: "75th_percentile_feerate", Desc: "The 75th percentile feerate"},
				{Type: ResNum, Key: "90th_percentile_feerate", Desc: "The 90th percentile feerate"},
			}},
			num("height", "The height of the block"),
			num("ins", "The number of inputs (excluding coinbase)"),
			num("maxfee", "Maximum fee in the block"),
			num("maxfeerate", "Maximum feerate (in satoshis per virtual byte)"),
			num("maxtxsize", "Maximum transaction size"),
			num("medianfee", "Truncated median fee in the block"),
			num("mediantime", "The block median time past"),
			num("mediantxsize", "Truncated median transaction size"),
			num("minfee", "Minimum fee in the block"),
			num("minfeerate", "Minimum feerate (in satoshis per virtual byte)"),
			num("mintxsize", "Minimum transaction size"),
			num("outs", "The number of outputs"),
			num("subsidy", "The block subsidy"),
			num("swtotal_size", "Total size of all segwit transactions"),
			num("swtotal_weight", "Total weight of all segwit transactions"),
			num("swtxs", "The number of segwit transactions"),
			num("time", "The block time"),
			num("total_out", "Total amount in all outputs (excluding coinbase and thus reward [ie subsidy + totalfee])"),
			num("total_size", "Total size of all non-coinbase transactions"),
			num("total_weight", "Total weight of all non-coinbase transactions"),
			num("totalfee", "The fee total"),
			num("txs", "The number of transactions (including coinbase)"),
			num("utxo_increase", "The increase/decrease in the number of unspent outputs (not discounting op_return and similar)"),
			num("utxo_size_inc", "The increase/decrease in size for the utxo index (not discounting op_return and similar)"),
			num("utxo_increase_actual", "The increase/decrease in the number of unspent outputs, not counting unspendables"),
			num("utxo_size_inc_actual", "The increase/decrease in size for the utxo index, not counting unspendables"),
		}}},
		Examples: cli("getblockstats", `'"00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09"' '["minfeerate","avgfeerate"]'`) +
			cli("getblockstats", `1000 '["minfeerate","avgfeerate"]'`) +
			httpExample("getblockstats", `"00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09", ["minfeerate","avgfeerate"]`) +
			httpExample("getblockstats", `1000, ["minfeerate","avgfeerate"]`),
		handler: getBlockStats,
	}
}

// hashOrHeight is Core's ParseHashOrHeight.
func (s *Server) hashOrHeight(raw json.RawMessage) (chain.BlockInfo, *Error) {
	if jsonType(raw) == "number" {
		h, err := parseInt(raw, 32)
		if err != nil {
			return chain.BlockInfo{}, err
		}
		_, tip := s.cfg.Chain.Tip()
		switch {
		case h < 0:
			return chain.BlockInfo{}, invalidParameter("Target block height %d is negative", h)
		case h > int64(tip):
			return chain.BlockInfo{}, invalidParameter("Target block height %d after current tip %d", h, tip)
		}
		hash, _ := s.cfg.Chain.MainChainHash(int32(h))
		return s.lookupBlock(hash)
	}
	str, err := parseString(raw)
	if err != nil {
		return chain.BlockInfo{}, err
	}
	hash, err := parseHash(str, "hash_or_height")
	if err != nil {
		return chain.BlockInfo{}, err
	}
	return s.lookupBlock(hash)
}

func getBlockStats(_ context.Context, s *Server, p *callArgs) (any, error) {
	info, err := s.hashOrHeight(p.raw(0))
	if err != nil {
		return nil, err
	}
	selected, err := stringList(p.raw(1))
	if err != nil {
		return nil, err
	}
	blk, err := s.readBlock(info)
	if err != nil {
		return nil, err
	}
	var undo store.BlockUndo
	if info.Height > 0 {
		if info.Status&chain.StatusHaveUndo == 0 {
			if s.pruned() {
				return nil, misc("Undo data not available (pruned data)")
			}
			return nil, misc("Can't read undo data from disk")
		}
		var uerr error
		if undo, uerr = s.cfg.Chain.ReadUndo(info.Hash); uerr != nil {
			return nil, misc("Can't read undo data from disk")
		}
	}
	all, serr := s.blockStats(info, blk, undo)
	if serr != nil {
		return nil, serr
	}
	if len(selected) == 0 {
		return orderedStats(all, blockStatNames), nil
	}
	sort.Strings(selected)
	for _, name := range selected {
		if _, ok := all[name]; !ok {
			return nil, invalidParameter("Invalid selected statistic '%s'", name)
		}
	}
	return orderedStats(all, selected), nil
}

// orderedStats encodes the named statistics as an object in that order.
type orderedStatsJSON struct {
	names []string
	vals  map[string]any
}

func orderedStats(vals map[string]any, names []string) orderedStatsJSON {
	return orderedStatsJSON{names: names, vals: vals}
}

func (o orderedStatsJSON) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	seen := map[string]bool{}
	for _, n := range o.names {
		if seen[n] {
			continue
		}
		seen[n] = true
		v, err := marshalJSON(o.vals[n])
		if err != nil {
			return nil, err
		}
		if len(b) > 1 {
			b = append(b, ',')
		}
		k, _ := marshalJSON(n)
		b = append(append(append(b, k...), ':'), v...)
	}
	return append(b, '}'), nil
}

// txStats are the totals getblockstats collects over a block.
type txStats struct {
	ins, outs, utxos, utxoSizeInc, utxoSizeIncActual           int64
	totalOut, totalFee, maxFee, minFee, maxFeeRate, minFeeRate int64
	totalSize, maxTxSize, minTxSize, totalWeight               int64
	swTxs, swTotalSize, swTotalWeight                          int64
	fees, sizes                                                []int64
	feeRates                                                   [][2]int64 // feerate, weight
}

func (s *Server) blockStats(info chain.BlockInfo, blk *wire.Block, undo store.BlockUndo) (map[string]any, *Error) {
	st := txStats{minFee: maxMoney, minFeeRate: maxMoney, minTxSize: wire.MaxBlockWeight}
	skipUTXO := info.Height == 0 || bip30Repeats[info.Hash]
	for i, tx := range blk.Transactions {
		st.outs += int64(len(tx.TxOut))
		var txOut int64
		for _, out := range tx.TxOut {
			txOut += out.Value
			size := int64(8+wire.CompactSizeLen(uint64(len(out.PkScript)))+len(out.PkScript)) + perUTXOOverhead
			st.utxoSizeInc += size
			if (skipUTXO && (info.Height == 0 || i == 0)) || unspendable(out.PkScript) {
				continue
			}
			st.utxos++
			st.utxoSizeIncActual += size
		}
		if i == 0 {
			continue
		}
		if i-1 >= len(undo) || len(undo[i-1]) != len(tx.TxIn) {
			return nil, errorf(ErrInternal, "Undo data does not match the block")
		}
		st.addTx(tx, txOut, undo[i-1])
	}
	return st.results(s, info, blk), nil
}

func (st *txStats) addTx(tx *wire.Tx, txOut int64, spent store.TxUndo) {
	st.ins += int64(len(tx.TxIn))
	st.totalOut += txOut
	size, weight := int64(tx.SerializeSize()), int64(tx.Weight())
	st.sizes = append(st.sizes, size)
	st.maxTxSize, st.minTxSize = max(st.maxTxSize, size), min(st.minTxSize, size)
	st.totalSize += size
	st.totalWeight += weight
	if tx.HasWitness() {
		st.swTxs++
		st.swTotalSize += size
		st.swTotalWeight += weight
	}
	var in int64
	for _, c := range spent {
		in += c.Value
		prev := int64(8+wire.CompactSizeLen(uint64(len(c.PkScript)))+len(c.PkScript)) + perUTXOOverhead
		st.utxoSizeInc -= prev
		st.utxoSizeIncActual -= prev
	}
	fee := in - txOut
	st.fees = append(st.fees, fee)
	st.maxFee, st.minFee = max(st.maxFee, fee), min(st.minFee, fee)
	st.totalFee += fee
	rate := int64(0)
	if weight > 0 {
		rate = fee * wire.WitnessScaleFactor / weight
	}
	st.feeRates = append(st.feeRates, [2]int64{rate, weight})
	st.maxFeeRate, st.minFeeRate = max(st.maxFeeRate, rate), min(st.minFeeRate, rate)
}

func (st *txStats) results(s *Server, info chain.BlockInfo, blk *wire.Block) map[string]any {
	n := int64(len(blk.Transactions))
	avg := func(total int64) int64 {
		if n > 1 {
			return total / (n - 1)
		}
		return 0
	}
	orZero := func(v, none int64) int64 {
		if v == none {
			return 0
		}
		return v
	}
	avgRate := int64(0)
	if st.totalWeight > 0 {
		avgRate = st.totalFee * wire.WitnessScaleFactor / st.totalWeight
	}
	return map[string]any{
		"avgfee": avg(st.totalFee), "avgfeerate": avgRate, "avgtxsize": avg(st.totalSize),
		"blockhash": info.Hash.String(), "feerate_percentiles": percentilesByWeight(st.feeRates, st.totalWeight),
		"height": info.Height, "ins": st.ins, "maxfee": st.maxFee, "maxfeerate": st.maxFeeRate,
		"maxtxsize": st.maxTxSize, "medianfee": truncatedMedian(st.fees), "mediantime": info.MedianTimePast,
		"mediantxsize": truncatedMedian(st.sizes), "minfee": orZero(st.minFee, maxMoney),
		"minfeerate": orZero(st.minFeeRate, maxMoney), "mintxsize": orZero(st.minTxSize, wire.MaxBlockWeight),
		"outs": st.outs, "subsidy": consensus.BlockSubsidy(info.Height, s.params.SubsidyHalvingInterval),
		"swtotal_size": st.swTotalSize, "swtotal_weight": st.swTotalWeight, "swtxs": st.swTxs,
		"time": info.Header.Timestamp, "total_out": st.totalOut, "total_size": st.totalSize,
		"total_weight": st.totalWeight, "totalfee": st.totalFee, "txs": n,
		"utxo_increase": st.outs - st.ins, "utxo_size_inc": st.utxoSizeInc,
		"utxo_increase_actual": st.utxos - st.ins, "utxo_size_inc_actual": st.utxoSizeIncActual,
	}
}

// percentilesByWeight is Core's CalculatePercentilesByWeight: the feerates
// at the 10th, 25th, 50th, 75th and 90th percentile of weight.
func percentilesByWeight(scores [][2]int64, totalWeight int64) []int64 {
	out := make([]int64, 5)
	if len(scores) == 0 {
		return out
	}
	sort.Slice(scores, func(i, j int) bool {
		if scores[i][0] != scores[j][0] {
			return scores[i][0] < scores[j][0]
		}
		return scores[i][1] < scores[j][1]
	})
	tw := float64(totalWeight)
	weights := []float64{tw / 10, tw / 4, tw / 2, tw * 3 / 4, tw * 9 / 10}
	next, cumulative := 0, int64(0)
	for _, e := range scores {
		cumulative += e[1]
		for next < len(weights) && float64(cumulative) >= weights[next] {
			out[next] = e[0]
			next++
		}
	}
	for ; next < len(out); next++ {
		out[next] = scores[len(scores)-1][0]
	}
	return out
}

// truncatedMedian is Core's CalculateTruncatedMedian.
func truncatedMedian(v []int64) int64 {
	if len(v) == 0 {
		return 0
	}
	sort.Slice(v, func(i, j int) bool { return v[i] < v[j] })
	if len(v)%2 == 0 {
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	return v[len(v)/2]
}
