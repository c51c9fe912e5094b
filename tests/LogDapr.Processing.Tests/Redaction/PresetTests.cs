using LogDapr.Processing.Redaction;
using LogDapr.Processing.Rules;

namespace LogDapr.Processing.Tests.Redaction;

public class PresetTests
{
    private static string Mask(string preset, string text)
    {
        var redactor = Redactor.Create(new RedactionRules { Presets = [preset] }, null);
        return redactor.Redact(text, new ProcessingCounters());
    }

    [Theory]
    [InlineData("mail bob@example.com now", "mail [REDACTED:email] now")]
    [InlineData("to=\"first.last+tag@mail.example.co.uk\".", "to=\"[REDACTED:email]\".")]
    [InlineData("key=user_1@sub-domain.example.org", "key=[REDACTED:email]")]
    [InlineData("<a%b@x.io>, c@d.museum", "<[REDACTED:email]>, [REDACTED:email]")]
    [InlineData("sent to bob@example.com.", "sent to [REDACTED:email].")]
    public void Email_is_masked(string text, string expected) => Assert.Equal(expected, Mask("email", text));

    [Theory]
    [InlineData("card 4111 1111 1111 1111 ok", "card [REDACTED:credit_card] ok")]
    [InlineData("card=4111-1111-1111-1111", "card=[REDACTED:credit_card]")]
    [InlineData("amex 378282246310005 or 3782 822463 10005", "amex [REDACTED:credit_card] or [REDACTED:credit_card]")]
    [InlineData("mc 5555555555554444, visa 4012888888881881", "mc [REDACTED:credit_card], visa [REDACTED:credit_card]")]
    [InlineData("card 4111 1111 1111 1111 2024", "card [REDACTED:credit_card] 2024")]
    public void Credit_card_is_masked(string text, string expected) => Assert.Equal(expected, Mask("credit_card", text));

    [Theory]
    [InlineData("from 10.0.0.1:8080 to 192.168.1.255/24", "from [REDACTED:ipv4]:8080 to [REDACTED:ipv4]/24")]
    [InlineData("ip=255.255.255.255.", "ip=[REDACTED:ipv4].")]
    [InlineData("[0.0.0.0]", "[[REDACTED:ipv4]]")]
    public void Ipv4_is_masked(string text, string expected) => Assert.Equal(expected, Mask("ipv4", text));

    [Theory]
    [InlineData("src 2001:0db8:85a3:0000:0000:8a2e:0370:7334 ok", "src [REDACTED:ipv6] ok")]
    [InlineData("[2001:db8::1]:443", "[[REDACTED:ipv6]]:443")]
    [InlineData("peer ::1 and fe80::1%eth0", "peer [REDACTED:ipv6] and [REDACTED:ipv6]%eth0")]
    [InlineData("mapped ::ffff:192.168.1.1.", "mapped [REDACTED:ipv6].")]
    [InlineData("ip:2001:db8:0:0:1::2", "ip:[REDACTED:ipv6]")]
    [InlineData("a dead:beef:cafe::1 b", "a [REDACTED:ipv6] b")]
    public void Ipv6_is_masked(string text, string expected) => Assert.Equal(expected, Mask("ipv6", text));

    [Theory]
    [InlineData("call +1 (555) 123-4567 now", "call [REDACTED:phone] now")]
    [InlineData("tel:+4915112345678", "tel:[REDACTED:phone]")]
    [InlineData("+44 20 7946 0958", "[REDACTED:phone]")]
    [InlineData("call +1 555 123 4567 8a3f0c and (555) 123-4567 (home)", "call [REDACTED:phone] 8a3f0c and [REDACTED:phone] (home)")]
    [InlineData("us 555-123-4567, 555.123.4567, (555) 123-4567, 1-800-555-0199", "us [REDACTED:phone], [REDACTED:phone], [REDACTED:phone], [REDACTED:phone]")]
    [InlineData("uk 020 7946 0958 fr 06 12 34 56 78", "uk [REDACTED:phone] fr [REDACTED:phone]")]
    public void Phone_is_masked(string text, string expected) => Assert.Equal(expected, Mask("phone", text));

    private const string Token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";

    [Theory]
    [InlineData("token " + Token + " end", "token [REDACTED:jwt] end")]
    [InlineData("\"id_token\":\"" + Token + "\"", "\"id_token\":\"[REDACTED:jwt]\"")]
    [InlineData("unsigned eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0. end", "unsigned [REDACTED:jwt] end")]
    public void Jwt_is_masked(string text, string expected) => Assert.Equal(expected, Mask("jwt", text));

    [Theory]
    [InlineData("Authorization: Bearer abc123def456", "Authorization: Bearer [REDACTED:bearer_token]")]
    [InlineData("authorization: bearer mF_9.B5f-4.1JqM", "authorization: bearer [REDACTED:bearer_token]")]
    [InlineData("BEARER  x/y+z.1234== next", "BEARER  [REDACTED:bearer_token] next")]
    public void Bearer_token_keeps_the_word_and_masks_the_token(string text, string expected) =>
        Assert.Equal(expected, Mask("bearer_token", text));

