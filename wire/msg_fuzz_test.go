package wire

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"testing"
)

// fuzzCommands lists every command in a fixed (sorted) order; a fuzz
// input's first byte picks one.
func fuzzCommands() []string {
	cmds := make([]string, 0, len(messageTypes))
	for cmd := range messageTypes {
		cmds = append(cmds, cmd)
	}
	slices.Sort(cmds)
	return cmds
}

func fuzzSeed(cmds []string, cmd string, payload []byte) []byte {
	return append([]byte{byte(slices.Index(cmds, cmd))}, payload...)
}

// brokenPayloads are a few malformed payloads worth starting from.
func brokenPayloads(t testing.TB) map[string][]byte {
	return map[string][]byte{
		CmdInv:         msgHex(t, "fd51c3"),
		CmdAddrV2:      msgHex(t, "01 00000000 00 01 05 0102030405 0000"),
		CmdHeaders:     msgHex(t, "01"),
		CmdGetBlockTxn: append(make([]byte, 32), msgHex(t, "02 fdffff 00")...),
		CmdCmpctBlock:  make([]byte, 88),
		CmdVersion:     make([]byte, 50),
		CmdTx:          msgHex(t, "01000000 00 01"),
	}
}

// FuzzMessage decodes arbitrary payloads as every message: decoding must
// not panic, and whatever decodes must re-encode to something that decodes
// to an equal value and re-encodes identically.
func FuzzMessage(f *testing.F) {
	cmds := fuzzCommands()
	for _, m := range sampleMessages(f) {
		f.Add(fuzzSeed(cmds, m.Command(), m.AppendPayload(nil, ProtocolVersion)))
	}
	for cmd, p := range brokenPayloads(f) {
		f.Add(fuzzSeed(cmds, cmd, p))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		cmd := cmds[int(data[0])%len(cmds)]
		m1, err := decodeAs(cmd, data[1:], ProtocolVersion)
		if err != nil {
			var me *MessageError
			if !errors.As(err, &me) {
				t.Fatalf("%s: error %v is not a *MessageError", cmd, err)
			}
			return
		}
		enc1 := m1.AppendPayload(nil, ProtocolVersion)
		m2, err := decodeAs(cmd, enc1, ProtocolVersion)
		if err != nil {
			t.Fatalf("%s: re-encoding does not decode: %v", cmd, err)
		}
		if !reflect.DeepEqual(m1, m2) {
			t.Fatalf("%s: decode(encode(m)) != m\n%+v\n%+v", cmd, m1, m2)
		}
		if enc2 := m2.AppendPayload(nil, ProtocolVersion); !bytes.Equal(enc1, enc2) {
			t.Fatalf("%s: encoding not stable", cmd)
		}
		if _, err := AppendMessage(nil, m1, ProtocolVersion, testMagic); err != nil && len(enc1) <= MaxMessagePayload {
			t.Fatalf("%s: a decoded message does not frame: %v", cmd, err)
		}
	})
}

// FuzzReadMessage reads a stream of framed messages from arbitrary bytes.
func FuzzReadMessage(f *testing.F) {
	var all []byte
	for _, m := range sampleMessages(f) {
		framed, err := AppendMessage(nil, m, ProtocolVersion, testMagic)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(framed)
		all = append(all, framed...)
	}
	f.Add(all)
	f.Add(frame(testMagic, "verack", nil, 1, 2, 3, 4))
	f.Add(frame(testMagic, "unknown", []byte{1, 2, 3}))
	f.Add(frame(testMagic, "ver\x00ack", nil))
	f.Add(frame(0x0709110b, "verack", nil))
	f.Add(pingFrame(1)[:30])
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		for range 64 {
			m, raw, err := ReadMessage(r, ProtocolVersion, testMagic)
			if err != nil {
				if raw == nil {
					return // the stream is unusable or over
				}
				continue
			}
			framed, err := AppendMessage(nil, m, ProtocolVersion, testMagic)
			if err != nil {
				t.Fatalf("%s: re-framing: %v", m.Command(), err)
			}
			again, _, err := ReadMessage(bytes.NewReader(framed), ProtocolVersion, testMagic)
			if err != nil || !reflect.DeepEqual(again, m) {
				t.Fatalf("%s: ReadMessage(AppendMessage(m)) = %v, %v", m.Command(), again, err)
			}
		}
	})
}

// FuzzNetAddressV2 decodes single addrv2 entries: no panics, lossless
// round trips, and String, Host and the conversions work on anything decoded.
func FuzzNetAddressV2(f *testing.F) {
	for _, core := range []string{
		"01 04 01020304", "01 05 0102030405", "02 10 00000000000000000000ffff01020304",
		"03 0a f1f2f3f4f5f6f7f8f9fa", "04 20 79bcc625184b05194975c28b66b66b0469f7f6556fb1ac3189a79b40dda32f1f",
		"05 20 a2894dabaec08c0051a481a6dac88b64f98232ae42d4b6fd2fa81952dfe36a87",
		"06 10 fc000001000200030004000500060007", "aa fe00000002 01020304050607", "aa 00",
	} {
		f.Add(addrV2Entry(f, core))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := newReader(data)
		na, err := decodeNetAddressV2(r, new(byteArena))
		if err != nil {
			return
		}
		_, _ = na.Host(), na.String()
		_, _ = na.AddrPort()
		_ = na.IP()
		if na.IsValid() && !na.Known() {
			t.Fatal("valid but not known")
		}
		enc := appendNetAddressV2(nil, &na)
		if !bytes.Equal(enc, data[:r.off]) {
			t.Fatalf("re-encoded %x from %x", enc, data[:r.off])
		}
		back, err := decodeNetAddressV2(newReader(enc), nil)
		if err != nil || !reflect.DeepEqual(back, na) {
			t.Fatalf("round trip: %+v, %v", back, err)
		}
		legacy := appendNetAddressLegacy(nil, &na, true)
		if _, err := decodeNetAddressLegacy(newReader(legacy), true, nil); err != nil {
			t.Fatalf("legacy form does not decode: %v", err)
		}
	})
}
