using LogDapr.Aggregator.Routing.Routes;
using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Tests.Routing;

/// <summary>The routes document: what a valid one gives, and the precise error (path + message) of every invalid one.</summary>
public class RoutesParserTests
{
    private static readonly ExpressionConditionCompiler Conditions = new();

    [Fact]
    public void A_valid_document_gives_every_route_with_its_condition_binding_operation_and_metadata()
    {
        var (routes, errors) = RoutesParser.Parse("""
            routes:
              - name: acme-errors
                when: 'tenant_id == "acme" and severity == "error"'
                binding: acme-webhook
                metadata: { path: /hook, Authorization: "Bearer x" }
              - name: beta-all
                binding: beta-storage
                operation: post
            """, Conditions);

        Assert.Empty(errors);
        Assert.Equal(["acme-errors", "beta-all"], routes!.Routes.Select(r => r.Name));
        var first = routes.Routes[0];
        Assert.Equal("acme-webhook", first.Binding);
        Assert.Equal("create", first.Operation);
        Assert.Equal("/hook", first.Metadata["path"]);
        Assert.Equal("Bearer x", first.Metadata["Authorization"]);
        Assert.True(first.Matches(Event("acme", Severity.Error)));
        Assert.False(first.Matches(Event("acme", Severity.Info)));
        Assert.False(first.Matches(Event("beta", Severity.Error)));
        Assert.Equal("post", routes.Routes[1].Operation);
        Assert.Null(routes.Routes[1].When);
        Assert.True(routes.Routes[1].Matches(Event("anyone", Severity.Debug)));
    }

    [Fact]
    public void The_operator_s_json_form_is_read_like_yaml()
    {
        var (routes, errors) = RoutesParser.Parse("""{"routes":[{"name":"r1","binding":"b1","when":"service == \"api\""}]}""", Conditions);

        Assert.Empty(errors);
        Assert.Equal("b1", Assert.Single(routes!.Routes).Binding);
    }

    [Theory]
    [InlineData("")]
    [InlineData("routes: []")]
    [InlineData("routes:")]
    public void An_empty_document_or_list_means_no_routes(string text)
    {
        var (routes, errors) = RoutesParser.Parse(text, Conditions);

        Assert.Empty(errors);
        Assert.Empty(routes!.Routes);
    }

