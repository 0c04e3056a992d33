package config

import (
	"errors"
	"io/fs"
	"testing"
)

func TestErrorString(t *testing.T) {
	tests := []struct {
		name string
		in   Error
		want string
	}{
		{"with hint", Error{File: "a.yaml", Line: 3, Msg: "bad", Hint: "fix it"}, "a.yaml:3: bad (fix it)"},
		{"without hint", Error{File: "a.yaml", Line: 3, Msg: "bad"}, "a.yaml:3: bad"},
		{"whole file", Error{File: "a.yaml", Msg: "file is empty"}, "a.yaml: file is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestErrorsSorted(t *testing.T) {
	in := Errors{
		{File: "b.yaml", Line: 1, Msg: "x"},
		{File: "a.yaml", Line: 9, Msg: "y"},
		{File: "a.yaml", Line: 2, Column: 7, Msg: "z"},
		{File: "a.yaml", Line: 2, Column: 3, Msg: "w"},
		{File: "a.yaml", Line: 9, Msg: "y"},
	}
	want := "a.yaml:2: w\na.yaml:2: z\na.yaml:9: y\nb.yaml:1: x"
	if got := in.sorted().Error(); got != want {
		t.Errorf("sorted() =\n%s\nwant\n%s", got, want)
	}
}

func TestLoadMissingFile(t *testing.T) {
	cfg, err := Load("testdata/does-not-exist.yaml", nil)
	if cfg != nil {
		t.Fatal("Load returned a config for a missing file")
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("errors.Is(err, fs.ErrNotExist) = false for %v", err)
	}
	var es Errors
	if !errors.As(err, &es) || len(es) != 1 || es[0].File != "testdata/does-not-exist.yaml" {
		t.Errorf("err = %#v, want one Error naming the file", err)
	}
}
