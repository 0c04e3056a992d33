package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/triage"
)

// TestKillBetweenCommitAndAcks kills the built binary right after a batch
// of transactions reached the disk and before any of their callers was
// told: the events of that batch are stored but never acknowledged. Every
// event acknowledged before the kill must be stored; after the restart and
// Slack's retries, every event is exactly one request.
func TestKillBetweenCommitAndAcks(t *testing.T) {
	s := newHTTPServe(t)
	const n, first = 60, 19
	// The commit that makes the 20th delivery durable holds that one's
	// ack at least, so the burst never gets all its acks, however its
	// Accepts were batched. The first 19 are sent, and acknowledged,
	// before the burst: a burst's Accepts can all share the commit that
	// kills, and then no acknowledged event would be checked.
	t.Setenv(faultKillAfterAcks, fmt.Sprint(first+1))
	s.start()

	events := make([]map[string]any, n)
	for i := range events {
		events[i] = map[string]any{"type": "message", "channel": "C0DATAHELP", "channel_type": "channel",
			"user": fmt.Sprintf("U8%04d", i), "text": fmt.Sprintf("the nightly export %d is missing rows", i),
			"ts": fmt.Sprintf("%d.%06d", time.Now().Unix(), i)}
		// The message is in the channel, as in Slack: a re-run of a job in
		// flight at the kill looks for its earlier post in this thread
		// (without it the fake answers thread_not_found, and the post is
		// made again).
		s.fake.AddMessage("C0DATAHELP", slack.Message{Msg: slack.Msg{Type: "message", User: events[i]["user"].(string),
			Text: events[i]["text"].(string), Timestamp: events[i]["ts"].(string)}})
	}
	send := func(from, to int) (acked []int) {
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i := from; i < to; i++ {
			wg.Go(func() {
				if s.eventQuiet(fmt.Sprintf("EvBatch%d", i), events[i]) == http.StatusOK {
					mu.Lock()
					acked = append(acked, i)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		return acked
	}
	acked := send(0, first)
	if len(acked) != first {
		t.Fatalf("%d of the first %d events acknowledged, before the commit that kills", len(acked), first)
	}
	acked = append(acked, send(first, n)...)
	if err := s.cmd.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("serve was not killed by the fault hook: %v\n%s", err, s.logs.String())
	}
	t.Logf("%d of %d events acknowledged before the kill", len(acked), n)
	if len(acked) == n {
		t.Fatal("every event was acknowledged: the kill came after the burst")
	}

	// Every acknowledged event is on disk: a request, or in the inbox.
	stored := storedEvents(t, s.db)
	for _, i := range acked {
		if stored[events[i]["ts"].(string)] == 0 {
			t.Errorf("event %d was acknowledged but is not stored", i)
		}
	}

	os.Unsetenv(faultKillAfterAcks)
	s.start()
	if again := send(0, n); len(again) != n { // Slack retries what was not acknowledged; all, to be thorough
		t.Fatalf("after the restart %d of %d events acknowledged", len(again), n)
	}
	// Every request is ticketed once its key is posted in its thread.
	ticketed := func() int {
		n := 0
		for _, ev := range events {
			if strings.Contains(threadText(s.fake, "C0DATAHELP", ev["ts"].(string)), "REQ-") {
				n++
			}
		}
		return n
	}
	for deadline := time.Now().Add(60 * time.Second); ticketed() < n && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	s.cmd.Process.Signal(os.Interrupt)
	s.cmd.Wait()
	reqs, pending := storeState(t, s.db)
	per := map[string]int{}
	for _, r := range reqs {
		per[r.TS]++
	}
	for i, ev := range events {
		if c := per[ev["ts"].(string)]; c != 1 {
			t.Errorf("event %d made %d requests, want 1", i, c)
		}
	}
	if len(reqs) != n || pending != 0 {
		t.Errorf("%d requests and %d inbox entries, want %d and 0", len(reqs), pending, n)
	}
	if repeats, untagged := s.fake.RepeatedPosts(); len(repeats) > 0 || len(untagged) > 0 {
		t.Errorf("posted again: %+v\nposted without metadata: %+v", repeats, untagged)
	}
}

// openCopy opens a copy of a stopped or killed bot's store, with its
// journal, read-write as a restart does (taking in what the journal
// holds). The store itself is left as it was, for the restart to recover.
func openCopy(t *testing.T, path string) *store.DB {
	t.Helper()
	cp := filepath.Join(t.TempDir(), filepath.Base(path))
	copyTree(t, path, cp)
	copyTree(t, store.JournalDir(path), store.JournalDir(cp))
	db, err := store.Open(cp, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// storedEvents counts, by message ts, the events the killed bot's store
// holds as requests or as deliveries in its inbox or journal.
func storedEvents(t *testing.T, path string) map[string]int {
	t.Helper()
	db := openCopy(t, path)
	defer db.Close()
	out := map[string]int{}
	err := db.View(func(tx triage.Tx) error {
		return tx.Requests("", time.Time{}, time.Now().AddDate(1, 0, 0), func(r *triage.Request) error {
			out[r.TS]++
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	pending, err := db.Pending(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range pending {
		var env struct {
			Event struct {
				TS string `json:"ts"`
			} `json:"event"`
		}
		if err := json.Unmarshal(d.Body, &env); err != nil {
			t.Fatalf("delivery %d: %v", d.Seq, err)
		}
		out[env.Event.TS]++
	}
	return out
}

// copyTree copies the file or directory src to dst; a missing src copies
// nothing.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == src {
			return nil
		}
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o700)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, data, 0o600)
	})
	if err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
}
