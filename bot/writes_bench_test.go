package bot

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/slackfake"
	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/learn"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

// BenchmarkRequestWrites measures what one request writes to the bbolt
// file on serve's whole path: 50 senders post message events to the
// events handler while the processors and the outbox run, with local
// tickets made inline and the similar-request lookups, as serve does,
// until every request is made and every job is done. It reports the
// pages the commits wrote per request, their kilobytes (pages and meta
// pages) and the commits per request. Each bucket a commit changes costs
// at least a leaf and its branch pages, so the pages depend on how many
// transactions a commit holds: fsync=true, serve's case, commits fewer
// and larger groups than fsync=false. Timings vary with the machine's
// load; the pages vary less, but do with the grouping.
//
//	go test ./bot -run '^$' -bench RequestWrites/fsync=true -benchtime 3000x -count 3
func BenchmarkRequestWrites(b *testing.B) {
	for _, durable := range []bool{false, true} {
		b.Run(fmt.Sprintf("fsync=%v", durable), func(b *testing.B) { requestWrites(b, durable) })
	}
}

func requestWrites(b *testing.B, durable bool) {
	st, err := app.ExampleSettings()
	if err != nil {
		b.Fatal(err)
	}
	db, err := store.Open(filepath.Join(b.TempDir(), "sg.db"), store.Options{NoSync: !durable})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	// The clock runs, as serve's does, from a time in both example
	// teams' business hours: expiry indexes are keyed by it.
	start := time.Now()
	now := func() time.Time { return idleBotNow.Add(time.Since(start)) }
	svc := triage.NewService(db, st, now)
	svc.Finder = learn.NewFinder(db)
	tr := local.New(db, "REQ", "https://sg.example.com/t/")
	svc.Inline = tr
	fake := slackfake.New(b)
	log := slog.New(slog.DiscardHandler)
	tp := http.DefaultTransport.(*http.Transport).Clone()
	tp.MaxIdleConnsPerHost = triage.DefaultWorkers
	gw := NewGateway(slack.New("xoxb-bench", slack.OptionAPIURL(fake.APIURL()),
		slack.OptionHTTPClient(&http.Client{Transport: tp})), log)
	w := &triage.Worker{Store: db, Now: now, Log: log, Handlers: svc.TicketHandlers(tr, tr)}
	bt := New(svc, db, gw, log, Config{Command: "/sg"}, w.Kick)
	bt.SetBotUser("U0SGBOT01")
	maps.Copy(w.Handlers, bt.Handlers())
	maps.Copy(w.Handlers, svc.SimilarHandlers())
	maps.Copy(w.Handlers, bt.DutyHandlers())
	mux := http.NewServeMux()
	bt.Routes(mux, &Verifier{Secret: config.NewSecret(testSecret), Now: now})

	ctx, cancel := context.WithCancel(context.Background())
	bt.Start(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx, 10*time.Millisecond)
	}()
	defer func() { cancel(); bt.Wait(); <-done }()

	before := db.WriteStats()
	sendEventsParallel(b, mux, slackLikeEvents(b.N), 50)
	b.StartTimer()
	for {
		s, err := db.Stats()
		if err != nil {
			b.Fatal(err)
		}
		if s.Requests >= b.N && s.QueuedJobs == 0 {
			break
		}
		// Reading the whole store is work of its own: look now and then.
		time.Sleep(100 * time.Millisecond)
	}
	b.StopTimer()
	after := db.WriteStats()
	n := float64(b.N)
	b.ReportMetric(float64(after.Pages-before.Pages)/n, "pages/request")
	b.ReportMetric(float64(after.Bytes-before.Bytes)/1024/n, "KB/request")
	b.ReportMetric(float64(after.Commits-before.Commits)/n, "commits/request")
	if posts := len(fake.OKCalls("chat.postMessage")); posts < b.N {
		b.Fatalf("%d posts for %d requests", posts, b.N)
	}
}

// slackLikeEvents returns n signed message events to an auto-mode intake
// channel with event and user ids as Slack makes them, in no order: the
// keys the claims and requester indexes get in production, where
// signedEvents' counted ids would all sort in arrival order and hide what
// random keys cost. (Each event has its own user, as in bench/slackload,
// since intake links near-identical requests of one requester.)
func slackLikeEvents(n int) []signedEvent {
	return signedEventsWith(n, func(i int) (string, string) {
		return "Ev" + slackID(uint64(i)), "U" + slackID(uint64(i)+1<<40)
	})
}

// slackID is ten characters of Slack's id alphabet, scattered by n.
func slackID(n uint64) string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	// splitmix64's finalizer: consecutive n give unrelated ids.
	n += 0x9e3779b97f4a7c15
	n = (n ^ n>>30) * 0xbf58476d1ce4e5b9
	n = (n ^ n>>27) * 0x94d049bb133111eb
	n ^= n >> 31
	var b [10]byte
	for i := range b {
		b[i] = alphabet[n%uint64(len(alphabet))]
		n /= uint64(len(alphabet))
	}
	return string(b[:])
}
