using LogDapr.Postgres;

namespace LogDapr.Aggregator.Tests.Postgres;

/// <summary>What daprd's PostgreSQL components (components-contrib v1.16 + pgx v5) accept, checked before deploying.</summary>
public class DaprConnectionStringCheckTests
{
    [Theory]
    [InlineData("postgres://logdapr:S3cretPass@postgres.logging.svc:5432/logdapr?sslmode=require")]
    [InlineData("postgresql://app:S3cretPass@cluster-rw.db:5432/app")]
    [InlineData("postgres://logdapr:S3cret%20Pass%40x@[2001:db8::5]:5432/logdapr?sslmode=verify-full&connect_timeout=10&pool_max_conns=8")]
    [InlineData("postgres://logdapr:S3cretPass@db-a:5432,db-b:5432/logdapr?target_session_attrs=read-write")]
    [InlineData("host=postgres.logging.svc port=5432 user=logdapr password=S3cretPass dbname=logdapr sslmode=disable")]
    [InlineData("host=postgres.logging.svc user=logdapr password='S3cret\\'Pass' dbname=logdapr statement_timeout=5000 pool_max_conn_lifetime=1h30m")]
    public void Forms_daprd_reads_pass(string connectionString)
        => Assert.Null(DaprConnectionStringCheck.Problem(connectionString));

    [Theory]
    [InlineData("Host=postgres.logging.svc;Database=logdapr;Username=logdapr;Password=S3cretPass", "Npgsql form")]
    [InlineData("host=postgres.logging.svc;database=logdapr;username=logdapr;password=S3cretPass", "Npgsql form")]
    [InlineData("Host=postgres.logging.svc", "Npgsql form")]
    [InlineData("host=db username=logdapr password=S3cretPass", "\"username\"")]
    [InlineData("POSTGRES://logdapr:S3cretPass@db/logdapr", "lower case")]
    [InlineData("   ", "is empty")]
    [InlineData("user=logdapr password=S3cretPass dbname=logdapr", "no host")]
    [InlineData("postgres://db/logdapr", "no user")]
    [InlineData("host=/var/run/postgresql user=logdapr", "Unix socket")]
    [InlineData("postgres://logdapr:S3cretPass@db:99999/logdapr", "port")]
    [InlineData("postgres://logdapr:S3cret/Pass@db/logdapr", "percent-encoded")]
    [InlineData("postgres://logdapr:S3cretPass%G1@db/logdapr", "two hex digits")]
    [InlineData("host=db user=logdapr password='S3cret Pass'", "space")]
    [InlineData("host = db user=logdapr password=S3cretPass", "space")]
    [InlineData("host=db user=logdapr password=S3cretPass sslmode=required", "sslmode")]
    [InlineData("host=db user=logdapr password=S3cretPass target_session_attrs=primary-only", "target_session_attrs")]
    [InlineData("host=db user=logdapr password=S3cretPass pool_max_conns=0", "pool_max_conns")]
    [InlineData("host=db user=logdapr password=S3cretPass connect_timeout=ten", "connect_timeout")]
    [InlineData("host=db user=logdapr password=S3cretPass pool_max_conn_lifetime=90", "Go duration")]
    [InlineData("host=db user=logdapr password=S3cretPass sslcert=/c.pem", "sslkey")]
    [InlineData("host=db user=logdapr Pass=S3cretPass", "not a libpq keyword")]
    [InlineData("host=db user=logdapr password=S3cretPass&x=1 Extra", "keyword=value")]
    public void What_daprd_cannot_use_is_named_with_the_fix_and_never_quoted(string connectionString, string expected)
    {
        var problem = DaprConnectionStringCheck.Problem(connectionString);

        Assert.NotNull(problem);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.DoesNotContain("S3cret", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("Pass=", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_npgsql_form_message_shows_both_readable_forms()
    {
        var problem = DaprConnectionStringCheck.Problem("Host=pg;Database=logs;Username=u");

        Assert.Contains("postgres://USER:PASSWORD@HOST:5432/DATABASE?sslmode=require", problem, StringComparison.Ordinal);
        Assert.Contains("host=HOST port=5432 user=USER password=PASSWORD dbname=DATABASE", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres://logdapr:S3cretPass@postgres.logging.svc:5432/logdapr?sslmode=require")]
    [InlineData("host=postgres.logging.svc port=5432 user=logdapr password=S3cretPass dbname=logdapr sslmode=require")]
    public void What_passes_the_check_converts_for_the_aggregator(string connectionString)
    {
        var npgsql = new Npgsql.NpgsqlConnectionStringBuilder(PostgresConnectionString.ToNpgsql(connectionString));

        Assert.Equal(("postgres.logging.svc", 5432, "logdapr", "S3cretPass", "logdapr"), (npgsql.Host, npgsql.Port, npgsql.Username, npgsql.Password, npgsql.Database));
    }
}
