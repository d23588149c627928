package wire

import "fmt"

// BlockLocator lists block hashes from the tip backwards, densely then
// exponentially sparser, ending at genesis; a peer answers from the first
// one it has on its best chain. Building one is the chain's job.
type BlockLocator []Hash

// getBlocksPayload is the shared body of getblocks and getheaders.
type getBlocksPayload struct {
	// ProtocolVersion is the locator's version field; Core sends its
	// protocol version and ignores the value it receives.
	ProtocolVersion    uint32
	BlockLocatorHashes BlockLocator
	HashStop           Hash
}

func (g *getBlocksPayload) append(b []byte) []byte {
	b = appendUint32(b, g.ProtocolVersion)
	b = AppendCompactSize(b, uint64(len(g.BlockLocatorHashes)))
	for i := range g.BlockLocatorHashes {
		b = append(b, g.BlockLocatorHashes[i][:]...)
	}
	return append(b, g.HashStop[:]...)
}

func (g *getBlocksPayload) decode(p []byte, cmd string) error {
	r := newReader(p)
	v, err := r.uint32(cmd + " version")
	if err != nil {
		return err
	}
	n, err := r.count(cmd+" locator count", MaxLocatorHashes, HashSize)
	if err != nil {
		return err
	}
	locator := makeList[Hash](n)
	for i := range locator {
		if locator[i], err = r.hash("hash"); err != nil {
			return fmt.Errorf("%s locator hash %d: %w", cmd, i, err)
		}
	}
	stop, err := r.hash(cmd + " hash stop")
	if err != nil {
		return err
	}
	if err := r.done(cmd); err != nil {
		return err
	}
	*g = getBlocksPayload{ProtocolVersion: v, BlockLocatorHashes: locator, HashStop: stop}
	return nil
}

// MsgGetBlocks asks for an inv of the blocks after the locator's fork point,
// up to HashStop (zero: as many as allowed). The locator holds at most
// MaxLocatorHashes hashes; Core disconnects a peer that sends more.
type MsgGetBlocks struct {
	ProtocolVersion    uint32
	BlockLocatorHashes BlockLocator
	HashStop           Hash
}

func (*MsgGetBlocks) Command() string { return CmdGetBlocks }

func (m *MsgGetBlocks) AppendPayload(b []byte, _ uint32) []byte {
	return (*getBlocksPayload)(m).append(b)
}

func (m *MsgGetBlocks) DecodePayload(p []byte, _ uint32) error {
	return (*getBlocksPayload)(m).decode(p, CmdGetBlocks)
}

// MsgGetHeaders asks for the headers after the locator's fork point, up to
// HashStop. Same form and limits as MsgGetBlocks.
type MsgGetHeaders struct {
	ProtocolVersion    uint32
	BlockLocatorHashes BlockLocator
	HashStop           Hash
}

func (*MsgGetHeaders) Command() string { return CmdGetHeaders }

func (m *MsgGetHeaders) AppendPayload(b []byte, _ uint32) []byte {
	return (*getBlocksPayload)(m).append(b)
}

func (m *MsgGetHeaders) DecodePayload(p []byte, _ uint32) error {
	return (*getBlocksPayload)(m).decode(p, CmdGetHeaders)
}

// MsgHeaders carries up to MaxHeadersPerMsg block headers. Each header is
// followed on the wire by a transaction count, written as 0; like Core, the
// decoder reads and ignores it (any canonical CompactSize up to
// MaxCompactSize), so it is not kept.
type MsgHeaders struct {
	Headers []BlockHeader
}

func (*MsgHeaders) Command() string { return CmdHeaders }

func (m *MsgHeaders) AppendPayload(b []byte, _ uint32) []byte {
	b = AppendCompactSize(b, uint64(len(m.Headers)))
	for i := range m.Headers {
		b = append(m.Headers[i].AppendTo(b), 0)
	}
	return b
}

func (m *MsgHeaders) DecodePayload(p []byte, _ uint32) error {
	r := newReader(p)
	n, err := r.count("headers count", MaxHeadersPerMsg, BlockHeaderSize+1)
	if err != nil {
		return err
	}
	headers := makeList[BlockHeader](n)
	for i := range headers {
		if headers[i], err = decodeHeader(r); err != nil {
			return fmt.Errorf("headers item %d: %w", i, err)
		}
		txs, err := r.compactSize("transaction count")
		if err != nil {
			return fmt.Errorf("headers item %d: %w", i, err)
		}
		if txs > MaxCompactSize {
			return fmt.Errorf("headers item %d: %w", i,
				newError(ErrTooLarge, "transaction count %d exceeds maximum size %d", txs, MaxCompactSize))
		}
	}
	if err := r.done(CmdHeaders); err != nil {
		return err
	}
	m.Headers = headers
	return nil
}
