using CsCheck;
using LogDapr.Processing.Rules;
using LogDapr.Processing.Tests.Support;

namespace LogDapr.Processing.Tests.Rules;

public sealed class RulesParserTests
{
    private const string Full = """
        # the example of docs/processing.md
        mapping:
          fields: { severity: [loglevel], service: [component], message: [text], timestamp: [eventTime],
                    host: [hostname], tenant_id: [tenant], trace_id: [traceid], span_id: [spanid], id: [uuid] }
          separator: "_"
        enrichment:
          hosts: true
          services: false
        transforms:
          - rename: { from: user, to: user.name }
          - copy: { from: a, to: b }
          - remove: [password, token]
          - set: { key: env, value: prod }
            when: 'service == "api"'
          - drop: true
            when: 'severity <= debug and service startswith "health"'
          - sample: { rate: 0.1 }
            when: 'severity == debug'
        redaction:
          presets: [email, ipv4]
          patterns: [ { name: employee_id, regex: 'EMP-[0-9]{6}' } ]
          mode: hash
          message: false
          attributes: [user.email]
          allowAttributes: [env, user.name]
        limits:
          maxAttributeValueBytes: 1024
        """;

    [Fact]
    public void A_full_document_becomes_the_model()
    {
        var rules = RuleText.Parse(Full);

        Assert.Equal(["loglevel"], rules.Mapping.Fields["severity"]);
        Assert.Equal(["uuid"], rules.Mapping.Fields["id"]);
        Assert.Equal(9, rules.Mapping.Fields.Count);
        Assert.Equal("_", rules.Mapping.Separator);
        Assert.Equal(new EnrichmentRules(true, false), rules.Enrichment);
        Assert.Equal(6, rules.Transforms.Count);
        Assert.Equal(new RenameTransform("user", "user.name"), rules.Transforms[0]);
        Assert.Equal(new CopyTransform("a", "b"), rules.Transforms[1]);
        Assert.Equal(["password", "token"], Assert.IsType<RemoveTransform>(rules.Transforms[2]).Keys);
        var set = Assert.IsType<SetTransform>(rules.Transforms[3]);
        Assert.Equal(("env", "prod"), (set.Key, set.Value));
        Assert.Equal("service == \"api\"", set.When!.Canonical);
        Assert.IsType<DropTransform>(rules.Transforms[4]);
        Assert.Equal("(severity <= debug and service startswith \"health\")", rules.Transforms[4].When!.Canonical);
        Assert.Equal(0.1, Assert.IsType<SampleTransform>(rules.Transforms[5]).Rate);
        var redaction = rules.Redaction!;
        Assert.Equal(["email", "ipv4"], redaction.Presets);
        Assert.Equal([new CustomPattern("employee_id", "EMP-[0-9]{6}")], redaction.Patterns);
        Assert.Equal(RedactionMode.Hash, redaction.Mode);
        Assert.False(redaction.Message);
        Assert.Equal(["user.email"], redaction.Attributes);
        Assert.Equal(["env", "user.name"], redaction.AllowAttributes);
        Assert.Equal(1024, rules.Limits.MaxAttributeValueBytes);
        Assert.Matches("^[0-9a-f]{16}$", rules.Version);
    }

    [Fact]
    public void The_same_rules_in_json_parse_to_the_same_version()
    {
        const string json = """
            {"limits":{"maxAttributeValueBytes":1024},
             "redaction":{"allowAttributes":["env","user.name"],"attributes":["user.email"],"message":false,"mode":"hash",
                          "patterns":[{"regex":"EMP-[0-9]{6}","name":"employee_id"}],"presets":["email","ipv4"]},
             "transforms":[{"rename":{"to":"user.name","from":"user"}},{"copy":{"from":"a","to":"b"}},{"remove":["password","token"]},
                           {"when":"service==\"api\"","set":{"key":"env","value":"prod"}},
                           {"drop":true,"when":"severity<=DEBUG AND service startswith 'health'"},
                           {"sample":{"rate":0.1},"when":"severity == debug"}],
             "enrichment":{"services":false,"hosts":true},
             "mapping":{"separator":"_","fields":{"id":["uuid"],"span_id":["spanid"],"trace_id":["traceid"],"tenant_id":["tenant"],
                        "host":["hostname"],"timestamp":["eventTime"],"message":["text"],"service":["component"],"severity":["loglevel"]}}}
            """;

        Assert.Equal(RuleText.Parse(Full).Version, RuleText.Parse(json).Version);
    }

