package script

// stack is the interpreter's main or alternate stack. Elements alias the
// script or witness they came from until an operation replaces them; no
// operation modifies an element in place.
type stack [][]byte

func (s *stack) push(b []byte) { *s = append(*s, b) }

// top returns the element i from the top: top(-1) is the top, as Core's
// stacktop(-1).
func (s stack) top(i int) []byte { return s[len(s)+i] }

func (s *stack) pop() []byte {
	v := (*s)[len(*s)-1]
	*s = (*s)[:len(*s)-1]
	return v
}

func (s *stack) popN(n int) { *s = (*s)[:len(*s)-n] }

// erase removes the element at index i from the top (top(i)).
func (s *stack) erase(i int) {
	idx := len(*s) + i
	*s = append((*s)[:idx], (*s)[idx+1:]...)
}

// conditionStack tracks nested IF/ELSE branches as Core's ConditionStack
// does: it only counts the depth and the position of the first false
// branch, so it costs O(1) per operation however deep the nesting.
type conditionStack struct {
	size       int
	firstFalse int // -1 when every branch is true
}

func newConditionStack() conditionStack { return conditionStack{firstFalse: -1} }

func (c *conditionStack) empty() bool   { return c.size == 0 }
func (c *conditionStack) allTrue() bool { return c.firstFalse < 0 }

func (c *conditionStack) pushBack(v bool) {
	if c.firstFalse < 0 && !v {
		c.firstFalse = c.size
	}
	c.size++
}

func (c *conditionStack) popBack() {
	c.size--
	if c.firstFalse == c.size {
		c.firstFalse = -1
	}
}

func (c *conditionStack) toggleTop() {
	switch c.firstFalse {
	case -1:
		c.firstFalse = c.size - 1 // top was true, becomes the first false
	case c.size - 1:
		c.firstFalse = -1 // top was the first false, becomes true
	}
	// Otherwise an outer branch is false and the top's value is moot.
}
