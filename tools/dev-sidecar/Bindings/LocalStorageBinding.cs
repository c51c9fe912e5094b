using System.Text;
using LogDapr.DevSidecar.Go;

namespace LogDapr.DevSidecar.Bindings;

/// <summary>
/// Dapr's <c>bindings.localstorage</c> as components-contrib v1.16.0 <c>bindings/localstorage/localstorage.go</c>
/// serves it: files under metadata <c>rootPath</c> (required; relative to the working directory; symlinks in it
/// resolved; /proc, /sys, /boot, /var/run/secrets refused; created at start). Request metadata <c>fileName</c> names
/// the file, joined to the root with filepath-securejoin's rules (<see cref="SecurePath"/>: <c>..</c> and symlinks
/// cannot leave the root, they are clamped to it); create without it uses a new UUID. <c>create</c> first
/// unquotes the data as a Go string literal if it is one, then base64-decodes it if it is valid standard base64,
/// writes it and answers <c>{"fileName":"&lt;path relative to the root&gt;"}</c>; <c>get</c> answers the file's
/// bytes; <c>delete</c> answers nothing (HTTP 204); <c>list</c> answers the absolute paths of every file below
/// <c>fileName</c> (default the root) as a JSON array, <c>null</c> when there are none.
/// </summary>
public sealed class LocalStorageBinding : IOutputBinding
{
    public static readonly string[] Operations = ["create", "get", "list", "delete"];

    // localstorage.go disallowedRootPaths.
    private static readonly string[] DisallowedRoots = ["/proc", "/sys", "/boot", "/var/run/secrets"];

    private readonly string? initError;
    private readonly string root = "";

    public LocalStorageBinding(string name, IReadOnlyDictionary<string, string> metadata)
    {
        Name = name;
        try
        {
            this.root = ValidateRoot(metadata.GetValueOrDefault("rootPath") ?? "");
        }
        catch (BindingException ex)
        {
            this.initError = "failed to parse metadata: " + ex.Message;
            return;
        }

        try
        {
            Directory.CreateDirectory(this.root);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            this.initError = $"unable to create directory specified by 'rootPath' {this.root}: {ex.Message}";
        }
    }

    public string Name { get; }

    /// <summary>Why Init failed (daprd would not start with this component), or null.</summary>
    public string? InitError => this.initError;

    public string RootPath => this.root;

    public async Task<BindingResponse> InvokeAsync(string operation, ReadOnlyMemory<byte> data, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        if (this.initError is not null)
        {
            throw new BindingException(this.initError);
        }

        var fileName = metadata.GetValueOrDefault("fileName") ?? "";
        if (fileName.Length == 0 && operation == "create")
        {
            fileName = Guid.NewGuid().ToString("D");
        }

        var absolute = SecurePath.Join(this.root, fileName);
        try
        {
            return operation switch
            {
                "create" => await CreateAsync(absolute, data, cancellationToken).ConfigureAwait(false),
                "get" => await GetAsync(absolute, cancellationToken).ConfigureAwait(false),
                "delete" => Delete(absolute),
                "list" => List(absolute),
                _ => throw new BindingException($"unsupported operation {operation}"),
            };
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new BindingException($"error accessing {absolute}: {ex.Message}");
        }
    }

    private async Task<BindingResponse> CreateAsync(string absolute, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var bytes = data.ToArray();
        if (GoUnquote.TryUnquote(bytes, out var unquoted))
        {
            bytes = unquoted;
        }

        if (GoBase64.TryDecodeStd(bytes, out var decoded))
        {
            bytes = decoded;
        }

        var directory = Path.GetDirectoryName(absolute)!;
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (IOException ex)
        {
            throw new BindingException($"error creating directory {directory}: {ex.Message}");
        }

        try
        {
            await File.WriteAllBytesAsync(absolute, bytes, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new BindingException($"error creating file {absolute}: {ex.Message}");
        }

        var relative = Path.GetRelativePath(this.root, absolute);
        return new BindingResponse(Encoding.UTF8.GetBytes("{\"fileName\":" + GoJsonString(relative) + "}"), new Dictionary<string, string>());
    }

    private static async Task<BindingResponse> GetAsync(string absolute, CancellationToken cancellationToken)
    {
        if (!File.Exists(absolute))
        {
            throw Directory.Exists(absolute)
                ? new BindingException($"error reading file {absolute}: read {absolute}: is a directory")
                : new BindingException($"file not found: {absolute}");
        }

        try
        {
            return new BindingResponse(await File.ReadAllBytesAsync(absolute, cancellationToken).ConfigureAwait(false), new Dictionary<string, string>());
        }
        catch (IOException ex)
        {
            throw new BindingException($"error opening path {absolute}: {ex.Message}");
        }
    }

    private static BindingResponse Delete(string absolute)
    {
        // os.Remove: a file or an empty directory; a missing one is an error.
        try
        {
            if (File.Exists(absolute))
            {
                File.Delete(absolute);
            }
            else if (Directory.Exists(absolute))
            {
                Directory.Delete(absolute, recursive: false);
            }
            else
            {
                throw new BindingException($"error deleting file {absolute}: remove {absolute}: no such file or directory");
            }
        }
        catch (IOException ex)
        {
            throw new BindingException($"error deleting file {absolute}: {ex.Message}");
        }

        return BindingResponse.Nil;
    }

    private static BindingResponse List(string absolute)
    {
        if (!Directory.Exists(absolute))
        {
            throw File.Exists(absolute)
                ? new BindingException($"unable to list files as the file specified is not a directory: {absolute}")
                : new BindingException($"error getting stats for path {absolute}: stat {absolute}: no such file or directory");
        }

        var files = new List<string>();
        Walk(absolute, files);
        var json = files.Count == 0 ? "null" : "[" + string.Join(",", files.Select(GoJsonString)) + "]";
        return new BindingResponse(Encoding.UTF8.GetBytes(json), new Dictionary<string, string>());
    }

    // filepath.Walk: depth first, entries in lexical (byte) order, symlinks not followed.
    private static void Walk(string directory, List<string> files)
    {
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            if (entry is DirectoryInfo { LinkTarget: null } sub)
            {
                Walk(sub.FullName, files);
            }
            else
            {
                files.Add(entry.FullName);
            }
        }
    }

    private static string ValidateRoot(string rootPath)
    {
        if (rootPath.Length == 0)
        {
            throw new BindingException("property rootPath must not be empty");
        }

        var path = Path.GetFullPath(rootPath);
        if (path.Length > 1)
        {
            path = path.TrimEnd('/');
        }

        // The deepest existing ancestor has its symlinks resolved; the rest is appended as written.
        var check = path;
        while (!Directory.Exists(check) && !File.Exists(check) && Path.GetDirectoryName(check) is { } parent)
        {
            check = parent;
        }

        if (File.Exists(check))
        {
            throw new BindingException("property rootPath represents a file and not a directory");
        }

        var resolved = SecurePath.ResolveLinks(check) + path[check.Length..];
        foreach (var disallowed in DisallowedRoots)
        {
            if (resolved == disallowed || resolved.StartsWith(disallowed + "/", StringComparison.Ordinal))
            {
                throw new BindingException("property rootPath points to a disallowed location");
            }
        }

        return resolved;
    }

    // Go encoding/json for a string: HTML-safe escaping of <, >, &, U+2028 and U+2029.
    private static string GoJsonString(string value)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '<' or '>' or '&' or '\u2028' or '\u2029' or < ' ':
                    sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default: sb.Append(c); break;
            }
        }

        return sb.Append('"').ToString();
    }
}
