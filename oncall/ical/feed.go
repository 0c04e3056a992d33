package ical

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	neturl "net/url"
	"os"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
)

// Feed is a calendar feed at a URL (https, http or webcal), or a file
// ("file:" and a path). Fetch may be called concurrently.
type Feed struct {
	URL    string
	Client *http.Client // nil means a client with a 30s timeout
}

// Fetch downloads the feed and returns its entries in [from, to), reading
// floating times and all-day dates in loc. A webcal:// URL is fetched over
// https, as calendar apps do.
func (f *Feed) Fetch(ctx context.Context, loc *time.Location, from, to time.Time) ([]oncall.Entry, error) {
	url := f.URL
	if path, ok := strings.CutPrefix(url, "file:"); ok {
		// A calendar kept next to the config, as the demo's is.
		file, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("read calendar file: %w", err)
		}
		defer file.Close()
		return Parse(file, loc, from, to)
	}
	if rest, ok := strings.CutPrefix(url, "webcal://"); ok {
		url = "https://" + rest
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch calendar feed: %w", err)
	}
	req.Header.Set("Accept", "text/calendar")
	client := f.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		// A feed URL is often a secret address: keep it out of the error.
		var ue *neturl.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("fetch calendar feed: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch calendar feed: %s", resp.Status)
	}
	return Parse(resp.Body, loc, from, to)
}
