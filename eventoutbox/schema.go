package eventoutbox

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
)

// migrations holds the schema of each dialect as numbered SQL files,
// applied in order: 001_init.sql is version 1. A release that changes the
// schema adds a file and never edits one that shipped.
//
//go:embed migrations
var migrations embed.FS

// schemaTable records the schema version of a store: one row per applied
// migration.
const schemaTable = "eventoutbox_schema"

// migrationFiles returns the migrations of dialect d in order.
func migrationFiles(d dialect) ([]string, error) {
	dir := path.Join("migrations", d.name)
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		files = append(files, path.Join(dir, e.Name()))
	}
	sort.Strings(files)
	return files, nil
}

// SchemaVersion is the version of the store schema this package writes and
// reads: the number of migrations it ships. [Open] and [OpenPostgres]
// migrate an older store to it and refuse a newer one with
// [ErrSchemaTooNew].
const SchemaVersion = 1

// migrate brings the store's schema to SchemaVersion in one transaction,
// or reports ErrSchemaTooNew. where names the store in errors.
func migrate(ctx context.Context, db *sql.DB, d dialect, where string) error {
	files, err := migrationFiles(d)
	if err != nil {
		return fmt.Errorf("%w %s: reading the shipped migrations: %w", ErrOpen, where, err)
	}
	if len(files) != SchemaVersion {
		return fmt.Errorf("%w %s: %d migrations shipped for %s, want %d", ErrOpen, where, len(files), d.name, SchemaVersion)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%w %s: %w", ErrOpen, where, err)
	}
	defer tx.Rollback()
	if d.lockSchema != "" { // serialise concurrent Opens of a fresh database
		if _, err := tx.ExecContext(ctx, d.lockSchema); err != nil {
			return fmt.Errorf("%w %s: %w", ErrOpen, where, err)
		}
	}
	if _, err := tx.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS "+schemaTable+" (version INTEGER NOT NULL)"); err != nil {
		return fmt.Errorf("%w %s: %w", ErrOpen, where, err)
	}
	var version int
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM "+schemaTable).Scan(&version); err != nil {
		return fmt.Errorf("%w %s: reading the schema version: %w", ErrOpen, where, err)
	}
	if version > SchemaVersion {
		return fmt.Errorf("%w %s: %w: the store has schema version %d, this package knows up to %d; use a newer github.com/algoryn/events/eventoutbox",
			ErrOpen, where, ErrSchemaTooNew, version, SchemaVersion)
	}
	for v := version + 1; v <= SchemaVersion; v++ {
		ddl, err := migrations.ReadFile(files[v-1])
		if err != nil {
			return fmt.Errorf("%w %s: %w", ErrOpen, where, err)
		}
		if _, err := tx.ExecContext(ctx, string(ddl)); err != nil {
			return fmt.Errorf("%w %s: applying %s: %w", ErrOpen, where, files[v-1], err)
		}
		if _, err := tx.ExecContext(ctx, d.bind("INSERT INTO "+schemaTable+" (version) VALUES (?)"), v); err != nil {
			return fmt.Errorf("%w %s: %w", ErrOpen, where, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%w %s: %w", ErrOpen, where, err)
	}
	return nil
}
