package store

import (
	"reflect"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// fill gives every slice and string in v a value, recursively, so that a
// field added later is covered without changing this test.
func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(time.Date(2026, 11, 17, 10, 0, 0, 0, time.UTC)))
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i))
			}
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0))
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem())
	case reflect.String:
		v.SetString("x")
	}
}

// shared reports the path of the first slice, map or pointer that a and b
// have in common.
func shared(a, b reflect.Value, path string) string {
	switch a.Kind() {
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if a.Type().Field(i).IsExported() {
				if p := shared(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); p != "" {
					return p
				}
			}
		}
	case reflect.Slice, reflect.Map, reflect.Pointer:
		if !a.IsNil() && a.Pointer() == b.Pointer() {
			return path
		}
	}
	return ""
}

func TestCloneRequestSharesNothing(t *testing.T) {
	var r triage.Request
	fill(reflect.ValueOf(&r).Elem())
	c := r.Clone()
	if !reflect.DeepEqual(*c, r) {
		t.Fatal("the clone differs from the original")
	}
	if p := shared(reflect.ValueOf(r), reflect.ValueOf(*c), "Request"); p != "" {
		t.Errorf("clone shares %s with the original: copy it in Request.Clone", p)
	}
}

func TestSessionCacheHandsOutCopies(t *testing.T) {
	db := openTest(t, Options{})
	ses := db.Session(100)
	defer ses.Close()
	r := testRequest(1, "platform", t0)
	if err := ses.Update(func(tx triage.Tx) error { return tx.PutRequest(r) }); err != nil {
		t.Fatal(err)
	}
	r.Summary = "changed after the put"
	var got *triage.Request
	ses.View(func(tx triage.Tx) error {
		got, _ = tx.Request(1)
		return nil
	})
	if got.Summary != "request 1" {
		t.Errorf("summary %q: the cache kept the caller's pointer", got.Summary)
	}
	got.Events = append(got.Events, triage.Event{Kind: "x"})
	ses.View(func(tx triage.Tx) error {
		again, _ := tx.Request(1)
		if len(again.Events) != 0 {
			t.Error("a change to a returned request reached the cache")
		}
		return nil
	})
}

// TestCacheKeepsTheLatestWhenFull fills a cache past its size: the
// entries put just before it filled are still there, for they are the
// ones read next (the similar-request lookup reads the latest requests
// like the new one).
func TestCacheKeepsTheLatestWhenFull(t *testing.T) {
	var c requestCache
	for id := int64(1); id <= requestCacheSize+1; id++ {
		c.put(testRequest(id, "platform", t0), nil)
	}
	for _, id := range []int64{requestCacheSize + 1, requestCacheSize, 2} {
		if r := c.get(id, nil); r == nil || r.ID != id {
			t.Errorf("request %d of the %d put: got %v", id, requestCacheSize+1, r)
		}
	}
}
