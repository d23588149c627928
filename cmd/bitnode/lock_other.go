//go:build !unix

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// dataDirLock holds a data directory by an exclusively created lock file
// (no flock here). A lock left behind by a crash must be removed by hand;
// the error says where it is.
type dataDirLock struct{ path string }

func lockDataDir(dir string) (*dataDirLock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, ".lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot obtain a lock on data directory %s: bitnode is probably already running (or remove %s)", dir, path)
	}
	f.WriteString(strconv.Itoa(os.Getpid()))
	f.Close()
	return &dataDirLock{path: path}, nil
}

func (l *dataDirLock) release() { os.Remove(l.path) }
