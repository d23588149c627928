package wire

import "fmt"

// FilterType identifies a BIP158 block filter type.
type FilterType uint8

// GCSFilterRegular is the basic filter type (BIP158 "basic", 0x00), the only
// one defined.
const GCSFilterRegular FilterType = 0

// BIP157 limits (Bitcoin Core's net_processing constants).
const (
	// MaxGetCFiltersSize is the most filters one getcfilters may ask for
	// (MAX_GETCFILTERS_SIZE): stop height - start height < 1000.
	MaxGetCFiltersSize = 1_000
	// MaxGetCFHeadersSize is the most filter headers one getcfheaders may
	// ask for (MAX_GETCFHEADERS_SIZE), and so the most hashes a cfheaders
	// carries.
	MaxGetCFHeadersSize = 2_000
	// CFCheckptInterval is the spacing of the filter headers in cfcheckpt.
	CFCheckptInterval = 1_000
)

// The bodies shared by the three BIP157 requests and the request/answer
// pairs keyed by a stop hash.

func appendTypeHeightStop(b []byte, t FilterType, start uint32, stop *Hash) []byte {
	b = append(b, byte(t))
	b = appendUint32(b, start)
	return append(b, stop[:]...)
}

func decodeTypeHeightStop(p []byte, cmd string) (FilterType, uint32, Hash, error) {
	r := newReader(p)
	t, err := r.uint8(cmd + " filter type")
	if err != nil {
		return 0, 0, Hash{}, err
	}
	start, err := r.uint32(cmd + " start height")
	if err != nil {
		return 0, 0, Hash{}, err
	}
	stop, err := r.hash(cmd + " stop hash")
	if err != nil {
		return 0, 0, Hash{}, err
	}
	return FilterType(t), start, stop, r.done(cmd)
}

// MsgGetCFilters asks for the filters of the blocks from StartHeight to
// the block StopHash (BIP157); the peer answers with one cfilter each.
type MsgGetCFilters struct {
	FilterType  FilterType
	StartHeight uint32
	StopHash    Hash
}

func (*MsgGetCFilters) Command() string { return CmdGetCFilters }

func (m *MsgGetCFilters) AppendPayload(b []byte, _ uint32) []byte {
	return appendTypeHeightStop(b, m.FilterType, m.StartHeight, &m.StopHash)
}

func (m *MsgGetCFilters) DecodePayload(p []byte, _ uint32) error {
	t, start, stop, err := decodeTypeHeightStop(p, CmdGetCFilters)
	if err != nil {
		return err
	}
	*m = MsgGetCFilters{FilterType: t, StartHeight: start, StopHash: stop}
	return nil
}

// MsgGetCFHeaders asks for the filter hashes of the blocks from StartHeight
// to StopHash and the filter header before them (BIP157).
type MsgGetCFHeaders struct {
	FilterType  FilterType
	StartHeight uint32
	StopHash    Hash
}

func (*MsgGetCFHeaders) Command() string { return CmdGetCFHeaders }

func (m *MsgGetCFHeaders) AppendPayload(b []byte, _ uint32) []byte {
	return appendTypeHeightStop(b, m.FilterType, m.StartHeight, &m.StopHash)
}

func (m *MsgGetCFHeaders) DecodePayload(p []byte, _ uint32) error {
	t, start, stop, err := decodeTypeHeightStop(p, CmdGetCFHeaders)
	if err != nil {
		return err
	}
	*m = MsgGetCFHeaders{FilterType: t, StartHeight: start, StopHash: stop}
	return nil
}

// MsgGetCFCheckpt asks for the filter headers at every CFCheckptInterval
// up to StopHash (BIP157).
type MsgGetCFCheckpt struct {
	FilterType FilterType
	StopHash   Hash
}

func (*MsgGetCFCheckpt) Command() string { return CmdGetCFCheckpt }

func (m *MsgGetCFCheckpt) AppendPayload(b []byte, _ uint32) []byte {
	return append(append(b, byte(m.FilterType)), m.StopHash[:]...)
}

func (m *MsgGetCFCheckpt) DecodePayload(p []byte, _ uint32) error {
	r := newReader(p)
	t, err := r.uint8("getcfcheckpt filter type")
	if err != nil {
		return err
	}
	stop, err := r.hash("getcfcheckpt stop hash")
	if err != nil {
		return err
	}
	if err := r.done(CmdGetCFCheckpt); err != nil {
		return err
	}
	*m = MsgGetCFCheckpt{FilterType: FilterType(t), StopHash: stop}
	return nil
}

