package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/rpc"
)

// rpcCommand is `bitnode rpc`, a client in the manner of bitcoin-cli.
func rpcCommand() *cli.Command {
	return &cli.Command{
		Name:      "rpc",
		Usage:     "call a JSON-RPC method of a running node (as bitcoin-cli)",
		ArgsUsage: "METHOD [ARGS...]",
		// "help" is the server's method here, not urfave/cli's command.
		HideHelpCommand: true,
		Description: "Arguments are sent as JSON where the method takes a number, boolean, object or array\n" +
			"(or the text is valid JSON, for methods bitnode does not know), as strings otherwise.\n" +
			"Credentials come from the node's cookie file unless --rpcuser/--rpcpassword are given.\n" +
			"Settings rpcconnect, rpcport, rpcuser, rpcpassword and rpccookiefile are also read from\n" +
			"bitnode.conf. Errors go to standard error as bitcoin-cli prints them, with exit status 1.",
		Flags: append(networkFlags(),
			&cli.StringFlag{Name: "datadir", Usage: "the node's data `DIR` (for the cookie)"},
			&cli.StringFlag{Name: "conf", Usage: "settings `FILE` (default <datadir>/bitnode.conf)", TakesFile: true},
			&cli.StringFlag{Name: "rpcconnect", Value: "127.0.0.1", Usage: "the node's `HOST`"},
			&cli.IntFlag{Name: "rpcport", Usage: "the node's JSON-RPC `PORT` (default: the network's)"},
			&cli.StringFlag{Name: "rpcuser", Usage: "user `NAME`"},
			&cli.StringFlag{Name: "rpcpassword", Usage: "`PASSWORD`"},
			&cli.StringFlag{Name: "rpccookiefile", Usage: "cookie `FILE` (default <datadir>/.cookie)", TakesFile: true},
			&cli.BoolFlag{Name: "named", Usage: "pass arguments as NAME=VALUE (unnamed ones go to \"args\")"},
			&cli.BoolFlag{Name: "stdin", Usage: "read further arguments from standard input, one per line"},
			&cli.BoolFlag{Name: "rpcwait", Usage: "wait for the server to start"},
			&cli.IntFlag{Name: "rpcwaittimeout", Usage: "give up waiting after `SECONDS` (0: wait forever)"},
			&cli.IntFlag{Name: "rpcclienttimeout", Value: 900, Usage: "HTTP timeout in `SECONDS` (0: none)"},
		),
		Action: runRPC,
	}
}

// reportedError is an error already printed; run prints nothing more.
type reportedError struct{}

func (reportedError) Error() string { return "" }

// cliFail prints msg to standard error as bitcoin-cli does and fails
// with exit status 1.
func cliFail(c *cli.Context, msg string) error {
	fmt.Fprintln(c.App.ErrWriter, msg)
	return &exitError{code: exitData, err: reportedError{}}
}

// rpcClient holds the connection settings of one call.
type rpcClient struct {
	url, user, password string
	cookie              string // cookie file, when no password is given
	timeout             time.Duration
}

func runRPC(c *cli.Context) error {
	args := c.Args().Slice()
	if c.Bool("stdin") {
		sc := bufio.NewScanner(c.App.Reader)
		sc.Buffer(make([]byte, 1<<20), rpc.MaxBodyBytes)
		for sc.Scan() {
			args = append(args, sc.Text())
		}
		if err := sc.Err(); err != nil {
			return dataError(err)
		}
	}
	if len(args) == 0 {
		return usageErrorf("rpc needs a METHOD (bitnode rpc help lists them)")
	}
	client, err := newRPCClient(c)
	if err != nil {
		return err
	}
	var params any
	if c.Bool("named") {
		params = namedParams(args[0], args[1:])
	} else {
		params = positionalParams(args[0], args[1:])
	}
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": args[0], "params": params})
	return client.call(c, body)
}

