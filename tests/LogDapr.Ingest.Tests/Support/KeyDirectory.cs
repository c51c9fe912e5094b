using LogDapr.ServiceDefaults.Auth;

namespace LogDapr.Ingest.Tests.Support;

/// <summary>A temporary API-key directory laid out like the mounted Secret: one file per tenant, _admin for admins.</summary>
public sealed class KeyDirectory : IDisposable
{
    public KeyDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "logdapr-tests", "keys-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Creates a key for <paramref name="tenant"/> and writes its hash (only the hash) to the tenant's file.</summary>
    public string Add(string tenant, string? options = null)
    {
        var key = ApiKeys.Generate();
        File.AppendAllText(System.IO.Path.Combine(Path, tenant), ApiKeys.FileLine(key) + (options is null ? "" : " " + options) + "\n");
        return key;
    }

    /// <summary>Removes every line of a tenant's file holding this key's hash.</summary>
    public void Revoke(string tenant, string key)
    {
        var file = System.IO.Path.Combine(Path, tenant);
        var hash = ApiKeys.FileLine(key);
        File.WriteAllLines(file, File.ReadAllLines(file).Where(l => !l.StartsWith(hash, StringComparison.Ordinal)));
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
