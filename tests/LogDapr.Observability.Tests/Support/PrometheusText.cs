using System.Globalization;
using System.Text;

namespace LogDapr.Observability.Tests.Support;

/// <summary>One sample of the Prometheus text exposition format: a series name, its labels and its value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string? Label(string name) => Labels.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// A parsed /metrics answer (text format 0.0.4): every sample with its labels unescaped, and the declared TYPE of
/// each metric family. Strict: a line that is not a comment, blank or a well-formed sample fails the parse, so a
/// broken exposition fails the test instead of being read loosely.
/// </summary>
public sealed class PrometheusText
{
    private PrometheusText(IReadOnlyList<PrometheusSample> samples, IReadOnlyDictionary<string, string> types)
    {
        Samples = samples;
        Types = types;
    }

    public IReadOnlyList<PrometheusSample> Samples { get; }

    /// <summary>Metric family name to its TYPE (counter, gauge, histogram, summary, untyped).</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    /// <summary>Every series name that has at least one sample (histograms as their _bucket, _sum and _count).</summary>
    public IReadOnlySet<string> SeriesNames => Samples.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>Sum of a series' samples whose labels include all of <paramref name="labels"/> (0 when absent).</summary>
    public double Sum(string name, params (string Name, string Value)[] labels)
        => Samples.Where(s => s.Name == name && labels.All(l => s.Label(l.Name) == l.Value)).Sum(s => s.Value);

    public bool Has(string name) => Samples.Any(s => s.Name == name);

    public static PrometheusText Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] == '#')
            {
                var parts = line.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 4 && parts[1] == "TYPE")
                {
                    types[parts[2]] = parts[3];
                }

                continue;
            }

            samples.Add(ParseSample(line, lineNumber));
        }

        return new PrometheusText(samples, types);
    }

    private static PrometheusSample ParseSample(string line, int lineNumber)
    {
        var position = 0;
        var name = ReadName(line, ref position);
        if (name.Length == 0)
        {
            throw Error(lineNumber, line, "no metric name");
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (position < line.Length && line[position] == '{')
        {
            position++;
            while (true)
            {
                SkipSpaces(line, ref position);
                if (position < line.Length && line[position] == '}')
                {
                    position++;
                    break;
                }

                var label = ReadName(line, ref position);
                if (label.Length == 0 || position >= line.Length || line[position] != '=')
                {
                    throw Error(lineNumber, line, "malformed label");
                }

                position++;
                labels[label] = ReadQuoted(line, ref position, lineNumber);
                SkipSpaces(line, ref position);
                if (position < line.Length && line[position] == ',')
                {
                    position++;
                }
            }
        }

        SkipSpaces(line, ref position);
        var rest = line[position..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (rest.Length is < 1 or > 2)
        {
            throw Error(lineNumber, line, "expected a value and an optional timestamp");
        }

        return new PrometheusSample(name, labels, ParseValue(rest[0], lineNumber, line));
    }

    private static double ParseValue(string text, int lineNumber, string line) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : throw Error(lineNumber, line, $"bad value '{text}'"),
    };

    private static string ReadName(string line, ref int position)
    {
        var start = position;
        while (position < line.Length && (char.IsAsciiLetterOrDigit(line[position]) || line[position] is '_' or ':'))
        {
            position++;
        }

        return line[start..position];
    }

    private static string ReadQuoted(string line, ref int position, int lineNumber)
    {
        if (position >= line.Length || line[position] != '"')
        {
            throw Error(lineNumber, line, "label value not quoted");
        }

        position++;
        var value = new StringBuilder();
        while (position < line.Length && line[position] != '"')
        {
            if (line[position] == '\\' && position + 1 < line.Length)
            {
                position++;
                value.Append(line[position] switch { 'n' => '\n', var c => c });
            }
            else
            {
                value.Append(line[position]);
            }

            position++;
        }

        if (position >= line.Length)
        {
            throw Error(lineNumber, line, "unterminated label value");
        }

        position++;
        return value.ToString();
    }

    private static void SkipSpaces(string line, ref int position)
    {
        while (position < line.Length && line[position] == ' ')
        {
            position++;
        }
    }

    private static FormatException Error(int lineNumber, string line, string what) => new($"line {lineNumber}: {what}: {line}");
}
