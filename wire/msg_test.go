package wire

import (
	"bytes"
	"encoding/hex"
	"errors"
	"net/netip"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// testMagic is mainnet's magic (bytes f9 be b4 d9 on the wire); wire cannot
// import chain/params.
const testMagic = 0xd9b4bef9

// msgHex decodes hex with any whitespace in it.
func msgHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatalf("bad test hex: %v", err)
	}
	return b
}

// leHash makes a hash from its internal (wire) byte order.
func leHash(t testing.TB, s string) Hash {
	t.Helper()
	return Hash(msgHex(t, s))
}

func seqHash(start byte) Hash {
	var h Hash
	for i := range h {
		h[i] = start + byte(i)
	}
	return h
}

// canonTx re-decodes tx so that it has exactly the shape decoding produces.
func canonTx(t testing.TB, tx *Tx) *Tx {
	t.Helper()
	c, err := DecodeTx(tx.Serialize())
	if err != nil {
		t.Fatalf("canonTx: %v", err)
	}
	return c
}

func sampleTxs(t testing.TB) (witness, legacy *Tx) {
	witness = canonTx(t, &Tx{
		Version: 2,
		TxIn: []*TxIn{{
			PreviousOutPoint: OutPoint{Hash: seqHash(1), Index: 3},
			Witness:          TxWitness{bytes.Repeat([]byte{0x30}, 71), bytes.Repeat([]byte{0x02}, 33)},
			Sequence:         0xfffffffd,
		}},
		TxOut: []*TxOut{
			{Value: 12_345, PkScript: append([]byte{0x00, 0x14}, bytes.Repeat([]byte{0xab}, 20)...)},
			{Value: 0, PkScript: []byte{0x6a}},
		},
		LockTime: 800_000,
	})
	legacy = canonTx(t, &Tx{
		Version: 1,
		TxIn: []*TxIn{{
			PreviousOutPoint: OutPoint{Index: 0xffffffff},
			SignatureScript:  []byte{0x03, 0x01, 0x02, 0x03},
			Sequence:         0xffffffff,
		}},
		TxOut:    []*TxOut{{Value: 50_0000_0000, PkScript: []byte{0x51}}},
		LockTime: 0,
	})
	return witness, legacy
}

func sampleHeader(seed byte) BlockHeader {
	return BlockHeader{Version: 0x20000000, PrevBlock: seqHash(seed), MerkleRoot: seqHash(seed + 100),
		Timestamp: 1_700_000_000 + uint32(seed), Bits: 0x17034219, Nonce: 0xdeadbeef - uint32(seed)}
}

func mustNetAddrV2(t testing.TB, n NetworkID, addr string, port uint16, services ServiceFlag, ts uint32) NetAddress {
	t.Helper()
	na, err := NewNetAddressV2(n, msgHex(t, addr), port, services)
	if err != nil {
		t.Fatal(err)
	}
	na.Timestamp = ts
	return na
}

