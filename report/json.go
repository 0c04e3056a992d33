package report

import (
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// JSON returns the report as indented JSON. Durations are written both in
// seconds (for machines) and as the text report writes them. It may be
// called concurrently.
func (w *Weekly) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(w, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode report: %w", err)
	}
	return append(b, '\n'), nil
}

type durationsJSON struct {
	N         int     `json:"n"`
	MedianSec float64 `json:"median_seconds"`
	P90Sec    float64 `json:"p90_seconds"`
	MaxSec    float64 `json:"max_seconds"`
	Median    string  `json:"median"`
	P90       string  `json:"p90"`
	Max       string  `json:"max"`
}

// MarshalJSON writes d with its durations in seconds and as text.
func (d Durations) MarshalJSON() ([]byte, error) {
	return json.Marshal(durationsJSON{
		N: d.N, MedianSec: d.Median.Seconds(), P90Sec: d.P90.Seconds(), MaxSec: d.Max.Seconds(),
		Median: FormatDuration(d.Median), P90: FormatDuration(d.P90), Max: FormatDuration(d.Max),
	})
}

// UnmarshalJSON reads what MarshalJSON writes, from the seconds.
func (d *Durations) UnmarshalJSON(b []byte) error {
	var v durationsJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("decode durations: %w", err)
	}
	*d = Durations{N: v.N, Median: seconds(v.MedianSec), P90: seconds(v.P90Sec), Max: seconds(v.MaxSec)}
	return nil
}

// breachJSON is Breach on the wire; the alias drops Breach's methods so
// that encoding it does not recurse.
type breachJSON struct {
	breachAlias
	TargetSec float64 `json:"target_seconds"`
	TookSec   float64 `json:"took_seconds"`
	Target    string  `json:"target"`
	Took      string  `json:"took"`
}

type breachAlias Breach

// MarshalJSON writes b with its durations in seconds and as text.
func (b Breach) MarshalJSON() ([]byte, error) {
	return json.Marshal(breachJSON{breachAlias: breachAlias(b),
		TargetSec: b.Target.Seconds(), TookSec: b.Took.Seconds(),
		Target: FormatDuration(b.Target), Took: FormatDuration(b.Took)})
}

// UnmarshalJSON reads what MarshalJSON writes, from the seconds.
func (b *Breach) UnmarshalJSON(data []byte) error {
	var v breachJSON
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("decode breach: %w", err)
	}
	*b = Breach(v.breachAlias)
	b.Target, b.Took = seconds(v.TargetSec), seconds(v.TookSec)
	return nil
}

func seconds(s float64) time.Duration {
	return time.Duration(math.Round(s * float64(time.Second)))
}
