using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using LogDapr.Operator.Rendering;

namespace LogDapr.Operator.Secrets;

/// <summary>
/// Whether the PEM files a pipeline mounts hold what the reader expects, checked before anything is applied, so a
/// wrong Secret is a status condition instead of a pod that serves no TLS or a sidecar that cannot reach Postgres.
/// Pure; messages name the Secret, the key and the spec field, never the content.
/// </summary>
public static class PemCheck
{
    /// <summary>Longer than any real chain or CA bundle; a bigger value is refused rather than parsed.</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>What is wrong with the referenced keys, as a whole sentence with the fix; null when they are usable.</summary>
    public static string? Problem(CertificateReference reference, byte[] certificates, byte[]? key)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(certificates);
        var where = Describe(reference.Certificates);
        if (certificates.Length > MaxBytes)
        {
            return $"{where} is larger than {MaxBytes} bytes, which no certificate bundle is.";
        }
        var text = Encoding.UTF8.GetString(certificates);
        var count = 0;
        foreach (var block in Blocks(text))
        {
            if (block.Label != "CERTIFICATE")
            {
                continue;
            }
            try
            {
                using var certificate = X509CertificateLoader.LoadCertificate(block.Data);
            }
            catch (CryptographicException)
            {
                return $"{where} has a CERTIFICATE block that is not an X.509 certificate.";
            }
            count++;
        }
        if (count == 0)
        {
            return $"{where} holds no PEM certificate (-----BEGIN CERTIFICATE-----); "
                + (reference.Use == CertificateUse.CaBundle ? "it must hold the CA certificates, in PEM." : "it must hold the certificate chain, leaf first, in PEM.");
        }
        if (reference is not { Use: CertificateUse.Chain, Key: { } keyReference })
        {
            return null;
        }
        var keyWhere = Describe(keyReference);
        if (key is null || key.Length > MaxBytes)
        {
            return $"{keyWhere} holds no usable private key.";
        }
        var keyText = Encoding.UTF8.GetString(key);
        var labels = Blocks(keyText).Select(b => b.Label).ToList();
        if (labels.Contains("ENCRYPTED PRIVATE KEY"))
        {
            return $"{keyWhere} holds an encrypted private key; the readers need it unencrypted (PKCS#8, PKCS#1 or SEC1 PEM), as cert-manager writes it.";
        }
        if (!labels.Any(l => l is "PRIVATE KEY" or "RSA PRIVATE KEY" or "EC PRIVATE KEY"))
        {
            return $"{keyWhere} holds no PEM private key (-----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY).";
        }
        try
        {
            using var pair = X509Certificate2.CreateFromPem(text, keyText);
        }
        // A key of another certificate is an ArgumentException (CopyWithPrivateKey), an unreadable one a CryptographicException.
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return $"{keyWhere} is not the private key of the first certificate in {Describe(reference.Certificates)} (the leaf must come first, and the key must belong to it).";
        }
        return null;
    }

    private static string Describe(SecretReference reference) =>
        $"Secret \"{reference.SecretName}\" key \"{reference.Key}\" ({reference.FieldPath})";

    private static IEnumerable<(string Label, byte[] Data)> Blocks(string text)
    {
        var rest = text.AsMemory();
        while (PemEncoding.TryFind(rest.Span, out var fields))
        {
            var label = rest.Span[fields.Label].ToString();
            var data = new byte[fields.DecodedDataLength];
            if (Convert.TryFromBase64Chars(rest.Span[fields.Base64Data], data, out var written))
            {
                yield return (label, data[..written]);
            }
            rest = rest[fields.Location.End..];
        }
    }
}
