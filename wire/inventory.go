package wire

import (
	"fmt"
	"strconv"
)

// InvType says what an inventory vector's hash names.
type InvType uint32

// Inventory types (Bitcoin Core's GetDataMsg).
const (
	InvTypeError         InvType = 0
	InvTypeTx            InvType = 1
	InvTypeBlock         InvType = 2
	InvTypeFilteredBlock InvType = 3 // BIP37 merkleblock; getdata only
	InvTypeCmpctBlock    InvType = 4 // BIP152; getdata only
	InvTypeWTx           InvType = 5 // BIP339: the hash is a wtxid

	// InvWitnessFlag asks for witness serialization (BIP144); getdata only.
	InvWitnessFlag InvType = 1 << 30

	InvTypeWitnessTx            = InvTypeTx | InvWitnessFlag
	InvTypeWitnessBlock         = InvTypeBlock | InvWitnessFlag
	InvTypeFilteredWitnessBlock = InvTypeFilteredBlock | InvWitnessFlag
)

var invTypeNames = map[InvType]string{
	InvTypeError:                "ERROR",
	InvTypeTx:                   "MSG_TX",
	InvTypeBlock:                "MSG_BLOCK",
	InvTypeFilteredBlock:        "MSG_FILTERED_BLOCK",
	InvTypeCmpctBlock:           "MSG_CMPCT_BLOCK",
	InvTypeWTx:                  "MSG_WTX",
	InvTypeWitnessTx:            "MSG_WITNESS_TX",
	InvTypeWitnessBlock:         "MSG_WITNESS_BLOCK",
	InvTypeFilteredWitnessBlock: "MSG_FILTERED_WITNESS_BLOCK",
}

func (t InvType) String() string {
	if s, ok := invTypeNames[t]; ok {
		return s
	}
	return "InvType(0x" + strconv.FormatUint(uint64(t), 16) + ")"
}

// InvVectSize is the encoded size of an inventory vector.
const InvVectSize = 4 + HashSize

// InvVect names a transaction or block in inv, getdata and notfound
// messages. Unknown types decode; Core ignores them.
type InvVect struct {
	Type InvType
	Hash Hash
}

func (iv InvVect) String() string { return iv.Type.String() + " " + iv.Hash.String() }

func appendInvList(b []byte, list []InvVect) []byte {
	b = AppendCompactSize(b, uint64(len(list)))
	for i := range list {
		b = appendUint32(b, uint32(list[i].Type))
		b = append(b, list[i].Hash[:]...)
	}
	return b
}

func decodeInvList(p []byte, cmd string) ([]InvVect, error) {
	r := newReader(p)
	n, err := r.count(cmd+" count", MaxInvPerMsg, InvVectSize)
	if err != nil {
		return nil, err
	}
	list := makeList[InvVect](n)
	for i := range list {
		t, err := r.uint32("type")
		if err != nil {
			return nil, fmt.Errorf("%s item %d: %w", cmd, i, err)
		}
		list[i].Type = InvType(t)
		if list[i].Hash, err = r.hash("hash"); err != nil {
			return nil, fmt.Errorf("%s item %d: %w", cmd, i, err)
		}
	}
	return list, r.done(cmd)
}

// MsgInv announces transactions and blocks (at most MaxInvPerMsg).
type MsgInv struct {
	InvList []InvVect
}

func (*MsgInv) Command() string { return CmdInv }

func (m *MsgInv) AppendPayload(b []byte, _ uint32) []byte { return appendInvList(b, m.InvList) }

func (m *MsgInv) DecodePayload(p []byte, _ uint32) error {
	list, err := decodeInvList(p, CmdInv)
	if err != nil {
		return err
	}
	m.InvList = list
	return nil
}

// MsgGetData requests transactions and blocks (at most MaxInvPerMsg).
type MsgGetData struct {
	InvList []InvVect
}

func (*MsgGetData) Command() string { return CmdGetData }

func (m *MsgGetData) AppendPayload(b []byte, _ uint32) []byte { return appendInvList(b, m.InvList) }

func (m *MsgGetData) DecodePayload(p []byte, _ uint32) error {
	list, err := decodeInvList(p, CmdGetData)
	if err != nil {
		return err
	}
	m.InvList = list
	return nil
}

// MsgNotFound answers a getdata for objects the peer does not have. The
// MaxInvPerMsg bound applies (Core reads any number but ignores a notfound
// longer than it could have asked for).
type MsgNotFound struct {
	InvList []InvVect
}

func (*MsgNotFound) Command() string { return CmdNotFound }

func (m *MsgNotFound) AppendPayload(b []byte, _ uint32) []byte { return appendInvList(b, m.InvList) }

func (m *MsgNotFound) DecodePayload(p []byte, _ uint32) error {
	list, err := decodeInvList(p, CmdNotFound)
	if err != nil {
		return err
	}
	m.InvList = list
	return nil
}
