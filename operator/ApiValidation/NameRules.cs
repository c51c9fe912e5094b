using System.Text.RegularExpressions;

namespace LogDapr.Operator.ApiValidation;

/// <summary>
/// The apiserver's syntax rules for names, label keys and values (k8s.io/apimachinery pkg/util/validation
/// validation.go: IsDNS1123Label, IsDNS1123Subdomain, IsDNS1035Label, IsQualifiedName, IsValidLabelValue,
/// IsValidPortName, IsEnvVarName). Each returns the problems in the apiserver's wording, empty when the value is valid.
/// </summary>
public static partial class NameRules
{
    public const int LabelMaxLength = 63;
    public const int SubdomainMaxLength = 253;

    /// <summary>Total bytes of an object's annotations (keys and values), apimachinery's TotalAnnotationSizeLimitB.</summary>
    public const int TotalAnnotationSizeLimit = 256 * 1024;

    public static IReadOnlyList<string> Dns1123Label(string value) => Check(value, LabelMaxLength, Dns1123LabelRegex(),
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");

    public static IReadOnlyList<string> Dns1035Label(string value) => Check(value, LabelMaxLength, Dns1035LabelRegex(),
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");

    public static IReadOnlyList<string> Dns1123Subdomain(string value) => Check(value, SubdomainMaxLength, Dns1123SubdomainRegex(),
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");

    /// <summary>A label value: empty, or up to 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric.</summary>
    public static IReadOnlyList<string> LabelValue(string value) => value.Length == 0 ? [] : Check(value, LabelMaxLength, LabelValueRegex(),
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");

    /// <summary>A label or annotation key: an optional DNS subdomain prefix and '/', then a name of up to 63 characters.</summary>
    public static IReadOnlyList<string> QualifiedName(string value)
    {
        var parts = value.Split('/');
        string name;
        var problems = new List<string>();
        switch (parts.Length)
        {
            case 1:
                name = parts[0];
                break;
            case 2:
                name = parts[1];
                if (parts[0].Length == 0)
                {
                    problems.Add("prefix part must be non-empty");
                }
                else
                {
                    problems.AddRange(Dns1123Subdomain(parts[0]).Select(p => "prefix part " + p));
                }
                break;
            default:
                return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
        }
        if (name.Length == 0)
        {
            problems.Add("name part must be non-empty");
        }
        else
        {
            problems.AddRange(Check(name, LabelMaxLength, QualifiedNameRegex(),
                "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"));
        }
        return problems;
    }

    /// <summary>A port name (IANA_SVC_NAME): what a container port's name and a Service's string targetPort must be.</summary>
    public static IReadOnlyList<string> PortName(string value)
    {
        var problems = new List<string>();
        if (value.Length > 15)
        {
            problems.Add("must be no more than 15 characters");
        }
        if (!PortNameCharsRegex().IsMatch(value))
        {
            problems.Add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        }
        if (value.Contains("--", StringComparison.Ordinal))
        {
            problems.Add("must not contain consecutive hyphens");
        }
        if (value.Length > 0 && (value[0] == '-' || value[^1] == '-'))
        {
            problems.Add("must not begin or end with a hyphen");
        }
        if (!value.Any(c => c is >= 'a' and <= 'z'))
        {
            problems.Add("must contain at least one letter (a-z)");
        }
        return problems;
    }

    /// <summary>An environment variable name as apiservers before the relaxed validation (1.32 beta) accept it.</summary>
    public static IReadOnlyList<string> EnvVarName(string value) => value is "." or ".."
        ? ["must not be '.' or '..'"]
        : Check(value, int.MaxValue, EnvVarNameRegex(),
            "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')");

    private static List<string> Check(string value, int maxLength, Regex regex, string message)
    {
        var problems = new List<string>();
        if (value.Length > maxLength)
        {
            problems.Add($"must be no more than {maxLength} characters");
        }
        if (!regex.IsMatch(value))
        {
            problems.Add(message);
        }
        return problems;
    }

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123LabelRegex();

    [GeneratedRegex(@"^[a-z]([-a-z0-9]*[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1035LabelRegex();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123SubdomainRegex();

    [GeneratedRegex(@"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex LabelValueRegex();

    [GeneratedRegex(@"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\z", RegexOptions.CultureInvariant)]
    private static partial Regex QualifiedNameRegex();

    [GeneratedRegex(@"^[-a-z0-9]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex PortNameCharsRegex();

    [GeneratedRegex(@"^[-._a-zA-Z][-._a-zA-Z0-9]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex EnvVarNameRegex();
}
