package addrman

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bitnode/bitnode/wire"
)

// populated returns a manager with new and tried entries of every
// network, multiple references, failures and collisions.
func populated(t testing.TB) (*Manager, *clock) {
	m, c := newTestManager(t)
	now := c.Now()
	fill(m, now, 3000)
	extra := []wire.NetAddress{special(t, onionName, 8333), special(t, "udhdrtrcetjm5sxzskjyr5ztpeszydbh4dpl3pl4utgqqw2v4jna.b32.i2p", 0),
		cjdns("fc32:17ea:e415:c3bf:9808:149d:b5a2:c9aa", 8333), ipAt("2001:4860:4860::8888", 8333, now)}
	for i := range extra {
		extra[i].Timestamp = uint32(now.Unix())
		extra[i].Services = wire.SFNodeNetwork | wire.SFNodeWitness
	}
	m.Add(extra, ip("9.9.9.9", 0), time.Hour)
	for i := range 400 {
		a := ipAt(fmt.Sprintf("%d.%d.0.%d", 1+i%200, i/200%250, 1+i%7), 8333, now)
		c.Add(time.Second)
		if i%3 == 0 {
			m.Good(a)
		} else {
			m.Attempt(a, true)
		}
	}
	m.Good(extra[0])
	repeat := ipAt("77.7.7.7", 8333, now)
	for i := range 300 {
		repeat.Timestamp++
		m.Add([]wire.NetAddress{repeat}, ip(fmt.Sprintf("%d.5.5.5", 1+i%200), 0), 0)
	}
	mustCheck(t, m)
	return m, c
}

// dump lists every entry with its state and positions, in address order.
func dump(m *Manager) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	t := m.t
	var out []string
	for id := range t.entries {
		e := &t.entries[id]
		if !e.used {
			continue
		}
		out = append(out, fmt.Sprintf("%s src=%s svc=%v time=%d try=%d ok=%d att=%d refs=%d tried=%v",
			e.addr.String(), e.source.String(), e.services, e.time, e.lastTry, e.lastSuccess, e.attempts, e.refCount, e.inTried))
	}
	for b := range t.newT {
		for p, id := range t.newT[b] {
			if id >= 0 {
				out = append(out, fmt.Sprintf("new[%d][%d]=%s", b, p, t.entries[id].addr.String()))
			}
		}
	}
	for b := range t.triedT {
		for p, id := range t.triedT[b] {
			if id >= 0 {
				out = append(out, fmt.Sprintf("tried[%d][%d]=%s", b, p, t.entries[id].addr.String()))
			}
		}
	}
	slices.Sort(out)
	return out
}

func save(t testing.TB, m *Manager) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSaveLoadRoundTrip(t *testing.T) {
	m, _ := populated(t)
	img := save(t, m)
	other := New(Config{Key: coreKey(3)})
	if err := other.Load(bytes.NewReader(img)); err != nil {
		t.Fatal(err)
	}
	mustCheck(t, other)
	if other.t.key != m.t.key {
		t.Error("the file's key was not adopted")
	}
	if !slices.Equal(dump(m), dump(other)) {
		t.Error("loaded tables differ from the saved ones")
	}
	if !bytes.Equal(save(t, other), img) {
		t.Error("re-saving a loaded table gives different bytes")
	}
	for _, net := range []wire.NetworkID{wire.NetIPv4, wire.NetIPv6, wire.NetTorV3, wire.NetI2P, wire.NetCJDNS} {
		for _, inNew := range []bool{true, false} {
			if a, b := m.Size(&net, &inNew), other.Size(&net, &inNew); a != b {
				t.Errorf("Size(%v, new=%v): %d before, %d after", net, inNew, a, b)
			}
		}
	}
	empty := New(Config{})
	if err := empty.Load(bytes.NewReader(save(t, New(Config{})))); err != nil || empty.Len() != 0 {
		t.Errorf("empty round trip: %v, %d", err, empty.Len())
	}
}

func TestSaveFileLoadFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "peers.dat")
	m, _ := populated(t)
	if err := m.SaveFile(path); err != nil {
		t.Fatal(err)
	}
	if err := m.SaveFile(path); err != nil { // replaces the old file
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory holds %d files, want peers.dat only", len(entries))
	}
	loaded := New(Config{})
	if err := loaded.LoadFile(path); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(dump(m), dump(loaded)) {
		t.Error("LoadFile gave different tables")
	}
	if err := New(Config{}).LoadFile(filepath.Join(dir, "missing.dat")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	data, _ := os.ReadFile(path)
	data[len(data)/2] ^= 1
	os.WriteFile(path, data, 0o600)
	err := loaded.LoadFile(path)
	if !errors.Is(err, ErrBadChecksum) || !strings.Contains(err.Error(), path) {
		t.Errorf("corrupt file: %v", err)
	}
	if loaded.Len() != m.Len() {
		t.Error("a failed load changed the manager")
	}
}

