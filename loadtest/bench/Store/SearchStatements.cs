using LogDapr.Aggregator.Store.Search;
using LogDapr.Contracts.Events;
using Npgsql;

namespace LogDapr.Bench.Store;

/// <summary>The three searches the issue sets targets for, built by the product's search query builder as GET /v1/logs builds them.</summary>
public static class SearchStatements
{
    public static (string Sql, NpgsqlParameter[] Parameters) Search(
        string schema, string tenant, string? service, Severity? minSeverity, string? text, string? traceId, DateTimeOffset from, DateTimeOffset to, int limit)
    {
        var filter = new LogFilter(tenant, service, null, minSeverity, null, text, traceId, []);
        var statement = LogEventsSql.Search(schema, filter, from, to, after: null, limit);
        return (statement.Text, [.. statement.Parameters]);
    }
}