// sampleMessages returns at least one non-trivial value of every message.
func sampleMessages(t testing.TB) []Message {
	wtx, ltx := sampleTxs(t)
	v4 := NewNetAddress(netip.MustParseAddrPort("198.51.100.7:8333"), SFNodeNetwork|SFNodeWitness)
	v6 := NewNetAddress(netip.MustParseAddrPort("[2001:db8::1]:18333"), SFNodeNetworkLimited)
	a4, a6 := v4, v6
	a4.Timestamp, a6.Timestamp = 1_700_000_001, 1_700_000_002
	invs := []InvVect{{InvTypeTx, seqHash(1)}, {InvTypeWitnessBlock, seqHash(2)}, {InvTypeWTx, seqHash(3)}, {0x7777, seqHash(4)}}
	return []Message{
		&MsgVersion{ProtocolVersion: ProtocolVersion, Services: SFNodeNetwork | SFNodeWitness | SFNodeP2PV2,
			Timestamp: 1_700_000_000, AddrRecv: v4, AddrFrom: v6, Nonce: 0x0123456789abcdef,
			UserAgent: "/bitnode:0.1.0/", StartHeight: 850_000, Relay: true},
		&MsgVersion{ProtocolVersion: 70015, AddrRecv: v6, AddrFrom: v4, UserAgent: strings.Repeat("x", MaxUserAgentLen), StartHeight: -1},
		&MsgVerAck{}, &MsgGetAddr{}, &MsgMemPool{}, &MsgSendHeaders{}, &MsgWTxIDRelay{}, &MsgSendAddrV2{},
		&MsgPing{Nonce: 0x4dafe21121109400}, &MsgPong{Nonce: 1},
		&MsgAddr{AddrList: []NetAddress{a4, a6}},
		&MsgAddrV2{AddrList: []NetAddress{a4, a6,
			mustNetAddrV2(t, NetTorV3, "79bcc625184b05194975c28b66b66b0469f7f6556fb1ac3189a79b40dda32f1f", 8333, SFNodeNetwork, 7),
			mustNetAddrV2(t, NetI2P, "a2894dabaec08c0051a481a6dac88b64f98232ae42d4b6fd2fa81952dfe36a87", 0, 1<<63, 8),
			mustNetAddrV2(t, NetCJDNS, "fc000001000200030004000500060007", 8333, 0, 9),
			mustNetAddrV2(t, NetTorV2, "f1f2f3f4f5f6f7f8f9fa", 8333, 0, 10),
			mustNetAddrV2(t, 0xaa, "", 1, 0, 11),
			mustNetAddrV2(t, 0xab, strings.Repeat("5a", MaxAddrV2Size), 2, 0xffffffff, 12),
		}},
		&MsgInv{InvList: invs}, &MsgGetData{InvList: invs[:2]}, &MsgNotFound{InvList: invs[2:]}, &MsgInv{},
		&MsgGetBlocks{ProtocolVersion: ProtocolVersion, BlockLocatorHashes: BlockLocator{seqHash(5), seqHash(6)}, HashStop: seqHash(7)},
		&MsgGetHeaders{ProtocolVersion: ProtocolVersion, BlockLocatorHashes: BlockLocator{seqHash(8)}},
		&MsgHeaders{Headers: []BlockHeader{sampleHeader(1), sampleHeader(2)}},
		&MsgHeaders{},
		wtx, ltx,
		&Block{Header: sampleHeader(3), Transactions: []*Tx{ltx, wtx}},
		&MsgFeeFilter{FeeRate: 48_508},
		&MsgSendCmpct{Announce: true, Version: 2},
		&MsgCmpctBlock{Header: sampleHeader(4), Nonce: 0x1122334455667788,
			ShortIDs:     []uint64{0, 0xffffffffffff, 0x123456789abc},
			PrefilledTxn: []PrefilledTx{{Index: 0, Tx: ltx}, {Index: 4, Tx: wtx}}},
		&MsgGetBlockTxn{BlockHash: seqHash(9), Indexes: []uint16{1, 2, 7, 300, 65535}},
		&MsgBlockTxn{BlockHash: seqHash(10), Transactions: []*Tx{wtx, ltx}},
		&MsgGetCFilters{FilterType: GCSFilterRegular, StartHeight: 800_000, StopHash: seqHash(11)},
		&MsgCFilter{FilterType: GCSFilterRegular, BlockHash: seqHash(12), FilterBytes: []byte{0x01, 0x02, 0x03}},
		&MsgCFilter{FilterType: 1, BlockHash: seqHash(12), FilterBytes: []byte{}},
		&MsgGetCFHeaders{FilterType: GCSFilterRegular, StartHeight: 1, StopHash: seqHash(13)},
		&MsgCFHeaders{FilterType: GCSFilterRegular, StopHash: seqHash(14), PreviousFilterHeader: seqHash(15),
			FilterHashes: []Hash{seqHash(16), seqHash(17)}},
		&MsgGetCFCheckpt{FilterType: GCSFilterRegular, StopHash: seqHash(18)},
		&MsgCFCheckpt{FilterType: GCSFilterRegular, StopHash: seqHash(19), FilterHeaders: []Hash{seqHash(20)}},
	}
}

func decodeAs(cmd string, payload []byte, pver uint32) (Message, error) {
	m, err := MakeEmptyMessage(cmd)
	if err != nil {
		return nil, err
	}
	return m, m.DecodePayload(payload, pver)
}