    [Fact]
    public void Spelled_out_defaults_and_an_empty_document_have_the_version_of_no_rules()
    {
        var empty = RuleText.Parse("");
        var defaults = RuleText.Parse("mapping: { separator: '.' }\nenrichment: { hosts: false, services: false }\ntransforms: []\nlimits: {}\n");

        Assert.Equal(empty.Version, defaults.Version);
        Assert.Equal(empty.Version, RuleText.Parse("{}").Version);
        Assert.Null(empty.Redaction);
        Assert.Empty(empty.Transforms);
    }

    [Theory]
    [InlineData("transforms: [ { drop: true } ]", "transforms: [ { drop: true, when: 'severity == debug' } ]")]
    [InlineData("transforms: [ { sample: { rate: 0.1 } } ]", "transforms: [ { sample: { rate: 0.2 } } ]")]
    [InlineData("transforms: [ { remove: [a, b] } ]", "transforms: [ { remove: [b, a] } ]")]
    [InlineData("limits: { maxAttributeValueBytes: 100 }", "limits: { maxAttributeValueBytes: 101 }")]
    [InlineData("redaction: { mode: mask }", "redaction: { mode: hash }")]
    [InlineData("enrichment: { hosts: true }", "enrichment: { services: true }")]
    [InlineData("mapping: { fields: { severity: [a, b] } }", "mapping: { fields: { severity: [b, a] } }")]
    public void Rules_that_behave_differently_have_different_versions(string one, string other)
    {
        Assert.NotEqual(RuleText.Parse(one).Version, RuleText.Parse(other).Version);
    }

