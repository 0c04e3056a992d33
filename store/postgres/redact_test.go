package postgres

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// TestScrub checks that the password of a connection string is taken out
// of any error text, in each form it may take, while errors.Is still
// sees the cause.
func TestScrub(t *testing.T) {
	tests := []struct {
		name, conn, msg string
		secrets         []string
	}{
		{"url", "postgres://sg:pa55word@db:5432/sg", "connect sg:pa55word@db failed", []string{"pa55word"}},
		{"url encoded", "postgres://sg:p%40ss%2Fword@db/sg", "dial postgres://sg:p%40ss%2Fword@db/sg: refused; password p@ss/word",
			[]string{"p%40ss%2Fword", "p@ss/word"}},
		{"dsn", "host=db user=sg password=hunter22 dbname=sg", "server said: password=hunter22 is wrong", []string{"hunter22"}},
		{"unparsable url", "postgres://sg:topsecret@db:port/sg", "cannot parse postgres://sg:topsecret@db:port/sg", []string{"topsecret"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cause := fmt.Errorf("%s: %w", tt.msg, io.ErrUnexpectedEOF)
			got := Scrub(tt.conn, cause)
			for _, pw := range tt.secrets {
				if strings.Contains(got.Error(), pw) {
					t.Errorf("%q still holds %q", got, pw)
				}
			}
			if !errors.Is(got, io.ErrUnexpectedEOF) {
				t.Error("the cause is lost")
			}
		})
	}
	plain := errors.New("connection refused")
	if Scrub("postgres://sg@db/sg", plain) != plain || Scrub("postgres://sg:pw1@db/sg", nil) != nil {
		t.Error("an error without the password, or nil, must come back as it was")
	}
}
