using System.Security.Cryptography;
using System.Text;

namespace LogDapr.Operator.Secrets;

/// <summary>
/// The value of the <c>logdapr.io/secrets-checksum</c> pod annotation. Keyed (HMAC-SHA256), with the pipeline's
/// random app token as the key: anyone who may read Deployments sees the annotation, and an unkeyed hash of a short
/// password could be brute-forced offline. The token is stable and never in the annotation, so the checksum moves
/// only when a value moves (or the token is rotated, which restarts the aggregator anyway). Pure.
/// </summary>
public static class SecretsChecksum
{
    /// <param name="values">Each referenced key with its value, in a stable order.</param>
    public static string Compute(byte[] key, IEnumerable<(SecretKeyRef Ref, byte[] Value)> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var hmac = new HMACSHA256(key);
        var buffer = new List<byte>();
        foreach (var (reference, value) in values)
        {
            // Length-prefixed, so no choice of names and values can make two different sets hash the same input.
            Append(buffer, Encoding.UTF8.GetBytes(reference.Name));
            Append(buffer, Encoding.UTF8.GetBytes(reference.Key));
            Append(buffer, value);
        }
        return Convert.ToHexStringLower(hmac.ComputeHash(buffer.ToArray()));
    }

    private static void Append(List<byte> buffer, byte[] bytes)
    {
        buffer.AddRange(BitConverter.GetBytes(bytes.Length));
        buffer.AddRange(bytes);
    }
}
