# syntax=docker/dockerfile:1
#
# A small image of oneroster: one static binary (CGO_ENABLED=0; the SQLite
# driver, modernc.org/sqlite, is pure Go) on distroless/static, which holds
# CA certificates, time zones and a non-root user, and no shell or curl.
#
#   docker build -t oneroster \
#     --build-arg VERSION="$(git describe --tags --always --dirty)" \
#     --build-arg COMMIT="$(git rev-parse HEAD)" .
#
# The README ("Running in a container") shows import, clients and serve.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The build context has no .git (see .dockerignore): the toolchain cannot
# stamp the commit, so it comes in as a build argument. Empty arguments
# leave "(devel)" and "unknown" (oneroster version).
ARG VERSION=""
ARG COMMIT=""
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false \
      -ldflags "-s -w \
        -X github.com/oneroster/oneroster/internal/buildinfo.version=${VERSION} \
        -X github.com/oneroster/oneroster/internal/buildinfo.commit=${COMMIT} \
        -X github.com/oneroster/oneroster/internal/buildinfo.buildTime=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
      -o /out/oneroster ./cmd/oneroster \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/oneroster /usr/local/bin/oneroster
# The SQLite file lives in the volume, owned by the image's user
# (nonroot, uid 65532): a named volume starts as a copy of this folder.
COPY --from=build --chown=65532:65532 /out/data /data
VOLUME ["/data"]
USER 65532:65532
# Every command reads ONEROSTER_DB; serve reads ONEROSTER_ADDR and
# ONEROSTER_TLS_CERT, and so does healthcheck, to find serve (over https,
# accepting that certificate). Override them, or any other serve flag
# (ONEROSTER_PUBLIC_URL, ONEROSTER_TLS_KEY, …), with docker run -e.
ENV ONEROSTER_DB=/data/oneroster.db \
    ONEROSTER_ADDR=0.0.0.0:8080
EXPOSE 8080
# /healthz: the process serves HTTP. Readiness (the database answers) is
# /readyz, for a load balancer or an orchestrator's readiness probe: a
# database outage should take the container out of rotation, not have it
# restarted.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/oneroster", "healthcheck", "--timeout", "4s"]
ENTRYPOINT ["/usr/local/bin/oneroster"]
CMD ["serve"]
