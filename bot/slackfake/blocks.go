package slackfake

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// Block Kit limits Slack enforces and a fake should too, so that a message
// the bot builds too big fails in tests rather than in production.
const (
	maxMessageBlocks = 50
	maxViewBlocks    = 100
	maxSectionText   = 3000
	maxFieldText     = 2000
	maxFields        = 10
	maxHeaderText    = 150
	maxContextElems  = 10
	maxActionElems   = 25
	maxBlockID       = 255
	maxButtonText    = 75
	maxActionID      = 255
	maxButtonValue   = 2000
)

type textObject struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type element struct {
	Type     string      `json:"type"`
	ActionID string      `json:"action_id"`
	Text     *textObject `json:"text"`
	Value    string      `json:"value"`
}

type block struct {
	Type     string            `json:"type"`
	BlockID  string            `json:"block_id"`
	Text     *textObject       `json:"text"`
	Fields   []textObject      `json:"fields"`
	Elements []json.RawMessage `json:"elements"`
	Label    *textObject       `json:"label"`
	Element  json.RawMessage   `json:"element"`
}

// checkBlocks validates a blocks array against Slack's limits and returns
// the parsed blocks, or Slack's messages for what is wrong, each naming the
// offending field by JSON pointer under prefix ("/blocks" or
// "/view/blocks").
func checkBlocks(raw json.RawMessage, limit int, prefix string) (slack.Blocks, []string) {
	var blocks []block
	if err := json.Unmarshal(raw, &blocks); err != nil {
		return slack.Blocks{}, []string{fmt.Sprintf("[ERROR] invalid JSON: %v [json-pointer:%s]", err, prefix)}
	}
	var msgs []string
	bad := func(format string, path string, args ...any) {
		msgs = append(msgs, fmt.Sprintf("[ERROR] "+format+" [json-pointer:%s%s]", append(args, prefix, path)...))
	}
	tooLong := func(s string, limit int, path string) {
		if utf8.RuneCountInString(s) > limit {
			bad("must be less than %d characters", path, limit+1)
		}
	}
	if len(blocks) > limit {
		bad("no more than %d items allowed", "", limit)
	}
	ids := map[string]bool{}
	for i, b := range blocks {
		at := fmt.Sprintf("/%d", i)
		if b.BlockID != "" {
			tooLong(b.BlockID, maxBlockID, at+"/block_id")
			if ids[b.BlockID] {
				bad("duplicate block_id %q", at+"/block_id", b.BlockID)
			}
			ids[b.BlockID] = true
		}
		switch b.Type {
		case "":
			bad("missing required field: type", at)
		case "section":
			if b.Text == nil && len(b.Fields) == 0 {
				bad("must provide either text or fields", at)
			}
			if b.Text != nil {
				tooLong(b.Text.Text, maxSectionText, at+"/text/text")
			}
			if len(b.Fields) > maxFields {
				bad("no more than %d items allowed", at+"/fields", maxFields)
			}
			for j, f := range b.Fields {
				tooLong(f.Text, maxFieldText, fmt.Sprintf("%s/fields/%d/text", at, j))
			}
		case "header":
			if b.Text == nil || b.Text.Type != "plain_text" {
				bad("must be a plain_text object", at+"/text")
			} else {
				tooLong(b.Text.Text, maxHeaderText, at+"/text/text")
			}
		case "context":
			if len(b.Elements) == 0 || len(b.Elements) > maxContextElems {
				bad("must have between 1 and %d items", at+"/elements", maxContextElems)
			}
		case "actions":
			if len(b.Elements) == 0 || len(b.Elements) > maxActionElems {
				bad("must have between 1 and %d items", at+"/elements", maxActionElems)
			}
			for j, raw := range b.Elements {
				var e element
				if json.Unmarshal(raw, &e) != nil {
					bad("invalid element", fmt.Sprintf("%s/elements/%d", at, j))
					continue
				}
				checkElement(e, fmt.Sprintf("%s/elements/%d", at, j), tooLong)
			}
		case "input":
			if b.Label == nil {
				bad("missing required field: label", at)
			}
			if len(b.Element) == 0 {
				bad("missing required field: element", at)
			}
		}
	}
	if len(msgs) > 0 {
		return slack.Blocks{}, msgs
	}
	var parsed slack.Blocks
	if err := json.Unmarshal(raw, &parsed); err != nil {
		return slack.Blocks{}, []string{fmt.Sprintf("[ERROR] %v [json-pointer:%s]", err, prefix)}
	}
	return parsed, nil
}

func checkElement(e element, at string, tooLong func(string, int, string)) {
	tooLong(e.ActionID, maxActionID, at+"/action_id")
	if e.Type == "button" {
		if e.Text != nil {
			tooLong(e.Text.Text, maxButtonText, at+"/text/text")
		}
		tooLong(e.Value, maxButtonValue, at+"/value")
	}
}

func hasInputBlock(blocks []block) bool {
	for _, b := range blocks {
		if b.Type == "input" {
			return true
		}
	}
	return false
}
