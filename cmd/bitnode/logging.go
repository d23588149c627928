package main

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// loggers hands each subsystem its own *slog.Logger, tagged with the
// subsystem's name; --debug=NAME lowers one subsystem to debug level.
type loggers struct {
	w     io.Writer
	level slog.Level
	debug map[string]bool
}

func newLoggers(w io.Writer, level string, debug []string) (*loggers, error) {
	l := &loggers{w: w, debug: map[string]bool{}}
	if err := l.level.UnmarshalText([]byte(level)); err != nil {
		return nil, usageErrorf("--loglevel %q: want debug, info, warn or error", level)
	}
	for _, d := range debug {
		for _, name := range strings.Split(d, ",") {
			l.debug[strings.TrimSpace(name)] = true
		}
	}
	return l, nil
}

func (l *loggers) get(subsystem string) *slog.Logger {
	level := l.level
	if l.debug[subsystem] || l.debug["all"] {
		level = slog.LevelDebug
	}
	h := slog.NewTextHandler(l.w, &slog.HandlerOptions{Level: level})
	return slog.New(h).With("sys", subsystem)
}

func (l *loggers) String() string { return fmt.Sprintf("level=%s debug=%v", l.level, l.debug) }
