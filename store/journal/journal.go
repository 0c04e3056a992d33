// Package journal is an append-only, checksummed, segmented log with its
// own group commit: many goroutines append records at once, one goroutine
// writes them in a batch and makes the batch durable with one fdatasync,
// and each caller returns once its record is on disk.
//
// The store puts the deliveries Slack waits for in it, so that an
// acknowledgement waits for one sequential write and one fdatasync of a few
// kilobytes instead of a bbolt commit (the pages of a B-tree, two syncs,
// and whatever processing work shares that transaction). The store then
// moves the records into its bbolt file in ordinary batches and tells the
// journal what it may forget (Release).
//
// A segment is a file named after the first sequence number it may hold
// (20 decimal digits and ".wal"). It is a run of batches, each a 12-byte
// header (the magic, the payload's length and its CRC-32C, all little
// endian) and its payload: records, each an 8-byte sequence number, a
// uvarint length and the record's bytes. Sequence numbers rise by one from
// record to record.
//
// A segment is written over zeros: a goroutine fills a spare file with
// zeros and syncs it ahead of time, and the next segment is that file
// renamed. Writing into blocks that exist already leaves fdatasync no
// metadata to commit (the file's size and its extents do not change), so
// on ext4 it skips the filesystem's journal commit, which it otherwise
// shares with every other file's sync on the disk (the bbolt file's):
// an acknowledgement waits for its own data only. Zeros where a batch
// header would be, to the end of a segment, are its unused end.
//
// At open, a batch that is cut short or fails its checksum at the end of
// the last segment is the write a crash interrupted (its callers were never
// told it was durable): the segment is cut back to the valid prefix. A bad
// batch followed by a good one, or in any segment but the last, is
// corruption of data that was durable: Open fails with a *CorruptError that
// names the file and the offset.
package journal

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ErrClosed is returned by Append after Close.
var ErrClosed = errors.New("the journal is closed")

// ErrCorrupt is the sentinel a *CorruptError matches with errors.Is.
var ErrCorrupt = errors.New("the journal is corrupt")

// CorruptError reports a batch that fails its checksum or is cut short in
// the middle of the journal, where no crash can have left it.
type CorruptError struct {
	File   string
	Offset int64
	Why    string
}

// Error names the file, the offset and what is wrong there.
func (e *CorruptError) Error() string {
	return fmt.Sprintf("journal %s is corrupt at offset %d (%s); acknowledged deliveries may be lost: "+
		"keep a copy of the directory, then move the file away to start without it", e.File, e.Offset, e.Why)
}

// Unwrap matches ErrCorrupt.
func (e *CorruptError) Unwrap() error { return ErrCorrupt }

