namespace LogDapr.DevSidecar.Cli;

/// <summary>
/// The --help text. Written by hand rather than generated because it explains the daprd model (one API pair per
/// app id, the fidelity notes, the ready line) that runners and people rely on, not just the flag list.
/// </summary>
public static class SidecarHelp
{
    public const string Text = """
        logdapr-dev-sidecar — DEVELOPMENT/TEST ONLY stand-in for daprd.

        Serves the Dapr sidecar API subset LogDapr uses (gRPC for the SDK, HTTP for curl/tests) with an
        embedded journaled broker, state stores with each component type's rules and a real PostgreSQL output binding.
        Never use it in production: run real Dapr there.

        Usage:
          logdapr-dev-sidecar --resources-path <dir> [--resources-path <dir>...]
                              --app <appId>=<baseUrl> [--app <appId>] [--app-ports <appId>=<http>:<grpc>]
                              [--app-id <id>] [--dapr-http-port 3500] [--dapr-grpc-port 50001] [--data-dir <dir>]

        daprd runs one sidecar per app; this process serves several apps over one shared broker and gives each app
        id its own HTTP/gRPC API pair, so every call is made as one app: its components (scopes), CloudEvent source,
        state key prefix and metadata are that app's.

        Options:
          --resources-path <dir>      Dapr resources (Component, Subscription v1alpha1/v2alpha1, Resiliency).
                                      Repeatable. Configuration kinds are ignored. (alias: --components-path)
          --app <appId>=<baseUrl>     An app served by this sidecar: subscriptions are discovered with
                                      GET <baseUrl>/dapr/subscribe and deliveries are POSTed to <baseUrl><route>.
                                      Repeatable: one sidecar serves several apps over one shared broker.
          --app <appId>               A client-only app id (it calls the API, nothing is delivered to it).
          --app-protocol <p>          http (default) or https: call every --app over TLS 1.2+ without verifying its
                                      certificate, as daprd does (http:// app URLs become https://).
          --app-ports <id>=<h>:<g>    HTTP and gRPC API ports of that app id (0:0 or absent: free ports, printed
                                      as 'dev-sidecar app <id> http=<port> grpc=<port>').
          --app-id <id>               The app id of the --dapr-http-port/--dapr-grpc-port pair (default: dev-sidecar;
                                      may name an --app).
          --dapr-http-port <port>     HTTP API port of --app-id (default 3500; 0 picks a free port).
          --dapr-grpc-port <port>     gRPC API port of --app-id, h2c (default 50001; 0 picks a free port).
          --max-body-size <size>      Largest HTTP body / gRPC message the API accepts, as daprd's flag (default 4Mi;
                                      Ki/Mi/Gi or K/M/G suffixes, or bytes).
          --listen-address <ip>       Address both APIs bind to (default 127.0.0.1).
          --data-dir <dir>            Journal directory. Acknowledged publishes survive restarts and pending
                                      deliveries resume. Default: a temporary directory deleted at exit.
          --dapr-api-token <token>    Require this token in the dapr-api-token header/metadata
                                      (default: $DAPR_API_TOKEN if set).
          --log-level <level>         debug | info | warn | error (default info).
          --log-as-json               JSON log lines instead of plain text.
          --max-pending-per-topic <n> Publishes fail with RESOURCE_EXHAUSTED (HTTP 500) once a topic holds n
                                      unacknowledged messages (default 1000000). Component metadata
                                      'maxPendingPerTopic' overrides it per pub/sub component.
          --payload-memory-mb <n>     Payload bytes kept in memory; the rest is read back from the journal (default 32).
          --journal-segment-mb <n>    Journal segment size before rotation and compaction (default 64).
          --journal-fsync <bool>      fsync each group commit (default true). false is faster and loses
                                      acknowledged publishes on a machine crash (not on a process kill).
          --app-probe-interval <dur>  Retry interval for subscription discovery while the app is not up yet
                                      (default 500ms; daprd waits for the app port the same way).
          --delivery-concurrency <n>  In-flight deliveries per subscription for pubsub types other than
                                      pubsub.redis, pubsub.kafka and pubsub.jetstream, which follow their
                                      component's own settings (default 4).

        App health checks and token (daprd's flags and defaults; off unless enabled):
          --enable-app-health-check   Probe the app; while it fails, its subscriptions stop (no delivery attempts
                                      are made) and resume when a probe succeeds. Without it an unreachable app
                                      uses up delivery attempts, as with daprd.
          --app-health-check-path <p> HTTP path probed (default /healthz).
          --app-health-probe-interval <s>  Seconds between probes (default 5).
          --app-health-probe-timeout <ms>  Probe timeout in milliseconds (default 500).
          --app-health-threshold <n>  Consecutive failed probes before the app is unhealthy (default 3).
          $APP_API_TOKEN              When set, sent as header dapr-api-token on subscription discovery and
                                      deliveries (not on health probes, as daprd v1.16).

        Chaos / test options:
          --redeliver-successful <n>  After a successful delivery, deliver the same message n more times
                                      (the worst case of at-least-once). Default 0.
          --delivery-delay <dur>      Wait this long before every delivery attempt (e.g. 50ms). Default 0.
          --chaos-bulk-publish-partial <p>
                                      With probability p (0..1) a bulk publish stores a random subset of its entries
                                      (possibly none, possibly all but one) durably, then fails the call exactly as
                                      daprd v1.16 fails a bulk publish with a failed entry. Default 0.
          --chaos-publish-ack-delay <dur>
                                      Store every publish durably, then wait this long before answering (a broker
                                      that took the message but answered late). Default 0.
          --bench-discard-publishes   Benchmarks only, NOT daprd: answer every valid publish with success at once and
                                      store nothing (nothing is delivered), to measure the services without the
                                      stand-in broker's cost.

        Diagnostics (development only):
          GET /v1.0-dev/topics        per topic: published, delivered, pending, dead-lettered, per-subscription attempts
          GET /v1.0-dev/apps          per app: discovery/health state

        Durations use Go syntax (250ms, 2s, 1m30s). On start-up one line is printed to stdout:
          dev-sidecar ready http=<port> grpc=<port>
        """;
}
