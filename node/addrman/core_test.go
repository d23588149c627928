package addrman

import (
	"fmt"
	"testing"
	"time"

	"github.com/bitnode/bitnode/wire"
)

// These tests replay Bitcoin Core's addrman_tests.cpp: the same keys and
// addresses must give the same buckets, and the deterministic addrman the
// same collisions and sizes, which checks the hashing, the groups and the
// table rules byte for byte.

func tableWithKey(key [32]byte) *table {
	return newTable(key, nil, nil)
}

func keyFor(t *testing.T, na wire.NetAddress) netKey {
	t.Helper()
	k, ok := keyOf(&na)
	if !ok {
		t.Fatalf("bad address %v", na)
	}
	return k
}

func TestCoreTriedBucket(t *testing.T) {
	tb1, tb2 := tableWithKey(coreKey(1)), tableWithKey(coreKey(2))
	a1 := keyFor(t, ip("250.1.1.1", 8333))
	a2 := keyFor(t, ip("250.1.1.1", 9999))
	if got := tb1.triedBucket(&a1); got != 40 {
		t.Errorf("tried bucket of 250.1.1.1:8333 = %d, Core says 40", got)
	}
	if tb1.triedBucket(&a1) == tb2.triedBucket(&a1) {
		t.Error("the key does not change the tried bucket")
	}
	if tb1.triedBucket(&a1) == tb1.triedBucket(&a2) {
		t.Error("the port does not change the tried bucket")
	}
	cases := []struct {
		name   string
		addr   func(i int) string
		expect int
	}{
		{"same /16 spreads over exactly 8 buckets", func(i int) string { return fmt.Sprintf("250.1.1.%d", i) }, 8},
		{"different /16s spread over 160 buckets", func(i int) string { return fmt.Sprintf("250.%d.1.1", i) }, 160},
	}
	for _, c := range cases {
		buckets := map[int]bool{}
		for i := range 255 {
			k := keyFor(t, ip(c.addr(i), 0))
			buckets[tb1.triedBucket(&k)] = true
		}
		if len(buckets) != c.expect {
			t.Errorf("%s: %d buckets, Core says %d", c.name, len(buckets), c.expect)
		}
	}
}

func TestCoreNewBucket(t *testing.T) {
	tb1, tb2 := tableWithKey(coreKey(1)), tableWithKey(coreKey(2))
	a1 := keyFor(t, ip("250.1.2.1", 8333))
	a2 := keyFor(t, ip("250.1.2.1", 9999))
	src := a1.host()
	if got := tb1.newBucket(&a1, &src); got != 786 {
		t.Errorf("new bucket of 250.1.2.1:8333 = %d, Core says 786", got)
	}
	if tb1.newBucket(&a1, &src) == tb2.newBucket(&a1, &src) {
		t.Error("the key does not change the new bucket")
	}
	if tb1.newBucket(&a1, &src) != tb1.newBucket(&a2, &src) {
		t.Error("the port changes the new bucket")
	}
	count := func(n int, addr, source func(i int) string) int {
		buckets := map[int]bool{}
		for i := range n {
			k, s := keyFor(t, ip(addr(i), 0)), keyFor(t, ip(source(i), 0))
			buckets[tb1.newBucket(&k, &s)] = true
		}
		return len(buckets)
	}
	self := func(f func(int) string) func(int) string { return f }
	if n := count(255, self(func(i int) string { return fmt.Sprintf("250.1.1.%d", i) }),
		func(i int) string { return fmt.Sprintf("250.1.1.%d", i) }); n != 1 {
		t.Errorf("same group, same source group: %d buckets, want 1", n)
	}
	if n := count(4*255, func(j int) string { return fmt.Sprintf("%d.%d.1.1", 250+j/255, j%256) },
		func(int) string { return "251.4.1.1" }); n > newBucketsPerSourceGroup {
		t.Errorf("one source group: %d buckets, want at most 64", n)
	}
	if n := count(255, func(int) string { return "250.1.1.1" },
		func(p int) string { return fmt.Sprintf("250.%d.1.1", p) }); n <= newBucketsPerSourceGroup {
		t.Errorf("255 source groups: %d buckets, want more than 64", n)
	}
}

