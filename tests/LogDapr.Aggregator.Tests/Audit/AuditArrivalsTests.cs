using System.Text;
using LogDapr.Aggregator.Audit;
using LogDapr.ServiceDefaults.Audit;

namespace LogDapr.Aggregator.Tests.Audit;

/// <summary>What the counter accepts from the audit topic: records, checked like any input; anything else is dropped with a reason.</summary>
public sealed class AuditArrivalsTests
{
    private const string Valid = """{"id":"0194f0c2-7a1b-7c3d-8e4f-0123456789ab","at":"2026-11-28T10:00:00Z","actor":"anonymous","action":"auth.failure","tenant":null,"resource":"POST /v1/logs","remote_address":"10.0.0.1","status_code":401,"suppressed":3}""";

    private static AuditMessage? Read(string json, out string? error) => AuditArrivals.Read(Encoding.UTF8.GetBytes(json), out error);

    [Fact]
    public void A_delivered_record_is_read_with_its_id_time_and_fields()
    {
        var record = Read($$"""{"specversion":"1.0","id":"x","data":{{Valid}}}""", out var error);

        Assert.Null(error);
        Assert.NotNull(record);
        Assert.Equal(Guid.Parse("0194f0c2-7a1b-7c3d-8e4f-0123456789ab"), record.Id);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero), record.At);
        Assert.Equal(("auth.failure", "POST /v1/logs", "10.0.0.1", 401, 3), (record.Action, record.Resource, record.RemoteAddress, record.StatusCode, record.Suppressed));
    }

    [Theory]
    [InlineData("not json", "not an audit record")]
    [InlineData("[]", "not a CloudEvent")]
    [InlineData("""{"data":"text"}""", "not a CloudEvent")]
    [InlineData("""{"data":{"id":"00000000-0000-0000-0000-000000000000","at":"2026-11-28T10:00:00Z","actor":"a","action":"auth.failure","status_code":401,"suppressed":0}}""", "id is missing")]
    [InlineData("""{"data":{"id":"0194f0c2-7a1b-7c3d-8e4f-0123456789ab","at":"2026-11-28T10:00:00Z","actor":"","action":"auth.failure","status_code":401,"suppressed":0}}""", "actor is missing")]
    [InlineData("""{"data":{"id":"0194f0c2-7a1b-7c3d-8e4f-0123456789ab","at":"2026-11-28T10:00:00Z","actor":"a","action":"drop.table","status_code":401,"suppressed":0}}""", "unknown action")]
    [InlineData("""{"data":{"id":"0194f0c2-7a1b-7c3d-8e4f-0123456789ab","at":"2026-11-28T10:00:00Z","actor":"a","action":"auth.failure","status_code":99,"suppressed":0}}""", "status_code")]
    [InlineData("""{"data":{"id":"0194f0c2-7a1b-7c3d-8e4f-0123456789ab","at":"2026-11-28T10:00:00Z","actor":"a","action":"auth.failure","status_code":401,"suppressed":-1}}""", "suppressed")]
    [InlineData("""{"data":{"id":"not-a-guid","actor":"a","action":"auth.failure","status_code":401,"suppressed":0}}""", "not an audit record")]
    public void What_is_not_a_record_is_refused_with_a_reason(string cloudEvent, string reason)
    {
        Assert.Null(Read(cloudEvent, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
