package testlog_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/sprintguard/sprintguard/internal/testlog"
)

// Writers and a reader at once lose no line (the race detector checks
// the rest).
func TestBufferKeepsEveryWrite(t *testing.T) {
	var b testlog.Buffer
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 100 {
				fmt.Fprintf(&b, "w%d %d\n", w, i)
				_ = b.String()
			}
		})
	}
	wg.Wait()
	if n := strings.Count(b.String(), "\n"); n != 400 {
		t.Errorf("%d lines, want 400", n)
	}
}
