package slackfake

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/slack-go/slack"
)

// uploadPath is where upload URLs point: on the API host, as slack-go only
// sends the token to Slack's own hosts or the API URL.
const uploadPath = "/upload/"

// File is a file shared with files.completeUploadExternal.
type File struct {
	ID             string
	Name           string
	Title          string
	Channel        string
	ThreadTS       string
	InitialComment string
	Bytes          []byte
}

// upload is a file between files.getUploadURLExternal and its completion.
type upload struct {
	name     string
	length   int
	bytes    []byte
	received bool
}

// Files returns the files shared so far, in completion order.
func (s *Server) Files() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.files)
	for i := range out {
		out[i].Bytes = slices.Clone(out[i].Bytes)
	}
	return out
}

func (s *Server) uploadURL(r *request) (obj, error) {
	name := r.get("filename")
	length, err := strconv.Atoi(r.get("length"))
	if name == "" || err != nil || length <= 0 {
		return nil, fail("invalid_arguments")
	}
	id := s.nextIDLocked("F")
	s.uploads[id] = &upload{name: name, length: length}
	return obj{"upload_url": s.base + strings.TrimPrefix(uploadPath, "/") + id, "file_id": id}, nil
}

// receiveUpload takes the file's bytes, raw or as the "file" part of a
// multipart form (slack-go sends the latter), and answers as Slack's
// upload host does: plain text.
func (s *Server) receiveUpload(w http.ResponseWriter, hr *http.Request) {
	id := strings.TrimPrefix(hr.URL.Path, uploadPath)
	data, err := readUpload(hr)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	u := s.uploads[id]
	if u != nil {
		u.bytes, u.received = data, true
		s.notifyLocked()
	}
	s.mu.Unlock()
	if u == nil {
		http.NotFound(w, hr)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "OK - %d", len(data))
}

func readUpload(hr *http.Request) ([]byte, error) {
	ctype, params, _ := mime.ParseMediaType(hr.Header.Get("Content-Type"))
	if ctype != "multipart/form-data" {
		return io.ReadAll(io.LimitReader(hr.Body, maxBody))
	}
	mr := multipart.NewReader(hr.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err != nil {
			return nil, fmt.Errorf("read multipart upload: no file part: %w", err)
		}
		if part.FormName() == "file" {
			return io.ReadAll(io.LimitReader(part, maxBody))
		}
	}
}

// completeUpload shares uploaded files and, as Slack does, posts the
// message that carries them into the channel or thread.
func (s *Server) completeUpload(r *request) (obj, error) {
	var sums []slack.FileSummary
	if json.Unmarshal(r.raw("files"), &sums) != nil || len(sums) == 0 {
		return nil, fail("invalid_arguments")
	}
	for _, f := range sums {
		if u := s.uploads[f.ID]; u == nil || !u.received {
			return nil, fail("file_not_found")
		}
	}
	channel := r.get("channel_id")
	if channel == "" && r.get("channels") != "" {
		channel = splitList(r.get("channels"))[0]
	}
	if strings.HasPrefix(channel, "#") {
		return nil, fail("channel_not_found") // ids only, as the readers
	}
	thread := r.get("thread_ts")
	var shared []slack.File
	for _, f := range sums {
		u := s.uploads[f.ID]
		delete(s.uploads, f.ID)
		title := f.Title
		if title == "" {
			title = u.name
		}
		s.files = append(s.files, File{
			ID: f.ID, Name: u.name, Title: title, Channel: channel, ThreadTS: thread,
			InitialComment: r.get("initial_comment"), Bytes: u.bytes,
		})
		shared = append(shared, slack.File{ID: f.ID, Name: u.name, Title: title, Size: len(u.bytes)})
	}
	if channel != "" {
		s.channelLocked(channel).insert(&slack.Message{Msg: slack.Msg{
			Type:            slack.TYPE_MESSAGE,
			User:            BotUserID,
			BotID:           BotID,
			Text:            r.get("initial_comment"),
			Files:           shared,
			Upload:          true,
			Timestamp:       s.nextTSLocked(),
			ThreadTimestamp: thread,
		}})
	}
	out := make([]slack.FileSummary, 0, len(sums))
	for _, f := range shared {
		out = append(out, slack.FileSummary{ID: f.ID, Title: f.Title})
	}
	return obj{"files": out}, nil
}