const (
	batchMagic  = 0x314a4753 // "SGJ1"
	headerLen   = 12
	maxBatchLen = 64 << 20
	segSuffix   = ".wal"
	// spareName is the zero-filled file the next segment is renamed
	// from, and spareTemp the one being filled (see prepare).
	spareName = "next.spare"
	spareTemp = "next.spare.tmp"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Record is one entry of the journal.
type Record struct {
	Seq  uint64
	Data []byte
}

// Options tune a Journal. The zero value is durable, with 16 MiB segments.
type Options struct {
	// NoSync skips fdatasync, and with it the zero-filled segments that
	// make it cheap; only for throw-away stores.
	NoSync bool
	// SegmentSize is the size past which the next batch starts a new
	// segment; <= 0 means 16 MiB.
	SegmentSize int64
	// Durable, if set, is called on the committing goroutine with each
	// batch's records, in sequence order, once they are on disk and
	// before any of their callers is told. The records' Data is the
	// caller's slice. It must not call Append.
	Durable func(recs []Record, tags []any)
	// OnSync, if set, is told how long each batch's fdatasync took, on
	// the committing goroutine, before the batch's callers are told.
	OnSync func(took time.Duration)
	// First is the least sequence a new record gets (the store's inbox
	// may already hold higher ones than after).
	First uint64
	// ReadOnly scans the journal without repairing a torn tail and
	// refuses Append.
	ReadOnly bool

	// noSpare leaves segments to grow as they are written, as with
	// NoSync but synced: for tests of that kind of segment.
	noSpare bool
}

type segment struct {
	name  string
	first uint64 // the first sequence it may hold (from its name)
	last  uint64 // the last it holds; first-1 when empty
}

// Journal is an open journal directory. Append, Release and Close are safe
// for concurrent use.
type Journal struct {
	dir string
	opt Options

	mu      sync.Mutex
	queue   []*pending
	kick    chan struct{}
	closed  bool
	exited  chan struct{}
	segs    []segment // oldest first; the last is the one written
	f       *os.File  // the last segment, open for writing at size
	size    int64
	zeroed  bool   // f was a spare: its blocks exist, zero past size
	limit   int64  // the size past which the next batch starts a segment
	next    uint64 // the sequence of the next record
	buf     []byte
	batch   []*pending
	records []Record
	tags    []any

	// The spare segment: prepare fills it when kicked, and sets ready
	// once it may be renamed into a segment. spareSize is its size,
	// set before ready; written by prepare only.
	spareReady atomic.Bool
	spareSize  atomic.Int64
	spareKick  chan struct{}
	spareStop  chan struct{}
	spareDone  chan struct{}
}

type pending struct {
	data []byte
	tag  any
	seq  uint64
	err  error
	done chan struct{} // one value once the record is durable or failed
}

// pendings recycles pending records with their channels: two allocations
// per acknowledgement otherwise. A pending goes back once its Append has
// read the outcome; the committer does not touch it after the send.
var pendings = sync.Pool{New: func() any { return &pending{done: make(chan struct{}, 1)} }}

// Open opens (creating it if needed) the journal in dir and returns its
// records with a sequence greater than after, in order. New records are
// numbered from after+1, or from the last one's successor if that is
// higher. A torn tail is cut off (unless ReadOnly); corruption anywhere
// else is a *CorruptError.
func Open(dir string, after uint64, opt Options) (*Journal, []Record, error) {
	if opt.SegmentSize <= 0 {
		opt.SegmentSize = 16 << 20
	}
	if !opt.ReadOnly {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, nil, fmt.Errorf("open journal %s: %w", dir, err)
		}
	}
	j := &Journal{dir: dir, opt: opt, kick: make(chan struct{}, 1), exited: make(chan struct{}), next: max(after+1, opt.First)}
	names, err := segmentNames(dir)
	if err != nil {
		return nil, nil, err
	}
	var out []Record
	for i, s := range names {
		path := filepath.Join(dir, s.name)
		recs, last, err := readSegment(path, s.first, i == len(names)-1, opt.ReadOnly)
		if err != nil {
			return nil, nil, err
		}
		s.last = last
		if last >= j.next {
			j.next = last + 1
		}
		for _, r := range recs {
			if r.Seq > after {
				out = append(out, r)
			}
		}
		j.segs = append(j.segs, s)
	}
	if opt.ReadOnly {
		close(j.exited)
		j.closed = true
		return j, out, nil
	}
	// A spare left by a crash may be half filled: it is made again.
	for _, name := range []string{spareName, spareTemp} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, nil, fmt.Errorf("open journal %s: %w", dir, err)
		}
	}
	if err := j.newSegment(j.next); err != nil {
		return nil, nil, err
	}
	j.spareDone = make(chan struct{})
	if opt.NoSync || opt.noSpare {
		close(j.spareDone)
	} else {
		// Until the first spare is ready the segment opened above grows
		// as it is written; write kicks prepare at the first batch and
		// moves to the spare once there is one.
		j.spareKick, j.spareStop = make(chan struct{}, 1), make(chan struct{})
		go j.prepare()
	}
	go j.run()
	return j, out, nil
}

// segmentNames lists dir's segments, oldest first; a missing dir has none.
func segmentNames(dir string) ([]segment, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read journal %s: %w", dir, err)
	}
	var segs []segment
	for _, e := range ents {
		base, ok := strings.CutSuffix(e.Name(), segSuffix)
		if !ok || e.IsDir() {
			continue
		}
		first, err := strconv.ParseUint(base, 10, 64)
		if err != nil {
			continue
		}
		segs = append(segs, segment{name: e.Name(), first: first, last: first - 1})
	}
	slices.SortFunc(segs, func(a, b segment) int {
		if a.first < b.first {
			return -1
		}
		if a.first > b.first {
			return 1
		}
		return 0
	})
	return segs, nil
}

