package main

import (
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/bitnode/bitnode/chain/params"
)

const (
	flagNetwork   = "network"
	flagChainSpec = "chain-spec"
)

// networkFlags are accepted by the app and by every command that prints
// addresses, before or after the command's arguments.
func networkFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{
			Name:  flagNetwork,
			Value: "main",
			Usage: "network whose address encodings to use: main, test, testnet4, signet or regtest",
		},
		&cli.StringFlag{
			Name:      flagChainSpec,
			Usage:     "JSON chain spec `FILE` of a custom network (overrides --network)",
			TakesFile: true,
		},
	}
}

// commandLine is a command's positional arguments and network settings,
// gathered from flags given before the arguments (parsed by urfave/cli)
// and after them (parsed here: Go's flag parsing stops at the first
// argument, but users write `bitnode address inspect ADDR --network test`).
type commandLine struct {
	args      []string
	network   string
	chainSpec string
	// networkSet records an explicit --network, which must agree with a
	// chain spec's name.
	networkSet bool
}

// parseCommandLine collects c's arguments and the network flags from c
// and its parents.
func parseCommandLine(c *cli.Context) (*commandLine, error) {
	cl := &commandLine{network: "main"}
	for _, ctx := range c.Lineage() {
		if ctx.IsSet(flagNetwork) && !cl.networkSet {
			cl.network, cl.networkSet = ctx.String(flagNetwork), true
		}
		if ctx.IsSet(flagChainSpec) && cl.chainSpec == "" {
			cl.chainSpec = ctx.String(flagChainSpec)
		}
	}
	args := c.Args().Slice()
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			cl.args = append(cl.args, args[i+1:]...)
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || a == "-" || (name != flagNetwork && name != flagChainSpec) {
			cl.args = append(cl.args, a)
			continue
		}
		if !hasValue {
			if i+1 >= len(args) {
				return nil, usageErrorf("flag needs an argument: --%s", name)
			}
			i++
			value = args[i]
		}
		if name == flagNetwork {
			cl.network, cl.networkSet = value, true
		} else {
			cl.chainSpec = value
		}
	}
	return cl, nil
}

// params resolves the network: the chain spec's when one is given, else
// the named Bitcoin network.
func (cl *commandLine) params() (*params.Params, error) {
	if cl.chainSpec != "" {
		p, err := params.LoadChainSpec(cl.chainSpec)
		if err != nil {
			return nil, usageErrorf("%v", err)
		}
		if cl.networkSet && !strings.EqualFold(cl.network, p.Name) {
			return nil, usageErrorf("--network %s conflicts with chain spec network %q", cl.network, p.Name)
		}
		return p, nil
	}
	p, err := params.ByName(cl.network)
	if err != nil {
		return nil, usageErrorf("%v", err)
	}
	return p, nil
}

// oneArg returns the single positional argument a command takes.
func (cl *commandLine) oneArg(what string) (string, error) {
	switch len(cl.args) {
	case 1:
		return cl.args[0], nil
	case 0:
		return "", usageErrorf("missing %s argument", what)
	default:
		return "", usageErrorf("expected one %s argument, got %d", what, len(cl.args))
	}
}
