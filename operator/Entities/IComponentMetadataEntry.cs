namespace LogDapr.Operator.Entities;

/// <summary>
/// A metadata entry of a Dapr component the user declares in the spec (the archive binding, route bindings): a plain
/// value or a reference to a Secret key, exactly one of the two.
/// </summary>
public interface IComponentMetadataEntry
{
    string Name { get; }

    string? Value { get; }

    SecretKeySelector? SecretKeyRef { get; }
}
