using System.ComponentModel.DataAnnotations;

namespace LogDapr.Configuration.Store;

/// <summary>The log store (section "Store"): writing, search, live tail, retention and archive. Validated at start-up.</summary>
public sealed class StoreOptions : IValidatableObject
{
    public const string Section = "Store";

    /// <summary>
    /// Largest <c>params</c> document of one binding call. daprd refuses an API request above its
    /// <c>dapr.io/max-body-size</c> (default 4Mi, v1.16 pkg/api/grpc/server.go via <c>--max-body-size</c>); a delivery's
    /// events are split into statements under this size, leaving room for the envelope and the SQL.
    /// </summary>
    [Range(64 * 1024, 512 * 1024 * 1024)]
    public int MaxStatementBytes { get; set; } = 3 * 1024 * 1024;

    /// <summary>Most events one statement inserts, whatever their size.</summary>
    [Range(1, 100_000)]
    public int MaxEventsPerStatement { get; set; } = 10_000;

    /// <summary>Daily partitions of log_events created ahead of today (today and yesterday always exist).</summary>
    [Range(1, 31)]
    public int PartitionDaysAhead { get; set; } = 3;

    /// <summary>
    /// Key of the HMAC that signs search cursors, so a cursor cannot be forged or used for another tenant or query.
    /// Required in the store role (in Kubernetes from the Secret the operator generates, key <c>cursor-key</c>); in
    /// Development a missing key is replaced by a random one per process, with a warning.
    /// </summary>
    [MinLength(16)]
    public string? CursorKey { get; set; }

    public StoreRetentionOptions Retention { get; set; } = new();

    public StoreSearchOptions Search { get; set; } = new();

    public StoreTailOptions Tail { get; set; } = new();

    public StoreArchiveOptions Archive { get; set; } = new();

    /// <summary>ValidateDataAnnotations checks only the top level; the nested sections are checked here, with their paths.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, section) in new (string, object)[] { (nameof(Retention), Retention), (nameof(Search), Search), (nameof(Tail), Tail), (nameof(Archive), Archive) })
        {
            var results = new List<ValidationResult>();
            Validator.TryValidateObject(section, new ValidationContext(section), results, validateAllProperties: true);
            foreach (var result in results)
            {
                yield return new ValidationResult($"{name}: {result.ErrorMessage}", [.. result.MemberNames.Select(m => $"{name}:{m}")]);
            }
        }
    }
}