// TestCoreNewCollisions: with the deterministic key, 250.1.1.1-22 fill the
// new table without collision and 250.1.1.23 takes the place of an older
// (terrible: never stamped) entry.
func TestCoreNewCollisions(t *testing.T) {
	m, _ := newTestManager(t)
	source := ip("252.2.2.2", 0)
	n := 0
	for n < 22 {
		n++
		if m.Add([]wire.NetAddress{ip(fmt.Sprintf("250.1.1.%d", n), 0)}, source, 0) != 1 {
			t.Fatalf("250.1.1.%d not added", n)
		}
		if m.Len() != n {
			t.Fatalf("after 250.1.1.%d: %d addresses", n, m.Len())
		}
	}
	for _, want := range []int{22, 23} {
		n++
		if m.Add([]wire.NetAddress{ip(fmt.Sprintf("250.1.1.%d", n), 0)}, source, 0) != 1 {
			t.Fatalf("250.1.1.%d not added", n)
		}
		if m.Len() != want {
			t.Errorf("after 250.1.1.%d: %d addresses, Core has %d", n, m.Len(), want)
		}
	}
	mustCheck(t, m)
}

// TestCoreTriedCollisions: 250.1.1.1-35 move to tried; 36 collides with 19
// and waits (test-before-evict); ResolveCollisions keeps 19, which
// connected just now.
func TestCoreTriedCollisions(t *testing.T) {
	m, _ := newTestManager(t)
	source := ip("252.2.2.2", 0)
	for i := 1; i <= 35; i++ {
		a := ip(fmt.Sprintf("250.1.1.%d", i), 0)
		if m.Add([]wire.NetAddress{a}, source, 0) != 1 || !m.Good(a) {
			t.Fatalf("250.1.1.%d did not move to tried", i)
		}
		if _, _, ok := m.SelectTriedCollision(); ok {
			t.Fatalf("collision after 250.1.1.%d", i)
		}
	}
	for i := 1; i <= 35; i++ { // duplicates are no collisions
		if m.Good(ip(fmt.Sprintf("250.1.1.%d", i), 0)) {
			t.Fatalf("250.1.1.%d moved twice", i)
		}
	}
	a36 := ip("250.1.1.36", 0)
	if m.Add([]wire.NetAddress{a36}, source, 0) != 1 || m.Good(a36) {
		t.Fatal("250.1.1.36 should collide")
	}
	old, _, ok := m.SelectTriedCollision()
	if !ok || old.String() != "250.1.1.19:0" {
		t.Fatalf("collision incumbent %v %v, Core says 250.1.1.19:0", old.String(), ok)
	}
	m.ResolveCollisions()
	if _, _, ok := m.SelectTriedCollision(); ok {
		t.Error("collision still pending after ResolveCollisions")
	}
	if _, tried := refs(t, m, a36); tried {
		t.Error("250.1.1.36 evicted a peer that just connected")
	}
	a37 := ip("250.1.1.37", 0)
	if m.Add([]wire.NetAddress{a37}, source, 0) != 1 || !m.Good(a37) {
		t.Error("250.1.1.37 should move to tried")
	}
	mustCheck(t, m)
}

// TestCoreGetAddr replays addrman_getaddr: 2,047 addresses from their own
// /16s, every eighth moved to tried, leave 2,006 after collisions, and a
// 23% answer has 461.
func TestCoreGetAddr(t *testing.T) {
	m, c := newTestManager(t)
	now := c.Now()
	if got := m.GetAddr(0, 0, nil); len(got) != 0 {
		t.Fatalf("empty manager returned %d addresses", len(got))
	}
	a1, a2 := ipAt("250.250.2.1", 8333, now), ipAt("250.251.2.2", 9999, now)
	a3, a4, a5 := ipAt("251.252.2.3", 8333, now), ipAt("252.253.3.4", 8333, now), ipAt("252.254.4.5", 8333, now)
	m.Add([]wire.NetAddress{a1, a3, a5}, ip("250.1.2.1", 0), 0)
	m.Add([]wire.NetAddress{a2, a4}, ip("250.2.3.3", 0), 0)
	check := func(all, pct int) {
		t.Helper()
		if n := len(m.GetAddr(0, 0, nil)); n != all {
			t.Errorf("GetAddr(0, 0) = %d, want %d", n, all)
		}
		if n := len(m.GetAddr(2500, 23, nil)); n != pct {
			t.Errorf("GetAddr(2500, 23) = %d, want %d", n, pct)
		}
	}
	check(5, 1)
	if !m.Good(a1) || !m.Good(a2) {
		t.Fatal("Good failed")
	}
	check(5, 1)
	for i := 1; i < 8*256; i++ {
		a := ipAt(fmt.Sprintf("%d.%d.1.23", i%256, i>>8), 0, now)
		m.Add([]wire.NetAddress{a}, a, 0)
		if i%8 == 0 {
			m.Good(a)
		}
	}
	got := m.GetAddr(2500, 23, nil)
	if m.Len() != 2006 || len(got) != 461 || len(got) != m.Len()*23/100 {
		t.Errorf("size %d (Core 2006), GetAddr %d (Core 461)", m.Len(), len(got))
	}
	mustCheck(t, m)
}

