package addrman

import (
	"cmp"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"log/slog"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/bitnode/bitnode/wire"
)

// DefaultBanTime is how long a ban lasts when no end is given (Core's
// -bantime default, DEFAULT_MISBEHAVING_BANTIME).
const DefaultBanTime = 24 * time.Hour

// Sizing of the discouragement filter (Core's BanMan::m_discouraged).
const (
	discourageCapacity = 50000
	discourageFPRate   = 0.000001
)

// BansConfig configures a ban list.
type BansConfig struct {
	// Now returns the current time; defaults to time.Now.
	Now func() time.Time
	// DefaultBanTime is the length of a ban given no end; defaults to
	// DefaultBanTime.
	DefaultBanTime time.Duration
	// Logger receives messages about dropped entries; nil discards them.
	Logger *slog.Logger
}

// Bans is Bitcoin Core's BanMan: manual bans of addresses and subnets with
// an expiry (setban, listbanned, clearbanned, persisted in banlist.json),
// and discouragement, a rolling bloom filter of roughly the last 50,000
// misbehaving addresses. A banned address may not connect at all; a
// discouraged one may connect inbound only when a slot is free, and is the
// first to be evicted (the connection manager's policy). Discouragement is
// not persisted. Bans is safe for concurrent use.
type Bans struct {
	mu          sync.Mutex
	now         func() time.Time
	defaultTime time.Duration
	log         *slog.Logger
	banned      map[netip.Prefix]banEntry
	discouraged *rollingBloom
	dirty       bool
}

type banEntry struct {
	created, until int64 // Unix seconds
	reason         string
}

// BanEntry is one ban as Core's listbanned reports it.
type BanEntry struct {
	// Subnet is the banned address range (a single address is a /32 or
	// /128 prefix).
	Subnet netip.Prefix `json:"-"`
	// Address is Subnet as Core prints it, e.g. "1.2.3.4/32".
	Address       string `json:"address"`
	BanCreated    int64  `json:"ban_created"`
	BannedUntil   int64  `json:"banned_until"`
	BanDuration   int64  `json:"ban_duration"`
	TimeRemaining int64  `json:"time_remaining"`
	// Reason is the caller's note; not part of listbanned.
	Reason string `json:"-"`
}

