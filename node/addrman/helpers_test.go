package addrman

import (
	"crypto/sha256"
	"encoding/base32"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bitnode/bitnode/wire"
)

// clock is a settable time source for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Unix(1_700_000_000, 0)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// coreDeterministicKey is the key of Core's deterministic test addrman,
// uint256{1}.
var coreDeterministicKey = [32]byte{1}

// coreKey returns Core's test keys (HashWriter{} << n).GetHash(): the
// double SHA-256 of n as a little-endian int32.
func coreKey(n byte) [32]byte {
	h := sha256.Sum256([]byte{n, 0, 0, 0})
	return sha256.Sum256(h[:])
}

// newTestManager returns a manager with Core's deterministic key, a fixed
// seed and a settable clock.
func newTestManager(t testing.TB) (*Manager, *clock) {
	t.Helper()
	c := newClock()
	return New(Config{Key: coreDeterministicKey, Seed: [32]byte{42}, Now: c.Now}), c
}

// ip returns an IPv4 or IPv6 address with a port, stamped with ts.
func ip(s string, port uint16) wire.NetAddress {
	return wire.NewNetAddress(netip.AddrPortFrom(netip.MustParseAddr(s), port), 0)
}

func ipAt(s string, port uint16, ts time.Time) wire.NetAddress {
	na := ip(s, port)
	na.Timestamp = uint32(ts.Unix())
	return na
}

// special parses a .onion or .b32.i2p name.
func special(t testing.TB, name string, port uint16) wire.NetAddress {
	t.Helper()
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	switch {
	case strings.HasSuffix(name, ".onion"):
		raw, err := enc.DecodeString(strings.ToUpper(strings.TrimSuffix(name, ".onion")))
		if err != nil || len(raw) != 35 {
			t.Fatalf("bad onion %q: %v", name, err)
		}
		return wire.NetAddress{Network: wire.NetTorV3, Addr: raw[:32], Port: port}
	case strings.HasSuffix(name, ".b32.i2p"):
		raw, err := enc.DecodeString(strings.ToUpper(strings.TrimSuffix(name, ".b32.i2p")))
		if err != nil || len(raw) != 32 {
			t.Fatalf("bad i2p %q: %v", name, err)
		}
		return wire.NetAddress{Network: wire.NetI2P, Addr: raw, Port: port}
	}
	t.Fatalf("unknown special name %q", name)
	return wire.NetAddress{}
}

func cjdns(s string, port uint16) wire.NetAddress {
	na := ip(s, port)
	na.Network = wire.NetCJDNS
	return na
}

// mustCheck fails the test if the tables are inconsistent.
func mustCheck(t testing.TB, m *Manager) {
	t.Helper()
	m.mu.Lock()
	err := m.t.check()
	m.mu.Unlock()
	if err != nil {
		t.Fatalf("consistency check: %v", err)
	}
}

// refs returns how many new-table positions addr holds (Core's
// AddressPosition multiplicity) and whether it is in the tried table.
func refs(t testing.TB, m *Manager, na wire.NetAddress) (int, bool) {
	t.Helper()
	k, ok := keyOf(&na)
	if !ok {
		t.Fatalf("bad address %v", na)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	_, e := m.t.find(&k)
	if e == nil {
		return 0, false
	}
	return int(e.refCount), e.inTried
}

func ptrTo[T any](v T) *T { return &v }

func addrString(na wire.NetAddress) string { return na.String() }
