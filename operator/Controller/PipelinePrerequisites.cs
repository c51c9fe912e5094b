using System.Security.Cryptography;
using System.Text.Json.Nodes;
using LogDapr.Operator.Dapr;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;
using Microsoft.Extensions.Logging;
using static LogDapr.Operator.Controller.PipelineConditions;

namespace LogDapr.Operator.Controller;

/// <summary>
/// What must hold before anything is written, so that an unsupported Dapr or a bad reference leaves the running
/// pipeline exactly as it was: a compatible Dapr, KEDA when the pipeline renders KEDA objects, every referenced Secret
/// key, and the app token Secret.
/// </summary>
public sealed partial class PipelinePrerequisites(IKubeApi api, DaprCompatibilityCheck daprCheck, ILogger logger)
{
    /// <summary>The DaprCompatible condition to report, and what blocks the pipeline (null when nothing does).</summary>
    public async Task<(PipelineCondition Dapr, Blocked? Blocked)> CheckAsync(LogPipeline pipeline, RenderResult rendered, CancellationToken cancellationToken)
    {
        var generation = pipeline.Metadata.Generation ?? 0;
        var compatibility = await daprCheck.CheckAsync(rendered.Objects, cancellationToken).ConfigureAwait(false);
        var dapr = Make(DaprCompatible, compatibility.Status, compatibility.Reason, compatibility.Message, generation);
        if (compatibility.Blocks)
        {
            return (dapr, new Blocked(compatibility.Reason, compatibility.Message, dapr));
        }

        if (await new KedaCheck(api).MissingAsync(rendered.Objects, cancellationToken).ConfigureAwait(false) is { } keda)
        {
            return (dapr, new Blocked(Reasons.KedaNotInstalled, keda, dapr));
        }

        var missing = await FindMissingSecretsAsync(pipeline.Metadata.NamespaceProperty, rendered.SecretReferences, cancellationToken).ConfigureAwait(false)
            ?? await EnsureAppTokenSecretAsync(pipeline, rendered, cancellationToken).ConfigureAwait(false)
            ?? await EnsureCursorKeySecretAsync(pipeline, rendered, cancellationToken).ConfigureAwait(false)
            ?? await EnsureRedactionKeySecretAsync(pipeline, rendered, cancellationToken).ConfigureAwait(false);
        return (dapr, missing is { } problem ? new Blocked(problem.Reason, problem.Message, dapr) : null);
    }

    /// <summary>Each referenced Secret must exist and hold the key; the first problem found is reported.</summary>
    private async Task<(string Reason, string Message)?> FindMissingSecretsAsync(string @namespace, IReadOnlyList<SecretReference> references, CancellationToken cancellationToken)
    {
        var secrets = new Dictionary<string, JsonObject?>(StringComparer.Ordinal);
        foreach (var reference in references)
        {
            if (!secrets.TryGetValue(reference.SecretName, out var secret))
            {
                try
                {
                    secret = await api.GetAsync(KnownResources.Secrets, @namespace, reference.SecretName, cancellationToken).ConfigureAwait(false);
                }
                catch (KubeApiException e) when (e.IsNotFound)
                {
                    secret = null;
                }
                secrets[reference.SecretName] = secret;
            }
            if (secret is null)
            {
                return (Reasons.SecretNotFound, $"Secret \"{reference.SecretName}\" (referenced by {reference.FieldPath}) does not exist in namespace \"{@namespace}\". Create it; the pipeline is left unchanged until then.");
            }
            if (reference.Key is { } k && secret["data"]?[k] is null)
            {
                return (Reasons.SecretKeyNotFound, $"Secret \"{reference.SecretName}\" has no key \"{k}\" (referenced by {reference.FieldPath}). Add the key; the pipeline is left unchanged until then.");
            }
        }
        return null;
    }

    /// <summary>
    /// Creates the pipeline's app token Secret when the spec names none and it does not exist yet: a random 256-bit
    /// token, owned by the LogPipeline. An existing Secret is never written, so a token is never changed under running
    /// pods (and one rotated by hand stays); one without the key is reported instead.
    /// </summary>
    private async Task<(string Reason, string Message)?> EnsureAppTokenSecretAsync(LogPipeline pipeline, RenderResult rendered, CancellationToken cancellationToken)
    {
        if (rendered.GeneratedAppTokenSecret is not { } name)
        {
            return null;
        }
        var present = await EnsureSecretAsync(
            pipeline,
            name,
            AppToken.SecretKey,
            () => AppToken.Secret(pipeline, new ResourceNames(pipeline.Metadata.Name), RandomNumberGenerator.GetHexString(64, lowercase: true)),
            () => LogAppTokenCreated(logger, name, pipeline.Key),
            cancellationToken).ConfigureAwait(false);
        return present
            ? null
            : (Reasons.SecretKeyNotFound,
                $"Secret \"{name}\" has no key \"{AppToken.SecretKey}\" for the Dapr app token. The operator creates this Secret when spec.aggregator.appTokenSecretName is unset, and never overwrites an existing one: "
                + $"delete it (the operator then creates it with a random token), add the key, or name another Secret in spec.aggregator.appTokenSecretName. The pipeline is left unchanged until then.");
    }

