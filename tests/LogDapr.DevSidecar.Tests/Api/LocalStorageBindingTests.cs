using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Dapr;
using Dapr.Client;
using Grpc.Core;
using LogDapr.DevSidecar.Tests.Support;

namespace LogDapr.DevSidecar.Tests.Api;

/// <summary>bindings.localstorage as components-contrib v1.16.0 bindings/localstorage/localstorage.go serves it.</summary>
public sealed class LocalStorageBindingTests : IAsyncLifetime
{
    private readonly TempDir dir = new();
    private TestSidecar sidecar = null!;

    private string Root => Path.Combine(dir.Path, "archive");

    public async Task InitializeAsync()
    {
        dir.Write("res/archive.yaml", $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: archive
            spec:
              type: bindings.localstorage
              version: v1
              metadata:
                - name: rootPath
                  value: {Root}
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: no-root
            spec:
              type: bindings.localstorage
              version: v1
              metadata: []
            """);
        sidecar = await TestSidecar.StartAsync(Path.Combine(dir.Path, "res"), dir.Sub("data"));
    }

    public async Task DisposeAsync()
    {
        await sidecar.DisposeAsync();
        dir.Dispose();
    }

    private Task<BindingResponse> InvokeAsync(string operation, byte[]? data = null, string? fileName = null, string binding = "archive")
    {
        var request = new BindingRequest(binding, operation) { Data = data ?? [] };
        if (fileName is not null)
        {
            request.Metadata["fileName"] = fileName;
        }

        return sidecar.Client.InvokeBindingAsync(request);
    }

    private static RpcException Rpc(Exception ex) => Assert.IsType<RpcException>(ex.InnerException);

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return buffer.ToArray();
    }

    [Fact]
    public async Task Create_get_list_delete_keep_binary_data_sent_over_grpc_byte_for_byte()
    {
        var gz = Gzip("{\"message\":\"hello\"}\n");

        var created = await InvokeAsync("create", gz, "2026/11/28/part-0001.jsonl.gz");
        Assert.Equal("""{"fileName":"2026/11/28/part-0001.jsonl.gz"}""", Encoding.UTF8.GetString(created.Data.Span));
        Assert.Empty(created.Metadata);
        var path = Path.Combine(Root, "2026", "11", "28", "part-0001.jsonl.gz");
        Assert.Equal(gz, await File.ReadAllBytesAsync(path));

        var read = await InvokeAsync("get", fileName: "2026/11/28/part-0001.jsonl.gz");
        Assert.Equal(gz, read.Data.ToArray());

        await InvokeAsync("create", Encoding.UTF8.GetBytes("b"), "2026/a.txt");
        var listed = await InvokeAsync("list", fileName: "2026");
        Assert.Equal(new JsonArray(Path.Combine(Root, "2026", "11", "28", "part-0001.jsonl.gz"), Path.Combine(Root, "2026", "a.txt")).ToJsonString(),
            JsonNode.Parse(listed.Data.Span)!.ToJsonString());

        var deleted = await InvokeAsync("delete", fileName: "2026/11/28/part-0001.jsonl.gz");
        Assert.Empty(deleted.Data.ToArray());
        Assert.False(File.Exists(path));

        var gone = await Assert.ThrowsAsync<DaprException>(() => InvokeAsync("get", fileName: "2026/11/28/part-0001.jsonl.gz"));
        Assert.Equal(StatusCode.Internal, Rpc(gone).StatusCode);
        Assert.Equal($"error invoking output binding archive: file not found: {path}", Rpc(gone).Status.Detail);

        Directory.CreateDirectory(Path.Combine(Root, "empty"));
        Assert.Equal("null", Encoding.UTF8.GetString((await InvokeAsync("list", fileName: "empty")).Data.Span));
    }

    [Fact]
    public async Task Create_unquotes_a_go_string_literal_then_decodes_valid_base64_as_contrib_does()
    {
        await InvokeAsync("create", Encoding.UTF8.GetBytes("aGVsbG8="), "b64.txt");
        await InvokeAsync("create", Encoding.UTF8.GetBytes("\"a\\tb\""), "quoted.txt");
        await InvokeAsync("create", Encoding.UTF8.GetBytes("hello world"), "plain.txt");
        await InvokeAsync("create", Encoding.UTF8.GetBytes("abc"), "short.txt");

        Assert.Equal("hello", await File.ReadAllTextAsync(Path.Combine(Root, "b64.txt")));
        Assert.Equal("a\tb", await File.ReadAllTextAsync(Path.Combine(Root, "quoted.txt")));
        Assert.Equal("hello world", await File.ReadAllTextAsync(Path.Combine(Root, "plain.txt")));
        Assert.Equal("abc", await File.ReadAllTextAsync(Path.Combine(Root, "short.txt")));
    }

    [Fact]
    public async Task Over_http_data_is_the_json_value_a_string_arrives_quoted_and_delete_answers_204()
    {
        var http = sidecar.Http;
        var text = await http.PostAsync("/v1.0/bindings/archive", new StringContent("""{"operation":"create","data":"aGVsbG8=","metadata":{"fileName":"s.txt"}}"""));
        var json = await http.PostAsync("/v1.0/bindings/archive", new StringContent("""{"operation":"create","data":{"b":1,"a":"<x>"},"metadata":{"fileName":"o.json"}}"""));
        Assert.Equal(HttpStatusCode.OK, text.StatusCode);
        Assert.Equal("""{"fileName":"s.txt"}""", await text.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);

        Assert.Equal("hello", await File.ReadAllTextAsync(Path.Combine(Root, "s.txt")));
        Assert.Equal("""{"a":"\u003cx\u003e","b":1}""", await File.ReadAllTextAsync(Path.Combine(Root, "o.json")));

        var get = await http.PostAsync("/v1.0/bindings/archive", new StringContent("""{"operation":"get","metadata":{"fileName":"s.txt"}}"""));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("hello", await get.Content.ReadAsStringAsync());

        var delete = await http.PostAsync("/v1.0/bindings/archive", new StringContent("""{"operation":"delete","metadata":{"fileName":"s.txt"}}"""));
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Empty(await delete.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Without_a_file_name_create_names_the_file_with_a_uuid()
    {
        var created = await InvokeAsync("create", Encoding.UTF8.GetBytes("x y"));

        var name = (string)JsonNode.Parse(created.Data.Span)!["fileName"]!;
        Assert.True(Guid.TryParseExact(name, "D", out _), name);
        Assert.Equal("x y", await File.ReadAllTextAsync(Path.Combine(Root, name)));
    }

    [Fact]
    public async Task Traversal_and_symlinks_cannot_leave_the_root_they_are_clamped_to_it()
    {
        var outside = Path.Combine(dir.Path, "outside");
        Directory.CreateDirectory(outside);
        File.CreateSymbolicLink(Path.Combine(Root, "escape"), outside);

        var dotdot = await InvokeAsync("create", Encoding.UTF8.GetBytes("1 2"), "../outside/a.txt");
        var absolute = await InvokeAsync("create", Encoding.UTF8.GetBytes("3 4"), outside + "/b.txt");
        var link = await InvokeAsync("create", Encoding.UTF8.GetBytes("5 6"), "escape/c.txt");

        Assert.Equal("""{"fileName":"outside/a.txt"}""", Encoding.UTF8.GetString(dotdot.Data.Span));
        Assert.Equal("1 2", await File.ReadAllTextAsync(Path.Combine(Root, "outside", "a.txt")));
        Assert.Equal("3 4", await File.ReadAllTextAsync(Path.Combine(Root, outside.TrimStart('/'), "b.txt")));
        Assert.Equal("5 6", await File.ReadAllTextAsync(Path.Combine(Root, outside.TrimStart('/'), "c.txt")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
        Assert.NotNull(absolute);
        Assert.NotNull(link);

        var read = await Assert.ThrowsAsync<DaprException>(() => InvokeAsync("get", fileName: "../../../../etc/hostname"));
        Assert.Equal($"error invoking output binding archive: file not found: {Path.Combine(Root, "etc", "hostname")}", Rpc(read).Status.Detail);
    }

    [Fact]
    public async Task Unsupported_operations_and_a_missing_root_path_fail_as_daprd_reports_them()
    {
        var operation = await Assert.ThrowsAsync<DaprException>(() => InvokeAsync("exec"));
        Assert.Equal("error invoking output binding archive: binding archive does not support operation exec. supported operations:create get list delete", Rpc(operation).Status.Detail);

        var noRoot = await Assert.ThrowsAsync<DaprException>(() => InvokeAsync("list", binding: "no-root"));
        Assert.Equal(StatusCode.Internal, Rpc(noRoot).StatusCode);
        Assert.Equal("error invoking output binding no-root: failed to parse metadata: property rootPath must not be empty", Rpc(noRoot).Status.Detail);

        var notDirectory = await Assert.ThrowsAsync<DaprException>(() => InvokeAsync("delete", fileName: "missing.txt"));
        Assert.StartsWith($"error invoking output binding archive: error deleting file {Path.Combine(Root, "missing.txt")}", Rpc(notDirectory).Status.Detail, StringComparison.Ordinal);
    }
}