func TestEveryCommandHasSample(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range sampleMessages(t) {
		seen[m.Command()] = true
	}
	for cmd := range messageTypes {
		if !seen[cmd] {
			t.Errorf("no sample message for %q", cmd)
		}
	}
	if len(messageTypes) != 30 {
		t.Errorf("%d commands registered, want the 30 of protocol 70016 (without BIP37)", len(messageTypes))
	}
}

func TestMakeEmptyMessage(t *testing.T) {
	for cmd := range messageTypes {
		m, err := MakeEmptyMessage(cmd)
		if err != nil || m.Command() != cmd {
			t.Errorf("MakeEmptyMessage(%q) = %v, %v", cmd, m, err)
		}
		if len(cmd) > CommandSize {
			t.Errorf("command %q too long", cmd)
		}
	}
	for _, cmd := range []string{"", "filterload", "merkleblock", "reject", "alert", "VERSION", "sendtxrcncl"} {
		if _, err := MakeEmptyMessage(cmd); !errors.Is(err, ErrUnknownCommand) {
			t.Errorf("MakeEmptyMessage(%q) error %v, want ErrUnknownCommand", cmd, err)
		}
	}
}

func TestMessageRoundTrip(t *testing.T) {
	for _, m := range sampleMessages(t) {
		t.Run(m.Command(), func(t *testing.T) {
			payload := m.AppendPayload(nil, ProtocolVersion)
			got, err := decodeAs(m.Command(), payload, ProtocolVersion)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if !reflect.DeepEqual(got, m) {
				t.Fatalf("decode(encode(x)) != x\n got %+v\nwant %+v", got, m)
			}
			if again := got.AppendPayload(nil, ProtocolVersion); !bytes.Equal(again, payload) {
				t.Fatalf("re-encoding differs")
			}
			var buf bytes.Buffer
			n, err := WriteMessage(&buf, m, ProtocolVersion, testMagic)
			if err != nil || n != MessageHeaderSize+len(payload) || buf.Len() != n {
				t.Fatalf("WriteMessage = %d, %v; buffer %d", n, err, buf.Len())
			}
			framed, raw, err := ReadMessage(&buf, ProtocolVersion, testMagic)
			if err != nil {
				t.Fatalf("ReadMessage: %v", err)
			}
			if !reflect.DeepEqual(framed, m) || !bytes.Equal(raw, payload) || buf.Len() != 0 {
				t.Fatalf("ReadMessage(WriteMessage(x)) differs")
			}
		})
	}
}

func TestBlockMessageRealBlock(t *testing.T) {
	raw, err := os.ReadFile("../testdata/bitcoin-core/block413567.raw")
	if err != nil {
		t.Fatal(err)
	}
	var blk Block
	if err := blk.DecodePayload(raw, ProtocolVersion); err != nil {
		t.Fatal(err)
	}
	if got := blk.AppendPayload(nil, ProtocolVersion); !bytes.Equal(got, raw) {
		t.Fatal("block 413567 does not re-encode byte for byte")
	}
	framed, err := AppendMessage(nil, &blk, ProtocolVersion, testMagic)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := ReadMessage(bytes.NewReader(framed), ProtocolVersion, testMagic)
	if err != nil || m.(*Block).BlockHash() != blk.BlockHash() {
		t.Fatalf("ReadMessage: %v", err)
	}
}

func TestMessageTruncated(t *testing.T) {
	for _, m := range sampleMessages(t) {
		payload := m.AppendPayload(nil, ProtocolVersion)
		valid := map[int]bool{len(payload): true}
		if v, ok := m.(*MsgVersion); ok {
			ua := CompactSizeLen(uint64(len(v.UserAgent))) + len(v.UserAgent)
			for _, n := range []int{46, 80, 80 + ua, 84 + ua} {
				valid[n] = true
			}
		}
		for n := range len(payload) {
			_, err := decodeAs(m.Command(), payload[:n], ProtocolVersion)
			switch {
			case valid[n] && err != nil:
				t.Errorf("%s: prefix of %d bytes: %v, want success", m.Command(), n, err)
			case !valid[n] && err == nil:
				t.Errorf("%s: prefix of %d of %d bytes decoded", m.Command(), n, len(payload))
			case !valid[n] && !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrTooLarge):
				t.Errorf("%s: prefix of %d bytes: %v, want ErrTruncated or ErrTooLarge", m.Command(), n, err)
			}
		}
	}
}