// image builds peers.dat images by hand.
type image struct{ b []byte }

func newImage(key [32]byte, nNew, nTried uint32) *image {
	x := &image{b: append(append(fileMagic[:len(fileMagic):len(fileMagic)], fileVersion), key[:]...)}
	x.b = binary.LittleEndian.AppendUint32(x.b, nNew)
	x.b = binary.LittleEndian.AppendUint32(x.b, nTried)
	return x
}

type imgEntry struct {
	net                      wire.NetworkID
	addr                     []byte
	time, lastTry, lastGood  int64
	attempts                 int32
	srcNet                   wire.NetworkID
	src                      []byte
	overrideLen, overrideSrc int
}

func (x *image) entry(e imgEntry) *image {
	n := len(e.addr)
	if e.overrideLen != 0 {
		n = e.overrideLen
	}
	x.b = append(append(x.b, byte(e.net), byte(n)), e.addr...)
	x.b = binary.LittleEndian.AppendUint16(x.b, 8333)
	x.b = binary.LittleEndian.AppendUint64(x.b, 9)
	for _, v := range []int64{e.time, e.lastTry, e.lastGood} {
		x.b = binary.LittleEndian.AppendUint64(x.b, uint64(v))
	}
	x.b = binary.LittleEndian.AppendUint32(x.b, uint32(e.attempts))
	x.b = append(append(x.b, byte(e.srcNet), byte(len(e.src))), e.src...)
	return x
}

// buckets writes the new buckets: refs maps a bucket to entry indexes;
// countOverride forces a bucket's count byte.
func (x *image) buckets(refs map[int][]uint32, countOverride map[int]byte) *image {
	for b := range NewBucketCount {
		count := byte(len(refs[b]))
		if c, ok := countOverride[b]; ok {
			count = c
		}
		x.b = append(x.b, count)
		for _, idx := range refs[b] {
			x.b = binary.LittleEndian.AppendUint32(x.b, idx)
		}
	}
	return x
}

func (x *image) done() []byte {
	sum := sha256.Sum256(x.b)
	return append(x.b, sum[:]...)
}

var (
	v4a = imgEntry{net: wire.NetIPv4, addr: []byte{8, 8, 8, 8}, time: 1_700_000_000, srcNet: wire.NetIPv4, src: []byte{9, 9, 9, 9}}
	v4b = imgEntry{net: wire.NetIPv4, addr: []byte{8, 8, 4, 4}, time: 1_700_000_000, lastGood: 1_700_000_000}
)

