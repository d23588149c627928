package mining

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/bitnode/bitnode/chain/params"
)

// topKeys returns an object's keys in the order they appear.
func topKeys(t *testing.T, raw []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %v %v", tok, err)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func TestGBT(t *testing.T) {
	ch, coins := matureChain(t, 2)
	parent := spendTx(coins[:1], 100, opTrue, opTrue)
	child := spendTx(outputs(parent), 200_000, opTrue) // spends both outputs
	other := spendTx(coins[1:], 5_000, opTrue)
	src := SliceSource{{desc(parent, 100), desc(child, 200_000, parent)}, {desc(other, 5_000)}}
	tmpl, err := NewTemplate(ch, src, Options{CoinbaseScript: opTrue, TxUpdates: 7})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(tmpl.GBT())
	if err != nil {
		t.Fatal(err)
	}
	wantKeys := "capabilities version rules vbavailable vbrequired previousblockhash transactions coinbaseaux " +
		"coinbasevalue longpollid target mintime mutable noncerange sigoplimit sizelimit weightlimit curtime bits " +
		"height default_witness_commitment"
	if got := strings.Join(topKeys(t, raw), " "); got != wantKeys {
		t.Fatalf("keys\n%s\nwant\n%s", got, wantKeys)
	}
	var r map[string]any
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	tip, height := ch.Tip()
	str := func(k string) string {
		s, ok := r[k].(string)
		if !ok {
			t.Fatalf("%s: %T", k, r[k])
		}
		return s
	}
	num := func(k string) float64 {
		n, ok := r[k].(float64)
		if !ok {
			t.Fatalf("%s: %T", k, r[k])
		}
		return n
	}
	strs := func(k string) string {
		a, ok := r[k].([]any)
		if !ok {
			t.Fatalf("%s: %T", k, r[k])
		}
		var out []string
		for _, v := range a {
			out = append(out, v.(string))
		}
		return strings.Join(out, ",")
	}
	if strs("capabilities") != "proposal" || strs("rules") != "csv,!segwit,taproot" ||
		strs("mutable") != "time,transactions,prevblock" {
		t.Fatalf("lists %v %v %v", r["capabilities"], r["rules"], r["mutable"])
	}
	if m, ok := r["vbavailable"].(map[string]any); !ok || len(m) != 0 {
		t.Fatalf("vbavailable %v", r["vbavailable"])
	}
	if m, ok := r["coinbaseaux"].(map[string]any); !ok || len(m) != 0 {
		t.Fatalf("coinbaseaux %v", r["coinbaseaux"])
	}
	subsidy := float64(50 * 100_000_000)
	if num("version") != 0x20000000 || num("vbrequired") != 0 || num("coinbasevalue") != subsidy+205_100 ||
		num("sigoplimit") != 80_000 || num("sizelimit") != 4_000_000 || num("weightlimit") != 4_000_000 ||
		num("height") != float64(height+1) || num("mintime") != float64(tmpl.MinTime) ||
		num("curtime") != float64(tmpl.Block.Header.Timestamp) {
		t.Fatalf("numbers %s", raw)
	}
	if str("previousblockhash") != tip.String() || str("longpollid") != tip.String()+"7" ||
		str("noncerange") != "00000000ffffffff" || str("bits") != "207fffff" ||
		str("target") != "7fffff"+strings.Repeat("0", 58) ||
		str("default_witness_commitment") != hex.EncodeToString(tmpl.WitnessCommitment) ||
		!strings.HasPrefix(str("default_witness_commitment"), "6a24aa21a9ed") {
		t.Fatalf("strings %s", raw)
	}

	txs, ok := r["transactions"].([]any)
	if !ok || len(txs) != 3 {
		t.Fatalf("transactions %v", r["transactions"])
	}
	wantDeps := []string{"", "1,1", ""}
	for i, v := range txs {
		e := v.(map[string]any)
		if len(e) != 7 {
			t.Fatalf("entry %d has %d fields", i, len(e))
		}
		tx := tmpl.Block.Transactions[i+1]
		data, _ := hex.DecodeString(e["data"].(string))
		if !bytes.Equal(data, tx.Serialize()) || e["txid"] != tx.TxHash().String() || e["hash"] != tx.WitnessHash().String() {
			t.Fatalf("entry %d: %v", i, e)
		}
		deps, ok := e["depends"].([]any)
		if !ok {
			t.Fatalf("entry %d depends %T", i, e["depends"])
		}
		var ds []string
		for _, d := range deps {
			ds = append(ds, jsonNum(d))
		}
		if strings.Join(ds, ",") != wantDeps[i] {
			t.Fatalf("entry %d depends %v", i, deps)
		}
		if e["fee"].(float64) != float64(tmpl.Fees[i+1]) || e["sigops"].(float64) != 0 || e["weight"].(float64) != float64(tx.Weight()) {
			t.Fatalf("entry %d: %v", i, e)
		}
	}
	entryKeys := topKeys(t, mustJSON(t, tmpl.GBT().Transactions[0]))
	if got := strings.Join(entryKeys, " "); got != "data txid hash depends fee sigops weight" {
		t.Fatalf("entry keys %s", got)
	}
}

func jsonNum(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestGBTPreSegwitAndSignet: before segwit the limits are in legacy units
// and there is no weight limit or commitment; signet adds its rule and
// challenge.
func TestGBTPreSegwitAndSignet(t *testing.T) {
	ch := newChain(t, func(p *params.Params) { p.SegwitHeight = 1000 })
	heavy := fakeDesc(1, 400, 4_000, 40)
	tmpl, err := NewTemplate(ch, SliceSource{{heavy}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	g := tmpl.GBT()
	raw := mustJSON(t, g)
	if strings.Contains(string(raw), "weightlimit") || strings.Contains(string(raw), "default_witness_commitment") ||
		strings.Contains(string(raw), "signet_challenge") {
		t.Fatalf("pre-segwit %s", raw)
	}
	if g.SigOpLimit != 20_000 || g.SizeLimit != 1_000_000 || strings.Join(g.Rules, ",") != "csv,taproot" ||
		g.Transactions[0].SigOps != 10 || len(g.Transactions[0].Depends) != 0 {
		t.Fatalf("pre-segwit %+v", g)
	}
	if !strings.Contains(string(raw), `"depends":[]`) {
		t.Fatal("empty depends must be [] not null")
	}

	sig := newChain(t, func(p *params.Params) { p.SignetChallenge = []byte{0x51} })
	tmpl, err = NewTemplate(sig, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	g = tmpl.GBT()
	if strings.Join(g.Rules, ",") != "csv,!segwit,!signet,taproot" || g.SignetChallenge != "51" {
		t.Fatalf("signet %+v", g)
	}
	keys := strings.Join(topKeys(t, mustJSON(t, g)), " ")
	if !strings.HasSuffix(keys, "height signet_challenge default_witness_commitment") {
		t.Fatalf("signet keys %s", keys)
	}
}
