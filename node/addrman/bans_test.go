package addrman

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func newTestBans(t testing.TB) (*Bans, *clock) {
	c := newClock()
	return NewBans(BansConfig{Now: c.Now}), c
}

func TestBanSubnets(t *testing.T) {
	cases := []struct {
		ban     string
		match   []string
		noMatch []string
	}{
		{"1.2.3.4/32", []string{"1.2.3.4", "::ffff:1.2.3.4"}, []string{"1.2.3.5", "::1.2.3.4"}},
		{"1.2.3.77/24", []string{"1.2.3.0", "1.2.3.255"}, []string{"1.2.4.1"}},
		{"10.0.0.0/8", []string{"10.255.0.1"}, []string{"11.0.0.1"}},
		{"::ffff:5.6.7.0/120", []string{"5.6.7.8"}, []string{"5.6.8.8"}},
		{"2001:db8::/32", []string{"2001:db8:1::1", "2001:db8::1%eth0"}, []string{"2001:db9::1", "1.2.3.4"}},
		{"2a01:4f8::1/128", []string{"2a01:4f8::1"}, []string{"2a01:4f8::2"}},
		{"0.0.0.0/0", []string{"8.8.8.8"}, []string{"2001::1"}},
	}
	for _, c := range cases {
		b, _ := newTestBans(t)
		if err := b.Ban(netip.MustParsePrefix(c.ban), time.Time{}, "test"); err != nil {
			t.Fatal(err)
		}
		for _, a := range c.match {
			if !b.IsBanned(netip.MustParseAddr(a)) {
				t.Errorf("ban %s does not cover %s", c.ban, a)
			}
		}
		for _, a := range c.noMatch {
			if b.IsBanned(netip.MustParseAddr(a)) {
				t.Errorf("ban %s covers %s", c.ban, a)
			}
		}
	}
	b, _ := newTestBans(t)
	if err := b.Ban(netip.Prefix{}, time.Time{}, ""); err == nil {
		t.Error("banned an invalid prefix")
	}
	if b.IsBanned(netip.Addr{}) {
		t.Error("the invalid address is banned")
	}
}

func TestBanExpiryAndExtension(t *testing.T) {
	b, c := newTestBans(t)
	start := c.Now()
	host := netip.MustParseAddr("1.2.3.4")
	p := HostPrefix(host)
	b.Ban(p, start.Add(time.Hour), "first")
	b.Ban(p, start.Add(30*time.Minute), "shorter") // never shortens
	if l := b.List(); len(l) != 1 || l[0].BannedUntil != start.Add(time.Hour).Unix() || l[0].Reason != "first" {
		t.Fatalf("list %+v", l)
	}
	b.Ban(p, start.Add(-time.Minute), "past") // changes nothing
	c.Add(59 * time.Minute)
	if !b.IsBanned(host) || !b.IsSubnetBanned(p) {
		t.Fatal("ban ended early")
	}
	c.Add(time.Minute)
	if b.IsBanned(host) || b.IsSubnetBanned(p) {
		t.Fatal("ban outlived its end")
	}
	if n := b.Sweep(); n != 0 {
		t.Errorf("swept %d at the exact end (Core sweeps after it)", n)
	}
	c.Add(time.Second)
	if n := b.Sweep(); n != 1 || len(b.List()) != 0 {
		t.Errorf("sweep removed %d", n)
	}
	b.Ban(p, time.Time{}, "default")
	if l := b.List(); len(l) != 1 || l[0].BanDuration != int64(DefaultBanTime/time.Second) {
		t.Errorf("default ban %+v", l)
	}
	b.Ban(p, c.Now().Add(48*time.Hour), "longer")
	if l := b.List(); l[0].BanDuration != 48*3600 || l[0].Reason != "longer" {
		t.Errorf("extension %+v", l)
	}
}

func TestBanListUnbanClear(t *testing.T) {
	b, c := newTestBans(t)
	now := c.Now()
	for _, s := range []string{"2001:db8::/32", "5.6.7.8/32", "1.2.3.0/24", "1.2.3.0/25"} {
		b.Ban(netip.MustParsePrefix(s), now.Add(time.Hour), "")
	}
	c.Add(10 * time.Minute)
	want := []string{"1.2.3.0/24", "1.2.3.0/25", "5.6.7.8/32", "2001:db8::/32"}
	l := b.List()
	for i, e := range l {
		if e.Address != want[i] || e.BanCreated != now.Unix() || e.BanDuration != 3600 || e.TimeRemaining != 3000 {
			t.Errorf("entry %d: %+v, want %s", i, e, want[i])
		}
	}
	if !b.Unban(netip.MustParsePrefix("5.6.7.8/32")) || b.Unban(netip.MustParsePrefix("5.6.7.8/32")) {
		t.Error("Unban should succeed once")
	}
	if b.Unban(netip.MustParsePrefix("1.2.3.0/26")) {
		t.Error("Unban of a subnet never banned succeeded")
	}
	b.Discourage(netip.MustParseAddr("9.9.9.9"))
	b.Clear()
	if len(b.List()) != 0 || b.IsBanned(netip.MustParseAddr("1.2.3.4")) {
		t.Error("Clear left bans")
	}
	if !b.IsDiscouraged(netip.MustParseAddr("9.9.9.9")) {
		t.Error("Clear dropped discouragement (Core keeps it)")
	}
}

