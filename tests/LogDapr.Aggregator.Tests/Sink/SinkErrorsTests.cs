using LogDapr.Aggregator.Sink;

namespace LogDapr.Aggregator.Tests.Sink;

/// <summary>Permanent vs transient, read from the text daprd returns for a failed binding call.</summary>
public class SinkErrorsTests
{
    private const string Prefix = "Status(StatusCode=\"Internal\", Detail=\"error invoking output binding logdapr-postgres: error executing query: ";

    [Theory]
    [InlineData("ERROR: index row size 8216 exceeds btree version 4 maximum 2704 for index \\\"processed_messages_pkey\\\" (SQLSTATE 54000)\")", "54000")]
    [InlineData("ERROR: unsupported Unicode escape sequence (SQLSTATE 22P05)\")", "22P05")]
    [InlineData("ERROR: invalid byte sequence for encoding \\\"UTF8\\\": 0x00 (SQLSTATE 22021)\")", "22021")]
    [InlineData("ERROR: new row for relation \\\"log_counts\\\" violates check constraint (SQLSTATE 23514)\")", "23514")]
    [InlineData("ERROR: syntax error at or near \\\"SELEC\\\" (SQLSTATE 42601)\")", "42601")]
    public void Errors_the_data_causes_are_permanent(string detail, string state)
    {
        var text = Prefix + detail;

        Assert.Equal(state, SinkErrors.SqlState(text));
        Assert.True(SinkErrors.IsPermanent(SinkErrors.SqlState(text)));
    }

    [Theory]
    [InlineData("failed to connect to `host=127.0.0.1 user=postgres database=logdapr`: dial error (dial tcp 127.0.0.1:5432: connect: connection refused)\")")]
    [InlineData("FATAL: terminating connection due to administrator command (SQLSTATE 57P01)\")")]
    [InlineData("ERROR: could not serialize access due to concurrent update (SQLSTATE 40001)\")")]
    [InlineData("ERROR: deadlock detected (SQLSTATE 40P01)\")")]
    [InlineData("FATAL: sorry, too many clients already (SQLSTATE 53300)\")")]
    [InlineData("ERROR: duplicate key value violates unique constraint (SQLSTATE 23505)\")")]
    [InlineData("ERROR: function logdapr.count_messages(jsonb, integer) does not exist (SQLSTATE 42883)\")")]
    [InlineData("ERROR: relation \\\"logdapr.log_counts\\\" does not exist (SQLSTATE 42P01)\")")]
    [InlineData("ERROR: permission denied for table log_counts (SQLSTATE 42501)\")")]
    [InlineData("context deadline exceeded\")")]
    public void Outages_and_deployment_problems_are_transient(string detail)
        => Assert.False(SinkErrors.IsPermanent(SinkErrors.SqlState(Prefix + detail)));

    [Fact]
    public void Without_the_daprd_prefix_the_sidecar_being_down_is_transient()
        => Assert.False(SinkErrors.IsPermanent(SinkErrors.SqlState("Status(StatusCode=\"Unavailable\", Detail=\"Error connecting to subchannel.\")")));
}
