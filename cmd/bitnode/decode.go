package main

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/chain/txjson"
	"github.com/bitnode/bitnode/wire"
)

// maxInputSize bounds what decode reads: a maximal block (4 MB of weight,
// so at most 4,000,000 bytes) written as hex with some whitespace.
const maxInputSize = 16 << 20

func decodeCommand() *cli.Command {
	return &cli.Command{
		Name:  "decode",
		Usage: "decode a raw transaction or block as Bitcoin Core's RPC shows it",
		Subcommands: []*cli.Command{
			{
				Name:      "tx",
				Usage:     "decode a transaction (like decoderawtransaction)",
				ArgsUsage: "HEX|FILE",
				Description: "The argument is a file holding the transaction, as hex or raw bytes, " +
					"or the hex itself; - reads standard input.",
				Flags:  networkFlags(),
				Action: decodeTxAction,
			},
			{
				Name:      "block",
				Usage:     "decode a block (like getblock with verbosity 2)",
				ArgsUsage: "HEX|FILE",
				Description: "The argument is a file holding the block, as hex or raw bytes, " +
					"or the hex itself; - reads standard input. Fields that need the chain " +
					"(height, confirmations, mediantime, chainwork, nextblockhash) are omitted.",
				Flags:  networkFlags(),
				Action: decodeBlockAction,
			},
		},
	}
}

func decodeTxAction(c *cli.Context) error {
	data, p, err := decodeInput(c, "transaction")
	if err != nil {
		return err
	}
	tx, err := txjson.ParseRawTx(data, true, true)
	if err != nil {
		return dataError(fmt.Errorf("transaction decode failed: %w", err))
	}
	return writeJSON(c.App.Writer, txjson.DecodeTx(tx, p))
}

func decodeBlockAction(c *cli.Context) error {
	data, p, err := decodeInput(c, "block")
	if err != nil {
		return err
	}
	blk, err := wire.DecodeBlock(data)
	if err != nil {
		return dataError(fmt.Errorf("block decode failed: %w", err))
	}
	return writeJSON(c.App.Writer, txjson.DecodeBlock(blk, p))
}

// decodeInput resolves the network and reads the command's one argument.
func decodeInput(c *cli.Context, what string) ([]byte, *params.Params, error) {
	cl, err := parseCommandLine(c)
	if err != nil {
		return nil, nil, err
	}
	arg, err := cl.oneArg(what)
	if err != nil {
		return nil, nil, err
	}
	p, err := cl.params()
	if err != nil {
		return nil, nil, err
	}
	data, err := readInput(arg, c.App.Reader)
	if err != nil {
		return nil, nil, err
	}
	return data, p, nil
}

// readInput returns the bytes an argument names: the contents of an
// existing file (hex text, surrounding whitespace ignored, or raw binary),
// standard input for "-", or else the argument itself as hex.
func readInput(arg string, stdin io.Reader) ([]byte, error) {
	var content []byte
	switch info, statErr := os.Stat(arg); {
	case arg == "-":
		b, err := readLimited(stdin, "standard input")
		if err != nil {
			return nil, err
		}
		content = b
	case statErr == nil && info.Mode().IsRegular():
		f, err := os.Open(arg)
		if err != nil {
			return nil, dataError(err)
		}
		defer f.Close()
		if content, err = readLimited(f, arg); err != nil {
			return nil, err
		}
	case statErr == nil:
		return nil, dataError(fmt.Errorf("%s is not a regular file", arg))
	case !errors.Is(statErr, fs.ErrNotExist) && !looksLikeHex(arg):
		return nil, dataError(statErr)
	default:
		b, err := hex.DecodeString(string(bytes.TrimSpace([]byte(arg))))
		if err != nil {
			return nil, dataError(fmt.Errorf("argument is neither an existing file nor valid hex: %v", err))
		}
		return b, nil
	}
	return hexOrBinary(content), nil
}

func readLimited(r io.Reader, name string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxInputSize+1))
	if err != nil {
		return nil, dataError(fmt.Errorf("reading %s: %w", name, err))
	}
	if len(b) > maxInputSize {
		return nil, dataError(fmt.Errorf("%s is larger than %d bytes", name, maxInputSize))
	}
	return b, nil
}

// hexOrBinary decodes content as hex when, whitespace trimmed, it is an
// even number of hex digits, and returns it unchanged (raw bytes)
// otherwise.
func hexOrBinary(content []byte) []byte {
	trimmed := bytes.TrimSpace(content)
	if len(trimmed) > 0 && looksLikeHex(string(trimmed)) {
		if b, err := hex.DecodeString(string(trimmed)); err == nil {
			return b
		}
	}
	return content
}

func looksLikeHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return len(s) > 0
}
