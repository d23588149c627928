// Package store is the node's persistent storage: the chainstate LevelDB
// (the UTXO set, its best-block marker and the block index records) with an
// in-memory UTXO cache in front of it, undo data, and the blk/rev flat files
// blocks and undo records are appended to.
//
// The design follows Bitcoin Core's. The UTXO set on disk always describes
// exactly the block its best-block marker names, because a flush writes
// every changed coin and the marker in one synced LevelDB batch and nothing
// else ever writes coins; a crash at any moment leaves the set of some
// earlier flush. Between flushes, changes live in the cache, with Core's
// dirty/fresh bookkeeping, so a coin created and spent between two flushes
// never reaches the disk.
//
// Validating a block happens in a View, an overlay over the DB that the
// caller commits (DB.Commit) once the block is valid, or drops.
//
// The order the caller should persist in, as Core's FlushStateToDisk does:
// block and undo bytes (BlockFiles.Sync), then the block index records that
// point at them (DB.PutBlockRecords, which syncs an attached BlockFiles
// itself), then the coins (DB.Flush). That way nothing on disk ever refers
// to bytes that are not on disk.
//
// Call DB.AttachBlockFiles right after opening both: it restores the block
// files' info (block counts and height ranges, which pruning needs) from
// the chainstate and makes PutBlockRecords persist it with the records.
package store
