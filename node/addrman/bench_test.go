package addrman

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/bitnode/bitnode/wire"
)

const benchAddrs = 100_000

// benchAddresses returns 100,000 distinct routable addresses, each with a
// relaying source from one of 1,000 groups.
func benchAddresses(now int64) (addrs, sources []wire.NetAddress) {
	for i := range benchAddrs {
		a := ip(fmt.Sprintf("%d.%d.%d.%d", 1+i%200, i/200%250, i/50000, 1+i%5), 8333)
		a.Timestamp = uint32(now)
		addrs = append(addrs, a)
		sources = append(sources, ip(fmt.Sprintf("%d.%d.1.1", 20+i%100, i%10), 0))
	}
	return addrs, sources
}

// loaded returns a manager that was offered 100,000 addresses and
// connected to every tenth.
func loaded(b *testing.B) *Manager {
	m, c := newTestManager(b)
	addrs, sources := benchAddresses(c.Now().Unix())
	for i := range addrs {
		m.Add(addrs[i:i+1], sources[i], 0)
		if i%10 == 0 {
			m.Good(addrs[i])
		}
	}
	return m
}

// BenchmarkAdd adds 100,000 addresses one at a time (as from addr
// messages of one entry), starting over with an empty manager each time
// all were added; ns/op is per address.
func BenchmarkAdd(b *testing.B) {
	c := newClock()
	addrs, sources := benchAddresses(c.Now().Unix())
	m := New(Config{Key: coreDeterministicKey, Now: c.Now})
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		if i == len(addrs) {
			b.StopTimer()
			m, i = New(Config{Key: coreDeterministicKey, Now: c.Now}), 0
			b.StartTimer()
		}
		m.Add(addrs[i:i+1], sources[i], 0)
		i++
	}
}

// BenchmarkAddBatch adds addresses 1,000 at a time (a full addr message);
// ns/op is per message.
func BenchmarkAddBatch(b *testing.B) {
	c := newClock()
	addrs, sources := benchAddresses(c.Now().Unix())
	m := New(Config{Key: coreDeterministicKey, Now: c.Now})
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		if i == len(addrs) {
			b.StopTimer()
			m, i = New(Config{Key: coreDeterministicKey, Now: c.Now}), 0
			b.StartTimer()
		}
		m.Add(addrs[i:i+1000], sources[i], 0)
		i += 1000
	}
}

func BenchmarkSelect(b *testing.B) {
	m := loaded(b)
	b.Logf("%d addresses (%d tried)", m.Len(), m.Size(nil, ptrTo(false)))
	cases := []struct {
		name    string
		newOnly bool
		nets    []wire.NetworkID
	}{
		{"any", false, nil},
		{"newOnly", true, nil},
		{"IPv4", false, []wire.NetworkID{wire.NetIPv4}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, ok := m.Select(c.newOnly, c.nets...); !ok {
					b.Fatal("nothing selected")
				}
			}
		})
	}
}

func BenchmarkGetAddr(b *testing.B) {
	m := loaded(b)
	b.ReportAllocs()
	for b.Loop() {
		if len(m.GetAddr(1000, 23, nil)) != 1000 {
			b.Fatal("short answer")
		}
	}
}

func BenchmarkSaveLoad(b *testing.B) {
	m := loaded(b)
	var buf bytes.Buffer
	m.Save(&buf)
	img := buf.Bytes()
	b.Logf("peers.dat of %d addresses: %d bytes", m.Len(), len(img))
	b.Run("save", func(b *testing.B) {
		for b.Loop() {
			buf.Reset()
			m.Save(&buf)
		}
	})
	b.Run("load", func(b *testing.B) {
		for b.Loop() {
			if err := m.Load(bytes.NewReader(img)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