func TestMessageTrailingData(t *testing.T) {
	for _, m := range sampleMessages(t) {
		payload := append(m.AppendPayload(nil, ProtocolVersion), 0x00)
		got, err := decodeAs(m.Command(), payload, ProtocolVersion)
		if m.Command() == CmdVersion {
			// Core ignores whatever follows the relay flag.
			if err != nil || !reflect.DeepEqual(got, m) {
				t.Errorf("version with a trailing byte: %v", err)
			}
			continue
		}
		if !errors.Is(err, ErrTrailingData) {
			t.Errorf("%s with a trailing byte: %v, want ErrTrailingData", m.Command(), err)
		}
	}
}

// TestMessageVectors checks payloads from the Bitcoin developer reference
// (bitcoin.org/en/developer-reference) and a captured Core 0.21 version.
func TestMessageVectors(t *testing.T) {
	tests := []struct {
		name, cmd, hex string
		want           Message
	}{
		{"devref version", CmdVersion, `72110100 0100000000000000 bc8f5e5400000000
			0100000000000000 00000000000000000000ffffc61b6409 208d
			0100000000000000 00000000000000000000ffffcb0071c0 208d
			128035cbc97953f8 0f 2f5361746f7368693a302e392e332f cf050500 01`,
			&MsgVersion{ProtocolVersion: 70002, Services: SFNodeNetwork, Timestamp: 1415483324,
				AddrRecv: NewNetAddress(netip.MustParseAddrPort("198.27.100.9:8333"), SFNodeNetwork),
				AddrFrom: NewNetAddress(netip.MustParseAddrPort("203.0.113.192:8333"), SFNodeNetwork),
				Nonce:    0xf85379c9cb358012, UserAgent: "/Satoshi:0.9.3/", StartHeight: 329167, Relay: true}},
		{"Core 0.21 version", CmdVersion, `80110100 0904000000000000 5714706000000000
			0000000000000000 00000000000000000000ffff25a86d6c 8325
			0904000000000000 00000000000000000000000000000000 0000
			70fe7bb7d05ef3c4 10 2f5361746f7368693a302e32312e302f 195a0a00 01`,
			&MsgVersion{ProtocolVersion: 70016, Services: SFNodeNetwork | SFNodeWitness | SFNodeNetworkLimited,
				Timestamp: 1617957975,
				AddrRecv:  NewNetAddress(netip.MustParseAddrPort("37.168.109.108:33573"), 0),
				AddrFrom:  NetAddress{Services: 0x409, Network: NetIPv6, Addr: make([]byte, 16)},
				Nonce:     0xc4f35ed0b77bfe70, UserAgent: "/Satoshi:0.21.0/", StartHeight: 678425, Relay: true}},
		{"devref getblocks", CmdGetBlocks, `71110100 02
			d39f608a7775b537729884d4e6633bb2105e55a16a14d31b0000000000000000
			5c3e6403d40837110a2e8afb602b1c01714bda7ce23bea0a0000000000000000
			0000000000000000000000000000000000000000000000000000000000000000`,
			&MsgGetBlocks{ProtocolVersion: 70001, BlockLocatorHashes: BlockLocator{
				leHash(t, "d39f608a7775b537729884d4e6633bb2105e55a16a14d31b0000000000000000"),
				leHash(t, "5c3e6403d40837110a2e8afb602b1c01714bda7ce23bea0a0000000000000000")}}},
		{"devref headers", CmdHeaders, `01 02000000
			b6ff0b1b1680a2862a30ca44d346d9e8910d334beb48ca0c0000000000000000
			9d10aa52ee949386ca9385695f04ede270dda20810decd12bc9b048aaab31471
			24d95a54 30c31b18 fe9f0864 00`,
			&MsgHeaders{Headers: []BlockHeader{{Version: 2,
				PrevBlock:  leHash(t, "b6ff0b1b1680a2862a30ca44d346d9e8910d334beb48ca0c0000000000000000"),
				MerkleRoot: leHash(t, "9d10aa52ee949386ca9385695f04ede270dda20810decd12bc9b048aaab31471"),
				Timestamp:  1415239972, Bits: 0x181bc330, Nonce: 0x64089ffe}}}},
		{"devref inv", CmdInv, `02
			01000000 de55ffd709ac1f5dc509a0925d0b1fc442ca034f224732e429081da1b621f55a
			01000000 91d36d997037e08018262978766f24b8a055aaf1d872e94ae85e9817b2c68dc7`,
			&MsgInv{InvList: []InvVect{
				{InvTypeTx, leHash(t, "de55ffd709ac1f5dc509a0925d0b1fc442ca034f224732e429081da1b621f55a")},
				{InvTypeTx, leHash(t, "91d36d997037e08018262978766f24b8a055aaf1d872e94ae85e9817b2c68dc7")}}}},
		{"devref addr", CmdAddr, `01 d91f4854 0100000000000000 00000000000000000000ffffc0000233 208d`,
			&MsgAddr{AddrList: []NetAddress{{Timestamp: 1414012889, Services: SFNodeNetwork,
				Network: NetIPv4, Addr: []byte{192, 0, 2, 51}, Port: 8333}}}},
		{"devref addrv2", CmdAddrV2, `01 d91f4854 fd4804 01 04 c0000233 208d`,
			&MsgAddrV2{AddrList: []NetAddress{{Timestamp: 1414012889,
				Services: SFNodeWitness | SFNodeCompactFilters | SFNodeNetworkLimited,
				Network:  NetIPv4, Addr: []byte{192, 0, 2, 51}, Port: 8333}}}},
		{"devref feefilter", CmdFeeFilter, `7cbd000000000000`, &MsgFeeFilter{FeeRate: 48508}},
		{"devref ping", CmdPing, `0094102111e2af4d`, &MsgPing{Nonce: 0x4dafe21121109400}},
		{"sendcmpct", CmdSendCmpct, `01 0200000000000000`, &MsgSendCmpct{Announce: true, Version: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			payload := msgHex(t, tt.hex)
			got, err := decodeAs(tt.cmd, payload, ProtocolVersion)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("decoded\n %+v\nwant\n %+v", got, tt.want)
			}
			if enc := tt.want.AppendPayload(nil, ProtocolVersion); !bytes.Equal(enc, payload) {
				t.Fatalf("encoded %x\n   want %x", enc, payload)
			}
		})
	}
}

