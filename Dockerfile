# One self-contained binary (`deno task compile`: cli.ts with migrations/, seed/ and the
# Swagger UI assets embedded) on a distroless base: no shell, no Deno, no package
# manager in the running image.
#
#   docker build -t datahub-api .
#   docker run -p 8000:8000 -e DATABASE_URL=postgres://... datahub-api          # serve
#   docker run -e DATABASE_URL=postgres://... datahub-api migrate --status    # any CLI command
#   docker run -e DATABASE_URL=postgres://... datahub-api worker
#
# Without DATABASE_URL the API runs on the embedded PGlite under DATA_DIR (/data here):
# mount a volume there to keep its data.

ARG DENO_VERSION=2.9.6

FROM denoland/deno:${DENO_VERSION} AS builder
WORKDIR /src
# Dependencies first, so a source change does not download them again.
COPY deno.json deno.lock ./
RUN deno install --frozen
COPY . .
RUN deno task compile && mkdir -p /data

FROM gcr.io/distroless/cc-debian12:nonroot
WORKDIR /app
COPY --from=builder /src/dist/datahub /app/datahub
COPY --from=builder --chown=nonroot:nonroot /data /data
ENV PORT=8000 \
    DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8000
USER nonroot
ENTRYPOINT ["/app/datahub"]
CMD ["serve"]
