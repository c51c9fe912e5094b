using System.Security.Cryptography;
using System.Text;
using LogDapr.Configuration.Store;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Store.Search;

/// <summary>
/// The key that signs cursors: Store:CursorKey. The store role refuses to start without it outside Development
/// (<see cref="CursorKeyValidation"/>); in Development a random key per process stands in, with a warning, so cursors
/// stop working at a restart and between replicas.
/// </summary>
public sealed partial class CursorKey
{
    public CursorKey(IOptions<StoreOptions> options, ILogger<CursorKey> logger)
    {
        if (options.Value.CursorKey is { Length: > 0 } configured)
        {
            Bytes = Encoding.UTF8.GetBytes(configured);
        }
        else
        {
            Bytes = RandomNumberGenerator.GetBytes(32);
            RandomKey(logger);
        }
    }

    public byte[] Bytes { get; }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Store:CursorKey is not set: search cursors are signed with a random key of this process (Development only); they stop working when it restarts and are not accepted by other replicas")]
    private static partial void RandomKey(ILogger logger);
}
