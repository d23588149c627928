package addrman

import (
	"bytes"
	"fmt"
	"io"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/bitnode/bitnode/wire"
)

// TestConcurrentUse runs every operation from 8 goroutines at once; run
// with -race. The tables must be consistent afterwards.
func TestConcurrentUse(t *testing.T) {
	m, c := newTestManager(t)
	bans := NewBans(BansConfig{Now: c.Now})
	fill(m, c.Now(), 500)
	snapshot := save(t, m)
	const workers, rounds = 8, 300
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range rounds {
				a := ipAt(fmt.Sprintf("%d.%d.7.%d", 1+w, i%250, 1+i%200), 8333, c.Now())
				m.Add([]wire.NetAddress{a}, ip(fmt.Sprintf("%d.9.9.9", 20+w), 0), time.Hour)
				switch i % 6 {
				case 0:
					m.Good(a)
				case 1:
					m.Attempt(a, true)
				case 2:
					m.Connected(a)
					m.SetServices(a, wire.SFNodeNetwork)
				case 3:
					m.ResolveCollisions()
					m.SelectTriedCollision()
				case 4:
					m.GetAddr(100, 23, nil)
					m.Size(ptrTo(wire.NetIPv4), ptrTo(true))
				case 5:
					if i%60 == 5 && w == 0 {
						if err := m.Load(bytes.NewReader(snapshot)); err != nil {
							t.Error(err)
						}
					} else {
						m.Save(io.Discard)
					}
				}
				m.Select(i%2 == 0)
				m.Select(false, wire.NetIPv4, wire.NetIPv6)
				host := netip.AddrFrom4([4]byte{byte(1 + w), byte(i), 7, 1})
				bans.Ban(HostPrefix(host), c.Now().Add(time.Hour), "test")
				bans.IsBanned(host)
				bans.Discourage(host)
				bans.IsDiscouraged(host)
				if i%50 == 0 {
					bans.List()
					bans.Sweep()
					bans.Save(io.Discard)
					c.Add(time.Minute)
				}
			}
		})
	}
	wg.Wait()
	mustCheck(t, m)
	if m.Len() == 0 || len(bans.List()) == 0 {
		t.Error("nothing stored")
	}
}
