using System.Reflection;
using System.Text.RegularExpressions;

namespace LogDapr.Aggregator.Database.Migrations;

/// <summary>
/// The migrations embedded in this assembly (Database/Migrations/NNNN_name.sql), in version order.
/// Pure apart from reading the embedded resources.
/// </summary>
public static partial class MigrationCatalog
{
    private const string Prefix = "LogDapr.Aggregator.Migrations.";

    public static IReadOnlyList<Migration> Load(string schema)
    {
        var assembly = typeof(MigrationCatalog).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var file = resource[Prefix.Length..];
            var match = FileName().Match(file);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Migration resource '{file}' is not named NNNN_name.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var sql = reader.ReadToEnd().Replace("{schema}", schema, StringComparison.Ordinal);
            migrations.Add(new Migration(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups[2].Value, sql));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < migrations.Count; i++)
        {
            if (migrations[i].Version == migrations[i - 1].Version)
            {
                throw new InvalidOperationException($"Two migrations share version {migrations[i].Version}.");
            }
        }

        return migrations;
    }

    [GeneratedRegex(@"^(\d{4})_([a-z0-9_]+)\.sql$")]
    private static partial Regex FileName();
}
