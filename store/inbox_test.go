package store

import (
	"testing"

	"github.com/sprintguard/sprintguard/store/storetest"
)

// BenchmarkAccept stores deliveries from 50 goroutines with fsync on, as the
// HTTP handlers do before they acknowledge.
func BenchmarkAccept(b *testing.B) {
	db := openTest(b, Options{})
	storetest.BenchmarkAccept(b, db)
}
