package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/learn"
)

// classifyBatch is a run of stdin's lines that one worker answers. Batches
// are written in the order they were read, so answers keep the order of
// their lines whichever worker finishes first.
type classifyBatch struct {
	first int    // the line number of the first line
	data  []byte // the lines, copied from the reader's buffer
	ends  []int  // where each line ends in data
	long  []int  // the indexes in ends of lines too long to read, left empty
	// flush is set when the reader went to stdin for more after this
	// batch: its answers are flushed once written, so that someone typing
	// lines sees each answer before they type the next.
	flush bool

	out  []byte       // the answers
	errs []batchError // messages for stderr, each after out[:at]
	done chan struct{}
}

type batchError struct {
	at  int
	msg string
}

// answerBuf is a worker's buffer for one answer, with a JSON encoder that
// writes into it and the worker's cache for appendClassifyJSON.
type answerBuf struct {
	bytes.Buffer
	enc *json.Encoder
	sla map[classifier.SLA][]byte
}

func newAnswerBuf() *answerBuf {
	b := &answerBuf{sla: map[classifier.SLA][]byte{}}
	b.enc = json.NewEncoder(&b.Buffer)
	return b
}

// maxStdinLine bounds a line of stdin, and so the memory one line takes.
// A Slack message holds at most 40,000 characters; even written as JSON
// escapes of four-byte runes that is under 1 MiB.
const maxStdinLine = 1 << 20

// maxBatchLines bounds a batch so that both CPUs get work early in a
// stream and a slow line does not hold many others back. Tests lower it to
// make many batches of few lines.
var maxBatchLines = 128

// classifyStream answers the JSON lines of stdin on out, classifying them
// in parallel (one worker per CPU) but writing the answers in input order,
// and each error on stderr after the answers of the lines before it. Before
// each read of stdin, which may wait for someone to type, every answer so
// far is flushed. answer writes one line's answer to w.
func classifyStream(env Env, stdin io.Reader, out *bufio.Writer, answer func(w *answerBuf, in classifyLine) error) int {
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan *classifyBatch, workers)
	// order holds what is read but not yet written; its size bounds the
	// lines in flight, and so the memory, whatever the input's length.
	order := make(chan *classifyBatch, 2*workers+2)

	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := newAnswerBuf()
			for b := range jobs {
				b.answer(buf, answer)
				close(b.done)
			}
		}()
	}

	// Written batches come back for reuse, so that a long stream does not
	// allocate its lines and answers again batch after batch.
	free := make(chan *classifyBatch, cap(order)+workers+1)
	newBatch := func(first int) *classifyBatch {
		var b *classifyBatch
		select {
		case b = <-free:
			*b = classifyBatch{data: b.data[:0], ends: b.ends[:0], long: b.long[:0], out: b.out[:0], errs: b.errs[:0]}
		default:
			b = &classifyBatch{}
		}
		b.first, b.done = first, make(chan struct{})
		return b
	}

	var writeErr atomic.Pointer[error]
	failed, written := false, make(chan struct{})
	go func() {
		defer close(written)
		for b := range order {
			<-b.done
			if writeErr.Load() == nil {
				failed = failed || len(b.errs) > 0
				if err := b.write(out, env.Stderr); err != nil {
					err = fmt.Errorf("write answers: %w", err)
					writeErr.Store(&err)
				}
			}
			select {
			case free <- b:
			default:
			}
		}
	}()

	cur := newBatch(1)
	n := 0
	submit := func(flush bool) {
		cur.flush = flush
		order <- cur
		jobs <- cur
		cur = newBatch(n + 1)
	}
	r := bufio.NewReaderSize(readHook{stdin, func() error {
		if err := writeErr.Load(); err != nil {
			return *err
		}
		submit(true)
		return nil
	}}, 64*1024)
	var readErr error
	utf16 := false
	// line is read first and then copied into cur: a read may submit
	// cur and start another.
	var line []byte
	for readErr == nil {
		var long bool
		line = line[:0]
		long, readErr = readStdinLine(r, &line)
		if readErr != nil && len(line) == 0 && !long {
			break
		}
		n++
		if n == 1 {
			if learn.UTF16Order(line) != nil {
				utf16 = true
				break
			}
			// Editors on Windows, and PowerShell's redirection, start a
			// UTF-8 file with a byte order mark, which JSON does not allow.
			line = bytes.TrimPrefix(line, []byte(learn.BOM))
		}
		if long {
			cur.long = append(cur.long, len(cur.ends))
		}
		cur.data = append(cur.data, line...)
		cur.ends = append(cur.ends, len(cur.data))
		if len(cur.ends) == maxBatchLines {
			submit(false)
		}
	}
	submit(true)
	close(jobs)
	close(order)
	wg.Wait()
	<-written
	if err := writeErr.Load(); err != nil {
		return fail(env, *err)
	}
	if utf16 {
		// A byte order mark of UTF-16 (PowerShell 5's redirection, Excel's
		// "Unicode Text"): every line would be NUL bytes between letters.
		return fail(env, errors.New("stdin is UTF-16; save it as UTF-8 (in PowerShell: | Out-File -Encoding utf8), or pipe it through iconv -f UTF-16 -t UTF-8"))
	}
	if readErr != nil && !errors.Is(readErr, io.EOF) {
		return fail(env, fmt.Errorf("read stdin: %w", readErr))
	}
	if failed {
		return ExitFail
	}
	return ExitOK
}

