package wire

// Tx and Block are messages too: "tx" and "block", in witness serialization
// (the form a peer gets when it asks with MSG_WITNESS_TX/MSG_WITNESS_BLOCK,
// which every segwit peer does). A transaction without witness data
// serializes in legacy form either way.

// Command returns "tx".
func (*Tx) Command() string { return CmdTx }

// AppendPayload appends the transaction (see AppendTo).
func (tx *Tx) AppendPayload(b []byte, _ uint32) []byte { return tx.AppendTo(b) }

// DecodePayload decodes a transaction that fills the payload, accepting the
// BIP144 witness form. Scripts and witnesses alias the payload.
func (tx *Tx) DecodePayload(payload []byte, _ uint32) error {
	r := newReader(payload)
	decoded, err := decodeTx(r, true)
	if err != nil {
		return err
	}
	if err := r.done(CmdTx); err != nil {
		return err
	}
	*tx = *decoded
	return nil
}

// Command returns "block".
func (*Block) Command() string { return CmdBlock }

// AppendPayload appends the block (see AppendTo).
func (b *Block) AppendPayload(buf []byte, _ uint32) []byte { return b.AppendTo(buf) }

// DecodePayload decodes a block that fills the payload. Its scripts and
// witnesses alias the payload, which the block then owns.
func (b *Block) DecodePayload(payload []byte, _ uint32) error {
	r := newReader(payload)
	decoded, err := decodeBlock(r)
	if err != nil {
		return err
	}
	if err := r.done(CmdBlock); err != nil {
		return err
	}
	*b = *decoded
	return nil
}
