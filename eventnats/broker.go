package eventnats

import (
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// brokerErr adds [ErrBrokerUnavailable] to err when the connection under
// js is not connected, so that "server down" is told apart from a refusal.
func brokerErr(js jetstream.JetStream, err error) error {
	if err == nil {
		return nil
	}
	nc := js.Conn()
	if nc == nil {
		return err
	}
	if st := nc.Status(); st != nats.CONNECTED {
		return fmt.Errorf("%w (connection %s): %w", ErrBrokerUnavailable, st, err)
	}
	return err
}
