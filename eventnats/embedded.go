package eventnats

import (
	"fmt"
	"net"
	"os"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// EmbeddedConfig configures [StartEmbedded]. Only StoreDir is required.
//
//	Field         Default      Meaning
//	StoreDir      (required)   JetStream file store; reuse it to keep events across restarts
//	Host          127.0.0.1    listen address (loopback: one machine)
//	Port          random       client port; -1 or 0 picks a free one
//	ServerName    eventnats    server name in logs and advisories
//	ReadyTimeout  10s          how long to wait for the server to accept clients
type EmbeddedConfig struct {
	// StoreDir is the JetStream store directory, required; it is
	// created if missing. Reuse it to keep streams, messages and consumer
	// positions across restarts.
	StoreDir string
	// Host is the listen address; default 127.0.0.1.
	Host string
	// Port is the client port; 0 or -1 picks a free one.
	Port int
	// ServerName names the server in logs and advisories; default
	// "eventnats".
	ServerName string
	// ReadyTimeout is how long to wait for the server to accept clients;
	// default 10s.
	ReadyTimeout time.Duration
}

// Embedded is an in-process NATS server with JetStream, for one machine,
// tests and demos. In production with several machines, run a NATS
// cluster and connect to its URL instead; nothing else changes.
type Embedded struct {
	srv *server.Server
}

// StartEmbedded starts a NATS server with JetStream inside this process,
// storing streams under cfg.StoreDir, and waits until it accepts clients.
// Connect to [Embedded.URL]; call [Embedded.Shutdown] when done.
//
// StoreDir is created if it does not exist. A StoreDir that is not a
// directory, or that cannot be created or written to, is reported at
// once with an error matching [ErrInvalidConfig] that names it; a server
// that does not start for another reason is reported after ReadyTimeout
// with an error matching [ErrServerNotReady].
func StartEmbedded(cfg EmbeddedConfig) (*Embedded, error) {
	if cfg.StoreDir == "" {
		return nil, fmt.Errorf("%w: EmbeddedConfig.StoreDir is required", ErrInvalidConfig)
	}
	if cfg.Host == "" {
		cfg.Host = "127.0.0.1"
	}
	if cfg.Port == 0 {
		cfg.Port = server.RANDOM_PORT
	}
	if cfg.ServerName == "" {
		cfg.ServerName = "eventnats"
	}
	if cfg.ReadyTimeout <= 0 {
		cfg.ReadyTimeout = 10 * time.Second
	}
	if err := checkStoreDir(cfg.StoreDir); err != nil {
		return nil, err
	}
	srv, err := server.NewServer(&server.Options{
		ServerName: cfg.ServerName,
		Host:       cfg.Host,
		Port:       cfg.Port,
		JetStream:  true,
		StoreDir:   cfg.StoreDir,
		NoSigs:     true,
		NoLog:      true,
	})
	if err != nil {
		return nil, fmt.Errorf("eventnats: embedded server: %w", err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(cfg.ReadyTimeout) {
		srv.Shutdown()
		srv.WaitForShutdown()
		return nil, fmt.Errorf("%w: not accepting clients on %s:%d after %s", ErrServerNotReady, cfg.Host, cfg.Port, cfg.ReadyTimeout)
	}
	if !srv.JetStreamEnabled() {
		srv.Shutdown()
		srv.WaitForShutdown()
		return nil, fmt.Errorf("%w: JetStream did not start (store %s)", ErrServerNotReady, cfg.StoreDir)
	}
	return &Embedded{srv: srv}, nil
}

// checkStoreDir creates dir if it is missing, as the server would, and
// checks that it is a directory this process can write to: the server
// reports neither, it just never becomes ready.
func checkStoreDir(dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		if fi, serr := os.Stat(dir); serr == nil && !fi.IsDir() {
			return fmt.Errorf("%w: EmbeddedConfig.StoreDir %s is a file, not a directory", ErrInvalidConfig, dir)
		}
		return fmt.Errorf("%w: EmbeddedConfig.StoreDir %s cannot be created: %w", ErrInvalidConfig, dir, err)
	}
	f, err := os.CreateTemp(dir, ".eventnats-write-check-*")
	if err != nil {
		return fmt.Errorf("%w: EmbeddedConfig.StoreDir %s cannot be written to: %w", ErrInvalidConfig, dir, err)
	}
	name := f.Name()
	f.Close()
	if err := os.Remove(name); err != nil {
		return fmt.Errorf("%w: EmbeddedConfig.StoreDir %s: cannot remove files in it: %w", ErrInvalidConfig, dir, err)
	}
	return nil
}

// URL returns the client URL, e.g. "nats://127.0.0.1:41873".
func (e *Embedded) URL() string { return e.srv.ClientURL() }

// Port returns the client port, to restart a server on the same address.
func (e *Embedded) Port() int {
	if a, ok := e.srv.Addr().(*net.TCPAddr); ok {
		return a.Port
	}
	return 0
}

// Server returns the underlying server, for monitoring or tests.
func (e *Embedded) Server() *server.Server { return e.srv }

// Shutdown stops the server and waits until it has stopped. The store
// stays on disk; a new server on the same StoreDir finds the streams,
// messages and consumer positions again.
func (e *Embedded) Shutdown() {
	e.srv.Shutdown()
	e.srv.WaitForShutdown()
}
