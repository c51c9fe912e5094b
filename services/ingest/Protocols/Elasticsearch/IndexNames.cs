using System.Text;

namespace LogDapr.Ingest.Protocols.Elasticsearch;

/// <summary>
/// What an index name means to LogDapr (see the README, "Elasticsearch bulk API"), and Elasticsearch's rules for a
/// valid one. A data-stream name <c>logs-&lt;dataset&gt;-&lt;namespace&gt;</c> names the service (the dataset) and
/// the tenant (the namespace, except <c>default</c>, Elasticsearch's "none given"); any other name names the service,
/// without the date or version suffix shippers append (<c>logstash-2026.11.28</c> is <c>logstash</c>). Both are only
/// defaults for documents that carry no service or tenant field; the API key still decides which tenants may be
/// written. Pure.
/// </summary>
public static class IndexNames
{
    public const int MaxBytes = 255;
    private const string DataStreamPrefix = "logs-";
    private const string DefaultNamespace = "default";

    /// <summary>Why Elasticsearch would refuse this index name, or null when it is valid.</summary>
    public static string? Problem(string index)
    {
        if (index.Length == 0)
        {
            return "must not be empty";
        }

        if (Encoding.UTF8.GetByteCount(index) > MaxBytes)
        {
            return $"index name is too long, ({Encoding.UTF8.GetByteCount(index)} > {MaxBytes})";
        }

        if (index is "." or "..")
        {
            return "must not be '.' or '..'";
        }

        if (index[0] is '-' or '_' or '+')
        {
            return "must not start with '_', '-', or '+'";
        }

        foreach (var c in index)
        {
            if (c is '\\' or '/' or '*' or '?' or '"' or '<' or '>' or '|' or ' ' or ',' or '#' or ':' || char.IsControl(c))
            {
                return "must not contain the following characters [ , \", *, \\, <, |, ,, >, /, ?, #, :]";
            }

            if (char.IsUpper(c))
            {
                return "must be lowercase";
            }
        }

        return null;
    }

    /// <summary>The service and tenant (null: none) the index names by default.</summary>
    public static (string Service, string? Tenant) Defaults(string index)
    {
        if (index.StartsWith(DataStreamPrefix, StringComparison.Ordinal))
        {
            var rest = index[DataStreamPrefix.Length..];
            var dash = rest.LastIndexOf('-');
            if (dash > 0 && dash < rest.Length - 1)
            {
                var space = rest[(dash + 1)..];
                return (rest[..dash], space == DefaultNamespace ? null : space);
            }
        }

        var service = index;
        for (var dash = service.LastIndexOf('-'); dash > 0 && IsDateOrVersion(service.AsSpan(dash + 1)); dash = service.LastIndexOf('-'))
        {
            service = service[..dash];
        }

        return (service, null);
    }

    private static bool IsDateOrVersion(ReadOnlySpan<char> segment)
        => !segment.IsEmpty && segment.ContainsAnyInRange('0', '9') && !segment.ContainsAnyExcept("0123456789.");
}
