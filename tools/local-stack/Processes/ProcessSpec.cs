namespace LogDapr.LocalStack.Processes;

/// <summary>How to start one process of the local stack.</summary>
public sealed record ProcessSpec(string Name, string FileName, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string?> Environment)
{
    /// <summary>A .NET app run from its built dll.</summary>
    public static ProcessSpec Dotnet(string name, string dll, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?> environment)
        => new(name, "dotnet", [dll, .. arguments], environment);
}