    [Theory]
    [InlineData("- a", "", "expected a mapping with the key 'routes'")]
    [InlineData("routes: []\nroutez: []", "routez", "unknown key")]
    [InlineData("routes: {name: a}", "routes", "expected a list of routes")]
    [InlineData("routes: [a]", "routes[0]", "expected a mapping")]
    [InlineData("routes: [{binding: b}]", "routes[0].name", "required")]
    [InlineData("routes: [{name: a}]", "routes[0].binding", "required")]
    [InlineData("routes: [{name: Acme_Errors, binding: b}]", "routes[0].name", "is not a route name")]
    [InlineData("routes: [{name: [a], binding: b}]", "routes[0].name", "expected a string")]
    [InlineData("routes: [{name: a, binding: b}, {name: a, binding: c}]", "routes[1].name", "names must be unique")]
    [InlineData("routes: [{name: a, binding: My_Hook}]", "routes[0].binding", "is not a Dapr component name")]
    [InlineData("routes: [{name: a, binding: b, operation: POST!}]", "routes[0].operation", "is not a binding operation")]
    [InlineData("routes: [{name: a, binding: b, sink: c}]", "routes[0].sink", "unknown key")]
    [InlineData("routes: [{name: a, binding: b, when: '  '}]", "routes[0].when", "empty condition")]
    [InlineData("routes: [{name: a, binding: b, when: 'service = \"x\"'}]", "routes[0].when", "column 9")]
    [InlineData("routes: [{name: a, binding: b, when: 'colour == \"red\"'}]", "routes[0].when", "unknown field 'colour'")]
    [InlineData("routes: [{name: a, binding: b, metadata: [x]}]", "routes[0].metadata", "expected a mapping of strings")]
    [InlineData("routes: [{name: a, binding: b, metadata: {path: [x]}}]", "routes[0].metadata.path", "expected a string")]
    [InlineData("routes: [{name: a, binding: b, metadata: {idempotency-key: x}}]", "routes[0].metadata.idempotency-key", "set by the router")]
    [InlineData("routes: [{name: a, binding: b", "", "line 2, column 1")]
    [InlineData("routes: []\n---\nroutes: []", "", "expected one document")]
    public void An_invalid_document_is_refused_whole_with_the_path_and_reason(string text, string path, string message)
    {
        var (routes, errors) = RoutesParser.Parse(text, Conditions);

        Assert.Null(routes);
        var error = Assert.Single(errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_and_the_valid_routes_beside_them_are_not_applied()
    {
        var (routes, errors) = RoutesParser.Parse("""
            routes:
              - name: good
                binding: hook
              - name: BAD
                binding: hook
              - name: also-bad
            """, Conditions);

        Assert.Null(routes);
        Assert.Equal(["routes[1].name", "routes[2].binding"], errors.Select(e => e.Path));
    }

    [Fact]
    public void Sizes_are_bounded_document_routes_condition_and_metadata()
    {
        Assert.Contains("more than the", Assert.Single(RoutesParser.Parse(new string(' ', RoutesParser.MaxDocumentChars + 1), Conditions).Errors).Message, StringComparison.Ordinal);

        var many = "routes:\n" + string.Concat(Enumerable.Range(0, RoutesParser.MaxRoutes + 1).Select(i => $"  - {{name: r{i}, binding: b}}\n"));
        Assert.Equal("routes", Assert.Single(RoutesParser.Parse(many, Conditions).Errors).Path);

        var longWhen = $"routes: [{{name: a, binding: b, when: 'service == \"{new string('x', RoutesParser.MaxConditionChars)}\"'}}]";
        Assert.Equal("routes[0].when", Assert.Single(RoutesParser.Parse(longWhen, Conditions).Errors).Path);

        var entries = string.Join(", ", Enumerable.Range(0, RoutesParser.MaxMetadataEntries + 1).Select(i => $"k{i}: v"));
        Assert.Equal("routes[0].metadata", Assert.Single(RoutesParser.Parse($"routes: [{{name: a, binding: b, metadata: {{{entries}}}}}]", Conditions).Errors).Path);

        var longValue = $"routes: [{{name: a, binding: b, metadata: {{path: {new string('x', RoutesParser.MaxMetadataValueChars + 1)}}}}}]";
        Assert.Equal("routes[0].metadata.path", Assert.Single(RoutesParser.Parse(longValue, Conditions).Errors).Path);
    }

    [Theory]
    [InlineData("service == \"api\"", true)]
    [InlineData("service == 'api' and attributes.env == \"prod\"", true)]
    [InlineData("service == \"api\" and attributes.env == \"dev\"", false)]
    [InlineData("attributes.missing == \"\"", false)]
    [InlineData("severity == \"warn\"", true)]
    [InlineData("severity >= error", false)]
    [InlineData("severity >= warn and (service in (\"api\", \"web\") or attributes.env == \"dev\")", true)]
    [InlineData("not (attributes.env == \"prod\")", false)]
    public void Route_conditions_use_the_processing_rules_language(string condition, bool expected)
    {
        var (match, error) = Conditions.Compile(condition);

        Assert.Null(error);
        var e = new LogEvent
        {
            Id = "e1", TenantId = "acme", Timestamp = DateTimeOffset.UnixEpoch, Severity = Severity.Warn, Service = "api", Message = "m",
            Attributes = [new("env", "prod")],
        };
        Assert.Equal(expected, match!(e));
    }

    [Theory]
    [InlineData("service = \"a\"", "column 9")]
    [InlineData("service == \"api", "column")]
    [InlineData("sevrity == \"warn\"", "column 1")]
    public void A_route_condition_the_language_refuses_names_the_column(string condition, string message)
    {
        var (match, error) = Conditions.Compile(condition);

        Assert.Null(match);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    private static LogEvent Event(string tenant, Severity severity) => new()
    {
        Id = Guid.NewGuid().ToString(), TenantId = tenant, Timestamp = DateTimeOffset.UnixEpoch, Severity = severity, Service = "api", Message = "m",
    };
}
