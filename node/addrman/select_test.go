package addrman

import (
	"fmt"
	"testing"
	"time"

	"github.com/bitnode/bitnode/wire"
)

func TestSelectEmpty(t *testing.T) {
	m, c := newTestManager(t)
	for _, newOnly := range []bool{false, true} {
		if _, _, ok := m.Select(newOnly); ok {
			t.Errorf("Select(%v) on an empty manager", newOnly)
		}
	}
	a := ipAt("8.8.8.8", 8333, c.Now())
	m.Add([]wire.NetAddress{a}, a, 0)
	m.Good(a)
	if _, _, ok := m.Select(true); ok {
		t.Error("Select(newOnly) returned a tried address")
	}
	na, lastTry, ok := m.Select(false)
	if !ok || na.String() != a.String() || !lastTry.Equal(c.Now()) {
		t.Errorf("Select = %v %v %v", na.String(), lastTry, ok)
	}
}

// TestSelectStatistics checks, with a fixed seed, that Select favours
// addresses as Core's GetChance says. Per draw an entry is accepted with
// probability GetChance × 1.2^rejections, so with equal numbers of fresh
// addresses, addresses that failed three times (chance 0.66³ = 0.29; they
// are terrible, yet still selectable) and addresses tried in the last ten
// minutes (chance 0.01), the expected ratios to fresh ones are 0.36 and
// 0.013. Selection never leaves the requested table or networks.
func TestSelectStatistics(t *testing.T) {
	m, c := newTestManager(t)
	now := c.Now()
	var good, failed, recent []wire.NetAddress
	for i := range 30 {
		good = append(good, ipAt(fmt.Sprintf("%d.1.1.1", 20+i), 8333, now))
		failed = append(failed, ipAt(fmt.Sprintf("%d.2.2.2", 60+i), 8333, now))
		recent = append(recent, ipAt(fmt.Sprintf("%d.3.3.3", 150+i), 8333, now))
	}
	for _, set := range [][]wire.NetAddress{good, failed, recent} {
		for _, a := range set {
			if m.Add([]wire.NetAddress{a}, a, 0) != 1 {
				t.Fatalf("%s not added", a.String())
			}
		}
	}
	other := ipAt("2001:4860::1", 8333, now)
	m.Add([]wire.NetAddress{other}, ip("200.1.1.1", 0), 0)
	c.Add(time.Hour)
	for _, a := range failed {
		for range 3 {
			c.Add(time.Second)
			m.Good(other) // a success elsewhere lets the next failure count
			c.Add(time.Second)
			m.Attempt(a, true)
		}
	}
	c.Add(time.Hour)
	for _, a := range recent {
		m.Attempt(a, false)
	}
	if n := len(m.GetAddr(0, 0, ptrTo(wire.NetIPv4))); n != len(good)+len(recent) {
		t.Fatalf("GetAddr returned %d: the failed addresses should be terrible", n)
	}
	class := map[string]string{}
	for _, a := range good {
		class[a.String()] = "good"
	}
	for _, a := range failed {
		class[a.String()] = "failed"
	}
	for _, a := range recent {
		class[a.String()] = "recent"
	}
	counts := map[string]int{}
	const draws = 20000
	for range draws {
		na, _, ok := m.Select(true, wire.NetIPv4)
		if !ok || class[na.String()] == "" {
			t.Fatalf("Select returned %v %v", na.String(), ok)
		}
		counts[class[na.String()]]++
	}
	ratio := func(k string) float64 { return float64(counts[k]) / float64(counts["good"]) }
	if r := ratio("failed"); r < 0.3 || r > 0.43 {
		t.Errorf("failed/good = %.3f, want about 0.36", r)
	}
	if r := ratio("recent"); r > 0.03 {
		t.Errorf("recent/good = %.3f, want about 0.01", r)
	}
	t.Logf("selection counts %v", counts)
}

func TestGetAddrCaps(t *testing.T) {
	m, c := newTestManager(t)
	fill(m, c.Now(), 10000)
	n := m.Len()
	if n < 8000 {
		t.Fatalf("only %d addresses stored", n)
	}
	ipv6 := wire.NetIPv6
	cases := []struct {
		name        string
		max, pct    int
		network     *wire.NetworkID
		want        int
		description string
	}{
		{"getaddr answer", 1000, 23, nil, 1000, "1000 cap beats 23%"},
		{"23%", 0, 23, nil, n * 23 / 100, "23% of all"},
		{"max only", 50, 0, nil, 50, ""},
		{"everything", 0, 0, nil, n, ""},
		{"pct over 100", 0, 250, nil, n, "clamped to 100%"},
		{"no IPv6", 0, 0, &ipv6, 0, ""},
	}
	for _, c := range cases {
		got := m.GetAddr(c.max, c.pct, c.network)
		if len(got) != c.want {
			t.Errorf("%s: %d addresses, want %d (%s)", c.name, len(got), c.want, c.description)
		}
		seen := map[string]bool{}
		for _, na := range got {
			if seen[na.String()] {
				t.Fatalf("%s: %s returned twice", c.name, na.String())
			}
			seen[na.String()] = true
		}
	}
	small, sc := newTestManager(t)
	fill(small, sc.Now(), 5)
	if got := small.GetAddr(1000, 23, nil); len(got) != 1 {
		t.Errorf("23%% of 5 = %d, want 1", len(got))
	}
	mustCheck(t, m)
}

