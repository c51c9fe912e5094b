namespace LogDapr.Operator.Cli;

/// <summary>
/// Minimal "--name value", "--name=value" and "-f value" parsing. The CLI has three commands and a dozen options;
/// a parser package would be a dependency for no gain.
/// </summary>
public sealed class Arguments
{
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);
    private readonly HashSet<string> used = new(StringComparer.Ordinal);

    private Arguments(string command, IReadOnlyDictionary<string, string> values, IReadOnlyList<string> positional)
    {
        Command = command;
        foreach (var (key, value) in values)
        {
            this.values[key] = value;
        }
        Positional = positional;
    }

    public string Command { get; }

    public IReadOnlyList<string> Positional { get; }

    private static readonly Dictionary<string, string> ShortNames = new(StringComparer.Ordinal)
    {
        ["-f"] = "--filename",
        ["-o"] = "--output",
        ["-n"] = "--namespace",
        ["-h"] = "--help",
    };

    public static Arguments Parse(IReadOnlyList<string> args)
    {
        var command = args.Count > 0 && !args[0].StartsWith('-') ? args[0] : "";
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var positional = new List<string>();
        for (var i = command.Length > 0 ? 1 : 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-') || arg == "-")
            {
                positional.Add(arg);
                continue;
            }
            string name;
            string? value = null;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                name = arg[..equals];
                value = arg[(equals + 1)..];
            }
            else
            {
                name = arg;
            }
            name = ShortNames.GetValueOrDefault(name, name);
            if (value is null)
            {
                value = i + 1 < args.Count && (!args[i + 1].StartsWith('-') || args[i + 1] == "-") && name != "--help"
                    ? args[++i]
                    : "true";
            }
            values[name] = value;
        }
        return new Arguments(command, values, positional);
    }

    public string? Get(string name)
    {
        used.Add(name);
        return values.GetValueOrDefault(name);
    }

    public string Get(string name, string fallback) => Get(name) ?? fallback;

    public bool Flag(string name, bool fallback)
    {
        var value = Get(name);
        return value is null ? fallback : value is "true" or "1" or "yes";
    }

    public int Int(string name, int fallback)
    {
        var value = Get(name);
        return value is null ? fallback : int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Options given but never asked for: most likely typos.</summary>
    public IEnumerable<string> Unused() => values.Keys.Where(k => !used.Contains(k));
}
