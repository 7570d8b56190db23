module github.com/algoryn/events/eventoutbox

go 1.26.0

require github.com/algoryn/events v0.3.0
