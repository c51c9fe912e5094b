namespace LogDapr.DevSidecar.Cli;

/// <summary>An application this sidecar serves: deliveries and subscription discovery go to <see cref="BaseUri"/>.</summary>
public sealed record AppTarget(string AppId, Uri BaseUri)
{
    public static bool TryParse(string text, out AppTarget? target, out string? error)
    {
        target = null;
        var separator = text.IndexOf('=', StringComparison.Ordinal);
        if (separator <= 0 || separator == text.Length - 1)
        {
            error = $"--app expects <appId>=<baseUrl>, got '{text}'";
            return false;
        }

        var appId = text[..separator].Trim();
        var url = text[(separator + 1)..].Trim();
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            error = $"--app {appId}: '{url}' is not an absolute http(s) URL";
            return false;
        }

        // A trailing slash keeps a base path (http://host/prefix) when routes are resolved against it.
        if (!uri.AbsolutePath.EndsWith('/'))
        {
            uri = new Uri(uri.GetLeftPart(UriPartial.Path) + "/" + uri.Query);
        }

        error = null;
        target = new AppTarget(appId, uri);
        return true;
    }
}
