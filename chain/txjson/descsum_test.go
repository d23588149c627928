package txjson

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type bip380Vectors struct {
	Checksum []struct {
		Description string `json:"description"`
		Descriptor  string `json:"descriptor"`
		Expected    string `json:"expected"`
	} `json:"checksum"`
}

// TestBIP380ChecksumVectors runs BIP380's checksum cases.
func TestBIP380ChecksumVectors(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "bips", "bip-0380", "bip380_test_vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v bip380Vectors
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Checksum) < 8 {
		t.Fatalf("only %d checksum vectors", len(v.Checksum))
	}
	for _, tc := range v.Checksum {
		required := VerifyChecksum(tc.Descriptor, true)
		optional := VerifyChecksum(tc.Descriptor, false)
		switch tc.Expected {
		case "valid":
			if required != nil {
				t.Errorf("%s: %q rejected: %v", tc.Description, tc.Descriptor, required)
			}
			body, sum, _ := strings.Cut(tc.Descriptor, "#")
			if got := AddChecksum(body); got != tc.Descriptor {
				t.Errorf("%s: AddChecksum(%q) = %q (checksum %s)", tc.Description, body, got, sum)
			}
		case "valid_if_checksum_optional":
			if optional != nil || required == nil {
				t.Errorf("%s: %q: optional %v, required %v", tc.Description, tc.Descriptor, optional, required)
			}
		case "invalid":
			if optional == nil {
				t.Errorf("%s: %q accepted", tc.Description, tc.Descriptor)
			}
		default:
			t.Errorf("%s: unknown expectation %q", tc.Description, tc.Expected)
		}
	}
}

// Checksums Bitcoin Core printed in "desc" fields.
var coreDescriptors = []string{
	"raw(deadbeef)#89f8spxm",
	"addr(bc1q76r4ux6l0uwfkeweu2p36drszqzd8dzyl74g5t)#pjg6r820",
	"addr(1CH2JsgrMXmXUZWokyekHPZq4dYmeNBQjv)#pk83yamv",
	"addr(193P6LtvS4nCnkDvM9uXn1gsSRqh4aDAz7)#nw04wh58",
	"addr(13tuJJDR2RgArmgfv6JScSdreahzgc4T6o)#ztmwxg4c",
	"addr(1AtWkdmfmYkErU16d3KYykJUbEp9MAj9Sb)#tsyprkms",
	"addr(bc1q5fgkuac9s2ry56jka5s6zqsyfcugcchry5cwu0)#gm7zhxq2",
	"raw(6a4c4f54686973204f505f52455455524e207472616e73616374696f6e206f7574707574207761732063726561746564206279206d6f646966696564206372656174657261777472616e73616374696f6e2e)#zf2avljj",
	"pk(04ae1a62fe09c5f51b13905f07f06b99a2f7159b2225f374cd378d71302fa28414e7aab37397f554a7df5f142c21c1b7303b8a0626f1baded5c72a704f7e6cd84c)#hsw9ejus",
	"rawtr(83698e458c6664e1595d75da2597de1e22ee97d798e706c4c0a4b5a9823cd743)#lr3hfg6s",
	"rawtr(9bcbd366c542d77635150211f6283d3ff4d9979d312cdf42e4bbd047aa77d961)#q2ud38tc",
}

func TestCoreDescriptorChecksums(t *testing.T) {
	for _, d := range coreDescriptors {
		body, _, _ := strings.Cut(d, "#")
		if got := AddChecksum(body); got != d {
			t.Errorf("AddChecksum(%q) = %q, want %q", body, got, d)
		}
		if err := VerifyChecksum(d, true); err != nil {
			t.Errorf("VerifyChecksum(%q): %v", d, err)
		}
	}
}

func TestDescriptorChecksumCharset(t *testing.T) {
	if _, err := DescriptorChecksum("raw(\u00dc)"); !errors.Is(err, ErrDescriptorCharset) {
		t.Errorf("non-ASCII: %v", err)
	}
	if _, err := DescriptorChecksum("raw(\x00)"); !errors.Is(err, ErrDescriptorCharset) {
		t.Errorf("NUL: %v", err)
	}
	if got := AddChecksum("raw(\n)"); got != "raw(\n)" {
		t.Errorf("AddChecksum of an invalid descriptor = %q", got)
	}
	if err := VerifyChecksum("raw(deadbeef)#89f8spxm#", true); !errors.Is(err, ErrDescriptorChecksum) {
		t.Errorf("double '#': %v", err)
	}
}
