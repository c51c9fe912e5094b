using System.Text.Json.Nodes;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;
using LogDapr.Operator.Secrets;
using LogDapr.Postgres;
using static LogDapr.Operator.Controller.PipelineConditions;

namespace LogDapr.Operator.Controller;

/// <summary>
/// The reconcile step after the prerequisites (which made sure every referenced Secret key exists): reads the values
/// of the referenced Secrets, fresh, to refuse a Postgres connection string daprd cannot use, or a rate-limit Redis one without ssl=true under spec.ingest.rateLimit.tls (nothing is applied
/// then), and to stamp each Deployment's pod template with the checksum of the values its pods read at start, so a
/// rotation rolls them; and to refuse TLS files that are not PEM or a key that does not belong to its certificate. Values never leave this class: not in a message, a log or a rendered object; only keyed
/// hashes do.
/// </summary>
public sealed class PipelineSecrets(IKubeApi api)
{
    /// <param name="dapr">The DaprCompatible condition computed by the prerequisites, reported again when blocked.</param>
    /// <returns>What blocks the pipeline, or null once the Deployments carry their secrets checksum.</returns>
    public async Task<Blocked?> PrepareAsync(LogPipeline pipeline, RenderResult rendered, PipelineCondition dapr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(rendered);
        var @namespace = pipeline.Metadata.NamespaceProperty;
        var secrets = new Dictionary<string, JsonObject?>(StringComparer.Ordinal);
        async Task<JsonObject?> ReadAsync(string name)
        {
            if (!secrets.TryGetValue(name, out var secret))
            {
                try
                {
                    secret = await api.GetAsync(KnownResources.Secrets, @namespace, name, cancellationToken).ConfigureAwait(false);
                }
                catch (KubeApiException e) when (e.IsNotFound)
                {
                    secret = null;
                }
                secrets[name] = secret;
            }
            return secret;
        }

        foreach (var (reference, fieldPath) in DaprPostgresConnections.For(rendered))
        {
            if (SecretData.Text(await ReadAsync(reference.Name).ConfigureAwait(false), reference.Key) is { } value
                && DaprConnectionStringCheck.Problem(value) is { } problem)
            {
                var message = $"Secret \"{reference.Name}\" key \"{reference.Key}\" ({fieldPath}): the Postgres connection string {problem} The pipeline is left unchanged until then.";
                return new Blocked(Reasons.InvalidConnectionString, message, dapr);
            }
        }

        if (pipeline.Spec.Postgres.Tls is { } postgresTls)
        {
            var reference = pipeline.Spec.Postgres.ConnectionStringSecretKeyRef;
            if (SecretData.Text(await ReadAsync(reference.Name).ConfigureAwait(false), reference.Key) is { } value
                && PostgresTlsConnectionCheck.Problem(value, postgresTls) is { } problem)
            {
                var message = $"Secret \"{reference.Name}\" key \"{reference.Key}\" (spec.postgres.connectionStringSecretKeyRef): the Postgres connection string {problem} The pipeline is left unchanged until then.";
                return new Blocked(Reasons.InvalidConnectionString, message, dapr);
            }
        }

        if (pipeline.Spec.Ingest.RateLimit is { RedisConnectionStringSecretKeyRef: { } redis, Tls: not null }
            && SecretData.Text(await ReadAsync(redis.Name).ConfigureAwait(false), redis.Key) is { } redisValue
            && RedisTlsConnectionCheck.Problem(redisValue) is { } redisProblem)
        {
            var message = $"Secret \"{redis.Name}\" key \"{redis.Key}\" (spec.ingest.rateLimit.redisConnectionStringSecretKeyRef): the Redis connection string {redisProblem} The pipeline is left unchanged until then.";
            return new Blocked(Reasons.InvalidConnectionString, message, dapr);
        }

        foreach (var certificate in TlsFiles.Certificates(pipeline.Spec))
        {
            var bundle = SecretData.Bytes(await ReadAsync(certificate.Certificates.SecretName).ConfigureAwait(false), certificate.Certificates.Key!) ?? [];
            var key = certificate.Key is { } keyReference
                ? SecretData.Bytes(await ReadAsync(keyReference.SecretName).ConfigureAwait(false), keyReference.Key!)
                : null;
            if (PemCheck.Problem(certificate, bundle, key) is { } problem)
            {
                return new Blocked(Reasons.InvalidCertificate, problem + " The pipeline is left unchanged until then.", dapr);
            }
        }

        var names = new ResourceNames(pipeline.Metadata.Name);
        var tokenSecret = AppToken.SecretName(pipeline, names);
        var hmacKey = SecretData.Bytes(await ReadAsync(tokenSecret).ConfigureAwait(false), AppToken.SecretKey)
            // The prerequisites made sure it exists; should it vanish meanwhile, the next reconcile corrects the hash.
            ?? [];
        foreach (var deployment in rendered.Objects.Where(o => o.Type == KnownResources.Deployments))
        {
            var values = new List<(SecretKeyRef, byte[])>();
            foreach (var reference in PodSecretReferences.For(deployment, rendered.Objects))
            {
                values.Add((reference, SecretData.Bytes(await ReadAsync(reference.Name).ConfigureAwait(false), reference.Key) ?? []));
            }
            if (deployment.Object["spec"]?["template"]?["metadata"] is JsonObject metadata)
            {
                var annotations = metadata["annotations"] as JsonObject ?? (JsonObject)(metadata["annotations"] = new JsonObject());
                annotations[PodChecksums.SecretsAnnotation] = SecretsChecksum.Compute(hmacKey, values);
            }
        }
        return null;
    }
}
