using System.Text;
using LogDapr.Contracts.Events;
using LogDapr.Contracts.Tests.Support;

namespace LogDapr.Contracts.Tests;

public class PayloadTests
{
    private static string Event(string message) => Wire.Event("message", Wire.Quote(message));
    private static readonly string Invalid = Wire.Event("tenant_id", null);

    private static ParseResult ReadOk(string payload, PayloadFormat format = PayloadFormat.Json, LogEventLimits? limits = null)
    {
        var result = Wire.Read(payload, format, limits);
        Assert.True(result.Error is null, result.Error?.Message);
        return result;
    }

    [Fact]
    public void A_single_event_object_is_one_event()
    {
        var result = ReadOk(Event("one"));

        Assert.Equal("one", Assert.Single(result.Accepted).Message);
        Assert.Equal(1, result.Total);
    }

    [Fact]
    public void An_array_of_events_keeps_their_order()
    {
        var result = ReadOk($"[{Event("a")},{Event("b")},{Event("c")}]");

        Assert.Equal(["a", "b", "c"], result.Accepted.Select(e => e.Message));
    }

    [Theory]
    [InlineData("""{"events":[EV1,EV2]}""")]
    [InlineData("""{"source":"agent","events":[EV1,EV2],"meta":{"sent":[1,2,{"x":null}]}}""")]
    [InlineData("""{"tenant_id":"ignored","severity":"nonsense","events":[EV1,EV2]}""")]
    [InlineData(""" { "events" : [ EV1 , EV2 ] } """)]
    public void The_events_wrapper_is_read_and_its_other_properties_ignored(string template)
    {
        var result = ReadOk(template.Replace("EV1", Event("a"), StringComparison.Ordinal).Replace("EV2", Event("b"), StringComparison.Ordinal));

        Assert.Equal(["a", "b"], result.Accepted.Select(e => e.Message));
        Assert.Empty(result.Rejected);
    }

    [Theory]
    [InlineData("""{"events":5}""", "\"events\" must be an array of event objects, got number")]
    [InlineData("""{"events":null}""", "got null")]
    [InlineData("""{"events":{"tenant_id":"acme"}}""", "got object")]
    [InlineData("""{"events":[],"events":[]}""", "more than one \"events\" property")]
    [InlineData("42", "payload must be an event object, an array of event objects or {\"events\":[...]}, got number")]
    [InlineData("\"an event\"", "got string")]
    [InlineData("true", "got boolean")]
    [InlineData("null", "got null")]
    public void Other_shapes_are_refused_as_a_whole(string payload, string fragment)
    {
        var result = Wire.Read(payload);

        Assert.Equal(PayloadErrorKind.UnsupportedShape, result.Error?.Kind);
        Assert.Contains(fragment, result.Error!.Message, StringComparison.Ordinal);
        Assert.Empty(result.Accepted);
    }