// TestVersionOptionalFields follows Core's reading of a short version
// message: stop points are accepted, a field cut in the middle is not.
func TestVersionOptionalFields(t *testing.T) {
	full := sampleMessages(t)[0].AppendPayload(nil, ProtocolVersion)
	ua := 1 + len("/bitnode:0.1.0/")
	check := func(n int, wantErr bool, f func(v *MsgVersion) bool) {
		t.Helper()
		var v MsgVersion
		err := v.DecodePayload(full[:n], ProtocolVersion)
		if (err != nil) != wantErr || (err == nil && !f(&v)) {
			t.Errorf("prefix %d: err %v, decoded %+v", n, err, v)
		}
	}
	check(46, false, func(v *MsgVersion) bool {
		return v.Nonce == 0 && v.UserAgent == "" && v.StartHeight == -1 && v.Relay &&
			v.AddrFrom.Network == NetIPv6 && bytes.Equal(v.AddrFrom.Addr, make([]byte, 16))
	})
	check(46+26, true, nil) // addr_from without nonce
	check(80, false, func(v *MsgVersion) bool { return v.Nonce == 0x0123456789abcdef && v.StartHeight == -1 })
	check(80+ua, false, func(v *MsgVersion) bool { return v.UserAgent == "/bitnode:0.1.0/" && v.Relay })
	check(80+ua+2, true, nil)
	check(84+ua, false, func(v *MsgVersion) bool { return v.StartHeight == 850_000 && v.Relay })

	relay0 := append(bytes.Clone(full[:84+ua]), 0x00, 0xff, 0xff)
	relay2 := append(bytes.Clone(full[:84+ua]), 0x02)
	var v MsgVersion
	if err := v.DecodePayload(relay0, ProtocolVersion); err != nil || v.Relay {
		t.Errorf("relay 0 with trailing bytes: %v, relay %v", err, v.Relay)
	}
	if err := v.DecodePayload(relay2, ProtocolVersion); err != nil || !v.Relay {
		t.Errorf("relay byte 2: %v, relay %v", err, v.Relay)
	}
}

