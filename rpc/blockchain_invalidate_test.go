package rpc

import (
	"strings"
	"testing"
)

func TestInvalidateReconsiderPrecious(t *testing.T) {
	n := newNode(t, nil)
	start, height := n.ch.Tip()
	hashes := n.generate(2)

	if res := n.call("invalidateblock", hashes[0]); string(res) != "null" {
		t.Fatalf("invalidateblock result %s, want null", res)
	}
	if tip, h := n.ch.Tip(); tip != start || h != height {
		t.Fatalf("tip %s at %d after invalidateblock, want %s at %d", tip, h, start, height)
	}
	if res := n.call("reconsiderblock", hashes[1]); string(res) != "null" {
		t.Fatalf("reconsiderblock result %s, want null", res)
	}
	if tip, h := n.ch.Tip(); tip.String() != hashes[1] || h != height+2 {
		t.Fatalf("tip %s at %d after reconsiderblock, want %s", tip, h, hashes[1])
	}
	if res := n.call("preciousblock", hashes[1]); string(res) != "null" {
		t.Fatalf("preciousblock result %s, want null", res)
	}

	unknown := strings.Repeat("11", 32)
	for _, m := range []string{"invalidateblock", "reconsiderblock", "preciousblock"} {
		n.wantErr(ErrInvalidAddressOrKey, "Block not found", m, unknown)
		n.wantErr(ErrInvalidParameter, "blockhash must be of length 64 (not 3, for 'abc')", m, "abc")
		n.wantErr(ErrInvalidParameter, "", m, strings.Repeat("zz", 32))
	}
	genesis, _ := n.ch.MainChainHash(0)
	n.wantErr(ErrMisc, "", "invalidateblock", genesis.String())

	var listing string
	decode(t, n.call("help"), &listing)
	if strings.Contains(listing, "invalidateblock") || strings.Contains(listing, "reconsiderblock") {
		t.Error("help lists a hidden method")
	}
	if !strings.Contains(listing, "preciousblock \"blockhash\"") {
		t.Error("help does not list preciousblock")
	}
	var one string
	decode(t, n.call("help", "invalidateblock"), &one)
	if !strings.HasPrefix(one, "invalidateblock \"blockhash\"") {
		t.Errorf("help invalidateblock: %q", one)
	}
}
