package admin

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestLoopbackRefusesOtherHostsAndPeers(t *testing.T) {
	tests := []struct {
		name, remote, host string
		want               int
	}{
		{"ipv4", "127.0.0.1:50000", "127.0.0.1:8081", http.StatusOK},
		{"localhost", "127.0.0.1:50000", "localhost:8081", http.StatusOK},
		{"ipv6", "[::1]:50000", "[::1]:8081", http.StatusOK},
		{"rebound name", "127.0.0.1:50000", "evil.example:8081", http.StatusForbidden},
		{"no port", "127.0.0.1:50000", "evil.example", http.StatusForbidden},
		{"remote peer", "10.0.0.7:50000", "127.0.0.1:8081", http.StatusForbidden},
	}
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/backup", nil)
			req.RemoteAddr, req.Host = tt.remote, tt.host
			rec := httptest.NewRecorder()
			Loopback(ok).ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Errorf("status %d, want %d", rec.Code, tt.want)
			}
		})
	}
}

func TestListenTCPRefusesNonLoopback(t *testing.T) {
	l, err := ListenTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if l, err := ListenTCP("0.0.0.0:0"); err == nil {
		l.Close()
		t.Error("ListenTCP took 0.0.0.0")
	}
}