    [Theory]
    // document level
    [InlineData("routes: []", "routes", "unknown key (expected mapping, enrichment, transforms, redaction, limits)")]
    [InlineData("- a\n- b", "$", "must be a mapping with any of the keys mapping, enrichment, transforms, redaction, limits")]
    [InlineData("a: [", "$", "line 2, column 1: not valid YAML or JSON: ")]
    [InlineData("a: 1\n---\nb: 2", "$", "more than one document; a rule set is one document")]
    [InlineData("x: &a [1]\ny: *a", "$", "line 2, column 4: aliases (*name) are not supported")]
    [InlineData(": 1", "$", "line 1, column 1: keys must be non-empty names")]
    [InlineData("? [a]\n: 1", "$", "line 1, column 3: keys must be non-empty names")]
    [InlineData("enrichment: { '': true }", "enrichment", "line 1, column 15: keys must be non-empty names")]
    // mapping
    [InlineData("mapping: []", "mapping", "must be a mapping")]
    [InlineData("mapping: { fields: { level: [lvl] } }", "mapping.fields.level", "unknown key (expected id, tenant_id, timestamp, severity, service, message, host, trace_id, span_id)")]
    [InlineData("mapping: { fields: { severity: loglevel } }", "mapping.fields.severity", "must be a list of strings")]
    [InlineData("mapping: { fields: { severity: [''] } }", "mapping.fields.severity[0]", "must not be empty")]
    [InlineData("mapping: { fields: { severity: [[x]] } }", "mapping.fields.severity[0]", "must be a string")]
    [InlineData("mapping: { fields: { severity: [message] } }", "mapping.fields.severity[0]", "'message' is a canonical field name, not an alias")]
    [InlineData("mapping: { fields: { severity: [x], service: [x] } }", "mapping.fields.service[0]", "'x' is already an alias of severity")]
    [InlineData("mapping: { separator: '' }", "mapping.separator", "must not be empty")]
    [InlineData("mapping: { separator: '123456789' }", "mapping.separator", "must be at most 8 characters")]
    [InlineData("mapping: { sep: '.' }", "mapping.sep", "unknown key (expected fields, separator)")]
    // enrichment
    [InlineData("enrichment: { hosts: yes }", "enrichment.hosts", "must be true or false")]
    [InlineData("enrichment: { tenants: true }", "enrichment.tenants", "unknown key (expected hosts, services)")]
    // transforms
    [InlineData("transforms: { drop: true }", "transforms", "must be a list of transforms")]
    [InlineData("transforms: [ 5 ]", "transforms[0]", "must be a mapping")]
    [InlineData("transforms: [ { when: 'severity == debug' } ]", "transforms[0]", "needs exactly one action: rename, copy, remove, set, drop, sample")]
    [InlineData("transforms: [ { drop: true, set: { key: a, value: b } } ]", "transforms[0]", "has 2 actions (drop, set); give each its own transform")]
    [InlineData("transforms: [ { drop: true, if: x } ]", "transforms[0].if", "unknown key (expected rename, copy, remove, set, drop, sample, when)")]
    [InlineData("transforms: [ { drop: false } ]", "transforms[0].drop", "must be true (to keep events, remove the transform)")]
    [InlineData("transforms: [ { rename: { from: a } } ]", "transforms[0].rename.to", "is required")]
    [InlineData("transforms: [ { copy: { from: a, to: '' } } ]", "transforms[0].copy.to", "must not be empty")]
    [InlineData("transforms: [ { copy: { from: a, to: b, at: c } } ]", "transforms[0].copy.at", "unknown key (expected from, to)")]
    [InlineData("transforms: [ { remove: [] } ]", "transforms[0].remove", "must name at least one attribute key")]
    [InlineData("transforms: [ { remove: a } ]", "transforms[0].remove", "must be a list of strings")]
    [InlineData("transforms: [ { set: { key: a, value: [1] } } ]", "transforms[0].set.value", "must be a string, number or boolean")]
    [InlineData("transforms: [ { set: { value: b } } ]", "transforms[0].set.key", "is required")]
    [InlineData("transforms: [ { drop: true }, { drop: true }, { sample: { rate: 1.5 } } ]", "transforms[2].sample.rate", "must be between 0 and 1")]
    [InlineData("transforms: [ { sample: { rate: -0.1 } } ]", "transforms[0].sample.rate", "must be between 0 and 1")]
    [InlineData("transforms: [ { sample: { rate: ten } } ]", "transforms[0].sample.rate", "must be a number")]
    [InlineData("transforms: [ { sample: {} } ]", "transforms[0].sample.rate", "is required")]
    [InlineData("transforms: [ { drop: true, when: 'severity = debug' } ]", "transforms[0].when", "column 10: '=' is not an operator; use '==' to compare")]
    [InlineData("transforms: [ { drop: true, when: 'colour == \"red\"' } ]", "transforms[0].when", "column 1: unknown field 'colour'")]
    [InlineData("transforms: [ { drop: true, when: '' } ]", "transforms[0].when", "must not be empty")]
    // redaction
    [InlineData("redaction: { mode: erase }", "redaction.mode", "must be one of mask, hash, drop")]
    [InlineData("redaction: { message: maybe }", "redaction.message", "must be true or false")]
    [InlineData("redaction: { presets: email }", "redaction.presets", "must be a list of strings")]
    [InlineData("redaction: { patterns: [ { name: x } ] }", "redaction.patterns[0].regex", "is required")]
    [InlineData("redaction: { patterns: { name: x } }", "redaction.patterns", "must be a list of { name, regex }")]
    [InlineData("redaction: { attributes: [''] }", "redaction.attributes[0]", "must not be empty")]
    [InlineData("redaction: { allowAttributes: ['*'] }", "redaction.allowAttributes[0]", "'*' is not a key here; an empty list keeps every attribute")]
    [InlineData("redaction: { keep: [] }", "redaction.keep", "unknown key (expected presets, patterns, mode, message, attributes, allowAttributes)")]
    // limits
    [InlineData("limits: { maxAttributeValueBytes: 15 }", "limits.maxAttributeValueBytes", "must be a whole number between 16 and 1048576")]
    [InlineData("limits: { maxAttributeValueBytes: 1048577 }", "limits.maxAttributeValueBytes", "must be a whole number between 16 and 1048576")]
    [InlineData("limits: { maxAttributeValueBytes: 100.5 }", "limits.maxAttributeValueBytes", "must be a whole number between 16 and 1048576")]
    [InlineData("limits: { maxAttributeValueBytes: lots }", "limits.maxAttributeValueBytes", "must be a number")]
    [InlineData("limits: { maxEvents: 5 }", "limits.maxEvents", "unknown key (expected maxAttributeValueBytes)")]
    public void Every_mistake_is_refused_with_its_path_and_reason(string text, string path, string message)
    {
        var result = RulesParser.Parse(text);

        Assert.Null(result.Rules);
        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Path);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_error_of_a_document_is_reported_not_only_the_first()
    {
        var result = RulesParser.Parse("enrichment: { hosts: 1 }\ntransforms: [ { drop: false }, { sample: { rate: 2 } } ]\nlimits: { maxAttributeValueBytes: 1 }\n");

        Assert.Null(result.Rules);
        Assert.Equal(
            ["enrichment.hosts", "transforms[0].drop", "transforms[1].sample.rate", "limits.maxAttributeValueBytes"],
            result.Errors.Select(e => e.Path));
    }

