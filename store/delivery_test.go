package store

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sprintguard/sprintguard/store/storetest"
	"github.com/sprintguard/sprintguard/triage"
)

func TestDeliveryValue(t *testing.T) {
	ny := time.FixedZone("EST", -5*3600)
	for _, tc := range []struct {
		name string
		d    triage.Delivery
	}{
		{"event", triage.Delivery{Kind: "event", Key: "Ev0123", Body: []byte(`{"type":"event_callback","event":{"text":"ü \"quoted\""}}`),
			Received: time.Date(2026, 11, 24, 10, 0, 0, 123456789, time.UTC)}},
		{"offset kept", triage.Delivery{Kind: "command", Key: "command:T1", Body: []byte("{}"),
			Received: time.Date(2026, 3, 8, 1, 59, 59, 0, ny)}},
		{"no key, no body", triage.Delivery{Kind: "interaction", Received: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := appendDelivery(nil, &tc.d)
			if err != nil {
				t.Fatal(err)
			}
			if len(v) > deliverySize(&tc.d) {
				t.Errorf("value of %d bytes, deliverySize says at most %d", len(v), deliverySize(&tc.d))
			}
			got, err := decodeDelivery(42, v)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.d
			want.Seq = 42
			if !got.Received.Equal(want.Received) || got.Received.Format(time.RFC3339Nano) != want.Received.Format(time.RFC3339Nano) {
				t.Errorf("received %v, want %v", got.Received, want.Received)
			}
			got.Received, want.Received = time.Time{}, time.Time{}
			if !reflect.DeepEqual(*got, want) {
				t.Errorf("decoded %+v, want %+v", *got, want)
			}
			// Every shorter prefix is an error, never a delivery with
			// part of its fields.
			for n := range len(v) - len(tc.d.Body) {
				if _, err := decodeDelivery(42, v[:n]); err == nil {
					t.Fatalf("the first %d of %d bytes decoded without an error", n, len(v))
				}
			}
		})
	}
}

// TestPendingReadsJSONDeliveries: deliveries stored before the compact
// format (JSON, the body in base64) are still read, and exported.
func TestPendingReadsJSONDeliveries(t *testing.T) {
	db := openTest(t, Options{})
	old := triage.Delivery{Seq: 1, Kind: "event", Key: "EvOld", Body: []byte(`{"event_id":"EvOld"}`), Received: storetest.T0}
	raw, err := json.Marshal(&old)
	if err != nil {
		t.Fatal(err)
	}
	err = db.bolt.Update(func(b *bolt.Tx) error {
		in := b.Bucket(bucketInbox)
		if _, err := in.NextSequence(); err != nil {
			return err
		}
		return in.Put(u64(1), raw)
	})
	if err != nil {
		t.Fatal(err)
	}
	// Reopened, as an upgrade opens a file an older build wrote: the
	// journal numbers new deliveries after the file's inbox.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openAt(t, db.Path(), Options{})
	next := &triage.Delivery{Kind: "event", Key: "EvNew", Body: []byte(`{"event_id":"EvNew"}`), Received: storetest.T0}
	if _, err := db.Accept(next, time.Hour); err != nil {
		t.Fatal(err)
	}
	got, err := db.Pending(10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Key != "EvOld" || string(got[0].Body) != string(old.Body) || !got[0].Received.Equal(storetest.T0) ||
		got[1].Key != "EvNew" || got[1].Seq != 2 || string(got[1].Body) != string(next.Body) {
		t.Fatalf("pending = %+v, %+v; want the old delivery, then the new", got[0], got[1])
	}
}
