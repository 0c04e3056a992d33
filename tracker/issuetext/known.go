package issuetext

import (
	"strings"
	"sync"
)

// Known remembers which labels each repository (or project) has, so that
// each missing label is made once. It is safe for concurrent use.
type Known struct {
	mu sync.Mutex
	by map[string]map[string]bool // repository -> lower-case names
}

// Ensure makes the labels of want that repo lacks. list reads the
// repository's labels, the first time only; create makes one label and
// returns nil when the tracker says it exists already.
func (k *Known) Ensure(repo string, want []string, list func() ([]string, error), create func(name string) error) error {
	k.mu.Lock()
	if k.by == nil {
		k.by = map[string]map[string]bool{}
	}
	known := k.by[repo]
	k.mu.Unlock()
	if known == nil {
		names, err := list()
		if err != nil {
			return err
		}
		known = map[string]bool{}
		for _, n := range names {
			known[strings.ToLower(n)] = true
		}
		k.mu.Lock()
		k.by[repo] = known
		k.mu.Unlock()
	}
	for _, l := range want {
		k.mu.Lock()
		have := known[strings.ToLower(l)]
		k.mu.Unlock()
		if have {
			continue
		}
		if err := create(l); err != nil {
			return err
		}
		k.mu.Lock()
		known[strings.ToLower(l)] = true
		k.mu.Unlock()
	}
	return nil
}

// Colour is the colour sprintguard gives a label it makes, as six hex
// digits: red to green by urgency (urgency:P1 or urgency::P1), one each
// for interrupt, deferred and sprintguard, grey for the rest.
func Colour(label string) string {
	if i := strings.LastIndex(label, ":"); strings.HasPrefix(label, "urgency:") && i >= 0 {
		switch label[i+1:] {
		case "P1":
			return "b60205"
		case "P2":
			return "d93f0b"
		case "P3":
			return "fbca04"
		case "P4":
			return "0e8a16"
		}
	}
	switch label {
	case LabelInterrupt:
		return "5319e7"
	case LabelDeferred:
		return "c5def5"
	case "sprintguard":
		return "1d76db"
	}
	return "ededed"
}
