package rpc

import (
	"context"
	"errors"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/wire"
)

// blockInvalidator is the part of the chain that invalidateblock,
// reconsiderblock and preciousblock need.
type blockInvalidator interface {
	InvalidateBlock(hash wire.Hash) error
	ReconsiderBlock(hash wire.Hash) error
	PreciousBlock(hash wire.Hash) error
}

func blockchainInvalidateCommands() []*Command {
	return []*Command{invalidateBlockCommand(), reconsiderBlockCommand(), preciousBlockCommand()}
}

func invalidateBlockCommand() *Command {
	return &Command{
		Name: "invalidateblock", Category: "blockchain", Hidden: true,
		Desc:     "Permanently marks a block as invalid, as if it violated a consensus rule.",
		Args:     []Arg{{Names: "blockhash", Type: ArgHex, Desc: "the hash of the block to mark as invalid"}},
		Results:  []Result{{Type: ResNone}},
		Examples: examples("invalidateblock", `"blockhash"`),
		handler: func(_ context.Context, s *Server, p *callArgs) (any, error) {
			return blockAction(s, p, blockInvalidator.InvalidateBlock)
		},
	}
}

func reconsiderBlockCommand() *Command {
	return &Command{
		Name: "reconsiderblock", Category: "blockchain", Hidden: true,
		Desc: "Removes invalidity status of a block, its ancestors and its descendants, reconsider them for activation.\n" +
			"This can be used to undo the effects of invalidateblock.",
		Args:     []Arg{{Names: "blockhash", Type: ArgHex, Desc: "the hash of the block to reconsider"}},
		Results:  []Result{{Type: ResNone}},
		Examples: examples("reconsiderblock", `"blockhash"`),
		handler: func(_ context.Context, s *Server, p *callArgs) (any, error) {
			return blockAction(s, p, blockInvalidator.ReconsiderBlock)
		},
	}
}

func preciousBlockCommand() *Command {
	return &Command{
		Name: "preciousblock", Category: "blockchain",
		Desc: "Treats a block as if it were received before others with the same work.\n" +
			"\nA later preciousblock call can override the effect of an earlier one.\n" +
			"\nThe effects of preciousblock are not retained across restarts.",
		Args:     []Arg{{Names: "blockhash", Type: ArgHex, Desc: "the hash of the block to mark as precious"}},
		Results:  []Result{{Type: ResNone}},
		Examples: examples("preciousblock", `"blockhash"`),
		handler: func(_ context.Context, s *Server, p *callArgs) (any, error) {
			return blockAction(s, p, blockInvalidator.PreciousBlock)
		},
	}
}

// blockAction parses the blockhash argument and runs do on the chain: -8
// for a malformed hash, -5 "Block not found" for an unknown block and -1
// for any other failure. The result is null.
func blockAction(s *Server, p *callArgs, do func(blockInvalidator, wire.Hash) error) (any, error) {
	hash, perr := p.hash(0, "blockhash")
	if perr != nil {
		return nil, perr
	}
	inv, ok := s.cfg.Chain.(blockInvalidator)
	if !ok {
		return nil, misc("not supported by this chain")
	}
	if err := do(inv, hash); err != nil {
		if errors.Is(err, chain.ErrBlockNotFound) {
			return nil, errorf(ErrInvalidAddressOrKey, "Block not found")
		}
		return nil, misc("%s", err.Error())
	}
	return nil, nil
}
