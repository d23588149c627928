package chain

import (
	"errors"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/wire"
)

// bip34ImpliesBIP30Limit is the height from which BIP34 no longer rules out
// duplicate transactions (a coinbase could repeat an old coinbase's height
// encoding), so BIP30 is checked again.
const bip34ImpliesBIP30Limit = 1_983_702

// bip30Exceptions are the two mainnet blocks whose coinbases duplicate
// earlier ones; they are exempt from BIP30.
var bip30Exceptions = map[int32]wire.Hash{
	91842: wire.MustHash("00000000000a4d0a398161ffc163c503763b1f4360639393e0e4c8e300e0caec"),
	91880: wire.MustHash("00000000000743f190a18c5577a3c2d2a1f610ae9601ac046a38084ccb7cd721"),
}

// Sequence-lock fields of an input's nSequence (BIP68).
const (
	sequenceDisableFlag = 1 << 31
	sequenceTypeFlag    = 1 << 22
	sequenceMask        = 0x0000ffff
	sequenceGranularity = 9 // time locks count units of 512 seconds
)

// connectBlock applies blk (whose index node is n, on top of the active
// tip) to view, checking every rule that needs the UTXO set, and returns
// its undo data. Scripts are checked in parallel unless skipScripts.
func (c *Chain) connectBlock(view *store.View, blk *wire.Block, n *blockNode, skipScripts bool) (store.BlockUndo, error) {
	hash := n.hash
	if err := c.checkBIP30(view, blk, n); err != nil {
		return nil, err
	}
	flags := c.scriptFlags(n)
	enforceBIP68 := n.height >= c.params.CSVHeight
	var (
		undo   = make(store.BlockUndo, 0, len(blk.Transactions)-1)
		checks []script.InputCheck
		fees   int64
		sigOps int
	)
	for i, tx := range blk.Transactions {
		sigOps += legacySigOps(tx) * wire.WitnessScaleFactor
		if i == 0 {
			addOutputs(view, tx, n.height, true)
			continue
		}
		spent, fee, err := c.spendInputs(view, tx, n, enforceBIP68)
		if err != nil {
			return nil, wrapTx(err, hash, i, tx)
		}
		fees += fee
		if !consensus.MoneyRange(fees) {
			return nil, wrapTx(consensus.NewRuleError(consensus.ErrAccumulatedFee, "accumulated fees out of range"), hash, i, tx)
		}
		prevOuts := make([]*wire.TxOut, len(spent))
		for j := range spent {
			prevOuts[j] = &wire.TxOut{Value: spent[j].Value, PkScript: spent[j].PkScript}
			in := tx.TxIn[j]
			if flags&script.VerifyP2SH != 0 && script.IsPayToScriptHash(spent[j].PkScript) {
				sigOps += script.P2SHSigOpCount(in.SignatureScript, spent[j].PkScript) * wire.WitnessScaleFactor
			}
			sigOps += script.WitnessSigOpCount(in.SignatureScript, spent[j].PkScript, in.Witness, flags)
		}
		if sigOps > consensus.MaxBlockSigOpsCost {
			return nil, consensus.NewRuleError(consensus.ErrBadBlockSigOps, "block %s: signature-operation cost above %d", hash, consensus.MaxBlockSigOpsCost)
		}
		if !skipScripts {
			hashes := script.NewTxSigHashes(tx, prevOuts)
			for j := range tx.TxIn {
				checks = append(checks, script.InputCheck{Tx: tx, Idx: j, Spent: prevOuts, Hashes: hashes, Flags: flags})
			}
		}
		undo = append(undo, spent)
		addOutputs(view, tx, n.height, false)
	}
	var coinbaseOut int64
	for _, out := range blk.Transactions[0].TxOut {
		coinbaseOut += out.Value
	}
	if limit := consensus.BlockSubsidy(n.height, c.params.SubsidyHalvingInterval) + fees; coinbaseOut > limit {
		return nil, consensus.NewRuleError(consensus.ErrCoinbaseAmount, "block %s: coinbase pays %d, limit %d", hash, coinbaseOut, limit)
	}
	if err := c.verifier.Verify(checks); err != nil {
		return nil, consensus.NewRuleError(consensus.ErrScriptVerify, "block %s: mandatory-script-verify-flag-failed (%v)", hash, err)
	}
	return undo, nil
}

