package bot

import (
	"encoding/json"
	"reflect"
	"testing"
)

// headCases are callbacks whose head the scanner must read exactly as
// json.Unmarshal does, or leave to it.
var headCases = []struct {
	name, body string
	scanned    bool // the scanner reads it itself
}{
	{"message", `{"token":"x","team_id":"T1","api_app_id":"A1","event":{"type":"message","channel":"C1","user":"U1","text":"the deploy is stuck","ts":"1.000001","channel_type":"channel","blocks":[{"type":"rich_text","elements":[]}]},"type":"event_callback","event_id":"Ev1","event_time":1700000000,"authorizations":[{"is_bot":true}],"is_ext_shared_channel":false}`, true},
	{"url verification", `{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`, true},
	{"reaction", `{"type":"event_callback","event_id":"Ev2","event":{"type":"reaction_added","user":"U1","reaction":"eyes","item":{"type":"message","channel":"C1","ts":"1.0"},"item_user":"U2"}}`, true},
	{"subtype and escapes", "{\"type\":\"event_callback\",\"event_id\":\"Ev\\u0033\",\"event\":{\"type\":\"message\",\"subtype\":\"bot_message\",\"user\":\"U\\\"1\",\"text\":\"a\\nb \\ud83d\\ude00\"}}", true},
	{"white space", " { \"type\" : \"event_callback\" ,\n\"event\" :\t{ } } \n", true},
	{"empty", `{}`, true},
	{"event twice merges", `{"event":{"type":"message","user":"U1"},"event":{"subtype":"file_share"}}`, true},
	{"key twice, the last wins", `{"type":"a","type":"event_callback"}`, true},
	{"unknown values of every kind", `{"a":[1,-2.5e3,true,false,null,{"b":"c"}],"type":"event_callback","d":{}}`, true},

	{"null string", `{"type":null,"event_id":"Ev1"}`, false},
	{"null event", `{"type":"event_callback","event":null}`, false},
	{"key in another case", `{"Type":"event_callback","event_id":"Ev1"}`, false},
	{"inner key in another case", `{"type":"event_callback","event":{"USER":"U1","type":"message"}}`, false},
	{"long s folds to s", "{\"type\":\"event_callback\",\"event\":{\"type\":\"message\",\"\u017fubtype\":\"x\"}}", false},
	{"invalid UTF-8 is replaced", "{\"type\":\"event_callback\",\"event_id\":\"Ev\xff\"}", false},
	{"number for a string", `{"type":1}`, false},
	{"string for the event", `{"event":"message"}`, false},
	{"item not an object", `{"event":{"item":"message"}}`, false},
	{"text of the wrong type is not read", `{"type":"event_callback","event":{"type":"message","text":5}}`, true},

	{"not JSON", `type=event_callback`, false},
	{"cut short", `{"type":"event_callback","event":{"type":"mess`, false},
	{"trailing garbage", `{"type":"event_callback"} x`, false},
	{"trailing comma", `{"type":"event_callback",}`, false},
	{"an array", `[]`, false},
	{"null", `null`, false},
	{"no colon", `{"type" "event_callback"}`, false},
	{"bad skipped value", `{"x":tru,"type":"event_callback"}`, false},
}

func TestDecodeHeadAgreesWithEncodingJSON(t *testing.T) {
	for _, c := range headCases {
		t.Run(c.name, func(t *testing.T) {
			checkHead(t, []byte(c.body))
			var h envelopeHead
			if got := scanHead([]byte(c.body), &h); got != c.scanned {
				t.Errorf("scanHead = %v, want %v", got, c.scanned)
			}
		})
	}
}

// checkHead fails when decodeHead and json.Unmarshal disagree on body,
// in the head they fill or in whether they fail.
func checkHead(t *testing.T, body []byte) {
	t.Helper()
	checkDecoder(t, "decodeHead", body, func(body []byte) (h envelopeHead, err error) {
		return h, decodeHead(body, &h)
	})
}

// checkDecoder fails when decode, a hand-written decoder named name, and
// json.Unmarshal disagree on body, in the value they give or in whether
// they fail.
func checkDecoder[T any](t *testing.T, name string, body []byte, decode func([]byte) (T, error)) {
	t.Helper()
	var want T
	wantErr := json.Unmarshal(body, &want)
	got, gotErr := decode(body)
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("%s(%q) error %v, json.Unmarshal's %v", name, body, gotErr, wantErr)
	}
	if wantErr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%s(%q) = %+v, json.Unmarshal gives %+v", name, body, got, want)
	}
}

// FuzzDecodeHead holds the scanner to encoding/json on any input.
func FuzzDecodeHead(f *testing.F) {
	for _, c := range headCases {
		f.Add([]byte(c.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkHead(t, body)
	})
}

// BenchmarkDecodeHead compares the head's scanner with encoding/json on a
// message callback shaped like Slack's.
func BenchmarkDecodeHead(b *testing.B) {
	body := []byte(headCases[0].body)
	b.Run("scan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var h envelopeHead
			if err := decodeHead(body, &h); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var h envelopeHead
			if err := json.Unmarshal(body, &h); err != nil {
				b.Fatal(err)
			}
		}
	})
}