// TestCoreSelectByNetwork replays addrman_select_by_network.
func TestCoreSelectByNetwork(t *testing.T) {
	m, _ := newTestManager(t)
	source := ip("252.2.2.2", 0)
	if _, _, ok := m.Select(true, wire.NetIPv4); ok {
		t.Fatal("selected from an empty manager")
	}
	a1 := ip("250.1.1.1", 8333)
	m.Add([]wire.NetAddress{a1}, source, 0)
	i2p := special(t, "udhdrtrcetjm5sxzskjyr5ztpeszydbh4dpl3pl4utgqqw2v4jna.b32.i2p", 0)
	if m.Add([]wire.NetAddress{i2p}, source, 0) != 1 {
		t.Fatal("I2P address not added")
	}
	sel := func(newOnly bool, nets ...wire.NetworkID) string {
		na, _, ok := m.Select(newOnly, nets...)
		if !ok {
			return ""
		}
		return na.String()
	}
	cases := []struct {
		newOnly bool
		nets    []wire.NetworkID
		want    string
	}{
		{true, []wire.NetworkID{wire.NetI2P}, i2p.String()},
		{false, []wire.NetworkID{wire.NetIPv4}, a1.String()},
		{false, []wire.NetworkID{wire.NetIPv6}, ""},
		{false, []wire.NetworkID{wire.NetTorV3}, ""},
		{false, []wire.NetworkID{wire.NetCJDNS}, ""},
		{false, []wire.NetworkID{wire.NetIPv6, wire.NetTorV3, wire.NetCJDNS}, ""},
	}
	for _, c := range cases {
		if got := sel(c.newOnly, c.nets...); got != c.want {
			t.Errorf("Select(%v, %v) = %q, want %q", c.newOnly, c.nets, got, c.want)
		}
	}
	if !m.Good(i2p) {
		t.Fatal("I2P address did not move to tried")
	}
	if sel(true, wire.NetI2P) != "" || sel(false, wire.NetI2P) != i2p.String() {
		t.Error("tried I2P address selection wrong")
	}
	i2p2 := special(t, "c4gfnttsuwqomiygupdqqqyy5y5emnk5c73hrfvatri67prd7vyq.b32.i2p", 0)
	m.Add([]wire.NetAddress{i2p2}, source, 0)
	seen := map[string]bool{}
	for range 256 {
		seen[sel(false, wire.NetI2P)] = true
	}
	if len(seen) != 2 || !seen[i2p.String()] || !seen[i2p2.String()] {
		t.Errorf("selection over both tables of I2P gave %v", seen)
	}
	mustCheck(t, m)
}

// TestCoreNewMultiplicity replays addrman_new_multiplicity: the same
// address relayed by many sources stays at one reference while its
// timestamp does not advance, and reaches (never exceeds) 8 when it does.
func TestCoreNewMultiplicity(t *testing.T) {
	m, c := newTestManager(t)
	start := c.Now()
	a := ipAt("253.3.3.3", 8333, start)
	for i := 1; i < 20; i++ {
		m.Add([]wire.NetAddress{a}, ip(fmt.Sprintf("%d.%d.1.1", i%256, i>>8), 0), 0)
	}
	if n, _ := refs(t, m, a); n != 1 || m.Len() != 1 {
		t.Fatalf("multiplicity %d, size %d; want 1, 1", n, m.Len())
	}
	for i := 1; i < 4000; i++ {
		a.Timestamp = uint32(start.Add(time.Duration(i) * time.Second).Unix())
		m.Add([]wire.NetAddress{a}, ip(fmt.Sprintf("%d.%d.1.1", i%256, i>>8), 0), 0)
		if n, _ := refs(t, m, a); n > MaxNewRefs {
			t.Fatalf("multiplicity %d exceeds %d", n, MaxNewRefs)
		}
	}
	if n, _ := refs(t, m, a); n != MaxNewRefs || m.Len() != 1 {
		t.Errorf("multiplicity %d, size %d; want %d, 1", n, m.Len(), MaxNewRefs)
	}
	mustCheck(t, m)
}