func TestDiscourage(t *testing.T) {
	b, _ := newTestBans(t)
	a := netip.MustParseAddr("1.2.3.4")
	b.Discourage(a)
	cases := []struct {
		addr string
		want bool
	}{
		{"1.2.3.4", true}, {"::ffff:1.2.3.4", true}, {"1.2.3.5", false}, {"2001::1", false},
	}
	for _, c := range cases {
		if got := b.IsDiscouraged(netip.MustParseAddr(c.addr)); got != c.want {
			t.Errorf("IsDiscouraged(%s) = %v", c.addr, got)
		}
	}
	if b.IsBanned(a) {
		t.Error("discouraged means banned")
	}
	if !b.IsAddressDiscouraged(ip("1.2.3.4", 8333)) {
		t.Error("the NetAddress form of a discouraged address is not discouraged")
	}
	onion := special(t, onionName, 0)
	b.DiscourageAddress(onion)
	if !b.IsAddressDiscouraged(onion) || b.IsAddressDiscouraged(special(t, "c4gfnttsuwqomiygupdqqqyy5y5emnk5c73hrfvatri67prd7vyq.b32.i2p", 0)) {
		t.Error("Tor discouragement wrong")
	}
	b.ClearDiscouraged()
	if b.IsDiscouraged(a) || b.IsAddressDiscouraged(onion) {
		t.Error("ClearDiscouraged kept entries")
	}
}

// TestDiscourageRolls: the filter holds the last 50,000 or more, forgets
// the oldest after about 75,000, and rarely reports addresses never added.
func TestDiscourageRolls(t *testing.T) {
	b, _ := newTestBans(t)
	addr := func(i int) netip.Addr { return netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}) }
	for i := range 50000 {
		b.Discourage(addr(i))
	}
	for i := range 50000 {
		if !b.IsDiscouraged(addr(i)) {
			t.Fatalf("forgot entry %d of the last 50,000", i)
		}
	}
	falsePositives := 0
	for i := range 200000 {
		if b.IsDiscouraged(netip.AddrFrom4([4]byte{11, byte(i >> 16), byte(i >> 8), byte(i)})) {
			falsePositives++
		}
	}
	if falsePositives > 3 {
		t.Errorf("%d false positives in 200,000 (rate 1e-6)", falsePositives)
	}
	for i := 50000; i < 100000; i++ {
		b.Discourage(addr(i))
	}
	if b.IsDiscouraged(addr(0)) {
		t.Error("the oldest entry survived 100,000 insertions")
	}
}

func TestMurmur3(t *testing.T) {
	// Core's hash_tests.cpp vectors.
	cases := []struct {
		want, seed uint32
		data       string
	}{
		{0x00000000, 0x00000000, ""}, {0x6a396f08, 0xFBA4C795, ""}, {0x81f16f39, 0xffffffff, ""},
		{0x514e28b7, 0x00000000, "00"}, {0xea3f0b17, 0xFBA4C795, "00"}, {0xfd6cf10d, 0x00000000, "ff"},
		{0x16c6b7ab, 0x00000000, "0011"}, {0x8eb51c3d, 0x00000000, "001122"},
		{0xb4471bf8, 0x00000000, "00112233"}, {0xe2301fa8, 0x00000000, "0011223344"},
		{0xfc2e4a15, 0x00000000, "001122334455"}, {0xb074502c, 0x00000000, "00112233445566"},
		{0x8034d2a0, 0x00000000, "0011223344556677"}, {0xb4698def, 0x00000000, "001122334455667788"},
	}
	for _, c := range cases {
		data, _ := hex.DecodeString(c.data)
		if got := murmur3(c.seed, data); got != c.want {
			t.Errorf("murmur3(%#x, %s) = %#x, want %#x", c.seed, c.data, got, c.want)
		}
	}
}

