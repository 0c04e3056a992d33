package main

import (
	"context"
	"testing"
	"time"
)

// TestCeilingChild checks that the ceiling's server runs in a process of
// its own, answers a rightly signed event and refuses a wrongly signed
// one, and ends when it is stopped.
func TestCeilingChild(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := startCeiling(ctx, []byte("right"))
	if err != nil {
		t.Fatal(err)
	}
	gen := events{base: time.Now().Unix()}
	good := &sender{url: "http://" + c.addr + "/slack/events", secret: []byte("right"), client: newClient(1), gen: gen}
	if err := good.send(ctx, 1); err != nil {
		t.Errorf("rightly signed event: %v", err)
	}
	bad := &sender{url: good.url, secret: []byte("wrong"), client: newClient(1), gen: gen}
	if err := bad.send(ctx, 2); err == nil {
		t.Error("a wrongly signed event was acknowledged")
	}
	if c.cmd.Process.Pid == 0 {
		t.Fatal("no child process")
	}
	c.stop()
	if c.cmd.ProcessState == nil || !c.cmd.ProcessState.Exited() || !c.cmd.ProcessState.Success() {
		t.Errorf("the ceiling server did not end cleanly once stopped: %v", c.cmd.ProcessState)
	}
	if err := good.send(ctx, 3); err == nil {
		t.Error("the stopped ceiling server still answers")
	}
}
