# sprintguard: `make demo` and `make test` are the two commands to know.
GO      ?= go
BIN     := bin/sprintguard
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null)
LDFLAGS := -s -w -X github.com/sprintguard/sprintguard/internal/cli.Version=$(VERSION) \
           -X github.com/sprintguard/sprintguard/internal/cli.Commit=$(COMMIT)

.PHONY: build test demo eval bench perf-table fuzz lint docker clean

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/sprintguard

# Every test, with the race detector; go test also runs each fuzz target's
# seed corpus. Fuzzing proper is `make fuzz`: a timed fuzz run in CI failed
# with Go's "context deadline exceeded" when the fuzzer was cut off mid-step.
# The PostgreSQL suite starts its own throw-away cluster (internal/pgtest);
# without PostgreSQL installed it is skipped, and this says so.
test:
	@scripts/pgcheck.sh
	$(GO) test -race -count=1 -timeout 15m ./...

# The backtest on the sample export with the example config: no Slack, no Jira.
# Prints a one-screen summary (VERBOSE=1: every week's full report) and
# writes each team's last full week as demo-out/report-TEAM.html.
demo: build
	./$(BIN) replay --config examples/sprintguard.yaml --export examples/slack-export --html-dir demo-out $(if $(VERBOSE),--verbose)
	./$(BIN) oncall --config examples/oncall-ical.yaml

# The example rules scored on the labelled corpus beside the project, when
# it is there (tune on SPLIT=train, check dev, report test). A worktree one
# level deeper finds it too.
CORPUS ?= $(firstword $(wildcard ../shared/corpus/requests.jsonl ../../shared/corpus/requests.jsonl) ../shared/corpus/requests.jsonl)
SPLIT  ?= test
eval: build
	@if [ -f "$(CORPUS)" ]; then \
		./$(BIN) rules eval --config examples/sprintguard.yaml --split $(SPLIT) $(EVALFLAGS) "$(CORPUS)"; \
	else \
		echo "make eval: skipped, no labelled corpus at $(CORPUS) (set CORPUS=FILE)"; \
	fi

# Benchmarks; figures go in the issue notes as medians (run with COUNT=5 for that).
# slackload -replicas starts its own PostgreSQL cluster (internal/pgtest) and
# prints that it skipped when PostgreSQL is not installed.
COUNT ?= 1
bench: build
	$(GO) test -run '^$$' -bench . -benchmem -count $(COUNT) ./classifier ./store ./report ./learn ./bot
	$(GO) run ./bench/replay -messages 100000
	$(GO) run ./bench/learn
	$(GO) run ./bench/slackload -bin $(BIN)
	$(GO) run ./bench/slackload -bin $(BIN) -replicas
	$(GO) run ./bench/slackload -bin $(BIN) -history 100000 -rate 100
	$(GO) run ./bench/classify -bin $(BIN)

# Every row of docs/performance.md's table in one run, printed together at
# the end (about 10 minutes; see scripts/perf.sh).
perf-table: build
	GO=$(GO) BIN=$(BIN) scripts/perf.sh

# Each fuzz target for FUZZTIME (default 20s); go test runs their seed corpora.
fuzz:
	scripts/fuzz.sh

lint:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

docker:
	docker build --build-arg VERSION=$(VERSION) --build-arg COMMIT=$(COMMIT) -t sprintguard:$(VERSION) .

clean:
	rm -rf bin
