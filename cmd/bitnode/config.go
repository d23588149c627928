package main

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/urfave/cli/v2"
)

// configFileName is the node's settings file in its data directory, in
// Bitcoin Core's format: key=value lines, # comments, and [network]
// sections (main, test, testnet4, signet, regtest) whose keys apply only
// to that network. The command line wins over the file.
const configFileName = "bitnode.conf"

// defaultDataDir is where bitnode keeps its data when --datadir is not
// given, following Bitcoin Core's per-OS convention.
func defaultDataDir() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	switch runtime.GOOS {
	case "darwin":
		return filepath.Join(home, "Library", "Application Support", "Bitnode"), nil
	case "windows":
		if dir := os.Getenv("LOCALAPPDATA"); dir != "" {
			return filepath.Join(dir, "Bitnode"), nil
		}
		return filepath.Join(home, "AppData", "Local", "Bitnode"), nil
	}
	return filepath.Join(home, ".bitnode"), nil
}

// configEntry is one key=value line of the config file.
type configEntry struct {
	key, value string
	line       int
}

// parseConfig reads a config file's entries that apply to network: the
// top-level ones and those in the network's section.
func parseConfig(path, network string) ([]configEntry, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var entries []configEntry
	section := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			section = strings.TrimSpace(line[1 : len(line)-1])
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("%s:%d: expected key=value, got %q", path, n, line)
		}
		key = strings.TrimPrefix(strings.TrimSpace(key), "-")
		if section != "" && section != network {
			continue
		}
		entries = append(entries, configEntry{key: key, value: strings.TrimSpace(value), line: n})
	}
	return entries, sc.Err()
}

// applyConfig sets every flag the file names and the command line did not.
func applyConfig(c *cli.Context, path, network string) error {
	entries, err := parseConfig(path, network)
	if err != nil {
		return usageErrorf("%v", err)
	}
	// fromConfig remembers which flags the file set, so repeated keys
	// (addnode=…) accumulate instead of being skipped as command-line
	// settings.
	fromConfig := map[string]bool{}
	known := map[string]bool{}
	for _, f := range c.Command.Flags {
		for _, name := range f.Names() {
			known[name] = true
		}
	}
	for _, e := range entries {
		if !known[e.key] {
			return usageErrorf("%s:%d: unknown setting %q", path, e.line, e.key)
		}
		if c.IsSet(e.key) && !fromConfig[e.key] {
			continue // the command line wins
		}
		if err := c.Set(e.key, e.value); err != nil {
			return usageErrorf("%s:%d: %s=%s: %v", path, e.line, e.key, e.value, err)
		}
		fromConfig[e.key] = true
	}
	return nil
}
