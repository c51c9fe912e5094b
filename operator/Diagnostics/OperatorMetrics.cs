using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LogDapr.Operator.Diagnostics;

/// <summary>
/// The operator's metrics on the "LogDapr.Operator" Meter, served at /metrics on the health port (see
/// <see cref="OperatorTelemetry"/>). Names follow the OpenTelemetry conventions (dotted, unit in metadata); in
/// Prometheus they read logdapr_operator_reconciles_total, logdapr_operator_reconcile_errors_total,
/// logdapr_operator_reconcile_duration_seconds and logdapr_operator_pipelines.
/// </summary>
public sealed class OperatorMetrics : IDisposable
{
    public const string MeterName = "LogDapr.Operator";

    private readonly Meter meter;
    private readonly Counter<long> reconciles;
    private readonly Counter<long> errors;
    private readonly Histogram<double> duration;
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> conditions = new(StringComparer.Ordinal);

    public OperatorMetrics(IMeterFactory? meterFactory = null)
    {
        meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        reconciles = meter.CreateCounter<long>("logdapr.operator.reconciles", "{reconcile}", "Reconciliations by result (success, requeue, error).");
        errors = meter.CreateCounter<long>("logdapr.operator.reconcile.errors", "{error}", "Failed reconciliations by error reason.");
        duration = meter.CreateHistogram<double>("logdapr.operator.reconcile.duration", "s", "Time one reconciliation took.");
        meter.CreateObservableGauge("logdapr.operator.pipelines", ObservePipelines, "{pipeline}", "LogPipelines by condition type and status.");
    }

    public void RecordReconcile(string result, TimeSpan elapsed)
    {
        var tags = new TagList { { "result", result } };
        reconciles.Add(1, tags);
        duration.Record(elapsed.TotalSeconds, tags);
    }

    public void RecordError(string reason) => errors.Add(1, new TagList { { "reason", reason } });

    /// <summary>Remembers a pipeline's condition statuses (type -> True/False/Unknown) for the gauge.</summary>
    public void SetConditions(string key, IReadOnlyDictionary<string, string> statuses) => conditions[key] = statuses;

    public void ForgetPipeline(string key) => conditions.TryRemove(key, out _);

    private IEnumerable<Measurement<long>> ObservePipelines() =>
        conditions.Values
            .SelectMany(c => c)
            .GroupBy(c => (c.Key, c.Value))
            .Select(g => new Measurement<long>(g.LongCount(), new KeyValuePair<string, object?>("condition", g.Key.Key), new KeyValuePair<string, object?>("status", g.Key.Value)));

    public void Dispose() => meter.Dispose();
}
