using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using LogDapr.Operator.Entities;

namespace LogDapr.Operator.Rendering;

/// <summary>
/// The key the store signs its search cursors with (an HMAC, so a cursor cannot be forged or moved to another tenant),
/// in a Secret the operator creates once per pipeline, exactly as it creates the app token Secret: random, owned by
/// the LogPipeline, never written again, so cursors handed out stay valid across reconciles and restarts. It is kept
/// when storage is switched off, so switching it back on does not void cursors clients still hold.
/// </summary>
public static class CursorKey
{
    /// <summary>The Secret key the store reads (Store__CursorKey).</summary>
    public const string SecretKey = "cursor-key";

    /// <summary>Random bytes in a key: 256 bits, as HMAC-SHA256 wants.</summary>
    public const int KeyBytes = 32;

    /// <summary>
    /// A new random key as text: base64 of <see cref="KeyBytes"/> random bytes. Text, because the value reaches the
    /// store as an environment variable, which cannot hold arbitrary bytes (a NUL ends it).
    /// </summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes));

    public static V1Secret Secret(LogPipeline pipeline, ResourceNames names, string key) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Metadata = ObjectMetadata.For(pipeline, names.CursorKeySecret, "cursor-key"),
        Type = "Opaque",
        Data = new Dictionary<string, byte[]> { [SecretKey] = Encoding.UTF8.GetBytes(key) },
    };
}
