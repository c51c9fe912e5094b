using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LogDapr.Operator.Rendering;

/// <summary>
/// What the documents the operator mounts from a ConfigMap (processing rules, routes) have in common: how they are
/// written, and the checksum on the pod template that rolls the workload when one changes.
/// </summary>
public static class MountedDocument
{
    /// <summary>
    /// One line: the YAML writer prints a multi-line value as a literal block only when no line starts with a space,
    /// which indented JSON always has, and an escaped multi-line string is harder to read than compact JSON.
    /// </summary>
    public static JsonSerializerOptions Compact { get; } = new()
    {
        WriteIndented = false,
        // Rules and conditions hold regexes and quotes; keep them readable in the ConfigMap (never embedded in HTML).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Lowercase hex SHA-256 of the document, for a checksum annotation.</summary>
    public static string Checksum(string document) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(document)));
}