// spendInputs spends tx's inputs from view and checks amounts, coinbase
// maturity and BIP68 sequence locks. It returns the spent coins in input
// order and the fee.
func (c *Chain) spendInputs(view *store.View, tx *wire.Tx, n *blockNode, enforceBIP68 bool) (store.TxUndo, int64, error) {
	// Every input must exist before any other input rule is looked at,
	// as Core's CheckTxInputs does (HaveInputs first).
	for j, txIn := range tx.TxIn {
		coin, err := view.Coin(txIn.PreviousOutPoint)
		if err != nil {
			return nil, 0, err
		}
		if coin == nil {
			return nil, 0, consensus.NewRuleError(consensus.ErrMissingOrSpent, "input %d spends missing or spent %s", j, txIn.PreviousOutPoint)
		}
	}
	spent := make(store.TxUndo, len(tx.TxIn))
	var in int64
	for j, txIn := range tx.TxIn {
		coin, err := view.Spend(txIn.PreviousOutPoint)
		if err != nil || coin == nil {
			if err != nil && !errors.Is(err, store.ErrMissingCoin) {
				return nil, 0, err
			}
			return nil, 0, consensus.NewRuleError(consensus.ErrMissingOrSpent, "input %d spends missing or spent %s", j, txIn.PreviousOutPoint)
		}
		if coin.CoinBase && n.height-coin.Height < c.params.CoinbaseMaturity {
			return nil, 0, consensus.NewRuleError(consensus.ErrPrematureCoinbase,
				"input %d spends a coinbase from height %d at height %d", j, coin.Height, n.height)
		}
		in += coin.Value
		if !consensus.MoneyRange(coin.Value) || !consensus.MoneyRange(in) {
			return nil, 0, consensus.NewRuleError(consensus.ErrInputValuesRange, "input values out of range")
		}
		spent[j] = *coin
	}
	var out int64
	for _, o := range tx.TxOut {
		out += o.Value
	}
	if in < out {
		return nil, 0, consensus.NewRuleError(consensus.ErrInBelowOut, "inputs %d below outputs %d", in, out)
	}
	if enforceBIP68 && !c.sequenceLocksMet(tx, spent, n) {
		return nil, 0, consensus.NewRuleError(consensus.ErrTxNonFinal, "BIP68 sequence lock not met")
	}
	return spent, in - out, nil
}

// sequenceLocksMet evaluates BIP68 relative lock times against the block n
// (Core's CalculateSequenceLocks and EvaluateSequenceLocks).
func (c *Chain) sequenceLocksMet(tx *wire.Tx, spent store.TxUndo, n *blockNode) bool {
	heights := make([]int32, len(spent))
	for i := range spent {
		heights[i] = spent[i].Height
	}
	return sequenceLocksMetHeights(tx, heights, n)
}

// sequenceLocksMetHeights evaluates BIP68 given the heights of the blocks
// that created the spent coins.
func sequenceLocksMetHeights(tx *wire.Tx, coinHeights []int32, n *blockNode) bool {
	if uint32(tx.Version) < 2 {
		return true
	}
	minHeight, minTime := int64(-1), int64(-1)
	for j, in := range tx.TxIn {
		seq := in.Sequence
		if seq&sequenceDisableFlag != 0 {
			continue
		}
		coinHeight := coinHeights[j]
		if seq&sequenceTypeFlag != 0 {
			// Time locks count from the median time past of the block
			// before the one that created the coin.
			base := n.parent.ancestor(max(coinHeight-1, 0))
			coinTime := base.medianTimePast()
			minTime = max(minTime, coinTime+int64(seq&sequenceMask)<<sequenceGranularity-1)
		} else {
			minHeight = max(minHeight, int64(coinHeight)+int64(seq&sequenceMask)-1)
		}
	}
	return minHeight < int64(n.height) && minTime < n.parent.medianTimePast()
}

func addOutputs(view *store.View, tx *wire.Tx, height int32, coinbase bool) {
	txid := tx.TxHash()
	for i, out := range tx.TxOut {
		// Provably unspendable outputs never enter the UTXO set.
		if len(out.PkScript) > 0 && out.PkScript[0] == byte(script.OpReturn) {
			continue
		}
		if len(out.PkScript) > script.MaxScriptSize {
			continue
		}
		view.Add(wire.OutPoint{Hash: txid, Index: uint32(i)},
			&store.Coin{Value: out.Value, PkScript: out.PkScript, Height: height, CoinBase: coinbase})
	}
}

// checkBIP30 rejects a block containing a transaction whose outputs would
// overwrite unspent ones (BIP30), where that is still possible.
func (c *Chain) checkBIP30(view *store.View, blk *wire.Block, n *blockNode) error {
	p := c.params
	enforce := true
	if ex, ok := bip30Exceptions[n.height]; ok && p.Name == "main" && ex == n.hash {
		enforce = false
	}
	// Once BIP34 is active on this chain, coinbases are unique by height
	// until the limit.
	// The BIP34 block itself is still checked: its own coinbase could
	// repeat an earlier one (Core looks from the parent).
	if b34 := n.parent.ancestor(p.BIP34Height); b34 != nil && b34.hash == p.BIP34Hash {
		enforce = false
	}
	if !enforce && n.height < bip34ImpliesBIP30Limit {
		return nil
	}
	for i, tx := range blk.Transactions {
		txid := tx.TxHash()
		for j := range tx.TxOut {
			coin, err := view.Coin(wire.OutPoint{Hash: txid, Index: uint32(j)})
			if err != nil {
				return err
			}
			if coin != nil {
				return wrapTx(consensus.NewRuleError(consensus.ErrBIP30, "output %d overwrites an unspent output", j), n.hash, i, tx)
			}
		}
	}
	return nil
}
