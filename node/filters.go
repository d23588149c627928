package node

import (
	"errors"

	"github.com/bitnode/bitnode/chain/index"
	"github.com/bitnode/bitnode/node/peer"
	"github.com/bitnode/bitnode/wire"
)

// FilterServer is what serving BIP157 needs from the block filter index;
// *index.FilterIndex satisfies it.
type FilterServer interface {
	FilterRange(startHeight int32, stopHash wire.Hash) ([]index.FilterEntry, error)
	FilterHashes(startHeight int32, stopHash wire.Hash) (prevHeader wire.Hash, hashes []wire.Hash, err error)
	Checkpoints(stopHash wire.Hash) ([]wire.Hash, error)
}

// onFilterRequest serves getcfilters, getcfheaders and getcfcheckpt
// (BIP157) for basic filters. A request for a range the index rejects
// disconnects the peer, as Core does; a stop block the index does not have
// yet gets no answer.
func (n *Node) onFilterRequest(p *peer.Peer, msg wire.Message) {
	if n.cfg.Filters == nil {
		n.misbehaving(p, "compact filter request, filters not offered")
		return
	}
	var err error
	switch m := msg.(type) {
	case *wire.MsgGetCFilters:
		err = n.serveCFilters(p, m)
	case *wire.MsgGetCFHeaders:
		err = n.serveCFHeaders(p, m)
	case *wire.MsgGetCFCheckpt:
		err = n.serveCFCheckpt(p, m)
	}
	switch {
	case err == nil, errors.Is(err, index.ErrNotFound):
	case errors.Is(err, index.ErrBadRange), errors.Is(err, errFilterType):
		n.misbehaving(p, "bad compact filter request: "+err.Error())
	default:
		n.log.Warn("serving compact filters", "err", err)
	}
}

var errFilterType = errors.New("unsupported filter type")

func (n *Node) serveCFilters(p *peer.Peer, m *wire.MsgGetCFilters) error {
	if m.FilterType != wire.GCSFilterRegular {
		return errFilterType
	}
	entries, err := n.cfg.Filters.FilterRange(int32(m.StartHeight), m.StopHash)
	if err != nil {
		return err
	}
	for _, e := range entries {
		p.Send(&wire.MsgCFilter{FilterType: m.FilterType, BlockHash: e.BlockHash, FilterBytes: e.Filter})
	}
	return nil
}

func (n *Node) serveCFHeaders(p *peer.Peer, m *wire.MsgGetCFHeaders) error {
	if m.FilterType != wire.GCSFilterRegular {
		return errFilterType
	}
	prev, hashes, err := n.cfg.Filters.FilterHashes(int32(m.StartHeight), m.StopHash)
	if err != nil {
		return err
	}
	return p.Send(&wire.MsgCFHeaders{FilterType: m.FilterType, StopHash: m.StopHash,
		PreviousFilterHeader: prev, FilterHashes: hashes})
}

func (n *Node) serveCFCheckpt(p *peer.Peer, m *wire.MsgGetCFCheckpt) error {
	if m.FilterType != wire.GCSFilterRegular {
		return errFilterType
	}
	headers, err := n.cfg.Filters.Checkpoints(m.StopHash)
	if err != nil {
		return err
	}
	return p.Send(&wire.MsgCFCheckpt{FilterType: m.FilterType, StopHash: m.StopHash, FilterHeaders: headers})
}
