package eventoutbox_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/algoryn/events"
	"github.com/algoryn/events/eventoutbox"
)

// An SQLite outbox in one file: Publish returns once the event is on
// disk, and the forwarder hands it to the target (here a function; in a
// tool, an eventnats or eventhttp Publisher).
func Example() {
	dir, _ := os.MkdirTemp("", "outbox-example-")
	defer os.RemoveAll(dir)
	ob, err := eventoutbox.Open(filepath.Join(dir, "outbox.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ob.Close()

	sent := make(chan events.Event)
	fwd, _ := ob.NewForwarder(eventoutbox.ForwarderConfig{
		Target: events.PublisherFunc(func(ctx context.Context, e events.Event) error {
			sent <- e
			return nil
		}),
	})
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go fwd.Run(ctx)

	e, _ := events.New(events.SourcePulse, events.RunCompletedPayload{
		RunID: "run-42", Service: "checkout", Passed: true, Duration: 90 * time.Second,
	}, events.WithID("0190b6e2-0000-7000-8000-000000000042"))
	if err := ob.Publish(ctx, e); err != nil {
		fmt.Println(err)
		return
	}
	got := <-sent
	fmt.Println("forwarded", got.Type, got.ID)
	// Output: forwarded run.completed 0190b6e2-0000-7000-8000-000000000042
}

// Add writes the event in the caller's transaction: rolled back, there is
// no event; committed, it will be forwarded.
func ExampleOutbox_Add() {
	dir, _ := os.MkdirTemp("", "outbox-example-")
	defer os.RemoveAll(dir)
	ob, err := eventoutbox.Open(filepath.Join(dir, "deploy.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ob.Close()
	ctx := context.Background()
	db := ob.DB() // the tool's own tables live in the same file
	if _, err := db.Exec("CREATE TABLE services (name TEXT PRIMARY KEY, address TEXT)"); err != nil {
		fmt.Println(err)
		return
	}

	register := func(name, addr string, commit bool) error {
		e, err := events.New(events.SourceDeploy, events.ServiceRegisteredPayload{Name: name, Address: addr})
		if err != nil {
			return err
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if _, err := tx.Exec("INSERT INTO services VALUES (?, ?)", name, addr); err != nil {
			return err
		}
		if err := ob.Add(ctx, tx, e); err != nil {
			return err
		}
		if !commit {
			return nil // rolled back by the deferred Rollback
		}
		return tx.Commit()
	}
	_ = register("checkout", "10.0.0.7:8080", false)
	_ = register("search", "10.0.0.8:8080", true)
	n, _ := ob.Pending(ctx)
	fmt.Println("events waiting:", n)
	// Output: events waiting: 1
}