func TestMessageLimits(t *testing.T) {
	h := strings.Repeat("00", 32)
	hdr := strings.Repeat("00", 80)
	verPrefix := hex.EncodeToString(sampleMessages(t)[0].AppendPayload(nil, ProtocolVersion)[:80])
	tests := []struct {
		cmd, hex string
		want     error
	}{
		{CmdInv, "fd51c3", ErrTooLarge}, // 50,001
		{CmdGetData, "fd51c3", ErrTooLarge},
		{CmdNotFound, "fd51c3", ErrTooLarge},
		{CmdInv, "02" + "01000000" + h, ErrTooLarge}, // more than remain
		{CmdInv, "fd0100", ErrNonCanonical},
		{CmdAddr, "fde903", ErrTooLarge}, // 1,001
		{CmdAddrV2, "fde903", ErrTooLarge},
		{CmdAddrV2, "01 00000000 00 01 fd0102 01020304", ErrTooLarge}, // address of 513 bytes
		{CmdAddrV2, "01 00000000 00 01 05 0102030405 0000", ErrInvalidValue},
		{CmdHeaders, "fdd107", ErrTooLarge}, // 2,001
		{CmdHeaders, "01" + hdr + "fe01000002", ErrTooLarge},
		{CmdGetHeaders, "71110100 66", ErrTooLarge}, // 102 locator hashes
		{CmdGetBlocks, "71110100 66", ErrTooLarge},
		{CmdCFHeaders, "00" + h + h + "fdd107", ErrTooLarge},
		{CmdCFCheckpt, "00" + h + "fe01000002", ErrTooLarge}, // over MAX_SIZE
		{CmdBlockTxn, h + "05", ErrTooLarge},
		{CmdVersion, verPrefix + "fd0101", ErrTooLarge}, // user agent of 257 bytes
		{CmdCmpctBlock, hdr + "0000000000000000 fe00000100", ErrTooLarge},
		{CmdGetBlockTxn, h + "fe01000100", ErrTooLarge},
		{CmdGetBlockTxn, h + "01 fe00000100", ErrInvalidValue}, // index 65536
		{CmdGetBlockTxn, h + "02 fdffff 00", ErrInvalidValue},  // 65535 then 65536
		{CmdCmpctBlock, hdr + "0000000000000000 00 01 fe00000100" + strings.Repeat("00", 20), ErrInvalidValue},
		{CmdPing, "01020304", ErrTruncated},
		{CmdFeeFilter, "", ErrTruncated},
		{CmdGetCFCheckpt, "00" + h[:62], ErrTruncated},
	}
	for _, tt := range tests {
		_, err := decodeAs(tt.cmd, msgHex(t, tt.hex), ProtocolVersion)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s %s: got %v, want %v", tt.cmd, tt.hex, err, tt.want)
		}
	}
}

func TestCmpctBlockTxCountLimit(t *testing.T) {
	hdr := sampleHeader(1)
	ids := make([]uint64, MaxCmpctBlockTxs)
	_, ltx := sampleTxs(t)
	ok := &MsgCmpctBlock{Header: hdr, ShortIDs: ids}
	if _, err := decodeAs(CmdCmpctBlock, ok.AppendPayload(nil, 0), 0); err != nil {
		t.Fatalf("65535 short ids: %v", err)
	}
	over := &MsgCmpctBlock{Header: hdr, ShortIDs: ids, PrefilledTxn: []PrefilledTx{{Index: 0, Tx: ltx}}}
	if _, err := decodeAs(CmdCmpctBlock, over.AppendPayload(nil, 0), 0); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("65536 transactions: %v, want ErrTooLarge", err)
	}
	if _, err := AppendMessage(nil, over, ProtocolVersion, testMagic); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("AppendMessage of 65536 transactions: %v, want ErrTooLarge", err)
	}
}

