using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LogDapr.ServiceDefaults.Tls;

/// <summary>Reads the PEM files, bounded in size: a certificate chain or CA bundle is a few kilobytes.</summary>
public static class TlsFiles
{
    public const int MaxFileBytes = 1024 * 1024;

    /// <summary>The file's text; throws <see cref="TlsFileException"/> naming Tls:<paramref name="setting"/> when it cannot be used.</summary>
    public static string Read(string path, string setting) => ReadSetting(path, "Tls:" + setting);

    /// <summary>The file's text; throws <see cref="TlsFileException"/> naming <paramref name="key"/> (a full configuration key) when it cannot be used.</summary>
    public static string ReadSetting(string path, string key)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new TlsFileException($"{key} '{path}' does not exist.");
            }

            if (info.Length > MaxFileBytes)
            {
                throw new TlsFileException($"{key} '{path}' is {info.Length} bytes; a PEM file here is at most {MaxFileBytes} bytes.");
            }

            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TlsFileException($"{key} '{path}' cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>The CA certificates of a PEM bundle (at least one); failures name <paramref name="key"/>.</summary>
    public static X509Certificate2Collection CaBundle(string pem, string path, string key = "Tls:ClientCaFile")
    {
        var bundle = new X509Certificate2Collection();
        try
        {
            bundle.ImportFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw new TlsFileException($"{key} '{path}' holds a PEM certificate that cannot be read: {ex.Message}", ex);
        }

        if (bundle.Count == 0)
        {
            throw new TlsFileException($"{key} '{path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
        }

        return bundle;
    }
}
