// Command genevents writes a file of mixed Algoryn events (NDJSON) for
// the speed comparison of `eventctl validate` with jq:
//
//	go run ./internal/cmd/genevents -size 100MB -o /tmp/events.ndjson
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/algoryn/events/cmd/eventctl/internal/gen"
)

func main() {
	size := flag.String("size", "100MB", "how much to write: bytes, or with a KB, MB or GB suffix (powers of 1000)")
	out := flag.String("o", "", "output file (default stdout)")
	seed := flag.Uint64("seed", 1, "seed of the generator")
	syntax := flag.Bool("syntax-errors", false, "make some invalid lines malformed JSON (jq then stops at the first)")
	flag.Parse()
	n, err := parseSize(*size)
	if err != nil {
		fmt.Fprintf(os.Stderr, "genevents: -size %q: %v\n", *size, err)
		os.Exit(2)
	}
	w := os.Stdout
	if *out != "" {
		if w, err = os.Create(*out); err != nil {
			fmt.Fprintf(os.Stderr, "genevents: %v\n", err)
			os.Exit(2)
		}
	}
	c, err := gen.Write(w, n, *seed, *syntax)
	if err == nil && *out != "" {
		err = w.Close()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "genevents: %v\n", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "genevents: %d events (%d invalid), %d bytes\n", c.Events, c.Invalid, c.Bytes)
}

// parseSize reads 100MB, 1GB, 5000.
func parseSize(s string) (int64, error) {
	mult := int64(1)
	for suffix, m := range map[string]int64{"KB": 1e3, "MB": 1e6, "GB": 1e9} {
		if rest, ok := strings.CutSuffix(strings.ToUpper(s), suffix); ok {
			s, mult = rest, m
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("not a positive size")
	}
	return n * mult, nil
}
