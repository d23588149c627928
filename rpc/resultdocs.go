package rpc

// Result documentation shared by several methods, in Core's wording where
// the field meaning is the same.

const scriptTypes = "nonstandard, anchor, pubkey, pubkeyhash, scripthash, multisig, nulldata, " +
	"witness_v0_scripthash, witness_v0_keyhash, witness_v1_taproot, witness_unknown"

// scriptPubKeyFields documents an output script object (ScriptToUniv with
// hex and address).
func scriptPubKeyFields() []Result {
	return []Result{
		{Type: ResStr, Key: "asm", Desc: "Disassembly of the output script"},
		{Type: ResStr, Key: "desc", Desc: "Inferred descriptor for the output"},
		{Type: ResHex, Key: "hex", Desc: "The raw output script bytes, hex-encoded"},
		{Type: ResStr, Key: "address", Optional: true, Desc: "The Bitcoin address (only if a well-defined address exists)"},
		{Type: ResStr, Key: "type", Desc: "The type (one of: " + scriptTypes + ")"},
	}
}

// prevoutField documents getblock 3's and getrawtransaction 2's spent
// output.
func prevoutField() Result {
	return Result{Type: ResObj, Key: "prevout", Optional: true, Desc: "The previous output, omitted if block undo data is not available", Inner: []Result{
		{Type: ResBool, Key: "generated", Desc: "Coinbase or not"},
		{Type: ResNum, Key: "height", Desc: "The height of the prevout"},
		{Type: ResAmount, Key: "value", Desc: "The value in BTC"},
		{Type: ResObj, Key: "scriptPubKey", Inner: scriptPubKeyFields()},
	}}
}

// txFields documents a transaction as decoderawtransaction shows it
// (Core's TxDoc); prevouts adds the inputs' spent outputs.
func txFields(prevouts bool) []Result {
	vin := []Result{
		{Type: ResHex, Key: "coinbase", Optional: true, Desc: "The coinbase value (only if coinbase transaction)"},
		{Type: ResHex, Key: "txid", Optional: true, Desc: "The transaction id (if not coinbase transaction)"},
		{Type: ResNum, Key: "vout", Optional: true, Desc: "The output number (if not coinbase transaction)"},
		{Type: ResObj, Key: "scriptSig", Optional: true, Desc: "The script (if not coinbase transaction)", Inner: []Result{
			{Type: ResStr, Key: "asm", Desc: "Disassembly of the signature script"},
			{Type: ResHex, Key: "hex", Desc: "The raw signature script bytes, hex-encoded"},
		}},
		{Type: ResArr, Key: "txinwitness", Optional: true, Inner: []Result{
			{Type: ResHex, Desc: "hex-encoded witness data (if any)"},
		}},
	}
	if prevouts {
		vin = append(vin, prevoutField())
	}
	vin = append(vin, Result{Type: ResNum, Key: "sequence", Desc: "The script sequence number"})
	return []Result{
		{Type: ResHex, Key: "txid", Desc: "The transaction id"},
		{Type: ResHex, Key: "hash", Desc: "The transaction hash (differs from txid for witness transactions)"},
		{Type: ResNum, Key: "version", Desc: "The version"},
		{Type: ResNum, Key: "size", Desc: "The serialized transaction size"},
		{Type: ResNum, Key: "vsize", Desc: "The virtual transaction size (differs from size for witness transactions)"},
		{Type: ResNum, Key: "weight", Desc: "The transaction's weight (between vsize*4-3 and vsize*4)"},
		{Type: ResTime, Key: "locktime", Desc: "The lock time"},
		{Type: ResArr, Key: "vin", Inner: []Result{{Type: ResObj, Inner: vin}}},
		{Type: ResArr, Key: "vout", Inner: []Result{{Type: ResObj, Inner: []Result{
			{Type: ResAmount, Key: "value", Desc: "The value in BTC"},
			{Type: ResNum, Key: "n", Desc: "index"},
			{Type: ResObj, Key: "scriptPubKey", Inner: scriptPubKeyFields()},
		}}}},
	}
}

// blockTxFields documents a transaction inside getblock at verbosity 2
// (prevouts false) or 3: the decoded transaction, its fee when the undo
// data is there, and its hex.
func blockTxFields(prevouts bool) []Result {
	return append(txFields(prevouts),
		Result{Type: ResAmount, Key: "fee", Optional: true, Desc: "The transaction fee in BTC, omitted if block undo data is not available"},
		Result{Type: ResHex, Key: "hex", Desc: "The serialized, hex-encoded data for the transaction"})
}

