using System.Text.RegularExpressions;
using LogDapr.TestSupport;

namespace LogDapr.Documentation.Tests;

/// <summary>
/// Folders follow the data: within a project, a folder may use the folders it builds on, never one that uses it back.
/// A folder's dependencies are read from its files' <c>using</c> directives (namespaces follow folders), so a cycle
/// shows up here as soon as one file imports the wrong way.
/// </summary>
public sealed partial class FolderDependencyTests
{
    public static TheoryData<string> Projects =>
    [
        "services/aggregator", "services/ingest", "services/contracts", "services/service-defaults", "services/configuration",
        "services/postgres", "services/processing", "operator", "tools/dev-sidecar", "tools/local-stack", "tools/local-runner",
        "loadtest/bench", "loadtest/loadgen", "libraries/yaml",
    ];

    [Theory]
    [MemberData(nameof(Projects))]
    public void No_two_folders_of_a_project_import_each_other_even_through_others(string project)
    {
        var graph = FolderGraph(Repository.Path(project.Split('/')));

        var cycles = StronglyConnected(graph).Where(component => component.Count > 1).ToList();

        Assert.True(cycles.Count == 0, $"{project}: folders that import each other: " + string.Join("; ", cycles.Select(c => string.Join(" <-> ", c.Order()))));
    }

    [Fact]
    public void The_check_finds_a_cycle_when_there_is_one()
    {
        var graph = new Dictionary<string, HashSet<string>>
        {
            ["Counting"] = ["DeadLetters"],
            ["DeadLetters"] = ["Query"],
            ["Query"] = ["Counting"],
            ["Hosting"] = ["Counting"],
        };

        var cycle = Assert.Single(StronglyConnected(graph), component => component.Count > 1);
        Assert.Equal(["Counting", "DeadLetters", "Query"], cycle.Order());
    }

    private static Dictionary<string, HashSet<string>> FolderGraph(string projectDirectory)
    {
        var files = Directory.EnumerateFiles(projectDirectory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (Folder: Path.GetRelativePath(projectDirectory, Path.GetDirectoryName(f)!), Text: File.ReadAllText(f)))
            .ToList();
        var folderOfNamespace = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (folder, text) in files)
        {
            if (NamespaceLine().Match(text) is { Success: true } declared)
            {
                folderOfNamespace[declared.Groups[1].Value] = folder;
            }
        }

        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (folder, text) in files)
        {
            var uses = graph.TryGetValue(folder, out var existing) ? existing : graph[folder] = [];
            foreach (Match import in UsingLine().Matches(text))
            {
                if (folderOfNamespace.TryGetValue(import.Groups[1].Value, out var used) && used != folder)
                {
                    uses.Add(used);
                }
            }
        }

        return graph;
    }

    /// <summary>Tarjan's algorithm: every group of folders that reach each other.</summary>
    private static List<List<string>> StronglyConnected(Dictionary<string, HashSet<string>> graph)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var components = new List<List<string>>();

        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in graph.GetValueOrDefault(node) ?? [])
            {
                if (!index.ContainsKey(next))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[node] = Math.Min(low[node], index[next]);
                }
            }

            if (low[node] == index[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);
                components.Add(component);
            }
        }

        foreach (var node in graph.Keys.ToList())
        {
            if (!index.ContainsKey(node))
            {
                Visit(node);
            }
        }

        return components;
    }

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"^using ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex UsingLine();
}
