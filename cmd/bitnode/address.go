package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/bitnode/bitnode/chain/txjson"
)

func addressCommand() *cli.Command {
	return &cli.Command{
		Name:  "address",
		Usage: "work with addresses",
		Subcommands: []*cli.Command{
			{
				Name:      "inspect",
				Usage:     "validate an address and describe it (like validateaddress)",
				ArgsUsage: "ADDRESS",
				Description: "Prints Bitcoin Core's validateaddress result. An invalid address " +
					"prints isvalid false with Core's error message and exits with status 1.",
				Flags:  networkFlags(),
				Action: addressInspectAction,
			},
		},
	}
}

func addressInspectAction(c *cli.Context) error {
	cl, err := parseCommandLine(c)
	if err != nil {
		return err
	}
	addr, err := cl.oneArg("address")
	if err != nil {
		return err
	}
	p, err := cl.params()
	if err != nil {
		return err
	}
	r := txjson.ValidateAddress(addr, p)
	if err := writeJSON(c.App.Writer, r); err != nil {
		return err
	}
	if !r.IsValid {
		return dataError(fmt.Errorf("invalid %s address: %s", p.Name, r.Error))
	}
	return nil
}
