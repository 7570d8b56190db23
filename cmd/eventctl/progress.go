package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattn/go-isatty"
)

// progressDelay is how long a command runs before it shows progress:
// short inputs never show any.
const progressDelay = time.Second

// progressEvery is how often the progress line is redrawn.
const progressEvery = 250 * time.Millisecond

// progress draws one self-overwriting line on stderr while a long input
// is read, only when stderr is a terminal.
type progress struct {
	w       io.Writer
	verb    string
	name    atomic.Pointer[string]
	bytes   atomic.Int64
	size    atomic.Int64
	records atomic.Int64
	stop    chan struct{}
	done    sync.WaitGroup
}

// isTerminal reports whether w is a terminal (a character device that
// isatty recognises), as only then is a progress line welcome.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// startProgress starts drawing on w if it is a terminal; otherwise the
// returned progress only counts. Call finish when done.
func startProgress(w io.Writer, verb string) *progress {
	p := &progress{w: w, verb: verb, stop: make(chan struct{})}
	if !isTerminal(w) {
		return p
	}
	p.done.Add(1)
	go p.loop()
	return p
}

// file sets the input being read.
func (p *progress) file(name string, size int64) {
	p.name.Store(&name)
	p.size.Store(size)
	p.bytes.Store(0)
}

func (p *progress) loop() {
	defer p.done.Done()
	select {
	case <-time.After(progressDelay):
	case <-p.stop:
		return
	}
	t := time.NewTicker(progressEvery)
	defer t.Stop()
	for {
		p.draw()
		select {
		case <-t.C:
		case <-p.stop:
			fmt.Fprint(p.w, "\r\033[K")
			return
		}
	}
}

func (p *progress) draw() {
	name := ""
	if n := p.name.Load(); n != nil {
		name = *n
	}
	read, size := p.bytes.Load(), p.size.Load()
	pct := ""
	if size > 0 {
		pct = fmt.Sprintf(" (%d%%)", read*100/size)
	}
	fmt.Fprintf(p.w, "\r\033[K%s %s: %.1f MB%s, %d events", p.verb, name, float64(read)/1e6, pct, p.records.Load())
}

// finish stops drawing and clears the line.
func (p *progress) finish() {
	close(p.stop)
	p.done.Wait()
}
