package peer

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/bitnode/bitnode/wire"
)

// encode frames messages for the fuzz seeds.
func encode(msgs ...wire.Message) []byte {
	var b []byte
	for _, m := range msgs {
		var err error
		if b, err = wire.AppendMessage(b, m, wire.ProtocolVersion, testMagic); err != nil {
			panic(err)
		}
	}
	return b
}

// FuzzPeerInbound feeds arbitrary bytes to an inbound peer as the remote
// side of the connection, then closes it: the peer never panics and Run
// always returns.
func FuzzPeerInbound(f *testing.F) {
	version := remoteVersion(wire.ProtocolVersion)
	version.Timestamp = 1_700_000_000
	version.Nonce = 42
	handshake := encode(version, &wire.MsgWTxIDRelay{}, &wire.MsgSendAddrV2{}, &wire.MsgVerAck{})
	inv := &wire.MsgInv{InvList: []wire.InvVect{{Type: wire.InvTypeWTx, Hash: wire.Hash{9}}}}
	f.Add([]byte{})
	f.Add([]byte("GET / HTTP/1.1\r\n\r\n"))
	f.Add(handshake)
	f.Add(append(handshake[:len(handshake):len(handshake)], encode(&wire.MsgPing{Nonce: 1}, &wire.MsgPong{Nonce: 2},
		&wire.MsgSendHeaders{}, &wire.MsgFeeFilter{FeeRate: 1000}, &wire.MsgSendCmpct{Announce: true, Version: 2},
		inv, &wire.MsgGetAddr{})...))
	f.Add(append(handshake[:len(handshake):len(handshake)], encode(version)...))
	f.Add(append(handshake[:len(handshake):len(handshake)], encode(&wire.MsgWTxIDRelay{})...))
	f.Add(append(encode(inv, &wire.MsgVerAck{}), handshake...))
	f.Add(frame(testMagic, "ping", []byte{1, 2, 3}, 3, false))
	f.Add(frame(testMagic, "ping", make([]byte, 8), 8, true))
	f.Add(frame(testMagic, "foo", nil, 0, false))
	f.Add(frame(testMagic, "block", nil, wire.MaxMessagePayload+1, false))
	f.Add(frame(0xd9b4bef9, "version", nil, 0, false))

	f.Fuzz(func(t *testing.T, data []byte) {
		local, remoteEnd := net.Pipe()
		cfg := testConfig(nil)
		cfg.HandshakeTimeout = time.Second
		p := New(local, true, wire.NetAddress{}, cfg)
		done := make(chan error, 1)
		go func() { done <- p.Run(context.Background()) }()
		drained := make(chan struct{})
		go func() {
			_, _ = io.Copy(io.Discard, remoteEnd)
			close(drained)
		}()
		_ = remoteEnd.SetWriteDeadline(time.Now().Add(waitLimit))
		_, _ = remoteEnd.Write(data)
		remoteEnd.Close()
		select {
		case err := <-done:
			if err == nil {
				t.Fatal("Run returned nil")
			}
		case <-time.After(waitLimit):
			p.Disconnect(nil)
			<-done
			t.Fatal("Run did not end after the remote closed")
		}
		<-drained
	})
}
