// Command bitnode is the bitnode full node's command line.
//
//	bitnode version
//	bitnode decode tx HEX|FILE [--network NAME] [--chain-spec FILE]
//	bitnode decode block HEX|FILE [--network NAME] [--chain-spec FILE]
//	bitnode address inspect ADDRESS [--network NAME] [--chain-spec FILE]
//
// decode prints what bitcoin-cli decoderawtransaction and getblock (verbosity
// 2, without the fields that need a chain) print; address inspect prints
// what validateaddress prints. Output is JSON indented as bitcoin-cli
// indents it. Errors go to standard error with a non-zero exit status: 1
// when the input is bad (undecodable data, invalid address), 2 when the
// command line is.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/urfave/cli/v2"

	"github.com/bitnode/bitnode/wire"
)

// version is the release version, set at build time with
// -ldflags "-X main.version=1.2.3".
var version = "0.1.0-dev"

// Exit statuses.
const (
	exitOK    = 0
	exitData  = 1 // the input could not be decoded, or is invalid
	exitUsage = 2 // the command line is wrong
)

// exitError carries the exit status a failure should produce.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

func dataError(err error) error { return &exitError{code: exitData, err: err} }

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// run executes the command line args and returns the exit status. It never
// calls os.Exit, so tests can drive it.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	app := newApp(stdin, stdout, stderr)
	err := app.Run(args)
	if err == nil {
		return exitOK
	}
	if msg := err.Error(); msg != "" { // "" when the command printed its own message
		fmt.Fprintf(stderr, "bitnode: %v\n", msg)
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	// Errors urfave/cli itself returns (unknown flags, bad flag values)
	// are command-line mistakes.
	return exitUsage
}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:                 "bitnode",
		Usage:                "a Bitcoin full node",
		Version:              version,
		HideVersion:          true,
		Reader:               stdin,
		Writer:               stdout,
		ErrWriter:            stderr,
		EnableBashCompletion: false,
		Flags:                networkFlags(),
		Commands: []*cli.Command{
			versionCommand(),
			decodeCommand(),
			addressCommand(),
			nodeCommand(),
			rpcCommand(),
		},
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				return usageErrorf("unknown command %q (see bitnode help)", c.Args().First())
			}
			return cli.ShowAppHelp(c)
		},
		// Keep urfave/cli from calling os.Exit; run maps errors to
		// statuses itself.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageErrorf("%v", err)
		},
	}
	return app
}

func versionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the version",
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				return usageErrorf("version takes no arguments")
			}
			_, err := fmt.Fprintf(c.App.Writer, "bitnode %s (protocol %d, %s)\n",
				version, wire.ProtocolVersion, runtime.Version())
			return err
		},
	}
}
