package journal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// appendAll appends n records "rec-<i>" from n goroutines at once and
// returns the sequences they got, by i.
func appendAll(t *testing.T, j *Journal, from, n int) []uint64 {
	t.Helper()
	seqs := make([]uint64, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			seq, err := j.Append(fmt.Appendf(nil, "rec-%d", from+i), nil)
			if err != nil {
				t.Errorf("Append %d: %v", from+i, err)
			}
			seqs[i] = seq
		})
	}
	wg.Wait()
	return seqs
}

// open opens a journal and, unless it grows its segments as written,
// has its spare made and waits for it (a journal makes it at its first
// batch), so that the first batch goes to a zero-filled segment of the
// same name and tests see the same segments every run.
func open(t testing.TB, dir string, after uint64, opt Options) (*Journal, []Record) {
	t.Helper()
	j, recs, err := Open(dir, after, opt)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { j.Close() })
	if !opt.NoSync && !opt.noSpare && !opt.ReadOnly {
		j.spareKick <- struct{}{}
		deadline := time.Now().Add(10 * time.Second)
		for !j.spareReady.Load() {
			if time.Now().After(deadline) {
				t.Fatal("no spare segment after 10 s")
			}
			time.Sleep(time.Millisecond)
		}
	}
	return j, recs
}

// contents maps each record's data to its sequence, and checks the
// sequences rise by one.
func contents(t *testing.T, recs []Record) map[string]uint64 {
	t.Helper()
	out := map[string]uint64{}
	for i, r := range recs {
		if i > 0 && r.Seq != recs[i-1].Seq+1 {
			t.Errorf("record %d has seq %d after %d", i, r.Seq, recs[i-1].Seq)
		}
		out[string(r.Data)] = r.Seq
	}
	return out
}

func TestAppendedRecordsSurviveReopen(t *testing.T) {
	dir := t.TempDir()
	var durable []Record
	j, recs := open(t, dir, 0, Options{Durable: func(rs []Record, _ []any) {
		for _, r := range rs {
			durable = append(durable, Record{Seq: r.Seq, Data: append([]byte(nil), r.Data...)})
		}
	}})
	if len(recs) != 0 {
		t.Fatalf("a new journal has %d records", len(recs))
	}
	seqs := appendAll(t, j, 0, 100)
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if len(durable) != 100 {
		t.Errorf("Durable saw %d records, want 100", len(durable))
	}
	_, recs = open(t, dir, 0, Options{})
	got := contents(t, recs)
	if len(got) != 100 {
		t.Fatalf("reopened: %d records, want 100", len(got))
	}
	for i, seq := range seqs {
		if got[fmt.Sprintf("rec-%d", i)] != seq {
			t.Errorf("rec-%d: seq %d after reopening, Append said %d", i, got[fmt.Sprintf("rec-%d", i)], seq)
		}
	}
	// after hides what the caller has elsewhere, and numbering goes on.
	j2, recs := open(t, t.TempDir(), 41, Options{})
	if seq, err := j2.Append([]byte("x"), nil); err != nil || seq != 42 || len(recs) != 0 {
		t.Errorf("Append after 41 = %d, %v; want 42", seq, err)
	}
}