// NewBans returns an empty ban list.
func NewBans(cfg BansConfig) *Bans {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.DefaultBanTime <= 0 {
		cfg.DefaultBanTime = DefaultBanTime
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	var tweak [4]byte
	rand.Read(tweak[:])
	return &Bans{
		now:         cfg.Now,
		defaultTime: cfg.DefaultBanTime,
		log:         cfg.Logger,
		banned:      make(map[netip.Prefix]banEntry),
		discouraged: newRollingBloom(discourageCapacity, discourageFPRate, binary.LittleEndian.Uint32(tweak[:])),
	}
}

// normalizePrefix returns p masked, without a zone, and with an
// IPv4-mapped IPv6 prefix of /96 or longer turned into the IPv4 prefix.
func normalizePrefix(p netip.Prefix) (netip.Prefix, bool) {
	if !p.IsValid() {
		return netip.Prefix{}, false
	}
	a, bitsN := p.Addr().WithZone(""), p.Bits()
	if a.Is4In6() && bitsN >= 96 {
		a, bitsN = a.Unmap(), bitsN-96
	}
	return netip.PrefixFrom(a, bitsN).Masked(), true
}

// HostPrefix returns the single-address prefix of addr (/32 or /128).
func HostPrefix(addr netip.Addr) netip.Prefix {
	addr = addr.Unmap().WithZone("")
	return netip.PrefixFrom(addr, addr.BitLen())
}

// Ban bans a subnet until the given time (the zero Time: DefaultBanTime
// from now). As in Core, an existing ban of the same subnet is only ever
// extended, never shortened; an end already past changes nothing.
func (b *Bans) Ban(subnet netip.Prefix, until time.Time, reason string) error {
	p, ok := normalizePrefix(subnet)
	if !ok {
		return fmt.Errorf("invalid subnet %v", subnet)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if until.IsZero() {
		until = now.Add(b.defaultTime)
	}
	u := until.Unix()
	if u <= now.Unix() || b.banned[p].until >= u {
		return nil
	}
	b.banned[p] = banEntry{created: now.Unix(), until: u, reason: reason}
	b.dirty = true
	b.log.Info("banned", "subnet", p.String(), "until", until.UTC().Format(time.RFC3339), "reason", reason)
	return nil
}

// Unban lifts the ban of exactly this subnet, reporting whether there was
// one (Core's setban remove fails otherwise).
func (b *Bans) Unban(subnet netip.Prefix) bool {
	p, ok := normalizePrefix(subnet)
	if !ok {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.banned[p]; !ok {
		return false
	}
	delete(b.banned, p)
	b.dirty = true
	return true
}

// IsBanned reports whether an unexpired ban covers addr (an IPv4-mapped
// address counts as IPv4).
func (b *Bans) IsBanned(addr netip.Addr) bool {
	if !addr.IsValid() {
		return false
	}
	addr = addr.Unmap().WithZone("")
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now().Unix()
	for p, e := range b.banned {
		if now < e.until && p.Contains(addr) {
			return true
		}
	}
	return false
}

// IsSubnetBanned reports whether exactly this subnet has an unexpired ban
// (setban add refuses to ban it again).
func (b *Bans) IsSubnetBanned(subnet netip.Prefix) bool {
	p, ok := normalizePrefix(subnet)
	if !ok {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	e, ok := b.banned[p]
	return ok && b.now().Unix() < e.until
}

// List returns the unexpired bans in Core's order (IPv4 before IPv6, then
// by address and prefix length), after sweeping expired ones.
func (b *Bans) List() []BanEntry {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now().Unix()
	b.sweep(now)
	out := make([]BanEntry, 0, len(b.banned))
	for p, e := range b.banned {
		out = append(out, BanEntry{
			Subnet: p, Address: p.String(), BanCreated: e.created, BannedUntil: e.until,
			BanDuration: e.until - e.created, TimeRemaining: e.until - now, Reason: e.reason,
		})
	}
	slices.SortFunc(out, func(x, y BanEntry) int {
		return cmp.Or(x.Subnet.Addr().Compare(y.Subnet.Addr()), cmp.Compare(x.Subnet.Bits(), y.Subnet.Bits()))
	})
	return out
}

// Clear removes every ban (clearbanned). Discouragement is kept.
func (b *Bans) Clear() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.banned) > 0 {
		clear(b.banned)
		b.dirty = true
	}
}

// Sweep removes expired bans and returns how many it removed. Core sweeps
// before listing and saving; call it periodically as well.
func (b *Bans) Sweep() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sweep(b.now().Unix())
}

func (b *Bans) sweep(now int64) int {
	n := 0
	for p, e := range b.banned {
		if now > e.until {
			delete(b.banned, p)
			b.log.Debug("ban expired", "subnet", p.String())
			n++
		}
	}
	if n > 0 {
		b.dirty = true
	}
	return n
}

// Dirty reports whether the list changed since it was last saved or
// loaded.
func (b *Bans) Dirty() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.dirty
}

// discourageKey is Core's CNetAddr::GetAddrBytes of an IP address.
func discourageKey(addr netip.Addr) [16]byte {
	return addr.Unmap().WithZone("").As16()
}

// Discourage records a misbehaving address (Core's Misbehaving leads
// here, not to a ban).
func (b *Bans) Discourage(addr netip.Addr) {
	if !addr.IsValid() {
		return
	}
	key := discourageKey(addr)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.discouraged.insert(key[:])
}

// IsDiscouraged reports whether addr was discouraged recently (false
// positives about one in a million).
func (b *Bans) IsDiscouraged(addr netip.Addr) bool {
	if !addr.IsValid() {
		return false
	}
	key := discourageKey(addr)
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.discouraged.contains(key[:])
}

// DiscourageAddress is Discourage for any network (Tor, I2P and CJDNS
// peers are discouraged by their overlay address).
func (b *Bans) DiscourageAddress(na wire.NetAddress) {
	k, ok := keyOf(&na)
	if !ok {
		return
	}
	var buf [maxAddrLen + 12]byte
	key := appendAddrBytes(buf[:0], &k)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.discouraged.insert(key)
}

// IsAddressDiscouraged is IsDiscouraged for any network.
func (b *Bans) IsAddressDiscouraged(na wire.NetAddress) bool {
	k, ok := keyOf(&na)
	if !ok {
		return false
	}
	var buf [maxAddrLen + 12]byte
	key := appendAddrBytes(buf[:0], &k)
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.discouraged.contains(key)
}

// ClearDiscouraged forgets every discouraged address.
func (b *Bans) ClearDiscouraged() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.discouraged.reset()
}
