package github

import (
	"encoding/json"
	"net/http"
	"time"

	gh "github.com/google/go-github/v93/github"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/triage"
)

// Webhook returns the handler of /github/webhook: it checks the
// X-Hub-Signature-256 of each delivery against secret, drops a delivery
// whose X-GitHub-Delivery it has seen, and applies "issues" events at
// once, as a poll would. Without a secret it refuses every delivery. It
// is safe for concurrent use.
func (s *Syncer) Webhook(secret config.Secret) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !secret.IsSet() {
			http.Error(w, "the GitHub webhook is off: set tracker.github.webhook_secret", http.StatusNotFound)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 25<<20) // GitHub caps payloads at 25 MB
		payload, err := gh.ValidatePayload(r, []byte(secret.Reveal()))
		if err != nil {
			http.Error(w, "signature check failed", http.StatusUnauthorized)
			return
		}
		id := gh.DeliveryID(r)
		now := s.Tracker.opt.Now()
		if id != "" {
			var seen bool
			err := s.Store.View(func(tx triage.Tx) error {
				_, seen, err = tx.Claimed("github-delivery:"+id, now)
				return err
			})
			if err != nil {
				http.Error(w, "store: "+err.Error(), http.StatusServiceUnavailable)
				return
			}
			if seen {
				w.WriteHeader(http.StatusOK)
				return
			}
		}
		switch gh.WebHookType(r) {
		case "issues":
			var ev gh.IssuesEvent
			if err := json.Unmarshal(payload, &ev); err != nil || ev.Issue == nil || ev.Repo == nil {
				http.Error(w, "not an issues event", http.StatusBadRequest)
				return
			}
			s.mu.Lock()
			_, err := s.apply(r.Context(), ev.Repo.GetFullName(), ev.Issue)
			s.mu.Unlock()
			if err != nil {
				// GitHub does not redeliver; the next poll catches up.
				s.Log.Warn("github webhook: apply failed; polling will catch up", "delivery", id, "err", err)
				http.Error(w, "apply failed; polling will catch up", http.StatusInternalServerError)
				return
			}
		case "ping":
		default:
			w.WriteHeader(http.StatusAccepted)
			return
		}
		if id != "" {
			err := s.Store.Update(func(tx triage.Tx) error {
				_, _, err := tx.Claim("github-delivery:"+id, "done", now, now.Add(72*time.Hour))
				return err
			})
			if err != nil {
				s.Log.Warn("github webhook: remember delivery", "delivery", id, "err", err)
			}
		}
		w.WriteHeader(http.StatusNoContent)
	})
}