    [Fact]
    public void Array_elements_that_are_not_objects_are_rejected_one_by_one()
    {
        var result = ReadOk($"[{Event("a")},5,\"x\",[{Event("nested")}],null,true,{Event("b")}]");

        Assert.Equal(["a", "b"], result.Accepted.Select(e => e.Message));
        Assert.Equal([1, 2, 3, 4, 5], result.Rejected.Select(r => r.Index));
        Assert.Equal(
            ["number", "string", "array", "null", "boolean"],
            result.Rejected.Select(r => Assert.Single(r.Errors)).Select(e => e.Message.Split("got ")[1]));
        Assert.All(result.Rejected, r => Assert.Equal(LogEventFields.WholeEvent, r.Errors[0].Field));
        Assert.All(result.Rejected, r => Assert.StartsWith("event must be a JSON object", r.Errors[0].Message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_partial_batch_accepts_the_valid_events_and_reports_the_rejected_positions()
    {
        var result = ReadOk($"[{Invalid},{Event("first")},{Invalid},{Invalid},{Event("second")},{Wire.Event("severity", "\"x\"")}]");

        Assert.Equal(["first", "second"], result.Accepted.Select(e => e.Message));
        Assert.Equal([0, 2, 3, 5], result.Rejected.Select(r => r.Index));
        Assert.Equal(["tenant_id", "tenant_id", "tenant_id", "severity"], result.Rejected.Select(r => Assert.Single(r.Errors).Field));
        Assert.Equal(6, result.Total);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \r\n\t ")]
    [InlineData("[]")]
    [InlineData(" [ ] ")]
    [InlineData("""{"events":[]}""")]
    [InlineData("\uFEFF")]
    public void Payloads_without_events_are_empty(string payload)
    {
        Assert.Equal(PayloadErrorKind.Empty, Wire.Read(payload).Error?.Kind);
    }

    [Theory]
    [InlineData("\n\n   \r\n")]
    [InlineData("")]
    public void Ndjson_without_events_is_empty(string payload)
    {
        Assert.Equal(PayloadErrorKind.Empty, Wire.Read(payload, PayloadFormat.Ndjson).Error?.Kind);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("[{\"tenant_id\":")]
    [InlineData("{\"tenant_id\":\"acme\",}")]
    [InlineData("[1,]")]
    [InlineData("{'tenant_id':'acme'}")]
    [InlineData("/* comment */ {}")]
    [InlineData("EVENT x")]
    [InlineData("EVENT EVENT")]
    [InlineData("[EVENT] []")]
    [InlineData("{\"events\":[EVENT]} {")]
    [InlineData("EVENT\n{")]
    public void Broken_json_is_refused_as_a_whole(string template)
    {
        var result = Wire.Read(template.Replace("EVENT", Event("m"), StringComparison.Ordinal));

        Assert.Equal(PayloadErrorKind.MalformedJson, result.Error?.Kind);
        Assert.StartsWith("malformed JSON: ", result.Error!.Message, StringComparison.Ordinal);
        Assert.Empty(result.Accepted);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_malformed_even_inside_ignored_fields()
    {
        string deep = new string('[', 20) + new string(']', 20);
        var result = Wire.Read(Wire.Event("extra", deep));

        Assert.Equal(PayloadErrorKind.MalformedJson, result.Error?.Kind);
        Assert.Contains("depth", result.Error!.Message, StringComparison.Ordinal);
        Assert.Single(Wire.Read(Wire.Event("extra", new string('[', 10) + new string(']', 10))).Accepted);
    }

    [Fact]
    public void A_byte_order_mark_is_skipped()
    {
        var payload = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Event("bom"))).ToArray();

        Assert.Equal("bom", Assert.Single(Wire.Read(payload).Accepted).Message);
        Assert.Equal("bom", Assert.Single(Wire.Read(payload, PayloadFormat.Ndjson).Accepted).Message);
    }

    [Fact]
    public void Ndjson_lines_are_independent_and_indexes_count_only_non_blank_lines()
    {
        string payload = string.Join("\n",
            Event("zero"),
            "",
            "{\"tenant_id\":",
            "   ",
            Event("two") + "\r",
            "[" + Event("in an array") + "]",
            Invalid,
            Event("five") + " trailing",
            "\r",
            Event("six"),
            "") ;

        var result = ReadOk(payload, PayloadFormat.Ndjson);

        Assert.Equal(["zero", "two", "six"], result.Accepted.Select(e => e.Message));
        Assert.Equal([1, 3, 4, 5], result.Rejected.Select(r => r.Index));
        var errors = result.Rejected.Select(r => Assert.Single(r.Errors)).ToList();
        Assert.Equal(["$", "$", "tenant_id", "$"], errors.Select(e => e.Field));
        Assert.StartsWith("malformed JSON: ", errors[0].Message, StringComparison.Ordinal);
        Assert.Equal("line must be one JSON event object, got array", errors[1].Message);
        Assert.StartsWith("malformed JSON: ", errors[3].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ndjson_line_nested_too_deep_rejects_only_that_line()
    {
        string payload = Event("a") + "\n" + Wire.Event("x", new string('[', 30) + new string(']', 30)) + "\n" + Event("c");

        var result = ReadOk(payload, PayloadFormat.Ndjson);

        Assert.Equal(["a", "c"], result.Accepted.Select(e => e.Message));
        Assert.Contains("depth", Assert.Single(Assert.Single(result.Rejected).Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void In_ndjson_an_events_property_is_just_an_unknown_field()
    {
        var result = ReadOk(Wire.Event("events", "[1,2]"), PayloadFormat.Ndjson);

        Assert.Single(result.Accepted);
    }

    [Fact]
    public void More_events_than_the_limit_refuses_the_payload_and_names_the_limit()
    {
        var limits = LogEventLimits.Default with { MaxEventsPerBatch = 3 };
        string three = string.Join(",", Enumerable.Repeat(Event("m"), 3));

        Assert.Equal(3, ReadOk($"[{three}]", limits: limits).Accepted.Count);
        Assert.Equal(3, ReadOk($"{{\"events\":[{three}]}}", limits: limits).Accepted.Count);

        foreach (var payload in new[] { $"[{three},{Event("m")}]", $"{{\"events\":[{three},5]}}", $"[{three},{Invalid}]" })
        {
            var error = Wire.Read(payload, limits: limits).Error;
            Assert.Equal(PayloadErrorKind.TooManyEvents, error?.Kind);
            Assert.Equal("payload has more than 3 events (limit Ingest:MaxEventsPerBatch)", error!.Message);
        }
    }

    [Fact]
    public void Parsing_stops_at_the_event_past_the_limit()
    {
        var limits = LogEventLimits.Default with { MaxEventsPerBatch = 2 };
        string garbageAfterTheLimit = $"[{Event("a")},{Event("b")},{Event("c")}, this is not JSON";

        Assert.Equal(PayloadErrorKind.TooManyEvents, Wire.Read(garbageAfterTheLimit, limits: limits).Error?.Kind);
        Assert.Equal(PayloadErrorKind.TooManyEvents,
            Wire.Read($"{Event("a")}\n{Event("b")}\n{Event("c")}\nnot json", PayloadFormat.Ndjson, limits).Error?.Kind);
    }

    [Fact]
    public void The_default_limit_is_ten_thousand_events()
    {
        string payload = "[" + string.Join(",", Enumerable.Repeat(Event("m"), 10_001)) + "]";

        var error = Wire.Read(payload).Error;

        Assert.Equal(PayloadErrorKind.TooManyEvents, error?.Kind);
        Assert.Equal("payload has more than 10000 events (limit Ingest:MaxEventsPerBatch)", error!.Message);
        Assert.Equal(10_000, Wire.Read(payload[..payload.LastIndexOf(",{", StringComparison.Ordinal)] + "]").Accepted.Count);
    }

    [Fact]
    public void Ndjson_counts_lines_against_the_limit_but_not_blank_ones()
    {
        var limits = LogEventLimits.Default with { MaxEventsPerBatch = 2 };

        Assert.Equal(2, ReadOk($"\n{Event("a")}\n\n{Invalid}\n\n", PayloadFormat.Ndjson, limits).Total);
        var error = Wire.Read($"{Event("a")}\n{Invalid}\n{Event("c")}", PayloadFormat.Ndjson, limits).Error;
        Assert.Equal(PayloadErrorKind.TooManyEvents, error?.Kind);
        Assert.Equal("payload has more than 2 events (limit Ingest:MaxEventsPerBatch)", error!.Message);
    }

    [Fact]
    public void Strings_repeated_across_events_are_read_correctly()
    {
        var result = ReadOk("""
            [{"tenant_id":"acme","service":"api","host":"h1","severity":"info","message":"1","attributes":{"env":"prod","n":1}},
             {"tenant_id":"acme","service":"api","host":"h1","severity":"info","message":"2","attributes":{"env":"prod","n":1}},
             {"tenant_id":"acmf","service":" api ","host":"h2","severity":"info","message":"3","attributes":{"n":"prod","env":2}},
             {"tenant_id":"acme","service":"api","host":"h1","severity":"info","message":"4","attributes":{"env":"p\u0072od","n":true}}]
            """);

        Assert.Equal(["acme", "acme", "acmf", "acme"], result.Accepted.Select(e => e.TenantId));
        Assert.Equal(["api", "api", "api", "api"], result.Accepted.Select(e => e.Service));
        Assert.Equal(["h1", "h1", "h2", "h1"], result.Accepted.Select(e => e.Host));
        Assert.Equal(
            ["env=prod;n=1", "env=prod;n=1", "n=prod;env=2", "env=prod;n=true"],
            result.Accepted.Select(e => FieldCases.Normalized(e, "attributes")));
    }

    [Fact]
    public void A_repeated_value_is_not_confused_with_an_escaped_look_alike()
    {
        // The first event's text is a backslash and an 'n'; the second's raw bytes are the same, but they are
        // an escape for a newline.
        var result = ReadOk("""
            [{"tenant_id":"acme","service":"a\\n","severity":"info","message":"1","attributes":{"k":"x\\ty"}},
             {"tenant_id":"acme","service":"a\n","severity":"info","message":"2"},
             {"tenant_id":"acme","service":"b","severity":"info","message":"3","attributes":{"k":"x\ty"}}]
            """);

        Assert.Equal("a\\n", result.Accepted[0].Service);
        Assert.Equal("x\\ty", result.Accepted[0].Attributes[0].Value);
        Assert.Equal("service", Assert.Single(Assert.Single(result.Rejected).Errors).Field);
        Assert.Equal("x\ty", result.Accepted[1].Attributes[0].Value);
    }

    [Fact]
    public void The_reader_can_be_shared_between_threads()
    {
        string payload = "[" + string.Join(",", Enumerable.Range(0, 200).Select(i => Wire.Event(("message", $"\"{i}\""), ("service", $"\"s{i % 7}\"")))) + "]";

        Parallel.For(0, 64, _ =>
        {
            var result = Wire.Read(payload);
            Assert.Equal(Enumerable.Range(0, 200).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), result.Accepted.Select(e => e.Message));
            Assert.Equal(Enumerable.Range(0, 200).Select(i => $"s{i % 7}"), result.Accepted.Select(e => e.Service));
        });
    }

    [Fact]
    public void An_unknown_format_is_refused()
    {
        Assert.Equal(PayloadErrorKind.UnsupportedShape, Wire.Read(Event("m"), (PayloadFormat)99).Error?.Kind);
    }
}
