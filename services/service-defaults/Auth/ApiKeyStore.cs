using System.Buffers.Binary;
using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using LogDapr.Configuration.Auth;

namespace LogDapr.ServiceDefaults.Auth;

/// <summary>
/// The configured API keys, re-read from the key directory on an interval so a rotated or revoked key takes
/// effect without a restart. Lookup hashes the presented key, narrows by a non-secret prefix of the hash and
/// compares full hashes in constant time.
/// </summary>
public sealed partial class ApiKeyStore(IOptions<AuthOptions> options, TimeProvider time, ILogger<ApiKeyStore> logger) : BackgroundService
{
    // Compared against when no candidate matches, so a miss costs the same as a hit.
    private static readonly byte[] Decoy = SHA256.HashData("decoy"u8);
    private volatile FrozenDictionary<long, ApiKeyEntry[]> keys = FrozenDictionary<long, ApiKeyEntry[]>.Empty;
    private string fingerprint = "";

    public int Count => keys.Values.Sum(v => v.Length);

    public bool TryAuthenticate(ReadOnlySpan<char> presented, out ApiKeyPrincipal principal)
    {
        var hash = ApiKeys.Hash(presented);
        var candidates = keys.TryGetValue(Prefix(hash), out var found) ? found : [];
        ApiKeyEntry? match = null;
        foreach (var candidate in candidates)
        {
            if (CryptographicOperations.FixedTimeEquals(candidate.Hash, hash))
            {
                match = candidate;
            }
        }

        if (candidates.Length == 0)
        {
            _ = CryptographicOperations.FixedTimeEquals(Decoy, hash);
        }

        principal = match is null ? null! : new ApiKeyPrincipal(match.Id, match.Tenant, match.Roles);
        return match is not null;
    }

    /// <summary>Re-reads the key directory; keeps the previous keys when it cannot be read.</summary>
    public void Reload()
    {
        var directory = options.Value.KeysPath;
        if (!options.Value.Enabled || directory is null)
        {
            return;
        }

        try
        {
            var files = Directory.EnumerateFiles(directory)
                .Where(f => !Path.GetFileName(f).StartsWith("..", StringComparison.Ordinal))
                .OrderBy(f => f, StringComparer.Ordinal)
                .Select(f => (Name: Path.GetFileName(f), Content: File.ReadAllText(f)))
                .ToList();
            var current = string.Join('\u0001', files.Select(f => f.Name + '\u0002' + f.Content));
            if (current == fingerprint)
            {
                return;
            }

            var entries = new List<ApiKeyEntry>();
            var owners = new Dictionary<string, ApiKeyEntry>(StringComparer.Ordinal);
            foreach (var (name, content) in files)
            {
                var parsed = ApiKeyFile.Parse(name, content, out var errors);
                foreach (var entry in parsed)
                {
                    // One key in two files would be bound to two tenants; the first file (in name order) keeps it.
                    if (owners.TryGetValue(Convert.ToHexString(entry.Hash), out var owner))
                    {
                        LogDuplicateKey(logger, name, entry.Id, owner.Tenant ?? ApiKeyFile.AdminFileName, owner.Id);
                        continue;
                    }

                    owners[Convert.ToHexString(entry.Hash)] = entry;
                    entries.Add(entry);
                }

                foreach (var error in errors)
                {
                    LogBadLine(logger, error);
                }
            }

            keys = entries.GroupBy(e => Prefix(e.Hash)).ToFrozenDictionary(g => g.Key, g => g.ToArray());
            fingerprint = current;
            LogLoaded(logger, entries.Count, entries.Select(e => e.Tenant ?? "(admin)").Distinct().Count(), directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogUnreadable(logger, directory, ex.Message);
        }
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        Reload();
        if (options.Value.Enabled && Count == 0)
        {
            LogNoKeys(logger, options.Value.KeysPath);
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.ReloadInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            Reload();
        }
    }

    private static long Prefix(byte[] hash) => BinaryPrimitives.ReadInt64LittleEndian(hash);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Keys} API keys for {Tenants} tenants from {Directory}")]
    private static partial void LogLoaded(ILogger logger, int keys, int tenants, string directory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored an API-key line: {Error}")]
    private static partial void LogBadLine(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored API key {KeyId} in file {File}: the same key is already listed as {OwnerTenant}/{OwnerKeyId}")]
    private static partial void LogDuplicateKey(ILogger logger, string file, string keyId, string ownerTenant, string ownerKeyId);

    [LoggerMessage(Level = LogLevel.Error, Message = "API-key directory {Directory} could not be read; keeping the keys loaded before: {Error}")]
    private static partial void LogUnreadable(ILogger logger, string directory, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auth is enabled and {Directory} holds no API keys: every request will be refused with 401")]
    private static partial void LogNoKeys(ILogger logger, string? directory);
}
