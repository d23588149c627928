package addrman

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/bitnode/bitnode/wire"
)

func TestAddRejects(t *testing.T) {
	cases := []struct {
		name string
		addr wire.NetAddress
	}{
		{"private", ip("192.168.1.1", 8333)},
		{"loopback", ip("127.0.0.1", 8333)},
		{"IPv6 documentation", ip("2001:db8::1", 8333)},
		{"Tor v2", wire.NetAddress{Network: wire.NetTorV2, Addr: make([]byte, 10)}},
		{"unknown network", wire.NetAddress{Network: 42, Addr: []byte{1, 2, 3}}},
		{"wrong length", wire.NetAddress{Network: wire.NetIPv4, Addr: []byte{8, 8, 8}}},
		{"zero value", wire.NetAddress{}},
	}
	m, _ := newTestManager(t)
	for _, c := range cases {
		if n := m.Add([]wire.NetAddress{c.addr}, ip("8.8.8.8", 0), 0); n != 0 {
			t.Errorf("%s: added %d", c.name, n)
		}
	}
	if m.Len() != 0 {
		t.Errorf("size %d after rejected adds", m.Len())
	}
	// A malformed source is Core's default (unroutable) source.
	if m.Add([]wire.NetAddress{ip("8.8.8.8", 8333)}, wire.NetAddress{Network: 77}, 0) != 1 {
		t.Error("address with a malformed source was not added")
	}
	mustCheck(t, m)
}

// fill adds n addresses from distinct /16s, each announced by a source
// from a handful of groups, with the current time.
func fill(m *Manager, now time.Time, n int) {
	batch := make([]wire.NetAddress, 0, 100)
	for i := 0; i < n; i++ {
		batch = append(batch, ipAt(fmt.Sprintf("%d.%d.%d.%d", 1+i%200, i/200%250, i/50000%250, 1+i%7), 8333, now))
		if len(batch) == cap(batch) || i == n-1 {
			m.Add(batch, ip(fmt.Sprintf("%d.1.1.1", 11+(i/100)%50), 0), 0)
			batch = batch[:0]
		}
	}
}

func TestAddSpreadsDeterministically(t *testing.T) {
	encode := func(key [32]byte) ([]byte, int, int) {
		c := newClock()
		m := New(Config{Key: key, Seed: [32]byte{7}, Now: c.Now})
		fill(m, c.Now(), 20000)
		mustCheck(t, m)
		used, maxLoad := 0, 0
		for b := range m.t.newT {
			load := 0
			for _, id := range m.t.newT[b] {
				if id >= 0 {
					load++
				}
			}
			if load > 0 {
				used++
			}
			maxLoad = max(maxLoad, load)
		}
		return m.t.encode(), used, maxLoad
	}
	a, usedA, maxA := encode(coreDeterministicKey)
	b, _, _ := encode(coreDeterministicKey)
	c, _, _ := encode(coreKey(9))
	if !bytes.Equal(a, b) {
		t.Error("the same key and input gave different tables")
	}
	if bytes.Equal(a[headerSize:], c[headerSize:]) {
		t.Error("a different key gave the same placement")
	}
	// 50 source groups, each spread over at most 64 buckets: at most
	// 3,200 buckets, and in practice most of the 1,024.
	if usedA < 900 || maxA > BucketSize {
		t.Errorf("%d of %d new buckets used, fullest holds %d", usedA, NewBucketCount, maxA)
	}
}

// TestOneSourceGroupBounded: however many addresses one /16 relays, they
// land in at most 64 new buckets, so one group of peers cannot evict the
// rest of the table.
func TestOneSourceGroupBounded(t *testing.T) {
	m, c := newTestManager(t)
	var batch []wire.NetAddress
	for i := range 20000 {
		batch = append(batch, ipAt(fmt.Sprintf("%d.%d.%d.1", 1+i%200, i/200%250, i%7), 8333, c.Now()))
	}
	for i := 0; i < len(batch); i += 1000 {
		m.Add(batch[i:i+1000], ip(fmt.Sprintf("66.6.%d.%d", i%250, i/250), 0), 0)
	}
	buckets := map[int]bool{}
	for b := range m.t.newT {
		for _, id := range m.t.newT[b] {
			if id >= 0 {
				buckets[b] = true
			}
		}
	}
	if len(buckets) > newBucketsPerSourceGroup || m.Len() > newBucketsPerSourceGroup*BucketSize {
		t.Errorf("one source group fills %d buckets with %d addresses", len(buckets), m.Len())
	}
	mustCheck(t, m)
}