    [Theory]
    [InlineData("Authorization: Basic dXNlcjpwYXNzd29yZA==", "Authorization: Basic [REDACTED:basic_auth]")]
    [InlineData("basic QWxhZGRpbjpvcGVuIHNlc2FtZQ== sent", "basic [REDACTED:basic_auth] sent")]
    [InlineData("dsn=postgres://app:s3cret@db:5432/logs", "dsn=postgres://[REDACTED:basic_auth]@db:5432/logs")]
    [InlineData("redis://:p@ss@cache:6379", "redis://[REDACTED:basic_auth]@cache:6379")]
    [InlineData("https://APIKEY:@api.example.com/v1", "https://[REDACTED:basic_auth]@api.example.com/v1")]
    public void Basic_auth_is_masked(string text, string expected) => Assert.Equal(expected, Mask("basic_auth", text));

    [Theory]
    [InlineData("key AKIAIOSFODNN7EXAMPLE used", "key [REDACTED:aws_access_key] used")]
    [InlineData("ASIAY34FZKBOKMUTVV7A", "[REDACTED:aws_access_key]")]
    [InlineData("aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key=[REDACTED:aws_access_key]")]
    [InlineData("{\"AWS_SECRET_ACCESS_KEY\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"}", "{\"AWS_SECRET_ACCESS_KEY\": \"[REDACTED:aws_access_key]\"}")]
    [InlineData("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n", "aws_secret_access_key = [REDACTED:aws_access_key]\n")]
    public void Aws_keys_are_masked(string text, string expected) => Assert.Equal(expected, Mask("aws_access_key", text));

    [Theory]
    [InlineData("iban DE89370400440532013000 ok", "iban [REDACTED:iban] ok")]
    [InlineData("IBAN: DE89 3704 0044 0532 0130 00.", "IBAN: [REDACTED:iban].")]
    [InlineData("GB82 WEST 1234 5698 7654 32 EUR", "[REDACTED:iban] EUR")]
    [InlineData("(NO9386011117947)", "([REDACTED:iban])")]
    public void Iban_is_masked(string text, string expected) => Assert.Equal(expected, Mask("iban", text));

    [Theory]
    [InlineData("email", "user at example dot com, @mention, a@b, x@localhost, foo@bar.c0m, name@.com")]
    [InlineData("credit_card", "4111 1111 1111 1112, 1732780000000, 123456789012345678901, order 5555555555554445, id4111111111111111")]
    [InlineData("credit_card", "1234 5678 9012 3456, 2024-01-15 10:11:12, ae0a-2422-051506990117, 41111-11111-11111-1")]
    [InlineData("ipv4", "version 1.2.3, 1.2.3.4.5, 256.1.1.1, 10.0.0.01, 1.2.3.4a, v10.0.0.1")]
    [InlineData("ipv6", "12:30:45, 2024-01-15T10:11:12.123Z, 00:1a:2b:3c:4d:5e, std::string, Add::, 1:2:3:4:5:6:7, 1::2::3")]
    [InlineData("phone", "order 1234567890, ts 1732780000123, 2024-01-15, id 12-555-123-4567, 555-1234, 1.2.3, +0 123 456 789")]
    [InlineData("phone", "v10.0.19041.1, amount 1,234,567.89, 555-123-45678, 123-456-7890, 0.5.1")]
    [InlineData("jwt", "eyJhbGciOiJIUzI1NiJ9 alone, eyJ.e.f, abceyJhbGciOiJIUzI1NiJ9.eyJzdWIi.x")]
    [InlineData("bearer_token", "the bearer of the message, Bearer token, Bearer abcdefgh, bearer=abc123456")]
    [InlineData("basic_auth", "Basic settings, basic auth, Basic dXNlcnBhc3N3b3Jk, ssh://git@github.com, https://example.com/a@b")]
    [InlineData("aws_access_key", "AKIAIOSFODNN7EXAMPL, XAKIAIOSFODNN7EXAMPLE, AKIAiosfodnn7example, aws_secret_access_key=short")]
    [InlineData("iban", "DE89370400440532013001, DE8937040044053201300, XX89370400440532013000, de89370400440532013000")]
    public void Clean_text_is_not_changed(string preset, string text)
    {
        var counters = new ProcessingCounters();
        var redactor = Redactor.Create(new RedactionRules { Presets = [preset] }, null);

        string result = redactor.Redact(text, counters);

        Assert.Equal(text, result);
        Assert.Same(text, result);
        Assert.Empty(counters.Redactions);
    }

    [Fact]
    public void Words_uuids_timestamps_versions_and_order_ids_pass_all_presets_unchanged()
    {
        const string text = "GET /api/orders/ORD-2024-000123 200 in 12.5ms at 2024-11-28T08:12:34.567Z build 10.0.12 "
            + "request 123e4567-e89b-12d3-a456-426614174000 user=alice retries=3 epoch 1732780354123 sha 9f86d081884c7d65";
        var redactor = Redactor.Create(new RedactionRules { Presets = RedactionPresets.All }, null);

        Assert.Same(text, redactor.RedactText(text));
    }
}
