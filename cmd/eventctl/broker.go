package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/algoryn/events/eventnats"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/pflag"
)

// defaultServer is the broker when neither --server nor $NATS_URL is set.
const defaultServer = "nats://127.0.0.1:4222"

// connectTimeout bounds connecting to the broker.
const connectTimeout = 5 * time.Second

// brokerFlags are the flags of the commands that talk to a broker.
type brokerFlags struct {
	server, creds     string
	stream, prefix    string
	replayPrefix      string
	dlqStream, dlqPfx string
	timeout           time.Duration
}

// add adds the flags to fs.
func (b *brokerFlags) add(fs *pflag.FlagSet) {
	fs.StringVar(&b.server, "server", "", "NATS URL (default $NATS_URL, then "+defaultServer+")")
	fs.StringVar(&b.creds, "creds", "", "NATS credentials file, for authenticated servers")
	fs.StringVar(&b.stream, "stream", eventnats.DefaultStreamName, "the event stream")
	fs.StringVar(&b.prefix, "prefix", eventnats.DefaultPrefix, "the subject prefix of events")
	fs.StringVar(&b.replayPrefix, "replay-prefix", "", "the subject prefix of replays (default: --prefix + \""+eventnats.ReplayPrefixSuffix+"\")")
	fs.StringVar(&b.dlqStream, "dlq-stream", eventnats.DefaultDeadLetterStreamName, "the dead-letter stream")
	fs.StringVar(&b.dlqPfx, "dlq-prefix", eventnats.DefaultDeadLetterPrefix, "the subject prefix of dead letters")
	fs.DurationVar(&b.timeout, "timeout", 10*time.Second, "how long to wait for the broker in each request")
}

// url is the server to connect to.
func (b *brokerFlags) url() string {
	switch {
	case b.server != "":
		return b.server
	case os.Getenv("NATS_URL") != "":
		return os.Getenv("NATS_URL")
	}
	return defaultServer
}

// streamConfig is the eventnats description of the streams the flags name.
func (b *brokerFlags) streamConfig() eventnats.StreamConfig {
	return eventnats.StreamConfig{Name: b.stream, Prefix: b.prefix, ReplayPrefix: b.replayPrefix, DeadLetterName: b.dlqStream, DeadLetterPrefix: b.dlqPfx}
}

// deadLettersConfig is the eventnats description of the dead letters the
// flags name.
func (b *brokerFlags) deadLettersConfig() eventnats.DeadLettersConfig {
	return eventnats.DeadLettersConfig{Stream: b.stream, Prefix: b.prefix, ReplayPrefix: b.replayPrefix, DeadLetterStream: b.dlqStream, DeadLetterPrefix: b.dlqPfx}
}

// requestContext bounds one request to the broker by --timeout.
func (b *brokerFlags) requestContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, b.timeout)
}

// broker is a connection to the broker.
type broker struct {
	nc *nats.Conn
	js jetstream.JetStream
}

// connect connects to the broker, failing within connectTimeout if it
// cannot be reached.
func (b *brokerFlags) connect() (*broker, error) {
	opts := []nats.Option{nats.Name("eventctl " + version()), nats.Timeout(connectTimeout)}
	if b.creds != "" {
		if _, err := os.Stat(b.creds); err != nil {
			return nil, ioError{fmt.Errorf("cannot read the credentials file %s: %w", b.creds, unwrapPath(err))}
		}
		opts = append(opts, nats.UserCredentials(b.creds))
	}
	url := b.url()
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		return nil, ioError{fmt.Errorf("cannot connect to %s: %w", url, err)}
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, ioError{fmt.Errorf("cannot use JetStream on %s: %w", url, err)}
	}
	return &broker{nc: nc, js: js}, nil
}

// close drains the connection.
func (k *broker) close() { k.nc.Close() }

// brokerError describes an error of a request to the broker in one
// sentence.
func brokerError(what string, err error) error {
	switch {
	case errors.Is(err, jetstream.ErrStreamNotFound):
		return ioError{fmt.Errorf("%s: the stream does not exist (is this the right --server and --stream?)", what)}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, nats.ErrTimeout):
		return ioError{fmt.Errorf("%s: the broker did not answer in time", what)}
	}
	return ioError{fmt.Errorf("%s: %w", what, err)}
}
