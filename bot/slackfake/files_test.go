package slackfake

import (
	"bytes"
	"context"
	"testing"

	"github.com/slack-go/slack"
)

func TestUploadFile(t *testing.T) {
	s, api := newClient(t)
	ctx := context.Background()
	_, parent, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("weekly report", false))
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("\x89PNG fake chart bytes")
	sum, err := api.UploadFileContext(ctx, slack.UploadFileParameters{
		Reader: bytes.NewReader(data), FileSize: len(data), Filename: "chart.png", Title: "Requests per day",
		Channel: "C1", ThreadTimestamp: parent, InitialComment: "this week",
	})
	if err != nil {
		t.Fatal(err)
	}
	files := s.Files()
	if len(files) != 1 {
		t.Fatalf("Files = %+v", files)
	}
	f := files[0]
	if f.ID != sum.ID || f.Name != "chart.png" || f.Title != "Requests per day" || f.Channel != "C1" ||
		f.ThreadTS != parent || f.InitialComment != "this week" || !bytes.Equal(f.Bytes, data) {
		t.Errorf("file = %+v", f)
	}
	thread, _, _, err := api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: "C1", Timestamp: parent})
	if err != nil || len(thread) != 2 || len(thread[1].Files) != 1 || thread[1].Files[0].ID != f.ID {
		t.Errorf("thread after upload = %+v, %v", thread, err)
	}

	t.Run("completing what was never uploaded", func(t *testing.T) {
		u, err := api.GetUploadURLExternalContext(ctx, slack.GetUploadURLExternalParameters{FileName: "x.txt", FileSize: 3})
		if err != nil {
			t.Fatal(err)
		}
		_, err = api.CompleteUploadExternalContext(ctx, slack.CompleteUploadExternalParameters{Files: []slack.FileSummary{{ID: u.FileID}}, Channel: "C1"})
		if slackError(err) != "file_not_found" {
			t.Errorf("err = %v, want file_not_found", err)
		}
	})
}
