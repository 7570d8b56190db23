-- Events waiting to be forwarded, in the order they were stored (seq).
CREATE TABLE eventoutbox_events (
	seq       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id        TEXT   NOT NULL,  -- Event.ID
	type      TEXT   NOT NULL,  -- Event.Type
	event     BYTEA  NOT NULL,  -- Event.MarshalJSON
	stored_at BIGINT NOT NULL   -- Unix time, nanoseconds
);

-- Events the target refused for good, moved aside with the reason.
CREATE TABLE eventoutbox_refused (
	seq        BIGINT PRIMARY KEY,  -- its seq in eventoutbox_events
	id         TEXT   NOT NULL,
	type       TEXT   NOT NULL,
	event      BYTEA  NOT NULL,
	stored_at  BIGINT NOT NULL,
	reason     TEXT   NOT NULL,
	refused_at BIGINT NOT NULL      -- Unix time, nanoseconds
);
CREATE INDEX eventoutbox_refused_id ON eventoutbox_refused (id);
