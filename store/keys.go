package store

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"time"
)

// Keys are built so that bbolt's byte order is the order the store walks
// in: integers are big-endian with the sign bit flipped (so negatives sort
// first) and times are seconds then nanoseconds, which also covers the zero
// time.Time that UnixNano cannot represent.

const (
	timeLen = 12
	idLen   = 8
	sep     = 0x00
)

func u64(n uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return b[:]
}

func i64(n int64) []byte { return u64(uint64(n) ^ 1<<63) }

func decodeI64(b []byte) int64 { return int64(binary.BigEndian.Uint64(b) ^ 1<<63) }

func appendTime(dst []byte, t time.Time) []byte {
	dst = binary.BigEndian.AppendUint64(dst, uint64(t.Unix())^1<<63)
	return binary.BigEndian.AppendUint32(dst, uint32(t.Nanosecond()))
}

func encodeTime(t time.Time) []byte { return appendTime(make([]byte, 0, timeLen), t) }

func decodeTime(b []byte) time.Time {
	sec := int64(binary.BigEndian.Uint64(b) ^ 1<<63)
	nsec := int64(binary.BigEndian.Uint32(b[8:]))
	return time.Unix(sec, nsec).UTC()
}

// teamPrefix is team followed by a separator, so that the keys of team "a"
// are never a prefix of team "ab"'s.
func teamPrefix(team string) []byte {
	b := make([]byte, 0, len(team)+1+timeLen+idLen)
	b = append(b, team...)
	return append(b, sep)
}

// idKey is a request id as the 8-byte big-endian key of the requests bucket.
func idKey(id int64) []byte { return u64(uint64(id)) }

func decodeID(b []byte) int64 { return int64(binary.BigEndian.Uint64(b)) }

// timeIDKey is prefix + created + id: the order of the time and open indexes.
func timeIDKey(prefix []byte, t time.Time, id int64) []byte {
	k := make([]byte, 0, len(prefix)+timeLen+idLen)
	k = append(k, prefix...)
	k = appendTime(k, t)
	return append(k, idKey(id)...)
}

// idFromTimeIDKey reads the request id at the end of a timeIDKey.
func idFromTimeIDKey(k []byte) int64 { return decodeID(k[len(k)-idLen:]) }

// after returns the smallest key greater than k, to resume a walk.
func after(k []byte) []byte { return append(append(make([]byte, 0, len(k)+1), k...), 0) }

func messageKey(channel, ts string) []byte {
	k := make([]byte, 0, len(channel)+1+len(ts))
	k = append(k, channel...)
	k = append(k, sep)
	return append(k, ts...)
}

func ledgerKey(team string, n int) []byte { return append(teamPrefix(team), i64(int64(n))...) }

func overrideKey(team, id string) []byte { return append(teamPrefix(team), id...) }

// expiryKey is expires + name, so purging walks only what has expired.
func expiryKey(t time.Time, name string) []byte {
	return append(appendTime(make([]byte, 0, timeLen+len(name)), t), name...)
}

// dueKey is NextAt + seq: DueJobs reads it in order and stops at the first
// job not yet due.
func dueKey(t time.Time, seq uint64) []byte {
	return append(appendTime(make([]byte, 0, timeLen+idLen), t), u64(seq)...)
}

// checkName refuses names that would break the separator-based keys.
func checkName(what, s string) error {
	if strings.IndexByte(s, sep) >= 0 {
		return fmt.Errorf("%s %q contains a NUL byte", what, s)
	}
	return nil
}

// UnixNanos is t as nanoseconds since 1970, the form in which the memory
// of event claims and the PostgreSQL store compare times; times outside
// 1678-2262 clamp to the ends of int64, which keeps their order against
// every time in range.
func UnixNanos(t time.Time) int64 {
	switch {
	case t.Before(minNanoTime):
		return math.MinInt64
	case t.After(maxNanoTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

var (
	minNanoTime = time.Unix(0, math.MinInt64)
	maxNanoTime = time.Unix(0, math.MaxInt64)
)
