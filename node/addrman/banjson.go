package addrman

import (
	"encoding/json"
	"fmt"
	"io"
	"math/bits"
	"net/netip"
	"os"
	"strconv"
	"strings"
)

// banJSONVersion is CBanEntry::CURRENT_VERSION; entries of other versions
// are dropped on load, as Core does.
const banJSONVersion = 1

// MaxBanListSize bounds what Bans.Load reads.
const MaxBanListSize = 32 << 20

// banFile is banlist.json as Bitcoin Core (v22+) writes it:
//
//	{
//	    "banned_nets": [
//	        {
//	            "version": 1,
//	            "ban_created": 1700000000,
//	            "banned_until": 1700086400,
//	            "address": "1.2.3.4/32"
//	        }
//	    ]
//	}
//
// A non-empty reason is written as an extra "reason" key, which Core's
// reader ignores.
type banFile struct {
	BannedNets []banJSON `json:"banned_nets"`
}

type banJSON struct {
	Version     *int    `json:"version"`
	BanCreated  *int64  `json:"ban_created"`
	BannedUntil *int64  `json:"banned_until"`
	Address     *string `json:"address"`
	Reason      string  `json:"reason,omitempty"`
}

// Save writes the unexpired bans as banlist.json, in Core's format.
func (b *Bans) Save(w io.Writer) error {
	list := b.List()
	f := banFile{BannedNets: make([]banJSON, len(list))}
	for i, e := range list {
		f.BannedNets[i] = banJSON{Version: ptr(banJSONVersion), BanCreated: ptr(e.BanCreated),
			BannedUntil: ptr(e.BannedUntil), Address: ptr(e.Address), Reason: e.Reason}
	}
	out, err := json.MarshalIndent(f, "", "    ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(out, '\n'))
	return err
}

func ptr[T any](v T) *T { return &v }

// Load replaces the bans with those of a banlist.json. As in Core, an
// entry of an unknown version or with an unparseable address (including
// Tor and I2P addresses, which this list cannot hold) is dropped with a
// warning, expired bans are swept, and a file that is not such JSON at all
// fails the load and leaves the list unchanged.
func (b *Bans) Load(r io.Reader) error {
	data, err := io.ReadAll(io.LimitReader(r, MaxBanListSize+1))
	if err != nil {
		return err
	}
	if len(data) > MaxBanListSize {
		return newError(ErrTooLarge, "banlist.json: larger than %d bytes", MaxBanListSize)
	}
	var f banFile
	if err := json.Unmarshal(data, &f); err != nil {
		return newError(ErrCorrupt, "banlist.json: %v", err)
	}
	if f.BannedNets == nil {
		return newError(ErrCorrupt, "banlist.json: no banned_nets array")
	}
	banned := make(map[netip.Prefix]banEntry, len(f.BannedNets))
	for i, e := range f.BannedNets {
		if e.Version == nil || e.BanCreated == nil || e.BannedUntil == nil || e.Address == nil {
			return newError(ErrCorrupt, "banlist.json: entry %d lacks version, ban_created, banned_until or address", i)
		}
		if *e.Version != banJSONVersion {
			b.log.Warn("dropping entry with unknown version from ban list", "version", *e.Version)
			continue
		}
		p, ok := ParseSubnet(*e.Address)
		if !ok {
			b.log.Warn("dropping entry with unparseable address or subnet from ban list", "address", *e.Address)
			continue
		}
		banned[p] = banEntry{created: *e.BanCreated, until: *e.BannedUntil, reason: e.Reason}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.banned = banned
	b.dirty = false
	b.sweep(b.now().Unix())
	return nil
}

// SaveFile writes path atomically (see Manager.SaveFile).
func (b *Bans) SaveFile(path string) error {
	if err := writeFileAtomic(path, b.Save); err != nil {
		return err
	}
	b.mu.Lock()
	b.dirty = false
	b.mu.Unlock()
	return nil
}

// LoadFile loads path (see Load). A missing file returns an error
// satisfying errors.Is(err, fs.ErrNotExist); Core then starts with an
// empty list and writes a new file.
func (b *Bans) LoadFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := b.Load(f); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// ParseSubnet parses a subnet as Core's LookupSubNet does for numeric
// input: an address ("1.2.3.4", a single host), an address with a prefix
// length ("1.2.3.0/24", "2001:db8::/32") or with a netmask
// ("1.2.3.0/255.255.255.0"; the mask's ones must be contiguous). The
// network part is masked. Host names and zones are not accepted.
func ParseSubnet(s string) (netip.Prefix, bool) {
	host, mask, hasMask := strings.Cut(s, "/")
	addr, err := netip.ParseAddr(host)
	if err != nil || addr.Zone() != "" {
		return netip.Prefix{}, false
	}
	addr = addr.Unmap()
	if !hasMask {
		return HostPrefix(addr), true
	}
	n, ok := maskBits(mask, addr.BitLen())
	if !ok {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(addr, n).Masked(), true
}

// maskBits reads a prefix length (decimal, 0..bitLen) or a netmask of the
// same family with contiguous ones.
func maskBits(mask string, bitLen int) (int, bool) {
	if n, err := strconv.ParseUint(mask, 10, 8); err == nil {
		return int(n), int(n) <= bitLen
	}
	m, err := netip.ParseAddr(mask)
	if err != nil || m.Zone() != "" {
		return 0, false
	}
	if m = m.Unmap(); m.BitLen() != bitLen {
		return 0, false
	}
	b := m.As16()
	raw := b[16-bitLen/8:]
	ones, zeros := 0, false
	for _, x := range raw {
		lead := bits.LeadingZeros8(^x) // leading ones of x
		if (zeros && x != 0) || x<<lead != 0 {
			return 0, false // ones after zeros
		}
		ones += lead
		zeros = zeros || lead < 8
	}
	return ones, true
}