// coreBanlist is a banlist.json as Core writes it, plus entries Core
// drops on load: an unknown version and a Tor address (which this list
// cannot hold).
const coreBanlist = `{
    "banned_nets": [
        {
            "version": 1,
            "ban_created": 1700000000,
            "banned_until": 1800000000,
            "address": "1.2.3.4/32"
        },
        {
            "version": 1,
            "ban_created": 1700000000,
            "banned_until": 1800000000,
            "address": "2001:db8::/32"
        },
        {
            "version": 1,
            "ban_created": 1690000000,
            "banned_until": 1790000000,
            "address": "10.0.0.0/255.0.0.0"
        },
        {
            "version": 2,
            "ban_created": 1700000000,
            "banned_until": 1800000000,
            "address": "5.5.5.5/32"
        },
        {
            "version": 1,
            "ban_created": 1700000000,
            "banned_until": 1800000000,
            "address": "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion"
        }
    ]
}
`

// coreSaved is what Save writes back: Core's layout, sorted as Core's
// std::map orders subnets.
const coreSaved = `{
    "banned_nets": [
        {
            "version": 1,
            "ban_created": 1700000000,
            "banned_until": 1800000000,
            "address": "1.2.3.4/32"
        },
        {
            "version": 1,
            "ban_created": 1690000000,
            "banned_until": 1790000000,
            "address": "10.0.0.0/8"
        },
        {
            "version": 1,
            "ban_created": 1700000000,
            "banned_until": 1800000000,
            "address": "2001:db8::/32"
        }
    ]
}
`

func TestBanlistJSON(t *testing.T) {
	b, _ := newTestBans(t)
	if err := b.Load(strings.NewReader(coreBanlist)); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := b.Save(&out); err != nil {
		t.Fatal(err)
	}
	if out.String() != coreSaved {
		t.Errorf("saved\n%s\nwant\n%s", out.String(), coreSaved)
	}
	if !b.IsBanned(netip.MustParseAddr("10.9.9.9")) || b.IsBanned(netip.MustParseAddr("5.5.5.5")) {
		t.Error("loaded bans wrong")
	}
	b.Ban(netip.MustParsePrefix("7.7.7.0/24"), time.Unix(1_800_000_000, 0), "spam")
	path := filepath.Join(t.TempDir(), "banlist.json")
	if err := b.SaveFile(path); err != nil || b.Dirty() {
		t.Fatalf("SaveFile: %v, dirty %v", err, b.Dirty())
	}
	again, _ := newTestBans(t)
	if err := again.LoadFile(path); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(again.List()) != fmt.Sprint(b.List()) {
		t.Errorf("round trip:\n%v\n%v", again.List(), b.List())
	}
	if err := again.LoadFile(filepath.Join(t.TempDir(), "none.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestBanlistJSONExpiredAndCorrupt(t *testing.T) {
	b, c := newTestBans(t)
	c.Add(200_000_000 * time.Second) // after every ban in the file
	if err := b.Load(strings.NewReader(coreBanlist)); err != nil || len(b.List()) != 0 {
		t.Errorf("expired bans kept: %v %v", err, b.List())
	}
	b.Ban(netip.MustParsePrefix("1.1.1.1/32"), time.Time{}, "")
	cases := []string{
		``, `[]`, `{}`, `{"banned_nets": 5}`, `{"banned_nets": [{"version": 1}]}`,
		`{"banned_nets": [{"version": "1", "ban_created": 1, "banned_until": 2, "address": "1.2.3.4"}]}`,
		`{"banned_nets": [{"version": 1.5, "ban_created": 1, "banned_until": 2, "address": "1.2.3.4"}]}`,
		`{"banned_nets": []} trailing`,
	}
	for _, s := range cases {
		if err := b.Load(strings.NewReader(s)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("Load(%q) = %v", s, err)
		}
	}
	if len(b.List()) != 1 {
		t.Error("a failed load changed the list")
	}
}

func TestParseSubnet(t *testing.T) {
	cases := []struct {
		in, want string
	}{
		{"1.2.3.4", "1.2.3.4/32"}, {"1.2.3.4/24", "1.2.3.0/24"}, {"1.2.3.4/255.255.0.0", "1.2.0.0/16"},
		{"1.2.3.4/0.0.0.0", "0.0.0.0/0"}, {"::ffff:1.2.3.4", "1.2.3.4/32"}, {"2001:db8::1", "2001:db8::1/128"},
		{"1:2:3:4:5:6:7:8/ffff:0000:0000:0000:0000:0000:0000:0000", "1::/16"},
		{"1.2.3.4/33", ""}, {"1.2.3.4/-1", ""}, {"1.2.3.4/255.255.232.0", ""}, {"1.2.3.4/255.0.255.255", ""},
		{"1.2.3.4/ffff::", ""}, {"fe80::1%eth0", ""}, {"example.com", ""}, {"", ""}, {"1.2.3.4/", ""},
	}
	for _, c := range cases {
		p, ok := ParseSubnet(c.in)
		got := ""
		if ok {
			got = p.String()
		}
		if got != c.want {
			t.Errorf("ParseSubnet(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