func TestHeadersTxCountIgnored(t *testing.T) {
	// Core reads each header's transaction count and ignores its value.
	want := &MsgHeaders{Headers: []BlockHeader{sampleHeader(1), sampleHeader(2)}}
	h1, h2 := sampleHeader(1), sampleHeader(2)
	var p []byte
	p = AppendCompactSize(p, 2)
	p = AppendCompactSize(h1.AppendTo(p), 1)
	p = AppendCompactSize(h2.AppendTo(p), 70_000)
	got, err := decodeAs(CmdHeaders, p, ProtocolVersion)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("headers with non-zero tx counts: %v", err)
	}
}

func TestDifferentialIndexes(t *testing.T) {
	m := &MsgGetBlockTxn{BlockHash: seqHash(1), Indexes: []uint16{0, 1, 5, 6, 65535}}
	p := m.AppendPayload(nil, ProtocolVersion)
	h := seqHash(1)
	if want := append(h[:], msgHex(t, "05 00 00 03 00 fdf8ff")...); !bytes.Equal(p, want) {
		t.Fatalf("getblocktxn encoding %x, want %x", p, want)
	}
	_, ltx := sampleTxs(t)
	for _, bad := range []Message{
		&MsgGetBlockTxn{Indexes: []uint16{3, 3}},
		&MsgGetBlockTxn{Indexes: []uint16{3, 2}},
		&MsgCmpctBlock{PrefilledTxn: []PrefilledTx{{Index: 2, Tx: ltx}, {Index: 1, Tx: ltx}}},
		&MsgCmpctBlock{PrefilledTxn: []PrefilledTx{{Index: 0}}},
		&MsgCmpctBlock{ShortIDs: []uint64{1 << 48}},
	} {
		if _, err := WriteMessage(new(bytes.Buffer), bad, ProtocolVersion, testMagic); !errors.Is(err, ErrInvalidValue) {
			t.Errorf("WriteMessage(%+v) = %v, want ErrInvalidValue", bad, err)
		}
	}
}

func TestPingBeforeBIP31(t *testing.T) {
	m := &MsgPing{Nonce: 5}
	if p := m.AppendPayload(nil, BIP0031Version); len(p) != 0 {
		t.Fatalf("old ping has payload %x", p)
	}
	if err := m.DecodePayload(nil, BIP0031Version); err != nil || m.Nonce != 0 {
		t.Fatalf("old ping: %v", err)
	}
	if err := m.DecodePayload(make([]byte, 8), BIP0031Version); !errors.Is(err, ErrTrailingData) {
		t.Fatalf("old ping with nonce: %v", err)
	}
}

func TestErrorsSayWhere(t *testing.T) {
	entry := "00000000 00 01 04 01020304 208d"
	p := msgHex(t, "03"+entry+entry+"00000000 00 01 04 01020304 20")
	_, err := decodeAs(CmdAddrV2, p, ProtocolVersion)
	if err == nil || !strings.Contains(err.Error(), "addrv2 entry 2: port") || !errors.Is(err, ErrTruncated) {
		t.Fatalf("error %v, want it to name addrv2 entry 2's port", err)
	}
	var me *MessageError
	if !errors.As(err, &me) {
		t.Fatalf("error %T does not wrap *MessageError", err)
	}
}

func TestSendCmpctBool(t *testing.T) {
	var m MsgSendCmpct
	if err := m.DecodePayload(msgHex(t, "02 0100000000000000"), ProtocolVersion); err != nil || !m.Announce || m.Version != 1 {
		t.Fatalf("sendcmpct with announce byte 2: %+v, %v", m, err)
	}
}

func TestCommandsSorted(t *testing.T) {
	// fuzzCommands must be stable: the fuzz corpus depends on the order.
	if !slices.IsSorted(fuzzCommands()) {
		t.Fatal("fuzzCommands not sorted")
	}
}