// readStdinLine appends the next line of r to data, without its newline.
// A line longer than maxStdinLine is read to its end but not kept, so
// that the lines after it are still answered: long is set and data left
// as it was. err is io.EOF after the last line.
func readStdinLine(r *bufio.Reader, data *[]byte) (long bool, err error) {
	start := len(*data)
	for {
		var frag []byte
		frag, err = r.ReadSlice('\n')
		if !long {
			*data = append(*data, frag...)
			if len(*data)-start > maxStdinLine+1 {
				long, *data = true, (*data)[:start]
			}
		}
		if err != bufio.ErrBufferFull {
			break
		}
	}
	if !long {
		*data = bytes.TrimSuffix(*data, []byte("\n"))
	}
	return long, err
}

// answer classifies the batch's lines into b.out and b.errs, using buf for
// each answer.
func (b *classifyBatch) answer(buf *answerBuf, answer func(*answerBuf, classifyLine) error) {
	start := 0
	for i, end := range b.ends {
		line := bytes.TrimSpace(b.data[start:end])
		start = end
		if len(b.long) > 0 && slices.Contains(b.long, i) {
			b.errs = append(b.errs, batchError{len(b.out), fmt.Sprintf("stdin:%d: line longer than %d MiB, skipped; write one {\"summary\": \"...\"} object per line, with the text cut to a Slack message's 40,000 characters\n", b.first+i, maxStdinLine>>20)})
			continue
		}
		if len(line) == 0 {
			continue
		}
		var in classifyLine
		if err := decodeClassifyLine(line, &in); err != nil {
			b.errs = append(b.errs, batchError{len(b.out), fmt.Sprintf("stdin:%d: not a JSON object: %v (write one {\"summary\": \"...\"} per line)\n", b.first+i, err)})
			continue
		}
		buf.Reset()
		if err := answer(buf, in); err != nil {
			b.errs = append(b.errs, batchError{len(b.out), fmt.Sprintf("stdin:%d: %v\n", b.first+i, err)})
			continue
		}
		b.out = append(b.out, buf.Bytes()...)
	}
}

// write writes the batch's answers to out and its errors to stderr, each
// error after the answers before it, and flushes out when the batch asks.
func (b *classifyBatch) write(out *bufio.Writer, stderr io.Writer) error {
	at := 0
	for _, e := range b.errs {
		if _, err := out.Write(b.out[at:e.at]); err != nil {
			return err
		}
		if err := out.Flush(); err != nil {
			return err
		}
		at = e.at
		io.WriteString(stderr, e.msg)
	}
	if _, err := out.Write(b.out[at:]); err != nil {
		return err
	}
	if b.flush {
		return out.Flush()
	}
	return nil
}

// readHook calls before ahead of each read of r, one that may wait for
// input; an error from before is returned instead of reading.
type readHook struct {
	r      io.Reader
	before func() error
}

func (h readHook) Read(p []byte) (int, error) {
	if err := h.before(); err != nil {
		return 0, err
	}
	return h.r.Read(p)
}
