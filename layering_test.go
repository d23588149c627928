package bitnode_test

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/bitnode/bitnode"

// layers lists, for each part of the tree (longest prefix wins), which of
// bitnode's own packages it may depend on, directly or not. This is the
// picture in docs/architecture.md: wire ← chain ← mempool ← node ← rpc ←
// cmd, with wallet beside node reaching the chain only through wire,
// chain/... and an interface it declares.
var layers = []struct {
	prefix  string
	mayUse  []string
	comment string
}{
	{"internal/testvec", nil, "test vectors for every package's tests; standard library only"},
	{"wire", nil, "standard library only"},
	{"chain/consensus", []string{"wire"}, "pure functions over wire types"},
	{"chain/params", []string{"wire", "chain/consensus"}, ""},
	{"chain/address", []string{"wire", "chain/params", "chain/consensus"}, ""},
	{"chain", []string{"wire", "chain"}, ""},
	{"mempool", []string{"wire", "chain", "mempool"}, ""},
	{"node/peer", []string{"wire", "node/peer"}, "a peer speaks the protocol; it knows no chain"},
	{"node", []string{"wire", "chain", "mempool", "node"}, ""},
	{"wallet", []string{"wire", "chain", "wallet"}, "the chain is reached through an interface"},
	{"rpc", []string{"wire", "chain", "mempool", "node", "wallet", "rpc"}, ""},
	{"cmd", []string{"wire", "chain", "mempool", "node", "wallet", "rpc", "cmd"}, ""},
}

// thirdParty are the only modules outside the standard library bitnode may
// use; docs/architecture.md says why each is there.
var thirdParty = []string{
	"github.com/btcsuite/btcd/btcec/v2",
	"github.com/decred/dcrd/dcrec/secp256k1/v4", // btcec's own dependency
	"github.com/syndtr/goleveldb",
	"github.com/golang/snappy", // goleveldb's own dependency
	"github.com/gorilla/websocket",
	"github.com/urfave/cli/v2",
	"github.com/cpuguy83/go-md2man/v2", "github.com/russross/blackfriday/v2", "github.com/xrash/smetrics", // urfave/cli's
	"golang.org/x/crypto",
	"golang.org/x/sync",
	"golang.org/x/sys", // x/crypto's
}

func hasPathPrefix(p, prefix string) bool {
	return p == prefix || strings.HasPrefix(p, prefix+"/")
}

type goPackage struct {
	ImportPath string
	Deps       []string
	Standard   bool
}

func listPackages(t *testing.T) []goPackage {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps=false", "-json", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []goPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p goPackage
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func TestLayering(t *testing.T) {
	pkgs := listPackages(t)
	if len(pkgs) < 2 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	checked := 0
	for _, p := range pkgs {
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		if rel == "" {
			continue // this test's own package
		}
		allowed := -1
		for i, l := range layers {
			if hasPathPrefix(rel, l.prefix) {
				allowed = i
				break
			}
		}
		if allowed < 0 {
			t.Errorf("package %s belongs to no layer: add it to docs/architecture.md and this test", rel)
			continue
		}
		for _, dep := range p.Deps {
			checkDep(t, rel, dep, layers[allowed].mayUse)
		}
		checked++
	}
	t.Logf("checked the dependencies of %d packages", checked)
}

func checkDep(t *testing.T, pkg, dep string, mayUse []string) {
	t.Helper()
	if own, ok := strings.CutPrefix(dep, module+"/"); ok {
		for _, m := range mayUse {
			if hasPathPrefix(own, m) {
				return
			}
		}
		t.Errorf("%s depends on %s, which its layer may not use", pkg, own)
		return
	}
	first := strings.Split(dep, "/")[0]
	if !strings.Contains(first, ".") || first == "internal" || first == "vendor" {
		return // standard library
	}
	if strings.HasPrefix(pkg, "wire") {
		t.Errorf("wire depends on %s: it may use the standard library only", dep)
	}
	for _, m := range thirdParty {
		if hasPathPrefix(dep, m) {
			return
		}
	}
	t.Errorf("%s depends on %s, which is not an approved dependency (docs/architecture.md)", pkg, dep)
}
