namespace LogDapr.Processing.Redaction;

/// <summary>The preset names of <c>redaction.presets</c>; each is also the kind in the replacement and the counters.</summary>
public static class RedactionPresets
{
    public const string Email = "email";
    public const string CreditCard = "credit_card";
    public const string Ipv4 = "ipv4";
    public const string Ipv6 = "ipv6";
    public const string Phone = "phone";
    public const string Jwt = "jwt";
    public const string BearerToken = "bearer_token";
    public const string BasicAuth = "basic_auth";
    public const string AwsAccessKey = "aws_access_key";
    public const string Iban = "iban";

    /// <summary>The kind of a custom pattern is this prefix and its name.</summary>
    public const string CustomKindPrefix = "custom:";

    /// <summary>
    /// Every preset, in the order that breaks ties: when two matches start at the same place and are equally long,
    /// the one earlier here wins (the more specific one: a JWT sent as a bearer token is counted as a JWT; an IPv4
    /// address is never taken for a phone number). Custom patterns come after all presets, in their listed order.
    /// </summary>
    public static IReadOnlyList<string> All { get; } =
        [Jwt, BearerToken, BasicAuth, AwsAccessKey, Email, Iban, CreditCard, Ipv6, Ipv4, Phone];

    internal static PiiMatcher Matcher(string preset) => preset switch
    {
        Email => new EmailMatcher(),
        CreditCard => new CreditCardMatcher(),
        Ipv4 => new Ipv4Matcher(),
        Ipv6 => new Ipv6Matcher(),
        Phone => new PhoneMatcher(),
        Jwt => new JwtMatcher(),
        BearerToken => new BearerTokenMatcher(),
        BasicAuth => new BasicAuthMatcher(),
        AwsAccessKey => new AwsKeyMatcher(),
        Iban => new IbanMatcher(),
        _ => throw new ArgumentOutOfRangeException(nameof(preset), preset, "unknown preset"),
    };
}
