using System.Text;
using LogDapr.Operator.Entities;
using k8s.Models;

namespace LogDapr.Operator.Rendering;

/// <summary>
/// Dapr's app token for the aggregator. With dapr.io/app-token-secret the sidecar injector gives daprd
/// APP_API_TOKEN from that Secret's key "token" (dapr/dapr v1.16.0 pkg/injector/patcher/sidecar_container.go), and
/// daprd then sends it as the dapr-api-token header on every call to the app (pkg/security/consts/consts.go). The
/// injector gives it to the daprd container only, so the operator gives the aggregator container the same key as its
/// own APP_API_TOKEN, which the aggregator checks on /dapr/*. Both containers read the Secret when they start, so
/// the two always agree within a pod.
/// </summary>
public static class AppToken
{
    /// <summary>The environment variable daprd reads and the aggregator checks.</summary>
    public const string EnvironmentVariable = "APP_API_TOKEN";

    /// <summary>The Secret key the injector references (fixed in daprd; not configurable).</summary>
    public const string SecretKey = "token";

    public const string Annotation = "dapr.io/app-token-secret";

    /// <summary>The Secret the aggregator's token comes from: the one the spec names, else the generated one.</summary>
    public static string SecretName(LogPipeline pipeline, ResourceNames names) =>
        pipeline.Spec.Aggregator.AppTokenSecretName ?? names.AppTokenSecret;

    /// <summary>True when the operator creates the token Secret itself (the spec names none).</summary>
    public static bool IsGenerated(LogPipeline pipeline) => pipeline.Spec.Aggregator.AppTokenSecretName is null;

    /// <summary>
    /// The generated Secret, for a token the controller draws at random (rendering itself stays deterministic). It is
    /// created once and never updated, and owned by the LogPipeline so it goes away with it.
    /// </summary>
    public static V1Secret Secret(LogPipeline pipeline, ResourceNames names, string token) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Metadata = ObjectMetadata.For(pipeline, names.AppTokenSecret, "app-token"),
        Type = "Opaque",
        Data = new Dictionary<string, byte[]> { [SecretKey] = Encoding.UTF8.GetBytes(token) },
    };
}