func TestAddTimestamps(t *testing.T) {
	m, c := newTestManager(t)
	now := c.Now()
	src := ip("9.9.9.9", 0)
	relayed, self := ipAt("8.8.8.8", 8333, now), ipAt("9.9.9.9", 8333, now)
	m.Add([]wire.NetAddress{relayed, self}, src, 2*time.Hour)
	stamp := func(na wire.NetAddress) int64 {
		k := keyFor(t, na)
		_, e := m.t.find(&k)
		return e.time
	}
	if got := stamp(relayed); got != now.Unix()-7200 {
		t.Errorf("relayed address stamped %d, want now-2h", got-now.Unix())
	}
	if got := stamp(self); got != now.Unix() {
		t.Errorf("self-announcement stamped %d, want now (no penalty)", got-now.Unix())
	}
	// An online address's time is refreshed at most hourly.
	relayed.Timestamp = uint32(now.Unix() - 7200 + 1800)
	m.Add([]wire.NetAddress{relayed}, src, 0)
	if got := stamp(relayed); got != now.Unix()-7200 {
		t.Errorf("refreshed within the hour, to now%+d", got-now.Unix())
	}
	relayed.Timestamp = uint32(now.Unix())
	relayed.Services = wire.SFNodeWitness
	m.Add([]wire.NetAddress{relayed}, src, 0)
	if got := stamp(relayed); got != now.Unix() {
		t.Errorf("not refreshed after 2 hours: now%+d", got-now.Unix())
	}
	k := keyFor(t, relayed)
	if _, e := m.t.find(&k); e.services != wire.SFNodeWitness {
		t.Errorf("services %v, want WITNESS merged in", e.services)
	}
	mustCheck(t, m)
}

func TestGoodMovesToTried(t *testing.T) {
	m, c := newTestManager(t)
	a, b := ipAt("8.8.8.8", 8333, c.Now()), ipAt("2001:4860::8888", 8333, c.Now())
	m.Add([]wire.NetAddress{a, b}, ip("9.9.9.9", 0), 0)
	ipv4 := wire.NetIPv4
	if m.Size(nil, ptrTo(true)) != 2 || m.Size(nil, ptrTo(false)) != 0 {
		t.Fatal("both should start in new")
	}
	if m.Good(ip("8.8.8.8", 9999)) {
		t.Error("Good with another port moved the address")
	}
	if !m.Good(a) {
		t.Fatal("Good did not move the address")
	}
	if m.Good(a) {
		t.Error("Good moved an address twice")
	}
	sizes := []struct {
		net   *wire.NetworkID
		inNew *bool
		want  int
	}{
		{nil, nil, 2}, {nil, ptrTo(true), 1}, {nil, ptrTo(false), 1},
		{&ipv4, nil, 1}, {&ipv4, ptrTo(true), 0}, {&ipv4, ptrTo(false), 1},
		{ptrTo(wire.NetIPv6), ptrTo(true), 1}, {ptrTo(wire.NetTorV3), nil, 0},
	}
	for _, s := range sizes {
		if got := m.Size(s.net, s.inNew); got != s.want {
			t.Errorf("Size(%v, %v) = %d, want %d", s.net, s.inNew, got, s.want)
		}
	}
	for range 50 {
		if na, _, ok := m.Select(true); !ok || na.Host() != "2001:4860::8888" {
			t.Fatalf("Select(newOnly) = %v %v", na.String(), ok)
		}
	}
	if n := m.Add([]wire.NetAddress{a}, ip("1.1.1.1", 0), 0); n != 0 {
		t.Error("a tried address was added to new again")
	}
	mustCheck(t, m)
}

