# syntax=docker/dockerfile:1
# Build a static binary, then ship it alone on a distroless base as non-root.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/sprintguard/sprintguard/internal/cli.Version=${VERSION}" \
      -o /out/sprintguard ./cmd/sprintguard

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/sprintguard /usr/local/bin/sprintguard
# The database lives on the volume: set storage.path to /data/sprintguard.db.
VOLUME ["/data"]
WORKDIR /data
ENV SPRINTGUARD_CONFIG=/etc/sprintguard/sprintguard.yaml
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/sprintguard", "serve"]