// readSegment returns the records of one segment and its last sequence.
// In the last segment a bad batch with no good batch after it is the torn
// write of a crash, cut off unless readOnly.
func readSegment(path string, first uint64, last, readOnly bool) ([]Record, uint64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, fmt.Errorf("read journal %s: %w", path, err)
	}
	var recs []Record
	lastSeq := first - 1
	off := 0
	for off < len(data) {
		payload, why := batchAt(data, off)
		if why != "" && allZero(data[off:]) {
			break // the unused end of a zero-filled segment
		}
		if why == "" {
			var err error
			recs, lastSeq, err = appendRecords(recs, payload, lastSeq)
			if err != nil {
				return nil, 0, &CorruptError{File: path, Offset: int64(off), Why: err.Error()}
			}
			off += headerLen + len(payload)
			continue
		}
		if !last || goodBatchAfter(data, off+1) {
			return nil, 0, &CorruptError{File: path, Offset: int64(off), Why: why}
		}
		if !readOnly {
			if err := truncate(path, int64(off)); err != nil {
				return nil, 0, err
			}
		}
		break
	}
	return recs, lastSeq, nil
}

// batchAt returns the payload of the batch at off, or why there is none.
func batchAt(data []byte, off int) ([]byte, string) {
	if len(data)-off < headerLen {
		return nil, "batch header cut short"
	}
	h := data[off : off+headerLen]
	if binary.LittleEndian.Uint32(h) != batchMagic {
		return nil, "no batch header"
	}
	n := int(binary.LittleEndian.Uint32(h[4:]))
	if n > maxBatchLen || n > len(data)-off-headerLen {
		return nil, "batch cut short"
	}
	payload := data[off+headerLen : off+headerLen+n]
	if crc32.Checksum(payload, castagnoli) != binary.LittleEndian.Uint32(h[8:]) {
		return nil, "batch checksum mismatch"
	}
	return payload, ""
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// goodBatchAfter reports whether a whole, valid batch starts anywhere at or
// after from: then what came before it was durable, not a torn tail.
func goodBatchAfter(data []byte, from int) bool {
	for off := from; off+headerLen <= len(data); off++ {
		if binary.LittleEndian.Uint32(data[off:]) != batchMagic {
			continue
		}
		if _, why := batchAt(data, off); why == "" {
			return true
		}
	}
	return false
}

// appendRecords decodes a batch's payload; each record must follow last.
func appendRecords(recs []Record, p []byte, last uint64) ([]Record, uint64, error) {
	for len(p) > 0 {
		if len(p) < 8 {
			return nil, 0, errors.New("record cut short")
		}
		seq := binary.LittleEndian.Uint64(p)
		n, k := binary.Uvarint(p[8:])
		if k <= 0 || n > uint64(len(p)-8-k) {
			return nil, 0, errors.New("record length out of range")
		}
		if seq != last+1 {
			return nil, 0, fmt.Errorf("record %d follows %d", seq, last)
		}
		start := 8 + k
		recs = append(recs, Record{Seq: seq, Data: p[start : start+int(n) : start+int(n)]})
		last = seq
		p = p[start+int(n):]
	}
	return recs, last, nil
}

func truncate(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("cut torn tail of journal %s: %w", path, err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		return fmt.Errorf("cut torn tail of journal %s at %d: %w", path, size, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("cut torn tail of journal %s: %w", path, err)
	}
	return nil
}

// newSegment starts the segment the next batch goes to, whose first
// record is first, closing the current one: the spare renamed if one is
// ready, else a new file. A file of that name holds no record (every
// record so far is below first), so it is replaced. The directory is
// synced so that the segment survives a crash.
func (j *Journal) newSegment(first uint64) error {
	if j.f != nil {
		if err := j.f.Close(); err != nil {
			return fmt.Errorf("close journal segment: %w", err)
		}
		j.f = nil
	}
	name := fmt.Sprintf("%020d%s", first, segSuffix)
	path := filepath.Join(j.dir, name)
	zeroed := false
	if j.spareReady.Load() {
		j.spareReady.Store(false)
		if err := os.Rename(filepath.Join(j.dir, spareName), path); err == nil {
			zeroed = true
		}
		select {
		case j.spareKick <- struct{}{}:
		default:
		}
	}
	flag := os.O_CREATE | os.O_WRONLY
	if !zeroed {
		flag |= os.O_TRUNC
	}
	f, err := os.OpenFile(path, flag, 0o600)
	if err != nil {
		return fmt.Errorf("create journal segment %s: %w", path, err)
	}
	if !j.opt.NoSync {
		if err := syncDir(j.dir); err != nil {
			f.Close()
			return err
		}
	}
	j.f, j.size, j.zeroed, j.limit = f, 0, zeroed, j.opt.SegmentSize
	if zeroed {
		j.limit = j.spareSize.Load()
	}
	j.mu.Lock()
	if n := len(j.segs); n == 0 || j.segs[n-1].name != name {
		j.segs = append(j.segs, segment{name: name, first: first, last: first - 1})
	}
	j.mu.Unlock()
	return nil
}

// prepare fills the spare with zeros and syncs it each time it is kicked,
// until Close. A spare it cannot make is tried again at the next kick
// (the next segment); meanwhile segments grow as they are written. The
// first spare is firstSpare bytes, and each next one twice the last, up
// to SegmentSize: a store that takes in a few deliveries (a test, a
// quiet team) writes little more than them, and a busy one soon has
// whole segments.
func (j *Journal) prepare() {
	defer close(j.spareDone)
	size := min(firstSpare, j.opt.SegmentSize)
	for {
		select {
		case <-j.spareStop:
			return
		case <-j.spareKick:
		}
		if j.spareReady.Load() {
			continue
		}
		if err := j.fillSpare(size); err == nil {
			j.spareSize.Store(size)
			j.spareReady.Store(true)
			size = min(2*size, j.opt.SegmentSize)
		}
	}
}

const (
	// firstSpare is the size of the first spare.
	firstSpare = 1 << 20
	// spareChunk is how much of the spare one write fills.
	spareChunk = 256 << 10
)

func (j *Journal) fillSpare(size int64) error {
	tmp := filepath.Join(j.dir, spareTemp)
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	zeros := make([]byte, min(spareChunk, size))
	for n := int64(0); n < size && err == nil; n += int64(len(zeros)) {
		select {
		case <-j.spareStop:
			err = ErrClosed
		default:
			_, err = f.Write(zeros[:min(int64(len(zeros)), size-n)])
		}
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(j.dir, spareName))
	}
	if err != nil {
		_ = os.Remove(tmp)
	}
	return err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync journal %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync journal %s: %w", dir, err)
	}
	return nil
}

