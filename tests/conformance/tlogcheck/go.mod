module github.com/pith-graph/pith-graph/tests/conformance/tlogcheck

go 1.26.0

require golang.org/x/mod v0.43.0
