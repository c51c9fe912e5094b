using System.Globalization;

namespace LogDapr.Bench.Report;

/// <summary>
/// One scenario's headline figure in each of its runs within one invocation: the report shows the median run with the
/// minimum and maximum, and marks the figure noisy when the runs differ by more than <see cref="NoisyShare"/> of the median.
/// </summary>
public sealed record RunSpread(string Figure, string Unit, IReadOnlyList<double> Values)
{
    /// <summary>Issue 16: a figure that moves more than 15 % between runs of one invocation is noisy.</summary>
    public const double NoisyShare = 0.15;

    public double Median => Sorted[Sorted.Count / 2];
    public double Min => Sorted[0];
    public double Max => Sorted[^1];

    /// <summary>(max - min) / median.</summary>
    public double Share => Median == 0 ? 0 : (Max - Min) / Median;

    public bool IsNoisy => Values.Count > 1 && Share > NoisyShare;

    private IReadOnlyList<double> Sorted => [.. Values.Order()];

    public string Format(double value) => Unit == "ms"
        ? value.ToString("0.00", CultureInfo.InvariantCulture) + " ms"
        : value.ToString("N0", CultureInfo.InvariantCulture) + " " + Unit;
}
