using Npgsql;

namespace LogDapr.Aggregator.Store.Search;

/// <summary>SQL whose shape depends only on which filters are present; every value is a parameter.</summary>
public sealed record SqlStatement(string Text, IReadOnlyList<NpgsqlParameter> Parameters);
