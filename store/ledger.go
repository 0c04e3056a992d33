package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

// ledgerBinary marks the compact ledger encoding of schema 5, a head and
// every charge in one value; JSON ledgers (starting with '{') came before.
// Only migrations read and write these now.
const ledgerBinary = 1

// ledgerHeadOnly marks a ledger value of schema 6: the head with the
// running total, whose charges are kept apart in the ledger_charges bucket,
// one key each. A sprint holds one charge per request, and intake charges
// one request: it reads and writes that charge and the head, not the whole
// sprint.
const ledgerHeadOnly = 2

// ledgerHead is the part of a ledger that is not its charges.
type ledgerHead struct {
	Team       string    `json:"team"`
	Sprint     int       `json:"sprint"`
	Unit       string    `json:"unit,omitempty"`
	Total      float64   `json:"total"`
	Thresholds []float64 `json:"thresholds"`
	Crossed    []float64 `json:"crossed"`
	Spent      float64   `json:"spent"`
}

func encodeHead(l *sprint.Ledger) ([]byte, error) {
	head, err := json.Marshal(ledgerHead{Team: l.Team, Sprint: l.Sprint, Unit: l.Unit, Total: l.Total,
		Thresholds: l.Thresholds, Crossed: l.Crossed, Spent: l.Used()})
	if err != nil {
		return nil, err
	}
	return append([]byte{ledgerHeadOnly}, head...), nil
}

// decodeHead reads a schema 6 head into a ledger without charges.
func decodeHead(v []byte) (*sprint.Ledger, error) {
	if len(v) == 0 || v[0] != ledgerHeadOnly {
		return nil, fmt.Errorf("unknown ledger encoding")
	}
	var h ledgerHead
	if err := json.Unmarshal(v[1:], &h); err != nil {
		return nil, err
	}
	return &sprint.Ledger{Team: h.Team, Sprint: h.Sprint, Unit: h.Unit, Total: h.Total, Thresholds: h.Thresholds,
		Crossed: h.Crossed, Spent: h.Spent, Charges: map[string]sprint.Charge{}}, nil
}

func appendCharge(b []byte, c sprint.Charge) []byte {
	b = binary.BigEndian.AppendUint64(b, math.Float64bits(c.Estimate))
	b = binary.BigEndian.AppendUint64(b, math.Float64bits(c.Actual))
	var flags byte
	if c.HasActual {
		flags = 1
	}
	b = append(b, flags)
	b = binary.AppendVarint(b, unixNano(c.At))
	return binary.AppendVarint(b, unixNano(c.SettledAt))
}

func readCharge(r *reader) sprint.Charge {
	c := sprint.Charge{Estimate: math.Float64frombits(r.u64()), Actual: math.Float64frombits(r.u64())}
	c.HasActual = r.byte() == 1
	c.At, c.SettledAt = fromUnixNano(r.varint()), fromUnixNano(r.varint())
	return c
}

func decodeCharge(v []byte) (sprint.Charge, error) {
	r := reader{b: v}
	c := readCharge(&r)
	return c, r.err
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
		b = appendCharge(b, c)
	}
	return b, nil
}

// Ledger returns the team's ledger for sprint n with all its charges, or
// an error wrapping triage.ErrNotFound. Its cost grows with the sprint:
// intake uses LedgerFor.
func (t *tx) Ledger(team string, n int) (*sprint.Ledger, error) {
	l, err := t.ledgerHead(team, n)
	if err != nil {
		return nil, err
	}
	prefix := ledgerKey(team, n)
	c := t.bucket(bucketLedgerCharges).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		ch, err := decodeCharge(v)
		if err != nil {
			return nil, fmt.Errorf("decode ledger %s sprint %d charge %s: %w", team, n, k[len(prefix):], err)
		}
		l.Charges[string(k[len(prefix):])] = ch
	}
	l.Track()
	return l, nil
}

// LedgerFor returns the team's ledger for sprint n holding only the
// charges of ids (Partial), which is what charging or releasing them
// needs, whatever the size of the sprint.
func (t *tx) LedgerFor(team string, n int, ids ...string) (*sprint.Ledger, error) {
	l, err := t.ledgerHead(team, n)
	if err != nil {
		return nil, err
	}
	charges := t.bucket(bucketLedgerCharges)
	for _, id := range ids {
		if v := charges.Get(chargeKey(team, n, id)); v != nil {
			ch, err := decodeCharge(v)
			if err != nil {
				return nil, fmt.Errorf("decode ledger %s sprint %d charge %s: %w", team, n, id, err)
			}
			l.Charges[id] = ch
		}
	}
	l.Partial = true
	l.Track()
	return l, nil
}

func (t *tx) ledgerHead(team string, n int) (*sprint.Ledger, error) {
	v := t.bucket(bucketLedgers).Get(ledgerKey(team, n))
	if v == nil {
		return nil, fmt.Errorf("ledger %s sprint %d: %w", team, n, triage.ErrNotFound)
	}
	l, err := decodeHead(v)
	if err != nil {
		return nil, fmt.Errorf("decode ledger %s sprint %d: %w", team, n, err)
	}
	return l, nil
}

// PutLedger saves l under its team and sprint number: its head, and the
// charges that changed since it was read, or all of them (replacing the
// stored ones) when it was not read from the store.
func (t *tx) PutLedger(l *sprint.Ledger) error {
	if l == nil {
		return fmt.Errorf("put ledger: nil ledger")
	}
	if err := checkName("team", l.Team); err != nil {
		return fmt.Errorf("put ledger %s sprint %d: %w", l.Team, l.Sprint, err)
	}
	if err := t.putLedger(l); err != nil {
		return fmt.Errorf("put ledger %s sprint %d: %w", l.Team, l.Sprint, err)
	}
	return nil
}

func (t *tx) putLedger(l *sprint.Ledger) error {
	head, err := encodeHead(l)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	if err := t.bucket(bucketLedgers).Put(ledgerKey(l.Team, l.Sprint), head); err != nil {
		return err
	}
	charges := t.bucket(bucketLedgerCharges)
	ids, tracked := l.Changed()
	if !tracked {
		if l.Partial {
			return fmt.Errorf("a partial ledger must come from the store")
		}
		prefix := ledgerKey(l.Team, l.Sprint)
		c := charges.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Seek(prefix) {
			if err := c.Delete(); err != nil {
				return err
			}
		}
		ids = slices.Collect(maps.Keys(l.Charges))
	}
	for _, id := range ids {
		k := chargeKey(l.Team, l.Sprint, id)
		c, ok := l.Charges[id]
		if !ok {
			if err := charges.Delete(k); err != nil {
				return err
			}
			continue
		}
		if err := charges.Put(k, appendCharge(make([]byte, 0, 40), c)); err != nil {
			return err
		}
	}
	return nil
}

// chargeKey is a charge's key in the ledger_charges bucket: its ledger's
// key, then the request id.
func chargeKey(team string, n int, id string) []byte { return append(ledgerKey(team, n), id...) }

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
		l.Charges[id] = readCharge(&r)
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

// reader reads the binary encodings (ledgers, jobs), remembering the
// first error: short, or errShortLedger when short is nil, once the
// bytes run out.
type reader struct {
	b     []byte
	err   error
	short error
}

func (r *reader) fail() {
	r.err, r.b = r.short, nil
	if r.err == nil {
		r.err = errShortLedger
	}
}

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