func TestGetAddrSkipsTerribleAndFiltersNetworks(t *testing.T) {
	m, c := newTestManager(t)
	now := c.Now()
	fresh, stale := ipAt("8.8.8.8", 8333, now), ipAt("8.9.8.8", 8333, now.Add(-40*24*time.Hour))
	sixToFour := ipAt("2002:808:808::1", 8333, now) // 6to4: class IPv4, as in Core
	onion := special(t, onionName, 8333)
	onion.Timestamp = uint32(now.Unix())
	m.Add([]wire.NetAddress{fresh, stale, sixToFour, onion}, ip("1.1.1.1", 0), 0)
	names := func(list []wire.NetAddress) map[string]bool {
		out := map[string]bool{}
		for _, na := range list {
			out[na.String()] = true
		}
		return out
	}
	all := names(m.GetAddr(0, 0, nil))
	if len(all) != 3 || all[stale.String()] {
		t.Errorf("GetAddr = %v, want everything but the stale address", all)
	}
	v4 := names(m.GetAddr(0, 0, ptrTo(wire.NetIPv4)))
	if len(v4) != 2 || !v4[fresh.String()] || !v4[sixToFour.String()] {
		t.Errorf("GetAddr(IPv4) = %v", v4)
	}
	if tor := names(m.GetAddr(0, 0, ptrTo(wire.NetTorV3))); len(tor) != 1 || !tor[onion.String()] {
		t.Errorf("GetAddr(Tor) = %v", tor)
	}
}

// TestTestBeforeEvict walks ResolveCollisions through Core's cases, with
// 250.1.1.36 colliding with 250.1.1.19 under the deterministic key.
func TestTestBeforeEvict(t *testing.T) {
	cases := []struct {
		name string
		// setup runs after the collision is recorded at time T.
		setup       func(m *Manager, c *clock, old wire.NetAddress)
		wantNewIn   bool // 36 ended in tried
		wantPending bool // collision still pending
	}{
		{"incumbent connected recently: keep it", func(m *Manager, c *clock, old wire.NetAddress) {}, false, false},
		{"incumbent failed its test: replace", func(m *Manager, c *clock, old wire.NetAddress) {
			c.Add(5 * time.Hour)
			m.Attempt(old, true)
			c.Add(2 * time.Minute)
		}, true, false},
		{"test under way: wait", func(m *Manager, c *clock, old wire.NetAddress) {
			c.Add(5 * time.Hour)
			m.Attempt(old, true)
			c.Add(30 * time.Second)
		}, false, true},
		{"no test within 40 minutes: replace anyway", func(m *Manager, c *clock, old wire.NetAddress) {
			c.Add(5 * time.Hour)
		}, true, false},
		{"incumbent reconnected during the test: keep it", func(m *Manager, c *clock, old wire.NetAddress) {
			c.Add(5 * time.Hour)
			m.Attempt(old, true)
			m.Good(old)
			c.Add(2 * time.Minute)
		}, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, c := newTestManager(t)
			source := ip("252.2.2.2", 0)
			for i := 1; i <= 36; i++ {
				a := ip(fmt.Sprintf("250.1.1.%d", i), 0)
				m.Add([]wire.NetAddress{a}, source, 0)
				m.Good(a)
			}
			old, a36 := ip("250.1.1.19", 0), ip("250.1.1.36", 0)
			if got, _, ok := m.SelectTriedCollision(); !ok || got.String() != old.String() {
				t.Fatalf("no collision with 250.1.1.19: %v %v", got.String(), ok)
			}
			tc.setup(m, c, old)
			m.ResolveCollisions()
			_, newIn := refs(t, m, a36)
			_, oldIn := refs(t, m, old)
			_, _, pending := m.SelectTriedCollision()
			if newIn != tc.wantNewIn || oldIn == tc.wantNewIn || pending != tc.wantPending {
				t.Errorf("36 tried %v, 19 tried %v, pending %v; want %v, %v, %v",
					newIn, oldIn, pending, tc.wantNewIn, !tc.wantNewIn, tc.wantPending)
			}
			if tc.wantNewIn && m.Len() != 36 {
				t.Errorf("evicted incumbent lost: size %d", m.Len())
			}
			mustCheck(t, m)
		})
	}
}

func TestCollisionListBounded(t *testing.T) {
	m, _ := newTestManager(t)
	source := ip("252.2.2.2", 0)
	for i := 1; i <= 250; i++ {
		a := ip(fmt.Sprintf("250.1.%d.%d", i%4, i), 0)
		m.Add([]wire.NetAddress{a}, source, 0)
		m.Good(a)
	}
	if n := len(m.t.collisions); n == 0 || n > maxCollisions {
		t.Errorf("%d pending collisions, want 1..%d", n, maxCollisions)
	}
	mustCheck(t, m)
}
