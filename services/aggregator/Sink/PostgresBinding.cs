using System.Diagnostics;
using System.Text.Json;
using Dapr;
using Dapr.Client;
using LogDapr.Aggregator.Observability;
using LogDapr.Configuration.Pipeline;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Sink;

/// <summary>
/// Every write to Postgres goes through the Dapr PostgreSQL output binding: operation <c>exec</c> with
/// metadata <c>sql</c> and <c>params</c>, exactly as that component defines them.
/// </summary>
public sealed class PostgresBinding(DaprClient dapr, IOptions<PipelineOptions> pipeline, AggregatorMetrics metrics) : ISqlBinding
{
    private readonly string bindingName = pipeline.Value.BindingName;

    /// <returns>The rows affected, as the binding reports them.</returns>
    public async Task<long> ExecAsync(string sql, string paramsJson, CancellationToken cancellationToken)
    {
        var request = new BindingRequest(bindingName, "exec");
        request.Metadata["sql"] = sql;
        request.Metadata["params"] = paramsJson;
        using var activity = AggregatorTelemetry.StartBindingCall(bindingName, request.Operation);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await dapr.InvokeBindingAsync(request, cancellationToken).ConfigureAwait(false);
            metrics.SinkCall(Stopwatch.GetElapsedTime(started), error: null);
            var affected = response.Metadata.TryGetValue("rows-affected", out var rows) && long.TryParse(rows, out var n) ? n : 0;
            activity?.SetTag("db.response.returned_rows", affected);
            return affected;
        }
        catch (DaprException ex)
        {
            // The message names the binding and the database's error, never the statement's parameters (event data).
            var error = Innermost(ex).Message;
            var sqlState = SinkErrors.SqlState(error);
            var failure = new SinkException($"binding '{bindingName}' exec failed: {error}", SinkErrors.IsPermanent(sqlState), sqlState, ex);
            metrics.SinkCall(Stopwatch.GetElapsedTime(started), failure.Message);
            activity?.SetStatus(ActivityStatusCode.Error, failure.Message);
            activity?.SetTag("error.type", Innermost(ex).GetType().FullName);
            throw failure;
        }
    }

    /// <summary>Serializes positional parameters the way the binding expects them: a JSON array.</summary>
    public static string Params(params object?[] values) => JsonSerializer.Serialize(values);

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }
}