// Append writes data as the next record and returns its sequence once it
// is on disk. tag is handed to Options.Durable beside the record. data
// must not change until Append returns.
func (j *Journal) Append(data []byte, tag any) (uint64, error) {
	p := pendings.Get().(*pending)
	p.data, p.tag = data, tag
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		return 0, ErrClosed
	}
	j.queue = append(j.queue, p)
	j.mu.Unlock()
	select {
	case j.kick <- struct{}{}:
	default:
	}
	<-p.done
	seq, err := p.seq, p.err
	*p = pending{done: p.done}
	pendings.Put(p)
	return seq, err
}

// run is the committing goroutine: it takes every record that waits,
// writes them as one batch, syncs, and tells their callers.
func (j *Journal) run() {
	defer close(j.exited)
	for {
		<-j.kick
		j.mu.Lock()
		batch := append(j.batch[:0], j.queue...)
		j.queue = j.queue[:0]
		closed := j.closed
		j.mu.Unlock()
		if len(batch) > 0 {
			j.commit(batch)
		}
		clear(batch)
		j.batch = batch
		if closed {
			return
		}
	}
}

func (j *Journal) commit(batch []*pending) {
	err := j.write(batch)
	if err == nil && j.opt.Durable != nil {
		j.records, j.tags = j.records[:0], j.tags[:0]
		for _, p := range batch {
			j.records = append(j.records, Record{Seq: p.seq, Data: p.data})
			j.tags = append(j.tags, p.tag)
		}
		j.opt.Durable(j.records, j.tags)
		clear(j.records)
		clear(j.tags)
	}
	for _, p := range batch {
		if err != nil {
			p.seq, p.err = 0, err
		}
		p.done <- struct{}{}
	}
}

