// Package cluster holds the pure algorithms of Bitcoin Core's cluster
// mempool (Core 31, src/cluster_linearize.h and util/feefrac.h): clusters
// of connected transactions, their linearizations, chunking and feerate
// diagrams. It knows nothing of transactions; a Cluster is an abstract
// acyclic dependency graph of at most 64 nodes, each with a fee and a size,
// and the pool maps positions to its own entries. Standard library only.
//
// # Vocabulary
//
//   - FeeFrac: a fee (sat) and a size (vB), compared by feerate exactly by
//     128-bit cross-multiplication (feefrac.go).
//   - SetType: a 64-bit set of positions (set.go).
//   - Cluster: per-position FeeFrac and direct parents, with ancestor,
//     descendant and reduced-parent sets kept up to date (cluster.go).
//     NewCluster, AddTx, AddDependency, Subcluster, Join, Split,
//     Components, Ancestors/Descendants(Of) (cluster.go, graph.go).
//   - Linearization: a topological order of a cluster's positions ([]int),
//     the order in which it would be mined. IsTopological checks one.
//   - Chunks: Chunk splits a linearization into groups mined as units by
//     merging a group into the one before while it has a higher feerate;
//     chunk feerates never increase along a linearization (chunk.go).
//   - Diagram: the cumulative (size, fee) points of the chunks, a concave
//     curve. CompareDiagrams (Core's CompareChunks) orders two diagrams
//     partially: better, worse, equal or incomparable. A linearization is
//     optimal when its diagram is at least as good as every other's; one
//     always exists.
//
// # Algorithms
//
//   - AncestorLinearize: the legacy mining order (highest ancestor-set
//     feerate first), the floor every result must beat (ancestor.go).
//   - Linearize / LinearizeWithOptions: the spanning-forest linearization
//     (SFL) of Core 31, seeded with the old linearization or the ancestor
//     order, bounded by an iteration budget, then chunk minimization and,
//     if optimality was not reached, post-linearization (linearize.go,
//     sfl.go, sfl_output.go). Never worse than its inputs at any budget;
//     Result.Optimal says when the diagram is proven optimal.
//   - PostLinearize: Core's O(n²) improvement pass; makes chunks connected
//     and linearizes trees optimally (postlin.go).
//   - MergeLinearizations: prefix-intersection merge, at least as good as
//     both inputs (merge.go).
//
// # Cost
//
// On one core of the test machine (BenchmarkLinearize64, random
// 64-transaction clusters shaped as chains, trees, dense and sparse DAGs,
// bipartite parent/child sets): 15-23 µs to proven optimal and minimal
// (10-80 iterations on average), about 11 µs to re-linearize an optimal
// cluster that gained a transaction, 5 µs for the ancestor order, 3.5 µs
// for PostLinearize, 7 µs for MergeLinearizations. One iteration is one
// chunk split (or minimization attempt) with the merges that follow, O(n)
// set operations.
//
// # Building the pool on it
//
// Keep per cluster: the *Cluster, its linearization, a position → entry
// map, and whether the linearization is known optimal (Result.Optimal);
// Core calls the latter the cluster's quality and re-linearizes
// non-optimal clusters in the background with larger budgets.
//
// Adding a transaction whose in-mempool parents lie in one cluster: check
// the limits (MaxClusterCount, MaxClusterVSize) first; AddTx appends it at
// the next position, leaving existing positions unchanged. It has no
// children, so append(lin, pos) is topological; pass that as old to
// Linearize with a small budget (a few hundred) at acceptance time, and
// schedule more work if the result is not optimal.
//
// Adding a transaction that spends from several clusters: check the limits
// on the union plus the newcomer, Join the clusters (positions of part k
// shift by offsets[k]), AddTx the newcomer with its parents shifted, and
// linearize with old = the parts' linearizations shifted and concatenated,
// then the newcomer. Concatenating is fine: the spanning-forest start only
// looks at dependencies, so independent parts interleave by feerate.
//
// A transaction with no in-mempool parents starts a new one-element
// cluster (NewCluster).
//
// Removing transactions (mined in a block: closed under ancestors;
// replaced, conflicted or evicted: closed under descendants): Split(c,
// removed, lin) renumbers what remains into connected pieces, each with
// the old linearization restricted to it, which stays topological and is
// usually already good; Linearize each piece with that as old. Removing a
// prefix of chunks from an optimal linearization leaves an optimal one.
//
// Reorganisations put block transactions back, which may become parents of
// pool transactions: AddTx the returning one, then AddDependency from it
// to each of its existing children (joining clusters first if needed), and
// linearize with old = the returning transactions first, in block order,
// then the previous linearization. If a limit is exceeded, Core trims the
// cluster by evicting from its end.
//
// Replacement (RBF): compute the chunk feerates (ChunkFeerates) of every
// cluster the replacement touches, before and after (building the "after"
// clusters with Clone, Split, Join and AddTx on copies), combine each side
// with CombineChunkFeerates, and require the new diagram to be strictly
// better: cmp, ok := CompareChunkFeerates(after, before); ok && cmp > 0.
//
// Block building and eviction: every cluster's chunks, in order, have
// non-increasing feerates, so taking the highest-feerate next chunk among
// all clusters (a heap keyed by each cluster's first remaining chunk)
// respects every dependency; eviction takes the lowest-feerate last chunk.
//
// Seeds: set Options.Seed from a per-node secret so peers cannot predict
// which clusters take us long. Functions never mutate their *Cluster
// argument except the methods that say so; a Cluster is not safe for
// concurrent mutation, but read-only use from several goroutines is.
package cluster
