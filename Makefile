# Build, test and demo targets for triage. `make demo` and `make test` are
# the two commands a fresh machine needs; see README.md.

GO      ?= go
BIN     := bin/triage
DATA    ?= ../shared/data
# Seconds each fuzz target runs in `make test` (longer in `make fuzz`).
FUZZTIME ?= 10s

.PHONY: build test vet unit fuzz-short fuzz demo bench eval clean test-e2e-race

build:
	$(GO) build -o $(BIN) ./cmd/triage

test: vet unit fuzz-short

vet:
	$(GO) vet ./...

unit:
	$(GO) test -race -timeout 15m ./...

# The end-to-end tests with the daemon binary itself built with -race:
# about ten times slower than in `make test`.
test-e2e-race:
	TRIAGE_E2E_RACE=1 $(GO) test -race -timeout 30m ./cmd/triage

# Each fuzz target runs for FUZZTIME without -race, one at a time, because
# `go test -fuzz` accepts a single target per run.
fuzz-short:
	@./.ci/fuzz $(FUZZTIME)

fuzz:
	@./.ci/fuzz 5m

demo: build
	./$(BIN) demo

bench:
	$(GO) test -run '^$$' -bench . -benchmem -timeout 30m ./...

eval: build
	./$(BIN) eval --data $(DATA)

clean:
	rm -rf bin
