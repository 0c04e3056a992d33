package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// Queued jobs are stored in a compact binary form: the outbox encodes a
// job at every enqueue, lease and retry, and decodes it at every read and
// change, and doing that in JSON (times as text, the payload validated
// twice) was a twentieth of serve's CPU while a burst drained. Jobs
// stored as JSON by earlier versions still decode; dead jobs, which an
// operator reads, stay JSON.

// jobFormat is the first byte of a binary job; JSON starts with '{'.
const jobFormat = 1

// Flags of a binary job.
const jobLeased = 1

// encodeJob returns j in the binary form: the format byte, flags, then
// ID, RequestID and Attempts as varints, the two times, and Kind, Key,
// Team, LastError and Payload each as a length and its bytes.
func encodeJob(j *triage.Job) ([]byte, error) {
	b := make([]byte, 0, 64+len(j.Kind)+len(j.Key)+len(j.Team)+len(j.LastError)+len(j.Payload))
	var flags byte
	if j.Leased {
		flags |= jobLeased
	}
	b = append(b, jobFormat, flags)
	b = binary.AppendUvarint(b, j.ID)
	b = binary.AppendVarint(b, j.RequestID)
	b = binary.AppendVarint(b, int64(j.Attempts))
	for _, t := range []time.Time{j.CreatedAt, j.NextAt} {
		var err error
		if b, err = appendTimeBinary(b, t); err != nil {
			return nil, fmt.Errorf("encode job %s: %w", j.Key, err)
		}
	}
	for _, s := range []string{j.Kind, j.Key, j.Team, j.LastError} {
		b = appendField(b, s)
	}
	b = binary.AppendUvarint(b, uint64(len(j.Payload)))
	return append(b, j.Payload...), nil
}

// appendTimeBinary appends t as its MarshalBinary form (which keeps the
// zone offset, as JSON did), after its length.
func appendTimeBinary(b []byte, t time.Time) ([]byte, error) {
	tb, err := t.MarshalBinary()
	if err != nil {
		return nil, err
	}
	b = append(b, byte(len(tb)))
	return append(b, tb...), nil
}

// errJobTruncated is the error of a binary job cut short.
var errJobTruncated = errors.New("truncated binary job")

// decodeJob reads a job in either stored form. The returned job shares
// no bytes with v, which bbolt owns only for its transaction.
func decodeJob(v []byte) (*triage.Job, error) {
	j := new(triage.Job)
	if len(v) > 0 && v[0] != jobFormat {
		if err := json.Unmarshal(v, j); err != nil {
			return nil, err
		}
		return j, nil
	}
	r := reader{b: v, short: errJobTruncated}
	format, flags := r.byte(), r.byte()
	if r.err == nil && format != jobFormat {
		return nil, fmt.Errorf("unknown job format %d", format)
	}
	j.Leased = flags&jobLeased != 0
	j.ID = r.uvarint()
	j.RequestID = r.varint()
	j.Attempts = int(r.varint())
	j.CreatedAt = readTimeBinary(&r)
	j.NextAt = readTimeBinary(&r)
	str := func() string { return string(r.bytes(int(r.uvarint()))) }
	j.Kind, j.Key, j.Team, j.LastError = str(), str(), str(), str()
	if p := r.bytes(int(r.uvarint())); len(p) > 0 {
		j.Payload = json.RawMessage(append([]byte(nil), p...))
	}
	if r.err == nil && len(r.b) > 0 {
		r.err = fmt.Errorf("%d bytes after the job", len(r.b))
	}
	if r.err != nil {
		return nil, r.err
	}
	return j, nil
}

// readTimeBinary reads what appendTimeBinary wrote.
func readTimeBinary(r *reader) time.Time {
	b := r.bytes(int(r.byte()))
	var t time.Time
	if r.err == nil {
		if err := t.UnmarshalBinary(b); err != nil {
			r.err = fmt.Errorf("decode job time: %w", err)
		}
	}
	return t
}
