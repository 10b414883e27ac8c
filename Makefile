# casebench: the one entry point. `make help` lists the targets.
GO ?= go
PKGS := ./...

.PHONY: help run build test test-short lint fmt bench load fuzz tidy graded

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

run: build ## build and start casebench on http://localhost:8080 (SQLite file casebench.db, bundled cases); ADDR=HOST:PORT for another
	bin/casebench serve $(if $(ADDR),--addr $(ADDR))

build: ## build bin/casebench and its diagram render worker bin/casebench-render
	$(GO) build -o bin/ ./cmd/casebench ./cmd/casebench-render

test: ## run every test with the race detector (PostgreSQL and browser tests need their variables, see README)
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 -timeout 30m $(PKGS)

test-short: ## run the tests without the race detector
	$(GO) test -count=1 $(PKGS)

lint: ## gofmt, go vet and the case packs
	@test -z "$$(gofmt -l cmd internal cases web)" || (gofmt -l cmd internal cases web; exit 1)
	$(GO) vet $(PKGS)
	$(GO) run ./cmd/casebench cases lint cases

fmt: ## format the code
	gofmt -w cmd internal cases web

bench: ## run the benchmarks
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

load: ## measure start time and page speed: editor, case page and catalog at 64 connections (wrk if installed, else Go; NGINX=1 adds nginx serving the same bytes; ONLY_STARTS=1 times the starts only)
	$(GO) run ./cmd/pageload $(if $(NGINX),-nginx) $(if $(FOR),-for $(FOR)) $(if $(ONLY_STARTS),-only-starts)

graded: ## rewrite the drills' scored answers (cases/drills/*/graded) from the blind drill answers already looked at
	CASEBENCH_WRITE_GRADED=1 $(GO) test -count=1 -run '^TestGradedAnswers$$' ./internal/rubric

tidy: ## tidy go.mod
	$(GO) mod tidy
