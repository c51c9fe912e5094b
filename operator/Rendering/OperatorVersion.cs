namespace LogDapr.Operator.Rendering;

/// <summary>The operator's version; workload images default to the same tag (the chart's appVersion).</summary>
public static class OperatorVersion
{
    public static string Current { get; } = typeof(OperatorVersion).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
        .OfType<System.Reflection.AssemblyInformationalVersionAttribute>()
        .Select(a => a.InformationalVersion.Split('+')[0])
        .FirstOrDefault() ?? "0.1.0";
}
