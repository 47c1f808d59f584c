# netral in a container: a release build, then a small Debian runtime with only the binary
# (the knowledge is compiled into it), running as an unprivileged user.
#
#   docker build -t netral .
#   docker run --rm -e TELOXIDE_TOKEN=… -v netral-data:/var/lib/netral netral          # netral serve
#   docker run --rm -e TELOXIDE_TOKEN=… -e NETRAL_WEBHOOK_SECRET=… -p 8080:8080 netral \
#       telegram --webhook https://bot.example.go.id/telegram --listen 0.0.0.0:8080
#
# /healthz and /metrics are served on 9100 (NETRAL_METRICS_LISTEN); the HEALTHCHECK uses it.

FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
# Dependencies first, so that a change to netral's own code does not rebuild them.
COPY Cargo.toml Cargo.lock build.rs ./
RUN mkdir -p src benches && echo 'fn main() {}' > src/main.rs && touch src/lib.rs \
    && printf 'fn main() {}\n' > benches/matcher.rs && cp benches/matcher.rs benches/store.rs \
    && cargo build --release --locked --bin netral \
    && rm -rf src benches
COPY src src
COPY knowledge knowledge
COPY benches benches
# The placeholders above are older than the real sources only by their mtime: touch them.
RUN touch src/main.rs src/lib.rs && cargo build --release --locked --bin netral \
    && strip target/release/netral

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/netral --create-home netral
COPY --from=build /src/target/release/netral /usr/local/bin/netral
USER netral
WORKDIR /var/lib/netral
ENV NETRAL_DB=/var/lib/netral/netral.db \
    NETRAL_METRICS_LISTEN=0.0.0.0:9100 \
    RUST_LOG=warn,netral=info
VOLUME ["/var/lib/netral"]
EXPOSE 8080 9100
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS http://127.0.0.1:9100/healthz >/dev/null || exit 1
ENTRYPOINT ["netral"]
CMD ["serve"]
