using System.Text.Json;
using LogDapr.TestSupport;
using LogDapr.Configuration.Pipeline;
using LogDapr.LocalStack.Layout;
using LogDapr.LocalStack.Processes;

namespace LogDapr.Ingest.Tests.Support;

/// <summary>A real development sidecar process with no apps subscribed: what ingest publishes stays on the topic to be counted.</summary>
public sealed class SidecarFixture : IAsyncLifetime
{
    private readonly IReadOnlyList<string> extraArguments;
    private ManagedProcess? process;

    public SidecarFixture()
        : this([])
    {
    }

    /// <param name="extraArguments">More sidecar flags, e.g. its chaos options.</param>
    internal SidecarFixture(IReadOnlyList<string> extraArguments) => this.extraArguments = extraArguments;

    private string? directory;

    public int HttpPort { get; } = FreePorts.Next();
    public int GrpcPort { get; } = FreePorts.Next();

    public async Task InitializeAsync()
    {
        directory = ScratchDirectory.NewPath("logdapr-tests", "sidecar");
        // The API pair is ingest's own, as daprd's would be: the repo's components are scoped to app ids.
        var spec = DevSidecarSpec.Create(RepoLayout.Discover(), [new SidecarApp(PipelineDefaults.IngestAppId, null, HttpPort, GrpcPort)],
            Path.Combine(directory, "journal"), ["--journal-fsync", "false", .. extraArguments], new Dictionary<string, string?>());
        process = new ManagedProcess(spec, directory);
        process.Start();
        await process.WaitForHttpAsync(new Uri($"http://127.0.0.1:{HttpPort}/v1.0/healthz"), TimeSpan.FromSeconds(60));
    }

    public async Task<long> PublishedAsync(string topic)
    {
        using var http = new HttpClient();
        var topics = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{HttpPort}/v1.0-dev/topics"))!;
        return topics["topics"]!.AsArray().Where(t => t!["topic"]!.GetValue<string>() == topic).Sum(t => t!["published"]!.GetValue<long>());
    }

    /// <summary>The events of every message published so far, each message once (see <see cref="PublishedData"/>).</summary>
    public IReadOnlyList<JsonElement> PublishedEvents()
        => [.. PublishedData().Where(d => d.TryGetProperty("events", out _)).SelectMany(d => d.GetProperty("events").EnumerateArray())];

    /// <summary>The data of every message published so far, each message once (see <see cref="PublishedCloudEvents"/>).</summary>
    public IReadOnlyList<JsonElement> PublishedData()
        => [.. PublishedCloudEvents().Where(e => e.TryGetProperty("data", out var member) && member.ValueKind == JsonValueKind.Object).Select(e => e.GetProperty("data"))];

    /// <summary>
    /// Every CloudEvent published so far, each once, read from the sidecar's journal: the payloads are the CloudEvents
    /// as stored, members in order (<c>{"data":{...},...}</c>), found by their opening and told apart by id (compaction
    /// may copy a message into a newer segment).
    /// </summary>
    public IReadOnlyList<JsonElement> PublishedCloudEvents()
    {
        var opening = "{\"data\":"u8.ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var cloudEvents = new List<JsonElement>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(directory!, "journal"), "*.journal", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            byte[] bytes;
            using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var copy = new MemoryStream())
            {
                stream.CopyTo(copy);
                bytes = copy.ToArray();
            }

            for (var at = bytes.AsSpan().IndexOf(opening); at >= 0;)
            {
                if (ParseOne(bytes.AsSpan(at)) is { } document)
                {
                    using (document)
                    {
                        if (document.RootElement.TryGetProperty("id", out var id) && seen.Add(id.GetString()!))
                        {
                            cloudEvents.Add(document.RootElement.Clone());
                        }
                    }
                }

                var next = bytes.AsSpan(at + 1).IndexOf(opening);
                at = next < 0 ? -1 : at + 1 + next;
            }
        }

        return cloudEvents;
    }

    private static JsonDocument? ParseOne(ReadOnlySpan<byte> bytes)
    {
        var reader = new Utf8JsonReader(bytes);
        try
        {
            return JsonDocument.TryParseValue(ref reader, out var document) ? document : null;
        }
        catch (JsonException)
        {
            // A torn record at the end of the active segment.
            return null;
        }
    }

    public string Tail() => process?.Tail() ?? "";

    /// <summary>Hangs the sidecar (SIGSTOP): calls to it get no answer until <see cref="Resume"/>.</summary>
    public void Pause() => process!.Pause();

    public void Resume() => process!.Resume();

    public async Task DisposeAsync()
    {
        if (process is not null)
        {
            await process.DisposeAsync();
        }

        ScratchDirectory.Remove(directory);
    }
}