// write appends batch as one batch and syncs it. On failure the segment
// is cut back to where it was, so the next batch does not follow garbage,
// and the records' sequence numbers are handed out again.
func (j *Journal) write(batch []*pending) error {
	buf := append(j.buf[:0], make([]byte, headerLen)...)
	first := j.next
	for i, p := range batch {
		p.seq = first + uint64(i)
		buf = binary.LittleEndian.AppendUint64(buf, p.seq)
		buf = binary.AppendUvarint(buf, uint64(len(p.data)))
		buf = append(buf, p.data...)
	}
	payload := buf[headerLen:]
	binary.LittleEndian.PutUint32(buf, batchMagic)
	binary.LittleEndian.PutUint32(buf[4:], uint32(len(payload)))
	binary.LittleEndian.PutUint32(buf[8:], crc32.Checksum(payload, castagnoli))
	j.buf = buf
	// A batch that would pass the segment's end starts the next one, and
	// so does the first batch after a spare is ready while the segment
	// is not zero-filled.
	if (j.size > 0 && j.size+int64(len(buf)) > j.limit) || (!j.zeroed && j.spareReady.Load()) {
		if err := j.newSegment(first); err != nil {
			return err
		}
	}
	if !j.zeroed && j.spareKick != nil {
		select {
		case j.spareKick <- struct{}{}:
		default:
		}
	}
	_, err := j.f.WriteAt(buf, j.size)
	if err == nil && !j.opt.NoSync {
		start := time.Now()
		err = fdatasync(j.f)
		if j.opt.OnSync != nil {
			j.opt.OnSync(time.Since(start))
		}
	}
	if err != nil {
		_ = j.f.Truncate(j.size)
		j.zeroed = false
		return fmt.Errorf("write journal %s: %w", j.f.Name(), err)
	}
	j.next = first + uint64(len(batch))
	j.size += int64(len(buf))
	j.mu.Lock()
	j.segs[len(j.segs)-1].last = j.next - 1
	j.mu.Unlock()
	return nil
}

// Release deletes the segments whose every record has a sequence of at
// most upTo: the store has them elsewhere, durably. The segment being
// written is kept until Close.
func (j *Journal) Release(upTo uint64) error {
	j.mu.Lock()
	var gone []string
	keep := j.segs[:0]
	for i, s := range j.segs {
		if (j.closed || i < len(j.segs)-1) && s.last <= upTo {
			gone = append(gone, s.name)
			continue
		}
		keep = append(keep, s)
	}
	j.segs = keep
	j.mu.Unlock()
	for _, name := range gone {
		if err := os.Remove(filepath.Join(j.dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("release journal segment %s: %w", name, err)
		}
	}
	return nil
}

// Close waits for the records already appended, then closes the segment;
// later Appends fail with ErrClosed. Release may still delete segments.
func (j *Journal) Close() error {
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		<-j.exited
		return nil
	}
	j.closed = true
	j.mu.Unlock()
	select {
	case j.kick <- struct{}{}:
	default:
	}
	<-j.exited
	if j.spareStop != nil {
		close(j.spareStop)
	}
	if j.spareDone != nil {
		<-j.spareDone
	}
	var err error
	for _, name := range []string{spareName, spareTemp} {
		if rerr := os.Remove(filepath.Join(j.dir, name)); rerr != nil && !errors.Is(rerr, os.ErrNotExist) && err == nil {
			err = rerr
		}
	}
	if j.f != nil {
		if cerr := j.f.Close(); err == nil {
			err = cerr
		}
		j.f = nil
	}
	if err != nil {
		return fmt.Errorf("close journal %s: %w", j.dir, err)
	}
	return nil
}