    [Fact]
    public void A_document_over_one_mebibyte_is_refused_without_parsing()
    {
        var error = RuleText.SingleError("# " + new string('x', RulesParser.MaxDocumentChars));

        Assert.Equal(new RuleError("$", "document is longer than 1048576 characters"), error);
    }

    [Fact]
    public void Too_many_transforms_are_refused()
    {
        var text = "transforms:\n" + string.Concat(Enumerable.Repeat("  - drop: true\n", RulesParser.MaxTransforms + 1));

        Assert.Equal(new RuleError("transforms", "has 1001 transforms; at most 1000 are allowed"), RuleText.SingleError(text));
        Assert.Equal(1000, RuleText.Parse("transforms:\n" + string.Concat(Enumerable.Repeat("  - drop: true\n", RulesParser.MaxTransforms))).Transforms.Count);
    }

    [Fact]
    public void Too_many_patterns_are_refused()
    {
        var patterns = string.Join(", ", Enumerable.Range(0, RulesParser.MaxPatterns + 1).Select(i => $"{{ name: p{i}, regex: 'a{i}' }}"));

        Assert.Equal(new RuleError("redaction.patterns", "has 201 patterns; at most 200 are allowed"), RuleText.SingleError($"redaction: {{ patterns: [ {patterns} ] }}"));
    }

