namespace LogDapr.DevSidecar.Bindings;

/// <summary>
/// cyphar/filepath-securejoin <c>SecureJoin(root, unsafePath)</c> (used by components-contrib v1.16.0
/// bindings/localstorage): the path is walked one component at a time as if <c>root</c> were <c>/</c>: <c>..</c>
/// never climbs above the root, an absolute path starts at the root, and symlinks met on the way are expanded
/// inside the root (an absolute target restarts at the root). So traversal is not an error: it is clamped.
/// </summary>
public static class SecurePath
{
    private const int MaxLinks = 255;

    public static string Join(string root, string unsafePath)
    {
        var current = new List<string>();
        var pending = new Stack<string>(Split(unsafePath).Reverse());
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part is "" or ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (current.Count > 0)
                {
                    current.RemoveAt(current.Count - 1);
                }

                continue;
            }

            var candidate = Path.Combine(root, Path.Combine([.. current, part]));
            var info = new FileInfo(candidate);
            if (info.LinkTarget is not { } target)
            {
                current.Add(part);
                continue;
            }

            if (++links > MaxLinks)
            {
                throw new BindingException($"error getting absolute path for file {unsafePath}: securejoin: too many links");
            }

            if (target.StartsWith('/'))
            {
                current.Clear();
            }

            foreach (var linkPart in Split(target).Reverse())
            {
                pending.Push(linkPart);
            }
        }

        return current.Count == 0 ? root : Path.Combine(root, Path.Combine([.. current]));
    }

    /// <summary>filepath.EvalSymlinks of an existing path.</summary>
    public static string ResolveLinks(string path)
    {
        var full = Path.GetFullPath(path);
        var result = "/";
        foreach (var part in Split(full))
        {
            var next = Path.Combine(result, part);
            var target = new FileInfo(next).ResolveLinkTarget(returnFinalTarget: true)?.FullName
                ?? new DirectoryInfo(next).ResolveLinkTarget(returnFinalTarget: true)?.FullName;
            result = target is null ? next : ResolveLinks(target);
        }

        return result;
    }

    private static string[] Split(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);
}
