package main

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
)

func TestIndentLikeUniValue(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{}`, "{\n}"},
		{`[]`, "[\n]"},
		{`{"a":1}`, "{\n  \"a\": 1\n}"},
		{`{"a":[],"b":{},"c":[1,2]}`, "{\n  \"a\": [\n  ],\n  \"b\": {\n  },\n  \"c\": [\n    1,\n    2\n  ]\n}"},
		{`{"s":"x,:{[]}\"\\"}`, "{\n  \"s\": \"x,:{[]}\\\"\\\\\"\n}"},
		{`[{"a":[{}]}]`, "[\n  {\n    \"a\": [\n      {\n      }\n    ]\n  }\n]"},
	}
	for _, tc := range tests {
		if got := string(indentLikeUniValue([]byte(tc.in), 2)); got != tc.want {
			t.Errorf("indent(%s)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestWriteJSONNoHTMLEscaping(t *testing.T) {
	var b bytes.Buffer
	if err := writeJSON(&b, map[string]string{"k": "<&>"}); err != nil {
		t.Fatal(err)
	}
	if b.String() != "{\n  \"k\": \"<&>\"\n}\n" {
		t.Errorf("got %q", b.String())
	}
}

// TestRunInProcess drives run() directly: the default version string and
// the exit statuses, without building the binary.
func TestRunInProcess(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"bitnode", "version"}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("version: %d %s", code, stderr.String())
	}
	if want := "bitnode 0.1.0-dev (protocol 70016, " + runtime.Version() + ")\n"; stdout.String() != want {
		t.Errorf("version = %q, want %q", stdout.String(), want)
	}
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"bitnode", "decode", "tx", "zz"}, exitData},
		{[]string{"bitnode", "decode", "tx"}, exitUsage},
		{[]string{"bitnode", "address", "inspect", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3"}, exitData},
		{[]string{"bitnode", "address", "inspect", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"}, exitOK},
		{[]string{"bitnode", "nope"}, exitUsage},
		{[]string{"bitnode", "--network", "regtest", "decode", "tx", "--network", "bogus", "00"}, exitUsage},
	} {
		stdout.Reset()
		stderr.Reset()
		if code := run(tc.args, strings.NewReader(""), &stdout, &stderr); code != tc.code {
			t.Errorf("%v: exit %d, want %d (stderr %q)", tc.args, code, tc.code, stderr.String())
		}
	}
}