// MsgCFilter carries one block's filter (BIP157). FilterBytes is the
// BIP158-encoded filter, bounded only by the message size.
type MsgCFilter struct {
	FilterType  FilterType
	BlockHash   Hash
	FilterBytes []byte
}

func (*MsgCFilter) Command() string { return CmdCFilter }

func (m *MsgCFilter) AppendPayload(b []byte, _ uint32) []byte {
	b = append(append(b, byte(m.FilterType)), m.BlockHash[:]...)
	return AppendVarBytes(b, m.FilterBytes)
}

func (m *MsgCFilter) DecodePayload(p []byte, _ uint32) error {
	r := newReader(p)
	t, err := r.uint8("cfilter filter type")
	if err != nil {
		return err
	}
	hash, err := r.hash("cfilter block hash")
	if err != nil {
		return err
	}
	filter, err := r.varBytes("cfilter filter", 0)
	if err != nil {
		return err
	}
	if err := r.done(CmdCFilter); err != nil {
		return err
	}
	*m = MsgCFilter{FilterType: FilterType(t), BlockHash: hash, FilterBytes: filter}
	return nil
}

// MsgCFHeaders answers getcfheaders (BIP157): the filter header before the
// range and the filter hashes of the range, at most MaxGetCFHeadersSize.
type MsgCFHeaders struct {
	FilterType           FilterType
	StopHash             Hash
	PreviousFilterHeader Hash
	FilterHashes         []Hash
}

func (*MsgCFHeaders) Command() string { return CmdCFHeaders }

func (m *MsgCFHeaders) AppendPayload(b []byte, _ uint32) []byte {
	b = append(append(b, byte(m.FilterType)), m.StopHash[:]...)
	b = append(b, m.PreviousFilterHeader[:]...)
	return appendHashList(b, m.FilterHashes)
}

func (m *MsgCFHeaders) DecodePayload(p []byte, _ uint32) error {
	r := newReader(p)
	t, err := r.uint8("cfheaders filter type")
	if err != nil {
		return err
	}
	stop, err := r.hash("cfheaders stop hash")
	if err != nil {
		return err
	}
	prev, err := r.hash("cfheaders previous filter header")
	if err != nil {
		return err
	}
	hashes, err := decodeHashList(r, "cfheaders filter hash", MaxGetCFHeadersSize)
	if err != nil {
		return err
	}
	if err := r.done(CmdCFHeaders); err != nil {
		return err
	}
	*m = MsgCFHeaders{FilterType: FilterType(t), StopHash: stop, PreviousFilterHeader: prev, FilterHashes: hashes}
	return nil
}

// MsgCFCheckpt answers getcfcheckpt (BIP157) with the filter headers at
// every CFCheckptInterval blocks up to StopHash; their number is bounded
// only by the message size.
type MsgCFCheckpt struct {
	FilterType    FilterType
	StopHash      Hash
	FilterHeaders []Hash
}

func (*MsgCFCheckpt) Command() string { return CmdCFCheckpt }

func (m *MsgCFCheckpt) AppendPayload(b []byte, _ uint32) []byte {
	b = append(append(b, byte(m.FilterType)), m.StopHash[:]...)
	return appendHashList(b, m.FilterHeaders)
}

func (m *MsgCFCheckpt) DecodePayload(p []byte, _ uint32) error {
	r := newReader(p)
	t, err := r.uint8("cfcheckpt filter type")
	if err != nil {
		return err
	}
	stop, err := r.hash("cfcheckpt stop hash")
	if err != nil {
		return err
	}
	headers, err := decodeHashList(r, "cfcheckpt filter header", 0)
	if err != nil {
		return err
	}
	if err := r.done(CmdCFCheckpt); err != nil {
		return err
	}
	*m = MsgCFCheckpt{FilterType: FilterType(t), StopHash: stop, FilterHeaders: headers}
	return nil
}

func appendHashList(b []byte, hashes []Hash) []byte {
	b = AppendCompactSize(b, uint64(len(hashes)))
	for i := range hashes {
		b = append(b, hashes[i][:]...)
	}
	return b
}

func decodeHashList(r *reader, what string, limit uint64) ([]Hash, error) {
	n, err := r.count(what+" count", limit, HashSize)
	if err != nil {
		return nil, err
	}
	hashes := makeList[Hash](n)
	for i := range hashes {
		if hashes[i], err = r.hash("hash"); err != nil {
			return nil, fmt.Errorf("%s %d: %w", what, i, err)
		}
	}
	return hashes, nil
}
