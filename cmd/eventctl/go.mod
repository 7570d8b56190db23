module github.com/algoryn/events/cmd/eventctl

go 1.26.0

require (
	github.com/algoryn/events v0.3.0
	github.com/algoryn/events/eventnats v0.3.0
)
