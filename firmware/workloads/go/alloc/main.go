// alloc: allocation pressure. Each op builds a small binary tree (7 nodes,
// each with an 8..40 byte slice) and stores it in one of 16 live slots,
// dropping the tree that was there: a small live set and a steady stream of
// garbage. Results: throughput (ops/s, 1 op = one tree), elapsed_ns, check
// (a sum over every byte written, identical to the C twin), and the memory
// statistics the runtime provides (see memstats_*.go).
package main

import (
	"time"

	"rigworkloads/internal/wl"
	"rigworkloads/rigreport"
)

const (
	liveSlots = 16
	treeDepth = 3 // levels: 1 + 2 + 4 = 7 nodes
)

type node struct {
	left, right *node
	data        []byte
}

// next is xorshift32: the same sequence as the C twin.
func next(x *uint32) uint32 {
	*x ^= *x << 13
	*x ^= *x >> 17
	*x ^= *x << 5
	return *x
}

// build makes a tree of the given depth; sum gets every byte it writes.
func build(depth int, x *uint32, sum *uint32) *node {
	if depth == 0 {
		return nil
	}
	r := next(x)
	n := &node{data: make([]byte, 8+r%33)}
	for i := range n.data {
		n.data[i] = byte(r + uint32(i))
		*sum += uint32(n.data[i])
	}
	n.left = build(depth-1, x, sum)
	n.right = build(depth-1, x, sum)
	return n
}

func main() {
	rigreport.Ready()
	n := wl.Iterations(wl.AllocIters)

	var live [liveSlots]*node
	x := uint32(2463534242)
	var sum uint32
	start := wl.Nanotime()
	for k := int64(0); k < n; k++ {
		live[k%liveSlots] = build(treeDepth, &x, &sum)
	}
	elapsed := time.Duration(wl.Nanotime() - start)
	// the live set must survive to here, or the stores could be dropped
	for _, t := range live {
		if t != nil {
			sum += uint32(len(t.data))
		}
	}

	rigreport.Rate("throughput", uint64(n), uint64(elapsed))
	rigreport.Int("elapsed_ns", int64(elapsed), "ns")
	rigreport.Uint("check", uint64(sum), "count")
	reportMemStats()
	rigreport.Done(0)
}