// newRPCClient resolves the network, data directory, port and
// credentials from the flags and bitnode.conf.
func newRPCClient(c *cli.Context) (*rpcClient, error) {
	conf, err := clientConfig(c)
	if err != nil {
		return nil, err
	}
	cl := &commandLine{network: "main"}
	for _, ctx := range c.Lineage() {
		if ctx.IsSet(flagNetwork) && !cl.networkSet {
			cl.network, cl.networkSet = ctx.String(flagNetwork), true
		}
		if ctx.IsSet(flagChainSpec) && cl.chainSpec == "" {
			cl.chainSpec = ctx.String(flagChainSpec)
		}
	}
	if !cl.networkSet && conf["network"] != "" {
		cl.network, cl.networkSet = conf["network"], true
	}
	p, err := cl.params()
	if err != nil {
		return nil, err
	}
	setting := func(name string) string {
		if c.IsSet(name) {
			return c.String(name)
		}
		if v, ok := conf[name]; ok {
			return v
		}
		return c.String(name)
	}
	port := strconv.Itoa(int(p.RPCPort))
	if v := setting("rpcport"); v != "" && v != "0" {
		port = v
	}
	client := &rpcClient{url: "http://" + net.JoinHostPort(setting("rpcconnect"), port) + "/",
		user: setting("rpcuser"), password: setting("rpcpassword"),
		timeout: time.Duration(c.Int("rpcclienttimeout")) * time.Second}
	if client.password == "" {
		client.cookie = setting("rpccookiefile")
		if client.cookie == "" {
			dir, err := dataDir(c.String("datadir"), p)
			if err != nil {
				return nil, err
			}
			client.cookie = filepath.Join(dir, rpc.CookieName)
		}
	}
	return client, nil
}

// clientConfig reads the rpc* settings (and network) of bitnode.conf:
// the top level and the network's section.
func clientConfig(c *cli.Context) (map[string]string, error) {
	path := c.String("conf")
	if path == "" {
		base := c.String("datadir")
		if base == "" {
			var err error
			if base, err = defaultDataDir(); err != nil {
				return nil, err
			}
		}
		path = filepath.Join(base, configFileName)
	}
	top, err := parseConfig(path, "")
	if err != nil {
		return nil, usageErrorf("%v", err)
	}
	out := map[string]string{}
	for _, e := range top {
		out[e.key] = e.value
	}
	network := c.String(flagNetwork)
	if !c.IsSet(flagNetwork) && out["network"] != "" {
		network = out["network"]
	}
	if p, err := params.ByName(network); err == nil {
		section, err := parseConfig(path, p.Name)
		if err != nil {
			return nil, usageErrorf("%v", err)
		}
		for _, e := range section {
			out[e.key] = e.value
		}
	}
	return out, nil
}

// call sends body, waiting for the server with --rpcwait, and prints the
// reply.
func (cl *rpcClient) call(c *cli.Context, body []byte) error {
	var deadline time.Time
	if t := c.Int("rpcwaittimeout"); t > 0 {
		deadline = time.Now().Add(time.Duration(t) * time.Second)
	}
	for {
		status, reply, err := cl.post(c.Context, body)
		retry := c.Bool("rpcwait") && (deadline.IsZero() || time.Now().Before(deadline))
		var ce *connError
		switch {
		case errors.As(err, &ce) && retry:
		case status == http.StatusServiceUnavailable && retry:
		case err != nil:
			return cliFail(c, err.Error())
		default:
			return printReply(c, status, reply)
		}
		select {
		case <-c.Context.Done():
			return c.Context.Err()
		case <-time.After(time.Second):
		}
	}
}

// connError is a failure to reach the server (no cookie yet, nothing
// listening), which --rpcwait waits out.
type connError struct{ msg string }

func (e *connError) Error() string { return e.msg }

