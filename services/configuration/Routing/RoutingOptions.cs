using System.ComponentModel.DataAnnotations;

namespace LogDapr.Configuration.Routing;

/// <summary>
/// The router role (section "Routing"): where its routes are and how hard it tries a route before dead-lettering that
/// route's copy of a message. Read only when <c>Aggregator:Role=Router</c>.
/// </summary>
public sealed class RoutingOptions : IValidatableObject
{
    public const string Section = "Routing";

    /// <summary>The routes document (YAML or JSON, as the operator renders it from <c>spec.routes</c>); re-read every <see cref="ReloadInterval"/>.</summary>
    public string? RoutesFile { get; set; }

    /// <summary>How often the routes file is checked for a change.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Calls per route and message chunk (the first included) before the route's copy is dead-lettered.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Delay before the first retry; doubled each attempt, with jitter, up to <see cref="MaxBackoff"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest delay between two attempts.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:05:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Time one binding call may take before it counts as failed (and is retried).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most events in one binding call; a message's matching events beyond it go in further calls (chunks).</summary>
    [Range(1, 10_000)]
    public int MaxEventsPerCall { get; set; } = 500;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(RoutesFile))
        {
            yield return new ValidationResult("Routing:RoutesFile is not set: the router role needs its routes document.", [nameof(RoutesFile)]);
        }
        else if (!File.Exists(RoutesFile))
        {
            yield return new ValidationResult($"Routing:RoutesFile '{RoutesFile}' does not exist.", [nameof(RoutesFile)]);
        }

        if (MaxBackoff < InitialBackoff)
        {
            yield return new ValidationResult("Routing:MaxBackoff must not be shorter than Routing:InitialBackoff.", [nameof(MaxBackoff)]);
        }
    }
}
