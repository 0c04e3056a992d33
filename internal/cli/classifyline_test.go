package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// slowClassifyLine is the decoding decodeClassifyLine must agree with:
// encoding/json, unknown fields refused, nothing after the object.
func slowClassifyLine(line []byte) (classifyLine, error) {
	var in classifyLine
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	err := dec.Decode(&in)
	if err == nil && dec.More() {
		err = errors.New("more after the object")
	}
	return in, err
}

var classifyLineCases = []string{
	`{"summary": "site is down", "team": "platform"}`,
	`{}`,
	` { "summary" : "spaces" , "at" : "2026-01-06T10:30" } `,
	`{"summary": "quote \" slash \/ back \\ tab \t nl \n cr \r bs \b ff \f"}`,
	`{"summary": "\u00e9t\u00E9 \u003cb\u003e \u0000"}`,
	`{"summary": "emoji 😀 and é raw"}`,
	`{"summary": "surrogates \ud83d\ude00"}`,
	`{"summary": "lone \ud83d surrogate"}`,
	`{"summary": "first", "summary": "second"}`,
	`{"Summary": "cased key"}`,
	`{"summary": "x", "extra": 1}`,
	`{"summary": null}`,
	`{"summary": 3}`,
	`{"summary": "x"} {"summary": "y"}`,
	`{"summary": "x",}`,
	`{"summary": "unterminated}`,
	`{"summary": "bad escape \q"}`,
	`{"summary": "short \u12"}`,
	"{\"summary\": \"control \x01 char\"}",
	"{\"summary\": \"invalid \xff utf8\"}",
	`["summary"]`,
	`"summary"`,
	`null`,
	`{"summary": "x"`,
	`{"sum\u006dary": "escaped key"}`,
	`{"team": "data", "summary": "s", "text": "t", "details": "d", "type": "question", "impact": "just me", "channel": "#ops", "user": "U1", "at": "2026-01-06", "needed_by": "2026-01-07"}`,
}

func TestDecodeClassifyLineAgreesWithEncodingJSON(t *testing.T) {
	for _, line := range classifyLineCases {
		t.Run(line, func(t *testing.T) { checkClassifyLine(t, []byte(line)) })
	}
}

func FuzzDecodeClassifyLine(f *testing.F) {
	for _, line := range classifyLineCases {
		f.Add([]byte(line))
	}
	f.Fuzz(func(t *testing.T, line []byte) { checkClassifyLine(t, line) })
}

func checkClassifyLine(t *testing.T, line []byte) {
	t.Helper()
	want, wantErr := slowClassifyLine(line)
	var got classifyLine
	gotErr := decodeClassifyLine(line, &got)
	if (gotErr == nil) != (wantErr == nil) || (gotErr != nil && gotErr.Error() != wantErr.Error()) {
		t.Fatalf("%q: error %v, want %v", line, gotErr, wantErr)
	}
	if gotErr == nil && got != want {
		t.Fatalf("%q: decoded %+v, want %+v", line, got, want)
	}
}