// headerFields documents blockheaderToJSON's fields.
func headerFields() []Result {
	return []Result{
		{Type: ResHex, Key: "hash", Desc: "the block hash (same as provided)"},
		{Type: ResNum, Key: "confirmations", Desc: "The number of confirmations, or -1 if the block is not on the main chain"},
		{Type: ResNum, Key: "height", Desc: "The block height or index"},
		{Type: ResNum, Key: "version", Desc: "The block version"},
		{Type: ResHex, Key: "versionHex", Desc: "The block version formatted in hexadecimal"},
		{Type: ResHex, Key: "merkleroot", Desc: "The merkle root"},
		{Type: ResTime, Key: "time", Desc: "The block time expressed in UNIX epoch time"},
		{Type: ResTime, Key: "mediantime", Desc: "The median block time expressed in UNIX epoch time"},
		{Type: ResNum, Key: "nonce", Desc: "The nonce"},
		{Type: ResHex, Key: "bits", Desc: "nBits: compact representation of the block difficulty target"},
		{Type: ResHex, Key: "target", Desc: "The difficulty target"},
		{Type: ResNum, Key: "difficulty", Desc: "The difficulty"},
		{Type: ResHex, Key: "chainwork", Desc: "Expected number of hashes required to produce the chain up to this block (in hex)"},
		{Type: ResNum, Key: "nTx", Desc: "The number of transactions in the block"},
		{Type: ResHex, Key: "previousblockhash", Optional: true, Desc: "The hash of the previous block (if available)"},
		{Type: ResHex, Key: "nextblockhash", Optional: true, Desc: "The hash of the next block (if available)"},
	}
}

// blockFields documents getblock at verbosity 1 and above: the header
// fields, the sizes and tx.
func blockFields(tx Result) []Result {
	return append(headerFields(),
		Result{Type: ResNum, Key: "strippedsize", Desc: "The block size excluding witness data"},
		Result{Type: ResNum, Key: "size", Desc: "The block size"},
		Result{Type: ResNum, Key: "weight", Desc: "The block weight as defined in BIP 141"},
		tx)
}

// mempoolEntryFields documents a mempool entry (Core 31's entryToJSON).
func mempoolEntryFields() []Result {
	return []Result{
		{Type: ResNum, Key: "vsize", Desc: "virtual transaction size as defined in BIP 141. This is different from actual serialized size for witness transactions as witness data is discounted."},
		{Type: ResNum, Key: "weight", Desc: "transaction weight as defined in BIP 141."},
		{Type: ResTime, Key: "time", Desc: "local time transaction entered pool in seconds since 1 Jan 1970 GMT"},
		{Type: ResNum, Key: "height", Desc: "block height when transaction entered pool"},
		{Type: ResNum, Key: "descendantcount", Desc: "number of in-mempool descendant transactions (including this one)"},
		{Type: ResNum, Key: "descendantsize", Desc: "virtual transaction size of in-mempool descendants (including this one)"},
		{Type: ResNum, Key: "ancestorcount", Desc: "number of in-mempool ancestor transactions (including this one)"},
		{Type: ResNum, Key: "ancestorsize", Desc: "virtual transaction size of in-mempool ancestors (including this one)"},
		{Type: ResHex, Key: "wtxid", Desc: "hash of serialized transaction, including witness data"},
		{Type: ResNum, Key: "chunkweight", Desc: "sigops-adjusted weight (as defined in BIP 141 and modified by '-bytespersigop') of this transaction's chunk"},
		{Type: ResObj, Key: "fees", Inner: []Result{
			{Type: ResAmount, Key: "base", Desc: "transaction fee, denominated in BTC"},
			{Type: ResAmount, Key: "modified", Desc: "transaction fee with fee deltas used for mining priority, denominated in BTC"},
			{Type: ResAmount, Key: "ancestor", Desc: "transaction fees of in-mempool ancestors (including this one) with fee deltas used for mining priority, denominated in BTC"},
			{Type: ResAmount, Key: "descendant", Desc: "transaction fees of in-mempool descendants (including this one) with fee deltas used for mining priority, denominated in BTC"},
			{Type: ResAmount, Key: "chunk", Desc: "transaction fees of chunk, denominated in BTC"},
		}},
		{Type: ResArr, Key: "depends", Desc: "unconfirmed transactions used as inputs for this transaction",
			Inner: []Result{{Type: ResHex, Key: "transactionid", Desc: "parent transaction id"}}},
		{Type: ResArr, Key: "spentby", Desc: "unconfirmed transactions spending outputs from this transaction",
			Inner: []Result{{Type: ResHex, Key: "transactionid", Desc: "child transaction id"}}},
		{Type: ResBool, Key: "bip125-replaceable", Desc: "Whether this transaction signals BIP125 replaceability or has an unconfirmed ancestor signaling BIP125 replaceability. (DEPRECATED)"},
		{Type: ResBool, Key: "unbroadcast", Desc: "Whether this transaction is currently unbroadcast (initial broadcast not yet acknowledged by any peers)"},
	}
}