func TestLoadCorrupt(t *testing.T) {
	key := coreDeterministicKey
	valid := newImage(key, 1, 1).entry(v4a).entry(v4b).buckets(map[int][]uint32{5: {0}}, nil).done()
	with := func(f func(e imgEntry) imgEntry) []byte {
		return newImage(key, 1, 0).entry(f(v4a)).buckets(map[int][]uint32{5: {0}}, nil).done()
	}
	trailing := newImage(key, 0, 0).buckets(nil, nil)
	trailing.b = append(trailing.b, 0, 0, 0)
	flipped := bytes.Clone(valid)
	flipped[headerSize+3] ^= 0x40
	cases := []struct {
		name string
		data []byte
		kind ErrorKind
		say  string
	}{
		{"empty", nil, ErrBadFormat, "magic"},
		{"bad magic", append([]byte("BITCOIN!"), valid[8:]...), ErrBadFormat, "magic"},
		{"future version", append(append(bytes.Clone(valid[:8]), 2), valid[9:]...), ErrBadFormat, "version 2"},
		{"shorter than a table", valid[:200], ErrTruncated, "shorter"},
		{"bit flip", flipped, ErrBadChecksum, "checksum"},
		{"too many new", newImage(key, 1<<31, 0).buckets(nil, nil).done(), ErrTooLarge, "new entries"},
		{"too many tried", newImage(key, 0, maxTried+1).buckets(nil, nil).done(), ErrTooLarge, "tried entries"},
		{"counts beyond the data", newImage(key, 50, 0).buckets(nil, nil).done(), ErrTruncated, "cannot fit"},
		{"zero key", newImage([32]byte{}, 0, 0).buckets(nil, nil).done(), ErrCorrupt, "zero bucket key"},
		{"bucket over 64", newImage(key, 1, 0).entry(v4a).buckets(map[int][]uint32{5: {0}}, map[int]byte{5: 65}).done(), ErrCorrupt, "holds 65"},
		{"index out of range", newImage(key, 1, 0).entry(v4a).buckets(map[int][]uint32{5: {1}}, nil).done(), ErrCorrupt, "refers to entry 1"},
		{"bucket list cut short", newImage(key, 1, 0).entry(v4a).buckets(map[int][]uint32{1023: {0}}, map[int]byte{1023: 3}).done(), ErrTruncated, "bucket entry"},
		{"trailing data", trailing.done(), ErrCorrupt, "trailing"},
		{"duplicate", newImage(key, 2, 0).entry(v4a).entry(v4a).buckets(nil, nil).done(), ErrCorrupt, "duplicate"},
		{"negative time", with(func(e imgEntry) imgEntry { e.lastTry = -5; return e }), ErrCorrupt, "negative time"},
		{"negative attempts", with(func(e imgEntry) imgEntry { e.attempts = -1; return e }), ErrCorrupt, "attempts"},
		{"wrong length", with(func(e imgEntry) imgEntry { e.net = wire.NetIPv6; return e }), ErrCorrupt, "4-byte address"},
		{"oversized address", with(func(e imgEntry) imgEntry { e.overrideLen = 200; return e }), ErrCorrupt, "200-byte"},
		{"bad source", with(func(e imgEntry) imgEntry { e.srcNet = 7; return e }), ErrCorrupt, "source network 7"},
		{"tried never connected", newImage(key, 0, 1).entry(v4a).buckets(nil, nil).done(), ErrCorrupt, "never connected"},
	}
	m, _ := populated(t)
	before := dump(m)
	for _, c := range cases {
		err := m.Load(bytes.NewReader(c.data))
		if !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.say) {
			t.Errorf("%s: error %v, want %v saying %q", c.name, err, c.kind, c.say)
		}
	}
	for n := range len(valid) {
		if err := m.Load(bytes.NewReader(valid[:n])); err == nil {
			t.Fatalf("a %d-byte prefix loaded", n)
		}
	}
	if !slices.Equal(before, dump(m)) {
		t.Error("failed loads changed the manager")
	}
	big := io.LimitReader(zeros{}, MaxFileSize+100)
	if err := m.Load(big); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized file: %v", err)
	}
	if err := m.Load(bytes.NewReader(valid)); err != nil || m.Len() != 2 || m.Size(nil, ptrTo(false)) != 1 {
		t.Errorf("valid image: %v, size %d", err, m.Len())
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestLoadDropsInvalid: invalid or unroutable addresses and tried entries
// whose position is taken are dropped, as Core does, not fatal.
func TestLoadDropsInvalid(t *testing.T) {
	bad := v4a
	bad.addr = []byte{0, 0, 0, 0}
	private := v4a
	private.addr = []byte{192, 168, 1, 1}
	img := newImage(coreDeterministicKey, 3, 1).entry(v4a).entry(bad).entry(private).entry(v4b).
		buckets(map[int][]uint32{5: {0, 1, 2}}, nil).done()
	m := New(Config{})
	if err := m.Load(bytes.NewReader(img)); err != nil {
		t.Fatal(err)
	}
	if m.Len() != 2 {
		t.Errorf("size %d, want 2", m.Len())
	}
	mustCheck(t, m)
}

// FuzzLoad feeds Load arbitrary data, both as is and with its checksum
// fixed so that the parser behind it is reached. Load must never panic;
// whatever it accepts must be consistent and survive a save/load cycle.
func FuzzLoad(f *testing.F) {
	m, _ := newTestManager(f)
	fill(m, newClock().Now(), 40)
	m.Good(ip("1.0.0.1", 8333))
	f.Add(save(f, m))
	f.Add(save(f, New(Config{Key: coreDeterministicKey})))
	f.Add(newImage(coreDeterministicKey, 1, 1).entry(v4a).entry(v4b).buckets(map[int][]uint32{5: {0}}, nil).done())
	f.Add(newImage(coreDeterministicKey, 2, 0).entry(v4a).entry(v4a).buckets(nil, nil).done())
	f.Add([]byte("bnpeers\x00\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			return
		}
		variants := [][]byte{data}
		if len(data) > checksumSize {
			body := data[:len(data)-checksumSize]
			sum := sha256.Sum256(body)
			variants = append(variants, append(bytes.Clone(body), sum[:]...))
		}
		for _, d := range variants {
			m := New(Config{Key: coreDeterministicKey, Seed: [32]byte{1}})
			if err := m.Load(bytes.NewReader(d)); err != nil {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("error of type %T: %v", err, err)
				}
				continue
			}
			mustCheck(t, m)
			again := New(Config{})
			if err := again.Load(bytes.NewReader(save(t, m))); err != nil {
				t.Fatalf("re-load of an accepted image: %v", err)
			}
			if !slices.Equal(dump(m), dump(again)) {
				t.Fatal("save/load cycle changed the tables")
			}
			m.Select(false)
			m.GetAddr(10, 23, nil)
		}
	})
}
