# syntax=docker/dockerfile:1
# Build a static binary, then ship it alone on a distroless base as non-root.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=unknown
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/sprintguard/sprintguard/internal/cli.Version=${VERSION} -X github.com/sprintguard/sprintguard/internal/cli.Commit=${COMMIT}" \
      -o /out/sprintguard ./cmd/sprintguard \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/sprintguard /usr/local/bin/sprintguard
# An explicit, nonroot-owned /data, whatever the builder makes of WORKDIR.
COPY --from=build --chown=65532:65532 /out/data /data
# The database lives on the volume: set storage.path to /data/sprintguard.db.
VOLUME ["/data"]
WORKDIR /data
ENV SPRINTGUARD_CONFIG=/etc/sprintguard/sprintguard.yaml
EXPOSE 8080
USER nonroot:nonroot
# `docker run IMAGE backup /data/copy.db` runs another command.
ENTRYPOINT ["/usr/local/bin/sprintguard"]
CMD ["serve"]
