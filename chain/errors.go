package chain

import (
	"errors"
	"fmt"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/wire"
)

// TxRuleError says which transaction of a block broke a rule; Err is the
// *consensus.RuleError (or script error) underneath.
type TxRuleError struct {
	Block wire.Hash
	Index int
	TxID  wire.Hash
	Err   error
}

func (e *TxRuleError) Error() string {
	return fmt.Sprintf("block %s: transaction %d (%s): %v", e.Block, e.Index, e.TxID, e.Err)
}

// Unwrap returns the rule error.
func (e *TxRuleError) Unwrap() error { return e.Err }

// RejectReason is the reason Bitcoin Core would give for err: the
// consensus.ErrorKind it wraps, "" when err is not a rule violation (an I/O
// failure, for instance).
func RejectReason(err error) string {
	var re *consensus.RuleError
	if errors.As(err, &re) {
		return string(re.Err)
	}
	return ""
}

// IsRuleError reports whether err is a consensus rule violation (as opposed
// to a storage or internal failure, after which the block's validity is
// unknown).
func IsRuleError(err error) bool { return RejectReason(err) != "" }
