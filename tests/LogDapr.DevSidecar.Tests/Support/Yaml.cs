namespace LogDapr.DevSidecar.Tests.Support;

/// <summary>Dapr resource YAML for the tests, in the same shapes as the repo's components/.</summary>
public static class Yaml
{
    public const string PubSub = "pubsub";
    public const string Store = "statestore";

    public static string PubSubComponent(string name = PubSub, string type = "pubsub.redis", string extraMetadata = "") => $"""
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: {name}
        spec:
          type: {type}
          version: v1
          metadata:
            - name: redisHost
              value: localhost:6379
        {Indent(extraMetadata, 4)}
        """;

    public static string StateComponent(string name = Store, string type = "state.redis", string version = "v1", string metadata = "[]", string scopes = "") => $"""
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: {name}
        spec:
          type: {type}
          version: {version}
          metadata: {metadata}
        {scopes}
        """;

    public static string Resiliency(string pubsub = PubSub, string duration = "20ms", int maxRetries = 2, string timeout = "5s") => string.Join("\n",
        "apiVersion: dapr.io/v1alpha1",
        "kind: Resiliency",
        "metadata:",
        "  name: test-resiliency",
        "spec:",
        "  policies:",
        "    timeouts:",
        $"      delivery: {timeout}",
        "    retries:",
        "      deliveries:",
        "        policy: constant",
        $"        duration: {duration}",
        $"        maxRetries: {maxRetries}",
        "  targets:",
        "    components:",
        $"      {pubsub}:",
        "        inbound:",
        "          timeout: delivery",
        "          retry: deliveries",
        "");

    public static string Subscription(string topic, string route, string? deadLetter = null, string scopes = "", string apiVersion = "dapr.io/v2alpha1", bool bulk = false, int maxMessages = 10, int maxAwaitMs = 20) =>
        apiVersion == "dapr.io/v2alpha1"
            ? $"""
              apiVersion: dapr.io/v2alpha1
              kind: Subscription
              metadata:
                name: sub-{topic}
              spec:
                pubsubname: {PubSub}
                topic: {topic}
                routes:
                  default: {route}
                {(deadLetter is null ? "" : "deadLetterTopic: " + deadLetter)}
                bulkSubscribe:
                  enabled: {(bulk ? "true" : "false")}
                  maxMessagesCount: {maxMessages}
                  maxAwaitDurationMs: {maxAwaitMs}
              {scopes}
              """
            : $"""
              apiVersion: dapr.io/v1alpha1
              kind: Subscription
              metadata:
                name: sub-{topic}
              spec:
                pubsubname: {PubSub}
                topic: {topic}
                route: {route}
                {(deadLetter is null ? "" : "deadLetterTopic: " + deadLetter)}
              {scopes}
              """;

    private static string Indent(string text, int spaces) =>
        string.Join("\n", text.Split('\n').Select(l => l.Length == 0 ? l : new string(' ', spaces) + l));
}
