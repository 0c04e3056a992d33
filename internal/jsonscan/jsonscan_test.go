package jsonscan

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"unicode/utf8"
)

// TestStringAgreesWithEncodingJSON checks String against json.Unmarshal on
// the strings it takes, and that it declines the ones it cannot read alike.
func TestStringAgreesWithEncodingJSON(t *testing.T) {
	for _, c := range []struct {
		in   string
		take bool
	}{
		{`"plain"`, true},
		{`"esc \" \\ \/ \b \f \n \r \t"`, true},
		{`"\u00e9\u20AC"`, true},
		{`"é and 😀 raw"`, true},
		{`"\ud83d\ude00"`, false},
		{"\"bad \xff\"", false},
		{"\"ctl \x01\"", false},
		{`"\q"`, false},
		{`"open`, false},
		{`x`, false},
	} {
		t.Run(c.in, func(t *testing.T) {
			val, next, ok := String([]byte(c.in), 0)
			if ok != c.take {
				t.Fatalf("ok %v, want %v", ok, c.take)
			}
			if !ok {
				return
			}
			var want string
			if err := json.Unmarshal([]byte(c.in), &want); err != nil {
				t.Fatal(err)
			}
			if string(val) != want || next != len(c.in) {
				t.Errorf("String = %q, %d; want %q, %d", val, next, want, len(c.in))
			}
		})
	}
}

func TestValue(t *testing.T) {
	for _, c := range []struct{ in, rest string }{
		{`"a\"]}" ,x`, ` ,x`},
		{`{"a":[1,{"b":"}"}],"c":null}]`, `]`},
		{`[[],[[]]],`, `,`},
		{`-1.5e3}`, `}`},
		{`true `, ` `},
		{`null`, ``},
		{`0.5E+2,`, `,`},
	} {
		next, ok := Value([]byte(c.in), 0)
		if !ok || c.in[next:] != c.rest {
			t.Errorf("Value(%q) leaves %q (ok %v), want %q", c.in, c.in[next:], ok, c.rest)
		}
	}
}

// FuzzValue holds Value to json.Valid: a whole input Value accepts is
// valid JSON, and valid JSON in valid UTF-8 (nested less than 1,000 deep)
// is accepted.
func FuzzValue(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}]}`, `[1,]`, `{"a" 1}`, `01`, `-`, `1.`, `1e`, `"\u12G4"`, `"\x"`, "\"\x01\"", `[tru]`, `{"a":1,}`, ` [] `, `"\ud83d"`, `[1 2]`, `{"a":1 "b":2}`, "\"\xff\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		next, ok := Value(data, SkipSpace(data, 0))
		whole := ok && SkipSpace(data, next) == len(data)
		valid := json.Valid(data)
		if whole && !valid {
			t.Errorf("Value accepts %q, which is not valid JSON", data)
		}
		if valid && !whole && utf8.Valid(data) && bytes.Count(data, []byte("["))+bytes.Count(data, []byte("{")) < maxDepth {
			t.Errorf("Value declines %q, which is valid JSON", data)
		}
	})
}

// TestNumbersReadAsEncodingJSON holds Int and Float to json.Unmarshal into
// an int64 and a float64: the same value, or a decline where it fails.
func TestNumbersReadAsEncodingJSON(t *testing.T) {
	for _, c := range []string{
		"0", "-0", "7", "-42", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
		"1.5", "1e3", "1E-2", "-0.25", "2.", ".5", "01", "-", "+1", "1e", "1e999", "null", `"1"`, "true", "",
	} {
		t.Run(c, func(t *testing.T) {
			data := []byte(c)
			var wantInt int64
			intErr := json.Unmarshal(data, &wantInt)
			if c == "null" {
				intErr = errors.New("null leaves the field alone: declined")
			}
			// A number followed by more ("01") is read up to where it
			// ends; the caller declines what follows.
			gotInt, next, ok := Int(data, 0)
			if ok = ok && next == len(data); ok != (intErr == nil) || ok && gotInt != wantInt {
				t.Errorf("Int = %d, %d, %v; json.Unmarshal gives %d, %v", gotInt, next, ok, wantInt, intErr)
			}
			var wantFloat float64
			floatErr := json.Unmarshal(data, &wantFloat)
			if c == "null" {
				floatErr = errors.New("null leaves the field alone: declined")
			}
			gotFloat, next, ok := Float(data, 0)
			if ok = ok && next == len(data); ok != (floatErr == nil) || ok && gotFloat != wantFloat {
				t.Errorf("Float = %v, %d, %v; json.Unmarshal gives %v, %v", gotFloat, next, ok, wantFloat, floatErr)
			}
		})
	}
}