// post sends one request and returns the HTTP status and body.
func (cl *rpcClient) post(ctx context.Context, body []byte) (int, []byte, error) {
	user, password := cl.user, cl.password
	if cl.cookie != "" {
		u, p, err := rpc.ReadCookie(cl.cookie)
		if err != nil {
			return 0, nil, &connError{"error: Could not locate RPC credentials. No authentication cookie could be found, " +
				"and RPC password is not set. See --rpcpassword. (cookie file " + cl.cookie + ")"}
		}
		user, password = u, p
	}
	if cl.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cl.timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cl.url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(user, password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		host := strings.TrimSuffix(strings.TrimPrefix(cl.url, "http://"), "/")
		return 0, nil, &connError{"error: Could not connect to the server " + host + "\n\n" +
			"Make sure the bitnode server is running and that you are connecting to the correct RPC port."}
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(resp.Body)
	return resp.StatusCode, reply, err
}

// printReply prints a result as bitcoin-cli does (strings raw, null as
// nothing, the rest indented JSON) or the error on standard error.
func printReply(c *cli.Context, status int, reply []byte) error {
	switch status {
	case http.StatusUnauthorized:
		return cliFail(c, "error: Authorization failed: Incorrect rpcuser or rpcpassword")
	case http.StatusOK:
	default:
		if !json.Valid(reply) || len(bytes.TrimSpace(reply)) == 0 {
			return cliFail(c, fmt.Sprintf("error: server returned HTTP error %d", status))
		}
	}
	var r struct {
		Result json.RawMessage `json:"result"`
		Error  *rpc.Error      `json:"error"`
	}
	if err := json.Unmarshal(reply, &r); err != nil {
		return cliFail(c, "error: couldn't parse reply from server")
	}
	if r.Error != nil {
		return cliFail(c, fmt.Sprintf("error code: %d\nerror message:\n%s", r.Error.Code, r.Error.Message))
	}
	res := bytes.TrimSpace(r.Result)
	switch {
	case len(res) == 0 || string(res) == "null":
		return nil
	case res[0] == '"':
		var s string
		if err := json.Unmarshal(res, &s); err == nil {
			_, err := fmt.Fprintln(c.App.Writer, s)
			return err
		}
	}
	_, err := c.App.Writer.Write(append(indentLikeUniValue(res, 2), '\n'))
	return err
}

// argType is how the method takes its argument: true when it is a string
// (sent as is), false for JSON values; known reports whether the method
// documents that argument.
func argType(method string, pos int, name string) (isString, known bool) {
	for _, m := range rpc.Methods() {
		if m.Name != method {
			continue
		}
		for i, a := range m.Args {
			if (name == "" && i == pos) || (name != "" && hasName(a.Names, name)) {
				return a.Type == rpc.ArgStr || a.Type == rpc.ArgHex, true
			}
		}
	}
	return false, false
}

func hasName(names, name string) bool {
	for _, n := range strings.Split(names, "|") {
		if n == name {
			return true
		}
	}
	return false
}

// convertArg turns a command-line argument into a JSON value: a string
// argument as a string, anything else as JSON where it parses.
func convertArg(method string, pos int, name, value string) json.RawMessage {
	if isString, _ := argType(method, pos, name); !isString && json.Valid([]byte(value)) {
		return json.RawMessage(value)
	}
	b, _ := json.Marshal(value)
	return b
}

func positionalParams(method string, args []string) []json.RawMessage {
	out := make([]json.RawMessage, len(args))
	for i, a := range args {
		out[i] = convertArg(method, i, "", a)
	}
	return out
}

// namedParams is -named: NAME=VALUE pairs, other arguments in "args".
func namedParams(method string, args []string) map[string]any {
	out := map[string]any{}
	var positional []json.RawMessage
	for _, a := range args {
		name, value, ok := strings.Cut(a, "=")
		if !ok {
			positional = append(positional, convertArg(method, len(positional), "", a))
			continue
		}
		out[name] = convertArg(method, -1, name, value)
	}
	if positional != nil {
		out["args"] = positional
	}
	return out
}
