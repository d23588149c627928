package chain

import (
	"bytes"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/wire"
)

// checkBlock applies the rules that need nothing but the block (Core's
// CheckBlock, less the header's proof of work, checked when the header was
// accepted): merkle root, size, coinbase position, transaction sanity and
// legacy signature operations.
func checkBlock(blk *wire.Block) error {
	hash := blk.BlockHash()
	if err := consensus.CheckMerkleRoot(blk); err != nil {
		return err
	}
	n := len(blk.Transactions)
	if n == 0 || n*wire.WitnessScaleFactor > wire.MaxBlockWeight ||
		blk.BaseSize()*wire.WitnessScaleFactor > wire.MaxBlockWeight {
		return consensus.NewRuleError(consensus.ErrBadBlockLength, "block %s: %d transactions, base size %d", hash, n, blk.BaseSize())
	}
	if !blk.Transactions[0].IsCoinBase() {
		return consensus.NewRuleError(consensus.ErrCoinbaseMissing, "block %s: first transaction is not a coinbase", hash)
	}
	for i, tx := range blk.Transactions[1:] {
		if tx.IsCoinBase() {
			return consensus.NewRuleError(consensus.ErrCoinbaseMultiple, "block %s: transaction %d is a second coinbase", hash, i+1)
		}
	}
	sigOps := 0
	for i, tx := range blk.Transactions {
		if err := consensus.CheckTransaction(tx); err != nil {
			return wrapTx(err, hash, i, tx)
		}
		sigOps += legacySigOps(tx)
	}
	if sigOps*wire.WitnessScaleFactor > consensus.MaxBlockSigOpsCost {
		return consensus.NewRuleError(consensus.ErrBadBlockSigOps, "block %s: %d legacy sigops", hash, sigOps)
	}
	return nil
}

func legacySigOps(tx *wire.Tx) int {
	n := 0
	for _, in := range tx.TxIn {
		n += script.SigOpCount(in.SignatureScript, false)
	}
	for _, out := range tx.TxOut {
		n += script.SigOpCount(out.PkScript, false)
	}
	return n
}

// checkBlockContext applies the rules that need the block's position
// (Core's ContextualCheckBlock): finality, the BIP34 height in the
// coinbase, the witness commitment and the weight limit.
func (c *Chain) checkBlockContext(blk *wire.Block, prev *blockNode) error {
	p := c.params
	height := prev.height + 1
	hash := blk.BlockHash()
	lockTime := int64(blk.Header.Timestamp)
	if height >= p.CSVHeight {
		lockTime = prev.medianTimePast() // BIP113
	}
	for i, tx := range blk.Transactions {
		if !consensus.IsFinalTx(tx, height, lockTime) {
			return consensus.NewRuleError(consensus.ErrTxNonFinal, "block %s: transaction %d (%s) is not final", hash, i, tx.TxHash())
		}
	}
	if height >= p.BIP34Height {
		prefix := consensus.ExpectedCoinbaseHeightPrefix(height)
		if !bytes.HasPrefix(blk.Transactions[0].TxIn[0].SignatureScript, prefix) {
			return consensus.NewRuleError(consensus.ErrCoinbaseHeight, "block %s: coinbase does not start with height %d", hash, height)
		}
	}
	if height >= p.SegwitHeight {
		if err := consensus.CheckWitnessCommitment(blk); err != nil {
			return err
		}
	} else {
		for i, tx := range blk.Transactions {
			if tx.HasWitness() {
				return consensus.NewRuleError(consensus.ErrUnexpectedWitness, "block %s: transaction %d has witness data before segwit", hash, i)
			}
		}
	}
	if w := blk.Weight(); w > wire.MaxBlockWeight {
		return consensus.NewRuleError(consensus.ErrBadBlockWeight, "block %s: weight %d above %d", hash, w, wire.MaxBlockWeight)
	}
	return nil
}

// scriptFlags are the script rules in force for a block (Core's
// GetBlockScriptFlags): P2SH, witness and taproot from genesis except the
// historical exception blocks, the rest from their activation heights.
func (c *Chain) scriptFlags(n *blockNode) script.Flags {
	p := c.params
	flags := script.VerifyP2SH | script.VerifyWitness | script.VerifyTaproot
	for _, ex := range p.ScriptFlagExceptions {
		if ex.Hash == n.hash {
			flags = 0
			if ex.P2SH {
				flags |= script.VerifyP2SH
			}
			if ex.Witness {
				flags |= script.VerifyWitness
			}
			if ex.Taproot {
				flags |= script.VerifyTaproot
			}
		}
	}
	if n.height >= p.BIP66Height {
		flags |= script.VerifyDERSignatures
	}
	if n.height >= p.BIP65Height {
		flags |= script.VerifyCheckLockTimeVerify
	}
	if n.height >= p.CSVHeight {
		flags |= script.VerifyCheckSequenceVerify
	}
	if n.height >= p.SegwitHeight {
		flags |= script.VerifyNullDummy
	}
	return flags
}

func wrapTx(err error, block wire.Hash, i int, tx *wire.Tx) error {
	return &TxRuleError{Block: block, Index: i, TxID: tx.TxHash(), Err: err}
}
