package peer

import (
	"testing"

	"github.com/bitnode/bitnode/wire"
)

// benchHandler calls onMessage and signals readiness, keeping nothing.
type benchHandler struct {
	ready     chan struct{}
	onMessage func(*Peer, wire.Message)
}

func (h *benchHandler) OnReady(*Peer) { close(h.ready) }
func (h *benchHandler) OnMessage(p *Peer, m wire.Message) {
	if h.onMessage != nil {
		h.onMessage(p, m)
	}
}
func (h *benchHandler) OnDisconnect(*Peer, error) {}

// benchPair connects two peers over loopback TCP; the second answers every
// inv with a getdata for the same items.
func benchPair(b *testing.B, onInv func(*Peer, wire.Message), onGetData func(*Peer, wire.Message)) *Peer {
	client, server := tcpPair(b)
	ra := &benchHandler{ready: make(chan struct{}), onMessage: onGetData}
	rb := &benchHandler{ready: make(chan struct{}), onMessage: onInv}
	pa := New(client, false, wire.NetAddress{}, testConfig(ra))
	pb := New(server, true, wire.NetAddress{}, testConfig(rb))
	done := make(chan struct{}, 2)
	for _, p := range []*Peer{pa, pb} {
		go func() {
			_ = p.Run(b.Context())
			done <- struct{}{}
		}()
	}
	b.Cleanup(func() {
		pa.Disconnect(nil)
		<-done
		<-done
	})
	<-ra.ready
	<-rb.ready
	return pa
}

// BenchmarkInvRoundTrip measures sequential inv → getdata round trips over
// loopback TCP: latency through both peers' read and write loops.
func BenchmarkInvRoundTrip(b *testing.B) {
	got := make(chan struct{}, 1)
	pa := benchPair(b,
		func(p *Peer, m wire.Message) {
			_ = p.Send(&wire.MsgGetData{InvList: m.(*wire.MsgInv).InvList})
		},
		func(*Peer, wire.Message) { got <- struct{}{} })
	inv := &wire.MsgInv{InvList: []wire.InvVect{{Type: wire.InvTypeWTx, Hash: wire.Hash{1}}}}
	b.ResetTimer()
	for b.Loop() {
		if err := pa.Send(inv); err != nil {
			b.Fatal(err)
		}
		<-got
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "roundtrips/s")
}

// BenchmarkInvThroughput measures pipelined inv messages (one item each)
// over loopback TCP, with at most window messages in flight.
func BenchmarkInvThroughput(b *testing.B) {
	const window = 512
	credits := make(chan struct{}, window)
	for range window {
		credits <- struct{}{}
	}
	pa := benchPair(b, func(*Peer, wire.Message) { credits <- struct{}{} }, nil)
	inv := &wire.MsgInv{InvList: []wire.InvVect{{Type: wire.InvTypeWTx, Hash: wire.Hash{1}}}}
	b.ResetTimer()
	for b.Loop() {
		<-credits
		if err := pa.Send(inv); err != nil {
			b.Fatal(err)
		}
	}
	for range window {
		<-credits
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
