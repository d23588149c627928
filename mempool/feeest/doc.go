// Package feeest estimates the fee rate a transaction needs to confirm
// within a number of blocks, the way Bitcoin Core's CBlockPolicyEstimator
// does (estimatesmartfee, estimaterawfee).
//
// Transactions are grouped into 237 fee-rate buckets spaced 5% apart, from
// 100 sat/kvB to 1e7 sat/kvB plus a catch-all. For each bucket the estimator
// keeps exponentially decaying counts of transactions confirmed within each
// number of blocks, of transactions that left the mempool unconfirmed, and
// of those still waiting, over three horizons:
//
//	horizon  targets       resolution  decay    half-life
//	short    1-12 blocks   1 block     0.962    18 blocks (3 hours)
//	medium   1-48 blocks   2 blocks    0.9952   144 blocks (1 day)
//	long     1-1008 blocks 24 blocks   0.99931  1008 blocks (1 week)
//
// An estimate for target N walks the buckets from the most expensive down
// and returns the average fee rate of the cheapest range in which enough of
// the transactions confirmed in time. EstimateSmartFee takes the highest of
// the answers at 60% within N/2 blocks, 85% within N and 95% within 2N;
// Conservative mode also requires the 95% test on the longer horizons.
//
// The mempool feeds the estimator plain values: TxAdded when a transaction
// is accepted, TxRemoved when it leaves for any reason but a block, and
// BlockConnected for each block connected to the best chain, before the
// block's transactions are removed from the pool. Fee rates are in
// satoshis per 1000 virtual bytes (sat/kvB) throughout.
//
// Save and Load persist the decayed statistics (fee_estimates.dat in the
// data directory) in this package's own versioned, checksummed format,
// which is not Core's.
package feeest
