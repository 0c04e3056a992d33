package main

import (
	"fmt"
	"runtime/metrics"
)

// gcReading is this process's garbage collector so far: what the senders
// (and the fake Web API beside them) share their two CPUs with.
type gcReading struct {
	cycles uint64
	cpu    float64 // seconds of CPU spent in the collector, assists included
}

// ownGC reads this process's collector.
func ownGC() gcReading {
	s := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}, {Name: "/cpu/classes/gc/total:cpu-seconds"}}
	metrics.Read(s)
	var r gcReading
	if s[0].Value.Kind() == metrics.KindUint64 {
		r.cycles = s[0].Value.Uint64()
	}
	if s[1].Value.Kind() == metrics.KindFloat64 {
		r.cpu = s[1].Value.Float64()
	}
	return r
}

// printGC prints the collector's work between two readings.
func printGC(what string, before, after gcReading) {
	fmt.Printf("%-40s %d cycles, %.2f s of CPU (assists included)\n", what, after.cycles-before.cycles, after.cpu-before.cpu)
}