    /// <summary>
    /// Creates the store's cursor key Secret when storage is enabled and it does not exist yet, the same way: 32 random
    /// bytes, owned by the LogPipeline, never written again (a new key would void every cursor clients hold).
    /// </summary>
    private async Task<(string Reason, string Message)?> EnsureCursorKeySecretAsync(LogPipeline pipeline, RenderResult rendered, CancellationToken cancellationToken)
    {
        if (rendered.GeneratedCursorKeySecret is not { } name)
        {
            return null;
        }
        var present = await EnsureSecretAsync(
            pipeline,
            name,
            CursorKey.SecretKey,
            () => CursorKey.Secret(pipeline, new ResourceNames(pipeline.Metadata.Name), CursorKey.NewKey()),
            () => LogCursorKeyCreated(logger, name, pipeline.Key),
            cancellationToken).ConfigureAwait(false);
        return present
            ? null
            : (Reasons.SecretKeyNotFound,
                $"Secret \"{name}\" has no key \"{CursorKey.SecretKey}\" for the store's search cursors. The operator creates this Secret while spec.storage.enabled is true, and never overwrites an existing one: "
                + "delete it (the operator then creates it with a random key) or add the key. The pipeline is left unchanged until then.");
    }

    /// <summary>
    /// Creates the processor's redaction hash key Secret when processing redacts in hash mode without
    /// spec.processing.redaction.hashKeySecretRef, the same way as the cursor key: 32 random bytes, owned by the
    /// LogPipeline, never written again (a new key would change every hash, so hashed values stop matching).
    /// </summary>
    private async Task<(string Reason, string Message)?> EnsureRedactionKeySecretAsync(LogPipeline pipeline, RenderResult rendered, CancellationToken cancellationToken)
    {
        if (rendered.GeneratedRedactionKeySecret is not { } name)
        {
            return null;
        }
        var present = await EnsureSecretAsync(
            pipeline,
            name,
            RedactionKey.SecretKey,
            () => RedactionKey.Secret(pipeline, new ResourceNames(pipeline.Metadata.Name), RedactionKey.NewKey()),
            () => LogRedactionKeyCreated(logger, name, pipeline.Key),
            cancellationToken).ConfigureAwait(false);
        return present
            ? null
            : (Reasons.SecretKeyNotFound,
                $"Secret \"{name}\" has no key \"{RedactionKey.SecretKey}\" for the processor's redaction hash key. The operator creates this Secret while spec.processing.redaction.mode is hash without hashKeySecretRef, and never overwrites an existing one: "
                + "delete it (the operator then creates it with a random key), add the key, or name a Secret in spec.processing.redaction.hashKeySecretRef. The pipeline is left unchanged until then.");
    }

    /// <summary>Creates the Secret unless it exists; true when it exists (or was created) with the key.</summary>
    private async Task<bool> EnsureSecretAsync(LogPipeline pipeline, string name, string key, Func<k8s.Models.V1Secret> create, Action logCreated, CancellationToken cancellationToken)
    {
        var @namespace = pipeline.Metadata.NamespaceProperty;
        JsonObject existing;
        try
        {
            existing = await api.GetAsync(KnownResources.Secrets, @namespace, name, cancellationToken).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            try
            {
                await api.CreateAsync(KnownResources.Secrets, new RenderedObject(KnownResources.Secrets, create()).Object, cancellationToken).ConfigureAwait(false);
                logCreated();
                return true;
            }
            catch (KubeApiException conflict) when (conflict.IsConflict)
            {
                // Created meanwhile (another operator replica, or a user): use that one, as it is.
                existing = await api.GetAsync(KnownResources.Secrets, @namespace, name, cancellationToken).ConfigureAwait(false);
            }
        }
        return existing["data"]?[key] is not null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created Secret {Name} with a random redaction hash key for {Pipeline}")]
    private static partial void LogRedactionKeyCreated(ILogger logger, string name, string pipeline);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created Secret {Name} with a random search cursor key for {Pipeline}")]
    private static partial void LogCursorKeyCreated(ILogger logger, string name, string pipeline);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created Secret {Name} with a random Dapr app token for {Pipeline}")]
    private static partial void LogAppTokenCreated(ILogger logger, string name, string pipeline);
}