    [Fact]
    public void Deep_nesting_is_refused_before_the_tree_is_built()
    {
        var error = RuleText.SingleError("a: " + new string('[', 100_000) + new string(']', 100_000));

        Assert.Equal("$", error.Path);
        Assert.Contains("nested deeper than 64 levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicate_key_is_refused()
    {
        var error = RuleText.SingleError("enrichment: { hosts: true }\nenrichment: { hosts: false }\n");

        Assert.Equal("$", error.Path);
        Assert.Contains("not valid YAML or JSON", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a: [")]
    [InlineData("a: b: c")]
    [InlineData("{\"a\": 1,, }")]
    [InlineData("a: 'unclosed")]
    public void A_syntax_error_names_its_line_and_column_once(string text)
    {
        var error = RuleText.SingleError(text);

        Assert.Equal("$", error.Path);
        Assert.Matches("^line [0-9]+, column [0-9]+: not valid YAML or JSON: [^(]", error.Message);
        Assert.DoesNotContain("Line:", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> OverLongValues => new()
    {
        { $"mapping: {{ fields: {{ severity: [{new string('a', 257)}] }} }}", "mapping.fields.severity[0]", "must be at most 256 characters" },
        { $"mapping: {{ fields: {{ severity: [{string.Join(", ", Enumerable.Range(0, 33).Select(i => $"a{i}"))}] }} }}", "mapping.fields.severity", "has 33 items; at most 32 are allowed" },
        { $"transforms: [ {{ rename: {{ from: a, to: {new string('k', 129)} }} }} ]", "transforms[0].rename.to", "must be at most 128 characters" },
        { $"transforms: [ {{ remove: [{new string('k', 129)}] }} ]", "transforms[0].remove[0]", "must be at most 128 characters" },
        { $"transforms: [ {{ remove: [{string.Join(", ", Enumerable.Range(0, 257).Select(i => $"k{i}"))}] }} ]", "transforms[0].remove", "has 257 items; at most 256 are allowed" },
        { $"transforms: [ {{ set: {{ key: a, value: '{new string('é', 2049)}' }} }} ]", "transforms[0].set.value", "must be at most 4096 bytes of UTF-8" },
        { $"transforms: [ {{ drop: true, when: '{new string(' ', 4097)}' }} ]", "transforms[0].when", "column 4097: expression is longer than 4096 characters" },
        { $"redaction: {{ attributes: [{string.Join(", ", Enumerable.Range(0, 1001).Select(i => $"k{i}"))}] }}", "redaction.attributes", "has 1001 items; at most 1000 are allowed" },
        { $"redaction: {{ allowAttributes: [{new string('k', 129)}] }}", "redaction.allowAttributes[0]", "must be at most 128 characters" },
        { $"redaction: {{ presets: [{string.Join(", ", Enumerable.Range(0, 65).Select(i => $"p{i}"))}] }}", "redaction.presets", "has 65 items; at most 64 are allowed" },
    };

    [Theory]
    [MemberData(nameof(OverLongValues))]
    public void Every_bound_is_enforced_with_its_path(string text, string path, string message)
    {
        Assert.Equal(new RuleError(path, message), RuleText.SingleError(text));
    }

    [Fact]
    public void Values_at_the_bounds_are_accepted()
    {
        var rules = RuleText.Parse(
            $"mapping: {{ fields: {{ severity: [{new string('a', 256)}] }} }}\n" +
            $"transforms: [ {{ set: {{ key: {new string('k', 128)}, value: '{new string('é', 2048)}' }} }} ]\n" +
            "limits: { maxAttributeValueBytes: 16 }");

        Assert.Equal(128, Assert.IsType<SetTransform>(rules.Transforms[0]).Key.Length);
        Assert.Equal(16, rules.Limits.MaxAttributeValueBytes);
        Assert.Equal(1048576, RuleText.Parse("limits: { maxAttributeValueBytes: 1048576 }").Limits.MaxAttributeValueBytes);
    }

    [Fact]
    public void Set_takes_numbers_and_booleans_as_their_text()
    {
        var rules = RuleText.Parse("transforms: [ { set: { key: retries, value: 3 } }, { set: { key: sampled, value: true } } ]");

        Assert.Equal("3", Assert.IsType<SetTransform>(rules.Transforms[0]).Value);
        Assert.Equal("true", Assert.IsType<SetTransform>(rules.Transforms[1]).Value);
    }

    [Fact]
    public void Parsing_never_throws_on_random_text()
    {
        Gen.String[Gen.Char, 0, 2000].Sample(text => Consistent(RulesParser.Parse(text)), iter: 2_000);
    }

    private static readonly Gen<string> Scalar = Gen.OneOf<string>(
        "true", "false", "0.5", "2", "-1", "''", "null", "~", "x", "'severity == debug'", "'(('", "mask", "hash", "[]", "{}", "&a 1", "*a", "'EMP-[0-9]+'", "'('");

    private static readonly Gen<string> Key = Gen.OneOf<string>(
        "mapping", "enrichment", "transforms", "redaction", "limits", "fields", "separator", "severity", "hosts", "services",
        "rename", "copy", "remove", "set", "drop", "sample", "when", "from", "to", "key", "value", "rate", "presets", "patterns",
        "name", "regex", "mode", "message", "attributes", "allowAttributes", "maxAttributeValueBytes", "other");

    private static readonly Gen<string> Node = Gen.Recursive<string>((depth, self) => depth >= 4
        ? Scalar
        : Gen.Frequency(
            (3, Scalar),
            (2, self.Array[0, 4].Select(items => "[" + string.Join(", ", items) + "]")),
            (3, Gen.Select(Key, self).Array[0, 4].Select(entries => "{" + string.Join(", ", entries.Select(e => e.Item1 + ": " + e.Item2)) + "}"))));

    [Fact]
    public void Parsing_never_throws_on_random_rule_shaped_documents()
    {
        Gen.Select(Key, Node).Array[0, 5]
            .Select(entries => string.Join('\n', entries.Select(e => e.Item1 + ": " + e.Item2)))
            .Sample(text => Consistent(RulesParser.Parse(text)), iter: 5_000);
    }

    private static bool Consistent(RulesParseResult result) =>
        result.Rules is null
            ? result.Errors.Count > 0 && result.Errors.All(e => e.Path.Length > 0 && e.Message.Length > 0)
            : result.Errors.Count == 0 && result.Rules.Version.Length == 16;
}
