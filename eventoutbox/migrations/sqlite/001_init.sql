-- Events waiting to be forwarded, in the order they were stored (seq).
-- AUTOINCREMENT: a seq is never reused, even after the rows before it
-- were forwarded and deleted.
CREATE TABLE eventoutbox_events (
	seq       INTEGER PRIMARY KEY AUTOINCREMENT,
	id        TEXT    NOT NULL,  -- Event.ID
	type      TEXT    NOT NULL,  -- Event.Type
	event     BLOB    NOT NULL,  -- Event.MarshalJSON
	stored_at INTEGER NOT NULL   -- Unix time, nanoseconds
);

-- Events the target refused for good, moved aside with the reason.
CREATE TABLE eventoutbox_refused (
	seq        INTEGER PRIMARY KEY,  -- its seq in eventoutbox_events
	id         TEXT    NOT NULL,
	type       TEXT    NOT NULL,
	event      BLOB    NOT NULL,
	stored_at  INTEGER NOT NULL,
	reason     TEXT    NOT NULL,
	refused_at INTEGER NOT NULL      -- Unix time, nanoseconds
);
CREATE INDEX eventoutbox_refused_id ON eventoutbox_refused (id);

-- The forwarding lease: one forwarder at a time per SQLite file.
CREATE TABLE eventoutbox_lease (
	name       TEXT    PRIMARY KEY,
	owner      TEXT    NOT NULL,
	expires_at INTEGER NOT NULL      -- Unix time, nanoseconds
);
INSERT INTO eventoutbox_lease (name, owner, expires_at) VALUES ('forwarder', '', 0);
