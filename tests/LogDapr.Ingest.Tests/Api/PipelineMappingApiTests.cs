using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LogDapr.Ingest.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.Ingest.Tests.Api;

/// <summary>
/// A pipeline's own aliases (the mapping section of its processing rules, Ingest:FieldMappingFile) applied at the door:
/// an event that names its required fields only by those aliases is accepted, not refused before the processor sees it.
/// </summary>
public sealed class PipelineMappingApiTests(SidecarFixture sidecar) : IClassFixture<SidecarFixture>, IDisposable
{
    private const string Rules = """
        mapping:
          fields:
            severity: [loglevel]
            service: [component]
        redaction:
          presets: [email]
        """;

    // Only the pipeline's aliases name the severity and the service.
    private const string CustomEvent = """{"tenant_id":"acme","loglevel":"warn","component":"billing","message":"m"}""";

    private readonly string directory = ScratchDirectory.NewPath("logdapr-tests", "ingest-mapping");

    private string WriteRules(string text, string name = "processing.yaml")
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static Dictionary<string, string> Settings(string rulesFile, string? reloadInterval = null)
    {
        var settings = new Dictionary<string, string> { ["Ingest:FieldMappingFile"] = rulesFile };
        if (reloadInterval is not null)
        {
            settings["Ingest:FieldMappingReloadInterval"] = reloadInterval;
        }

        return settings;
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(HttpClient client, string body)
    {
        using var response = await client.PostAsync("/v1/logs", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    private static IEnumerable<string> ErrorFields(JsonNode body) =>
        body["rejected"]![0]!["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>());

    [Fact]
    public async Task Without_the_pipelines_mapping_an_event_with_only_custom_aliases_is_refused_naming_the_fields()
    {
        using var factory = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort);

        var (status, body) = await PostAsync(factory.CreateClient(), CustomEvent);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(new[] { "service", "severity" }, ErrorFields(body!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task With_the_pipelines_mapping_an_event_with_only_custom_aliases_is_accepted_and_published()
    {
        using var factory = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, Settings(WriteRules(Rules)));
        var client = factory.CreateClient();
        var before = await sidecar.PublishedAsync("logs");

        var (status, body) = await PostAsync(client, CustomEvent);

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(1, body!["accepted"]!.GetValue<int>());
        Assert.Equal(before + 1, await sidecar.PublishedAsync("logs"));
    }

    [Fact]
    public async Task The_custom_alias_sets_the_severity_so_its_value_follows_the_severitys_rules()
    {
        using var factory = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, Settings(WriteRules(Rules)));

        var (status, body) = await PostAsync(factory.CreateClient(), CustomEvent.Replace("\"warn\"", "\"loud\"", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = body!["rejected"]![0]!["errors"]![0]!;
        // Named as sent, with the severity's own error: without the mapping "loglevel" would be a plain attribute.
        Assert.Equal("loglevel", error["field"]!.GetValue<string>());
        Assert.Contains("\"loud\" is not recognized", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(body["rejected"]![0]!["errors"]!.AsArray());
    }

    [Fact]
    public void An_invalid_mapping_document_stops_ingest_at_start_up_with_the_parsers_errors()
    {
        var file = WriteRules("""
            mapping:
              fields:
                severity: [service]
            """);
        using var factory = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, Settings(file));

        var ex = Record.Exception(() => factory.CreateClient());

        Assert.NotNull(ex);
        Assert.Contains("Ingest:FieldMappingFile", ex!.ToString(), StringComparison.Ordinal);
        Assert.Contains("mapping.fields.severity[0]: 'service' is a canonical field name, not an alias", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_document_invalid_outside_its_mapping_stops_ingest_too_as_the_processor_refuses_it()
    {
        var file = WriteRules(Rules + "\ntransforms: 3\n");
        using var factory = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, Settings(file));

        var ex = Record.Exception(() => factory.CreateClient());

        Assert.NotNull(ex);
        Assert.Contains("transforms", ex!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_mapping_file_stops_ingest_at_start_up_naming_the_setting()
    {
        using var factory = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, Settings(Path.Combine(directory, "absent.yaml")));

        var ex = Record.Exception(() => factory.CreateClient());

        Assert.NotNull(ex);
        Assert.Contains("Ingest:FieldMappingFile", ex!.ToString(), StringComparison.Ordinal);
        Assert.Contains("does not exist", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_changed_mapping_applies_from_a_later_request_and_an_invalid_change_is_refused_whole()
    {
        var file = WriteRules(Rules);
        using var factory = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, Settings(file, "00:00:00.100"));
        var client = factory.CreateClient();
        const string Renamed = """{"tenant_id":"acme","sev":"warn","svc":"billing","message":"m"}""";
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, Renamed)).Status);

        // An invalid document (and an invalid mapping in it) changes nothing: the old aliases still work.
        ReplaceWhole(file, "mapping:\n  fields:\n    severity: [sev]\n    service: [sev]\n");
        await Eventually.TrueAsync(() => factory.Logs.All.Contains("NOT applied", StringComparison.Ordinal), "the invalid change is refused and logged");
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(client, CustomEvent)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, Renamed)).Status);

        ReplaceWhole(file, "mapping:\n  fields:\n    severity: [sev]\n    service: [svc]\n");
        await Eventually.TrueAsync(async () => (await PostAsync(client, Renamed)).Status == HttpStatusCode.Accepted, "the new aliases are applied");
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, CustomEvent)).Status);
    }

    /// <summary>
    /// Replaces the file in one step, as a ConfigMap update swaps its directory: written in place, a poll could read
    /// the first half of the invalid document, which is itself a valid mapping, and apply it.
    /// </summary>
    private static void ReplaceWhole(string file, string text)
    {
        var next = file + ".next";
        File.WriteAllText(next, text);
        File.Move(next, file, overwrite: true);
    }

    public void Dispose() => ScratchDirectory.Remove(directory);
}
