using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using LogDapr.Operator.Entities;

namespace LogDapr.Operator.Rendering;

/// <summary>
/// The key the processor's hash mode keys its HMACs with, in a Secret the operator creates once per pipeline when
/// the spec names none, exactly as the store's cursor key: random, owned by the LogPipeline, never written again, so
/// the same value keeps hashing to the same text across reconciles and restarts (what makes hashed values
/// comparable). It is kept when processing or hash mode is switched off.
/// </summary>
public static class RedactionKey
{
    /// <summary>The Secret key the processor reads (Processing__HashKey).</summary>
    public const string SecretKey = "hash-key";

    /// <summary>Random bytes in a key: 256 bits, as HMAC-SHA256 wants.</summary>
    public const int KeyBytes = 32;

    /// <summary>base64 of <see cref="KeyBytes"/> random bytes: text, because it reaches the processor as an environment variable.</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes));

    /// <summary>Whether the processor redacts in hash mode, so needs a key.</summary>
    public static bool Needed(LogPipeline pipeline) =>
        pipeline.Spec.Processing is { Enabled: true, Redaction.Mode: RedactionMode.Hash };

    /// <summary>Whether the operator creates the key Secret: hash mode without hashKeySecretRef.</summary>
    public static bool IsGenerated(LogPipeline pipeline) =>
        Needed(pipeline) && pipeline.Spec.Processing!.Redaction!.HashKeySecretRef is null;

    /// <summary>The Secret key the processor reads its hash key from.</summary>
    public static SecretKeySelector Selector(LogPipeline pipeline, ResourceNames names) =>
        pipeline.Spec.Processing?.Redaction?.HashKeySecretRef ?? new SecretKeySelector { Name = names.RedactionKeySecret, Key = SecretKey };

    public static V1Secret Secret(LogPipeline pipeline, ResourceNames names, string key) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Type = "Opaque",
        Metadata = ObjectMetadata.For(pipeline, names.RedactionKeySecret, "redaction-key"),
        Data = new Dictionary<string, byte[]> { [SecretKey] = Encoding.UTF8.GetBytes(key) },
    };
}
