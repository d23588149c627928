package rpc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReferenceUpToDate fails when docs/rpc.md no longer matches the help
// texts; BITNODE_UPDATE_DOCS=1 rewrites it.
func TestReferenceUpToDate(t *testing.T) {
	path := filepath.Join("..", "docs", "rpc.md")
	want := Reference()
	if os.Getenv("BITNODE_UPDATE_DOCS") != "" {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (generate it with BITNODE_UPDATE_DOCS=1 go test ./rpc/ -run TestReferenceUpToDate)", err)
	}
	if string(got) != want {
		t.Fatalf("docs/rpc.md is stale: regenerate it with BITNODE_UPDATE_DOCS=1 go test ./rpc/ -run TestReferenceUpToDate")
	}
	for _, c := range Methods() {
		if !strings.Contains(want, "\n### "+c.Name+"\n") {
			t.Errorf("%s missing from the reference", c.Name)
		}
	}
}
