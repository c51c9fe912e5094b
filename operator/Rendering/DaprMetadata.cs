using System.Globalization;
using LogDapr.Operator.DaprResources;
using LogDapr.Operator.Entities;

namespace LogDapr.Operator.Rendering;

/// <summary>
/// Builds a Dapr component's spec.metadata list. Values are always strings (Dapr's component metadata is
/// string-typed; an unquoted number would be decoded differently by some components), secrets only by reference.
/// </summary>
internal sealed class DaprMetadata
{
    private readonly List<DaprMetadataItem> items = [];
    private readonly List<SecretReference> secrets;

    public DaprMetadata(List<SecretReference> secrets) => this.secrets = secrets;

    public List<DaprMetadataItem> Items => items;

    public DaprMetadata Value(string name, string value)
    {
        items.Add(new DaprMetadataItem { Name = name, Value = value });
        return this;
    }

    public DaprMetadata Value(string name, long value) => Value(name, value.ToString(CultureInfo.InvariantCulture));

    public DaprMetadata Value(string name, bool value) => Value(name, value ? "true" : "false");

    public DaprMetadata OptionalValue(string name, string? value) => value is null ? this : Value(name, value);

    /// <summary>
    /// The entries the user declared for a component, at <paramref name="path"/> under spec (e.g.
    /// "storage.archive.metadata"); an entry with both or neither of value and secretKeyRef is refused.
    /// </summary>
    public DaprMetadata Declared(IReadOnlyList<IComponentMetadataEntry> entries, string path)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if ((entry.Value is null) == (entry.SecretKeyRef is null))
            {
                throw new InvalidPipelineException($"{path}[{i}] ({entry.Name}) needs exactly one of value and secretKeyRef");
            }
            if (entry.SecretKeyRef is { } secret)
            {
                Secret(entry.Name, secret, $"spec.{path}[{i}].secretKeyRef");
            }
            else
            {
                Value(entry.Name, entry.Value!);
            }
        }
        return this;
    }

    /// <summary>
    /// A metadata entry the component reads as a file path: the value is <paramref name="path"/>, where the pod
    /// mounts the Secret key for daprd (<see cref="TlsFiles"/>); the key must exist before anything is applied.
    /// </summary>
    public DaprMetadata MountedFile(string name, SecretKeySelector? selector, string fieldPath, string path)
    {
        if (selector is null)
        {
            return this;
        }
        secrets.Add(new SecretReference(selector.Name, selector.Key, fieldPath));
        return Value(name, path);
    }

    public DaprMetadata Secret(string name, SecretKeySelector? selector, string fieldPath)
    {
        if (selector is null)
        {
            return this;
        }
        items.Add(new DaprMetadataItem { Name = name, SecretKeyRef = new DaprSecretKeyRef { Name = selector.Name, Key = selector.Key } });
        secrets.Add(new SecretReference(selector.Name, selector.Key, fieldPath));
        return this;
    }
}

/// <summary>Go duration strings as Dapr parses them (time.ParseDuration).</summary>
internal static class GoDuration
{
    public static string FromMilliseconds(long milliseconds) =>
        milliseconds % 1000 == 0
            ? FromSeconds(milliseconds / 1000)
            : milliseconds.ToString(CultureInfo.InvariantCulture) + "ms";

    public static string FromSeconds(long seconds) => seconds.ToString(CultureInfo.InvariantCulture) + "s";
}
