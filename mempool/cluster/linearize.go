package cluster

// defaultSeed seeds the spanning-forest algorithm's choices when Options
// gives none.
const defaultSeed = 0x6c696e6561726973

// Options tunes LinearizeWithOptions.
type Options struct {
	// MaxIterations bounds the work: the number of improvement and
	// minimization steps of the spanning-forest algorithm (each is one
	// chunk split and the merges restoring topology, O(n) set operations
	// for n transactions). Zero or less means no improvement beyond the
	// ancestor-set order, merged with Old and post-linearized.
	MaxIterations int
	// Seed seeds the algorithm's random choices (0 picks a fixed default).
	// The pool should use a secret per-node seed, as Core does, so peers
	// cannot predict which clusters take long to linearize.
	Seed uint64
	// Old is an existing linearization to improve upon (nil for none). It
	// is ignored unless it is a topological linearization of the cluster.
	Old []int
}

// Result is what LinearizeWithOptions found.
type Result struct {
	Lin []int
	// Optimal reports that Lin's diagram is proven optimal: no
	// linearization of the cluster has a better one anywhere.
	Optimal bool
	// Minimal reports that, in addition, every chunk is split into its
	// smallest equal-feerate parts.
	Minimal bool
	// Iterations is the number of steps spent (at most MaxIterations).
	Iterations int
}

// Linearize returns a topological linearization of c. Its diagram is never
// worse than the ancestor-set order (AncestorLinearize, Core's legacy
// mining order) nor than old, if old is a topological linearization of c.
// With enough iterations it is optimal: random 64-transaction clusters of
// all shapes reached proven optimality with minimal chunks in 10-80
// iterations on average and never more than about 300 in testing (see
// LinearizeWithOptions and the package documentation for budgets).
func Linearize(c *Cluster, maxIterations int, old []int) []int {
	return LinearizeWithOptions(c, Options{MaxIterations: maxIterations, Old: old}).Lin
}

// LinearizeWithOptions is Linearize with all knobs and a report:
//  1. start from Old if it is a topological linearization of c, otherwise
//     from the ancestor-set order (AncestorLinearize);
//  2. load the start into a spanning-forest state, whose diagram is then
//     at least as good as the start's, and run improvement steps until the
//     state is proven optimal or the budget is spent; with budget left,
//     split chunks into minimal equal-feerate parts;
//  3. output the state's chunks by decreasing feerate. If optimality was
//     not proven, post-linearize the output (PostLinearize) and, when Old
//     was used, merge in the ancestor-set order unless the output already
//     beats it (MergeLinearizations).
//
// So at every budget the result is at least as good as Old and as the
// ancestor-set order.
func LinearizeWithOptions(c *Cluster, opt Options) Result {
	n := c.Len()
	if n <= 1 {
		return Result{Lin: make([]int, n), Optimal: true, Minimal: true}
	}
	haveOld := opt.Old != nil && IsTopological(c, opt.Old)
	start := opt.Old
	if !haveOld {
		start = AncestorLinearize(c)
	}
	seed := opt.Seed
	if seed == 0 {
		seed = defaultSeed
	}
	s := newSFL(c, seed)
	s.load(start)
	var res Result
	res.Optimal, res.Minimal, res.Iterations = s.run(opt.MaxIterations)
	lin := s.linearization()
	if lin == nil {
		lin = append([]int(nil), start...)
		res.Optimal, res.Minimal = false, false
	}
	if !res.Optimal {
		postLinearize(c, lin)
		// The steps above guarantee this already; keep the promise even if
		// a bug broke it.
		lin = notWorseThan(c, lin, start)
		if haveOld {
			lin = notWorseThan(c, lin, AncestorLinearize(c))
		}
	}
	res.Lin = lin
	return res
}

// notWorseThan returns lin if its diagram is at least as good as ref's, and
// otherwise their merge (which is at least as good as both).
func notWorseThan(c *Cluster, lin, ref []int) []int {
	if cmp, ok := CompareLinearizations(c, lin, ref); ok && cmp >= 0 {
		return lin
	}
	return mergeLinearizations(c, lin, ref)
}

// run performs optimization and then minimization steps within budget.
func (s *sflState) run(budget int) (optimal, minimal bool, steps int) {
	s.startOptimizing()
	for steps < budget {
		steps++
		if !s.optimizeStep() {
			optimal = true
			break
		}
	}
	if !optimal {
		return false, false, steps
	}
	s.startMinimizing()
	for steps < budget {
		steps++
		if !s.minimizeStep() {
			return true, true, steps
		}
	}
	return true, false, steps
}
