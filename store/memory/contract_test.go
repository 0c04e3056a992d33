package memory_test

import (
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/store/memory"
	"github.com/sprintguard/sprintguard/store/storetest"
)

// TestContract runs the store contract on the in-memory store. It has one
// process and no file: every Open of a case is the same store, made by
// the first with that Open's options, as store.Open would take them.
func TestContract(t *testing.T) {
	storetest.Run(t, storetest.Driver{New: func(t *testing.T) storetest.Opener {
		var s *memory.Store
		return func(opt storetest.Options) (storetest.Store, error) {
			if s == nil {
				now, ttl := opt.Now, opt.DedupeTTL
				if now == nil {
					now = time.Now
				}
				if ttl == 0 {
					ttl = store.DefaultDedupeTTL
				}
				s = memory.New(now, ttl)
			}
			return s, nil
		}
	}})
}
