package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/sprintguard/sprintguard/sprint"
)

// ledgerBinary marks the compact ledger encoding. A ledger holds one
// charge per request of its sprint and is read and rewritten at every
// intake, so JSON's cost grew with the sprint; JSON ledgers (starting with
// '{') are still read.
const ledgerBinary = 1

// ledgerHead is the part of a ledger that is not its charges.
type ledgerHead struct {
	Team       string    `json:"team"`
	Sprint     int       `json:"sprint"`
	Unit       string    `json:"unit,omitempty"`
	Total      float64   `json:"total"`
	Thresholds []float64 `json:"thresholds"`
	Crossed    []float64 `json:"crossed"`
}

func encodeLedger(l *sprint.Ledger) ([]byte, error) {
	head, err := json.Marshal(ledgerHead{Team: l.Team, Sprint: l.Sprint, Unit: l.Unit, Total: l.Total,
		Thresholds: l.Thresholds, Crossed: l.Crossed})
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, 1+binary.MaxVarintLen64+len(head)+len(l.Charges)*48)
	b = append(b, ledgerBinary)
	b = binary.AppendUvarint(b, uint64(len(head)))
	b = append(b, head...)
	b = binary.AppendUvarint(b, uint64(len(l.Charges)))
	for id, c := range l.Charges {
		b = binary.AppendUvarint(b, uint64(len(id)))
		b = append(b, id...)
		b = binary.BigEndian.AppendUint64(b, math.Float64bits(c.Estimate))
		b = binary.BigEndian.AppendUint64(b, math.Float64bits(c.Actual))
		var flags byte
		if c.HasActual {
			flags = 1
		}
		b = append(b, flags)
		b = binary.AppendVarint(b, unixNano(c.At))
		b = binary.AppendVarint(b, unixNano(c.SettledAt))
	}
	return b, nil
}

var errShortLedger = errors.New("truncated ledger")

func decodeLedger(v []byte) (*sprint.Ledger, error) {
	l := new(sprint.Ledger)
	if len(v) > 0 && v[0] == '{' {
		return l, json.Unmarshal(v, l)
	}
	if len(v) == 0 || v[0] != ledgerBinary {
		return nil, fmt.Errorf("unknown ledger encoding")
	}
	r := reader{b: v[1:]}
	var h ledgerHead
	if err := json.Unmarshal(r.bytes(int(r.uvarint())), &h); err != nil {
		return nil, err
	}
	l.Team, l.Sprint, l.Unit, l.Total, l.Thresholds, l.Crossed = h.Team, h.Sprint, h.Unit, h.Total, h.Thresholds, h.Crossed
	n := r.uvarint()
	l.Charges = make(map[string]sprint.Charge, min(n, uint64(len(v))))
	for i := uint64(0); i < n && r.err == nil; i++ {
		id := string(r.bytes(int(r.uvarint())))
		c := sprint.Charge{Estimate: math.Float64frombits(r.u64()), Actual: math.Float64frombits(r.u64())}
		c.HasActual = r.byte() == 1
		c.At, c.SettledAt = fromUnixNano(r.varint()), fromUnixNano(r.varint())
		l.Charges[id] = c
	}
	return l, r.err
}

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromUnixNano(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// reader reads the binary encoding, remembering the first error.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail() { r.err, r.b = errShortLedger, nil }

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) bytes(n int) []byte {
	if n < 0 || n > len(r.b) {
		r.fail()
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) u64() uint64 {
	b := r.bytes(8)
	if b == nil {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

func (r *reader) byte() byte {
	b := r.bytes(1)
	if b == nil {
		return 0
	}
	return b[0]
}