// A crash during a batch's write leaves part of it: any prefix of the
// last batch, or garbage after it. Open keeps every whole batch before it
// and cuts the rest off, and the journal goes on from there. In a
// zero-filled segment what the crash did not write is zeros.
func TestTornTailIsCutOff(t *testing.T) {
	for _, tc := range []struct {
		name string
		tear func(data []byte, lastBatch int) []byte
	}{
		{"header cut short", func(d []byte, last int) []byte { return d[:last+5] }},
		{"payload cut short", func(d []byte, last int) []byte { return d[:len(d)-3] }},
		{"last byte flipped", func(d []byte, last int) []byte { d[len(d)-1] ^= 0xff; return d }},
		{"zeros after", func(d []byte, last int) []byte { return append(d, make([]byte, 4096)...) }},
		{"first page lost", func(d []byte, last int) []byte { copy(d[last:], make([]byte, 16)); return d }},
	} {
		for _, spare := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/zero-filled=%v", tc.name, spare), func(t *testing.T) {
				dir := t.TempDir()
				opt := Options{noSpare: !spare}
				j, _ := open(t, dir, 0, opt)
				appendAll(t, j, 0, 10)
				path := filepath.Join(dir, j.segs[0].name)
				before := j.size
				if _, err := j.Append([]byte("the torn one"), nil); err != nil {
					t.Fatal(err)
				}
				end, zeroed := j.size, j.zeroed
				j.Close()
				if len(j.segs) != 1 || zeroed != spare {
					t.Fatalf("%d segments, zero-filled %v; want one, %v", len(j.segs), zeroed, spare)
				}
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				torn := tc.tear(data[:end], int(before))
				if spare {
					torn = append(torn, make([]byte, max(0, len(data)-len(torn)))...)
				}
				if err := os.WriteFile(path, torn, 0o600); err != nil {
					t.Fatal(err)
				}
				j, recs := open(t, dir, 0, opt)
				got := contents(t, recs)
				_, kept := got["the torn one"]
				if tc.name == "zeros after" {
					// The batch itself is whole; only what follows is cut.
					if !kept || len(got) != 11 {
						t.Fatalf("recovered %d records (torn one kept %v); want all 11", len(got), kept)
					}
				} else if kept || len(got) != 10 {
					t.Fatalf("recovered %d records (torn one kept %v); want the 10 before it", len(got), kept)
				}
				seq, err := j.Append([]byte("after"), nil)
				if err != nil || seq != uint64(len(got)+1) {
					t.Fatalf("Append after recovery = %d, %v; want %d", seq, err, len(got)+1)
				}
				j.Close()
				_, recs = open(t, dir, 0, opt)
				if got := contents(t, recs); got["after"] != seq || len(got) != int(seq) {
					t.Errorf("reopened: %d records, after at %d; want %d records", len(got), got["after"], seq)
				}
			})
		}
	}
}