func TestIsTerrible(t *testing.T) {
	const now = 1_700_000_000
	day := int64(24 * 3600)
	cases := []struct {
		name string
		e    entry
		want bool
	}{
		{"fresh", entry{time: now}, false},
		{"from the future", entry{time: now + 11*60}, true},
		{"slightly ahead", entry{time: now + 9*60}, false},
		{"30 days old", entry{time: now - 30*day}, false},
		{"31 days old", entry{time: now - 31*day}, true},
		{"3 failures, never connected", entry{time: now, attempts: 3}, true},
		{"2 failures, never connected", entry{time: now, attempts: 2}, false},
		{"10 failures, success 8 days ago", entry{time: now, attempts: 10, lastSuccess: now - 8*day}, true},
		{"9 failures, success 8 days ago", entry{time: now, attempts: 9, lastSuccess: now - 8*day}, false},
		{"10 failures, success 6 days ago", entry{time: now, attempts: 10, lastSuccess: now - 6*day}, false},
		{"old but tried a minute ago", entry{time: now - 60*day, lastTry: now - 60}, false},
		{"old, tried 61 s ago", entry{time: now - 60*day, lastTry: now - 61}, true},
	}
	for _, c := range cases {
		if got := c.e.isTerrible(now); got != c.want {
			t.Errorf("%s: isTerrible = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestChance(t *testing.T) {
	const now = 1_700_000_000
	cases := []struct {
		e    entry
		want float64
	}{
		{entry{}, 1},
		{entry{lastTry: now - 60}, 0.01},
		{entry{lastTry: now - 601}, 1},
		{entry{attempts: 1}, 0.66},
		{entry{attempts: 20}, 0.0360040606},
	}
	for _, c := range cases {
		if got := c.e.chance(now); got < c.want*0.9999 || got > c.want*1.0001 {
			t.Errorf("chance(%+v) = %v, want %v", c.e, got, c.want)
		}
	}
}

// TestAttemptCountsOncePerGood: failures count only if some peer was
// good since the last counted failure (an outage of our own does not make
// every address terrible).
func TestAttemptCountsOncePerGood(t *testing.T) {
	m, c := newTestManager(t)
	a, good := ipAt("8.8.8.8", 8333, c.Now()), ipAt("1.1.1.1", 8333, c.Now())
	m.Add([]wire.NetAddress{a, good}, ip("9.9.9.9", 0), 0)
	attempts := func() int32 {
		k := keyFor(t, a)
		_, e := m.t.find(&k)
		return e.attempts
	}
	for range 5 {
		c.Add(time.Minute)
		m.Attempt(a, true)
	}
	if attempts() != 1 {
		t.Fatalf("%d failures counted without a good peer in between, want 1", attempts())
	}
	for range 3 {
		c.Add(time.Minute)
		m.Good(good)
		c.Add(time.Minute)
		m.Attempt(a, true)
		m.Attempt(a, false)
	}
	if attempts() != 4 {
		t.Errorf("%d failures, want 4", attempts())
	}
	c.Add(2 * time.Minute)
	if len(m.GetAddr(0, 0, nil)) != 1 {
		t.Error("an address failing 4 times and never connecting should be terrible")
	}
}

func TestConnectedAndSetServices(t *testing.T) {
	m, c := newTestManager(t)
	a := ipAt("8.8.8.8", 8333, c.Now())
	m.Add([]wire.NetAddress{a}, a, 0)
	c.Add(10 * time.Minute)
	m.Connected(a)
	get := func() wire.NetAddress { na, _, _ := m.Select(false); return na }
	if got := get(); int64(got.Timestamp) != c.Now().Unix()-600 {
		t.Error("Connected refreshed the time within 20 minutes")
	}
	c.Add(11 * time.Minute)
	m.Connected(a)
	if got := get(); int64(got.Timestamp) != c.Now().Unix() {
		t.Error("Connected did not refresh the time after 21 minutes")
	}
	m.SetServices(a, wire.SFNodeNetwork|wire.SFNodeWitness)
	if got := get(); got.Services != wire.SFNodeNetwork|wire.SFNodeWitness {
		t.Errorf("services %v", got.Services)
	}
	m.Connected(ip("1.1.1.1", 1))
	m.SetServices(ip("1.1.1.1", 1), 1)
	m.Attempt(ip("1.1.1.1", 1), true)
	if m.Len() != 1 {
		t.Error("unknown addresses were added")
	}
}
