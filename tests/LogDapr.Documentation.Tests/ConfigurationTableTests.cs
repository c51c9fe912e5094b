using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration.Audit;
using LogDapr.Configuration.Auth;
using LogDapr.Configuration.Enrichment;
using LogDapr.Configuration.Ingest;
using LogDapr.Configuration.Pipeline;
using LogDapr.Configuration.Processing;
using LogDapr.Configuration.Routing;
using LogDapr.Configuration.Store;
using LogDapr.Configuration.Tls;
using LogDapr.Contracts.Events;
using LogDapr.Documentation.Tests.Support;

namespace LogDapr.Documentation.Tests;

/// <summary>
/// The README's Configuration table against the options the services bind: every documented key exists with the
/// documented default, and every setting a service binds is documented.
/// </summary>
public sealed class ConfigurationTableTests
{
    /// <summary>The configuration section each options type is bound from (see the services' hosts).</summary>
    private static readonly (string Section, Type Options)[] Bound =
    [
        ("Pipeline", typeof(PipelineOptions)),
        ("Auth", typeof(AuthOptions)),
        ("Ingest", typeof(IngestOptions)),
        ("Ingest", typeof(LogEventLimits)),
        ("Ingest", typeof(BackpressureOptions)),
        ("Ingest", typeof(IdempotencyOptions)),
        ("Ingest", typeof(FieldMappingOptions)),
        ("Ingest:RateLimit", typeof(RateLimitOptions)),
        ("Aggregator", typeof(AggregatorOptions)),
        ("Postgres", typeof(PostgresOptions)),
        ("Store", typeof(StoreOptions)),
        ("Store:Retention", typeof(StoreRetentionOptions)),
        ("Store:Search", typeof(StoreSearchOptions)),
        ("Store:Tail", typeof(StoreTailOptions)),
        ("Store:Archive", typeof(StoreArchiveOptions)),
        ("Processing", typeof(ProcessingOptions)),
        ("Enrichment", typeof(EnrichmentOptions)),
        ("Routing", typeof(RoutingOptions)),
        ("Audit", typeof(AuditOptions)),
        ("Tls", typeof(ServerTlsOptions)),
    ];

    [Fact]
    public void Every_options_type_of_the_services_is_known_to_this_test()
    {
        // The shared configuration assembly, and the services themselves in case an options type is added there.
        var assemblies = new[] { typeof(IngestOptions).Assembly, Assembly.Load("logdapr-ingest"), Assembly.Load("logdapr-aggregator"), Assembly.Load("LogDapr.ServiceDefaults") };
        var options = assemblies.SelectMany(a => a.GetTypes()).Where(t => t.IsClass && !t.IsAbstract && t.Name.EndsWith("Options", StringComparison.Ordinal));
        Assert.All(options, t => Assert.True(Bound.Any(b => b.Options == t), $"{t.FullName} is not in this test's table: add its section so the README is checked"));
    }

    [Fact]
    public void Every_documented_key_exists_with_the_documented_default()
    {
        foreach (var (key, documented) in DocumentedKeys())
        {
            var property = Find(key);
            Assert.True(property is not null, $"README documents {key}, which no options type binds");
            var actual = property!.Value.Property.GetValue(Activator.CreateInstance(property.Value.Type));
            Assert.True(Same(documented, actual, property.Value.Property.PropertyType),
                $"README says {key} defaults to '{documented}', the code says '{Format(actual)}'");
        }
    }

    [Fact]
    public void Every_setting_a_service_binds_is_documented()
    {
        var documented = DocumentedKeys().Select(k => k.Key).ToHashSet(StringComparer.Ordinal);
        var missing = Bound
            .SelectMany(b => Settable(b.Options).Select(p => b.Section.Replace(":", "__", StringComparison.Ordinal) + "__" + p.Name))
            .Where(k => !documented.Contains(k))
            .ToList();
        Assert.True(missing.Count == 0, "not in the README's Configuration table: " + string.Join(", ", missing));
    }

    /// <summary>Rows are "| `A__B`, `__C` | default, default | service |"; a key starting with __ continues the previous key's section.</summary>
    private static List<(string Key, string Default)> DocumentedKeys()
    {
        var rows = ReadmeText.Section("Configuration").Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal));
        var result = new List<(string, string)>();
        foreach (var row in rows)
        {
            var cells = row.Split('|', StringSplitOptions.TrimEntries);
            var keys = ReadmeText.CodeSpans(cells[1]);
            var defaults = SplitDefaults(cells[2]);
            Assert.True(keys.Count == defaults.Count, $"README row has {keys.Count} keys and {defaults.Count} defaults: {row}");
            var previous = "";
            for (var i = 0; i < keys.Count; i++)
            {
                if (!keys[i].Contains("__", StringComparison.Ordinal))
                {
                    // A plain environment variable (e.g. APP_API_TOKEN), not an options setting.
                    continue;
                }

                var key = keys[i].StartsWith("__", StringComparison.Ordinal) ? previous[..previous.LastIndexOf("__", StringComparison.Ordinal)] + keys[i] : keys[i];
                result.Add((key, defaults[i]));
                previous = key;
            }
        }

        Assert.NotEmpty(result);
        return result;
    }

    /// <summary>Defaults are comma-separated; a remark in parentheses after a value is not part of it.</summary>
    private static List<string> SplitDefaults(string cell)
        => [.. cell.Split(", ").Select(v => v.Trim()).Select(v => v.Contains(" (", StringComparison.Ordinal) ? v[..v.IndexOf(" (", StringComparison.Ordinal)] : v)];

    private static (Type Type, PropertyInfo Property)? Find(string key)
    {
        var split = key.LastIndexOf("__", StringComparison.Ordinal);
        var section = key[..split].Replace("__", ":", StringComparison.Ordinal);
        var name = key[(split + 2)..];
        foreach (var (boundSection, type) in Bound.Where(b => b.Section == section))
        {
            if (Settable(type).FirstOrDefault(p => p.Name == name) is { } property)
            {
                return (type, property);
            }
        }

        return null;
    }

    /// <summary>Settings with a value of their own; a nested section (an options type) has its own row in <see cref="Bound"/>.</summary>
    private static IEnumerable<PropertyInfo> Settable(Type type)
        => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && !Bound.Any(b => b.Options == p.PropertyType));

    private static bool Same(string documented, object? actual, Type type)
    {
        var text = documented.Trim('`');
        if (text is "—" or "required")
        {
            return actual is null || (actual is string s && s.Length == 0) || (actual is System.Collections.ICollection c && c.Count == 0);
        }

        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        object expected = underlying == typeof(int) || underlying == typeof(long)
            ? Convert.ChangeType(Bytes(text), underlying, CultureInfo.InvariantCulture)
            : underlying == typeof(TimeSpan)
                ? TimeSpan.Parse(text, CultureInfo.InvariantCulture)
                : TypeDescriptor.GetConverter(underlying).ConvertFromInvariantString(text)!;
        return Equals(expected, actual);
    }

    /// <summary>"8 MiB", "900 KiB" or a plain number.</summary>
    private static long Bytes(string text)
    {
        var parts = text.Split(' ');
        var number = long.Parse(parts[0], CultureInfo.InvariantCulture);
        return parts.Length == 1 ? number : number * (parts[1] switch
        {
            "KiB" => 1024L,
            "MiB" => 1024L * 1024,
            "GiB" => 1024L * 1024 * 1024,
            _ => throw new FormatException($"unknown unit in '{text}'"),
        });
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