// A segment is written over zeros once the spare is ready: the first
// batch after it goes to the spare, renamed; each roll takes the next
// spare; the zeros past the last batch are not a torn tail; Close
// leaves no spare behind.
func TestSegmentsAreZeroFilled(t *testing.T) {
	dir := t.TempDir()
	const size = 4096
	j, _ := open(t, dir, 0, Options{SegmentSize: size})
	var want []string
	for i := range 40 {
		rec := fmt.Sprintf("record-%02d-%s", i, strings.Repeat("x", 200))
		if _, err := j.Append([]byte(rec), nil); err != nil {
			t.Fatal(err)
		}
		want = append(want, rec)
		if !j.zeroed {
			t.Fatalf("batch %d went to a segment that is not zero-filled", i)
		}
		// Each roll kicks the next spare; wait for it, so every
		// segment is a spare.
		for !j.spareReady.Load() {
			time.Sleep(time.Millisecond)
		}
	}
	names, err := segmentNames(dir)
	if err != nil || len(names) < 3 {
		t.Fatalf("segments %v, %v; want at least 3", names, err)
	}
	for _, s := range names {
		st, err := os.Stat(filepath.Join(dir, s.name))
		if err != nil || st.Size() != size {
			t.Errorf("segment %s: %v, %v; want %d bytes", s.name, st, err, size)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, spareName)); err != nil {
		t.Errorf("no spare while open: %v", err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{spareName, spareTemp} {
		if _, err := os.Stat(filepath.Join(dir, name)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s after Close: %v; want none", name, err)
		}
	}
	_, recs := open(t, dir, 0, Options{SegmentSize: size, ReadOnly: true})
	got := contents(t, recs)
	for i, rec := range want {
		if got[rec] != uint64(i+1) {
			t.Errorf("%s at %d after reopening; want %d", rec[:9], got[rec], i+1)
		}
	}
}

// Damage with a whole batch after it was durable data, not a torn write:
// Open refuses, naming the file and the offset. So does any damage in a
// segment that is not the last.
func TestCorruptionInTheMiddleIsAnError(t *testing.T) {
	for _, tc := range []struct {
		name    string
		segSize int64
		damage  func(t *testing.T, dir string) (file string, offset int64)
	}{
		{"second batch of the last segment", 0, func(t *testing.T, dir string) (string, int64) {
			path := onlySegment(t, dir)
			return path, flipAfterFirstBatch(t, path)
		}},
		{"first segment of two", 1, func(t *testing.T, dir string) (string, int64) {
			names, _ := segmentNames(dir)
			if len(names) < 2 {
				t.Fatalf("%d segments, want at least 2", len(names))
			}
			path := filepath.Join(dir, names[0].name)
			data, _ := os.ReadFile(path)
			data[len(data)-1] ^= 0xff
			os.WriteFile(path, data, 0o600)
			return path, 0
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			j, _ := open(t, dir, 0, Options{SegmentSize: tc.segSize})
			for i := range 3 {
				if _, err := j.Append(fmt.Appendf(nil, "batch-%d", i), nil); err != nil {
					t.Fatal(err)
				}
			}
			j.Close()
			file, offset := tc.damage(t, dir)
			_, _, err := Open(dir, 0, Options{})
			var ce *CorruptError
			if !errors.As(err, &ce) || !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Open = %v; want a *CorruptError", err)
			}
			if ce.File != file || ce.Offset != offset || !strings.Contains(err.Error(), file) ||
				!strings.Contains(err.Error(), fmt.Sprint(offset)) {
				t.Errorf("error %q (file %s, offset %d); want file %s at offset %d", err, ce.File, ce.Offset, file, offset)
			}
		})
	}
}

func onlySegment(t *testing.T, dir string) string {
	t.Helper()
	names, err := segmentNames(dir)
	if err != nil || len(names) != 1 {
		t.Fatalf("segments %v, %v; want one", names, err)
	}
	return filepath.Join(dir, names[0].name)
}

// flipAfterFirstBatch damages the second batch's payload and returns its offset.
func flipAfterFirstBatch(t *testing.T, path string) int64 {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	first, why := batchAt(data, 0)
	if why != "" {
		t.Fatal(why)
	}
	off := headerLen + len(first)
	data[off+headerLen] ^= 0xff
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return int64(off)
}

// Segments roll at SegmentSize; Release deletes those wholly at or below
// its mark, never the one being written, and every one after Close.
func TestReleaseDeletesSegmentsBelowTheMark(t *testing.T) {
	dir := t.TempDir()
	j, _ := open(t, dir, 0, Options{SegmentSize: 1})
	for i := range 4 {
		if _, err := j.Append(fmt.Appendf(nil, "r%d", i), nil); err != nil {
			t.Fatal(err)
		}
	}
	count := func() int {
		names, err := segmentNames(dir)
		if err != nil {
			t.Fatal(err)
		}
		return len(names)
	}
	if n := count(); n != 4 {
		t.Fatalf("%d segments, want 4 (one per batch)", n)
	}
	if err := j.Release(2); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 2 {
		t.Errorf("after Release(2): %d segments, want 2", n)
	}
	if err := j.Release(4); err != nil || count() != 1 {
		t.Errorf("after Release(4): %d segments, %v; want the one being written", count(), err)
	}
	j.Close()
	_, recs, err := Open(dir, 2, Options{ReadOnly: true})
	if err != nil || len(recs) != 1 || recs[0].Seq != 4 {
		t.Errorf("reopened after 2: %v, %v; want record 4", recs, err)
	}
	if err := j.Release(4); err != nil || count() != 0 {
		t.Errorf("Release(4) after Close: %d segments, %v; want none", count(), err)
	}
}

// A read-only Open reports a torn tail's valid prefix and leaves the
// file as it is.
func TestReadOnlyLeavesTheTail(t *testing.T) {
	dir := t.TempDir()
	j, _ := open(t, dir, 0, Options{})
	appendAll(t, j, 0, 3)
	j.Close()
	path := onlySegment(t, dir)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte{0x53, 0x47, 0x4a})
	f.Close()
	before, _ := os.Stat(path)
	_, recs, err := Open(dir, 0, Options{ReadOnly: true})
	if err != nil || len(recs) != 3 {
		t.Fatalf("read-only Open = %d records, %v; want 3", len(recs), err)
	}
	if after, _ := os.Stat(path); after.Size() != before.Size() {
		t.Errorf("read-only Open changed the file: %d bytes, was %d", after.Size(), before.Size())
	}
	if _, err := (&Journal{closed: true}).Append(nil, nil); !errors.Is(err, ErrClosed) {
		t.Errorf("Append on a closed journal = %v; want ErrClosed", err)
	}
}
