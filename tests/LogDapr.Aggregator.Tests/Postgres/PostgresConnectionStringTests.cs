using LogDapr.Postgres;
using Npgsql;

namespace LogDapr.Aggregator.Tests.Postgres;

/// <summary>One Secret value must work for Dapr's binding (pgx formats) and for Npgsql.</summary>
public class PostgresConnectionStringTests
{
    [Theory]
    [InlineData("host=db.example port=5433 user=logs password=s3cret dbname=logdapr sslmode=require connect_timeout=10")]
    [InlineData("postgres://logs:s3cret@db.example:5433/logdapr?sslmode=require&connect_timeout=10")]
    [InlineData("postgresql://logs:s3cret@db.example:5433/logdapr?sslmode=require&connect_timeout=10")]
    [InlineData("  host = db.example   port=5433 user='logs' password='s3cret' dbname=logdapr sslmode=require connect_timeout=10 ")]
    public void Pgx_forms_convert_to_the_same_npgsql_settings(string pgx)
    {
        var npgsql = new NpgsqlConnectionStringBuilder(PostgresConnectionString.ToNpgsql(pgx));

        Assert.Equal("db.example", npgsql.Host);
        Assert.Equal(5433, npgsql.Port);
        Assert.Equal("logs", npgsql.Username);
        Assert.Equal("s3cret", npgsql.Password);
        Assert.Equal("logdapr", npgsql.Database);
        Assert.Equal(SslMode.Require, npgsql.SslMode);
        Assert.Equal(10, npgsql.Timeout);
    }

    [Fact]
    public void Quoted_and_escaped_values_keep_spaces_quotes_and_semicolons()
    {
        var npgsql = new NpgsqlConnectionStringBuilder(PostgresConnectionString.ToNpgsql(@"host=h password='a b;c \'q\' =' user=u"));

        Assert.Equal("a b;c 'q' =", npgsql.Password);
        Assert.Equal("u", npgsql.Username);
    }

    [Fact]
    public void Url_escapes_are_decoded()
    {
        var npgsql = new NpgsqlConnectionStringBuilder(PostgresConnectionString.ToNpgsql("postgres://us%40er:p%3Ass@h/db%20x"));

        Assert.Equal("us@er", npgsql.Username);
        Assert.Equal("p:ss", npgsql.Password);
        Assert.Equal("db x", npgsql.Database);
    }

    [Theory]
    [InlineData("verify-ca", SslMode.VerifyCA)]
    [InlineData("verify-full", SslMode.VerifyFull)]
    [InlineData("disable", SslMode.Disable)]
    public void Ssl_modes_map_to_npgsql_names(string libpq, SslMode expected)
        => Assert.Equal(expected, new NpgsqlConnectionStringBuilder(PostgresConnectionString.ToNpgsql($"host=h sslmode={libpq}")).SslMode);

    [Fact]
    public void Npgsql_form_is_left_alone()
    {
        const string npgsql = "Host=h;Port=1;Username=u;Database=d";

        Assert.Equal(npgsql, PostgresConnectionString.ToNpgsql(npgsql));
    }

    [Theory]
    [InlineData("host=h port")]
    [InlineData("host=h password='unterminated")]
    public void Malformed_keyword_strings_are_refused(string pgx)
        => Assert.Throws<FormatException>(() => PostgresConnectionString.ToNpgsql(pgx));

    [Fact]
    public void The_local_libpq_form_round_trips()
    {
        var npgsql = new NpgsqlConnectionStringBuilder(PostgresConnectionString.ToNpgsql(PostgresConnectionString.Libpq("127.0.0.1", 6000, "postgres", "logdapr")));

        Assert.Equal(("127.0.0.1", 6000, "postgres", "logdapr", SslMode.Disable), (npgsql.Host, npgsql.Port, npgsql.Username, npgsql.Database, npgsql.SslMode));
    }

    [Fact]
    public void Url_passwords_with_reserved_characters_decode_as_pgx_does()
    {
        // Go's url.Parse: %XX decoded everywhere; '+' is a plus in the user info (a space only in the query).
        var npgsql = new NpgsqlConnectionStringBuilder(PostgresConnectionString.ToNpgsql("postgres://app:p%40ss%2Fw%3Ard+%25x@db:5432/logs?application_name=log+dapr"));

        Assert.Equal("p@ss/w:rd+%x", npgsql.Password);
        Assert.Equal("app", npgsql.Username);
        Assert.Equal("log dapr", npgsql.ApplicationName);
    }

    [Theory]
    [InlineData("postgres://u@[2001:db8::5]:5433/d")]
    [InlineData("postgres://u@[2001:db8::5]/d?port=5433")]
    [InlineData("host=2001:db8::5 port=5433 user=u dbname=d")]
    public void Ipv6_hosts_are_unbracketed_for_a_single_host(string pgx)
    {
        var npgsql = new NpgsqlConnectionStringBuilder(PostgresConnectionString.ToNpgsql(pgx));

        Assert.Equal(("2001:db8::5", 5433), (npgsql.Host, npgsql.Port));
    }

    [Theory]
    [InlineData("postgres://u@db-a:5432,db-b:5433,[2001:db8::5]:5434/d?target_session_attrs=read-write", "db-a:5432,db-b:5433,[2001:db8::5]:5434")]
    [InlineData("host=db-a,db-b port=5440 user=u target_session_attrs=read-write", "db-a:5440,db-b:5440")]
    public void Several_hosts_become_npgsql_multi_host(string pgx, string hosts)
    {
        var converted = PostgresConnectionString.ToNpgsql(pgx);
        var npgsql = new NpgsqlConnectionStringBuilder(converted);

        Assert.Equal(hosts, npgsql.Host);
        Assert.Equal("read-write", npgsql.TargetSessionAttributes);
        using var source = NpgsqlDataSource.Create(converted);
        Assert.IsType<NpgsqlMultiHostDataSource>(source);
    }

    [Theory]
    [InlineData("postgres://u:S3cretPass@db/d?sslmode=verify-full", SslMode.VerifyFull)]
    [InlineData("postgres://u:S3cretPass@db/d?sslrootcert=system", SslMode.VerifyFull)]
    [InlineData("postgres://u:S3cretPass@db/d?sslmode=require", SslMode.Require)]
    public void Url_ssl_settings_carry_over(string pgx, SslMode expected)
        => Assert.Equal(expected, new NpgsqlConnectionStringBuilder(PostgresConnectionString.ToNpgsql(pgx)).SslMode);

    [Theory]
    [InlineData("postgres://u:S3cretPass%zz@db/d", "'%'")]
    [InlineData("postgres://u:S3cret/Pass@db/d", "percent-encoded")]
    [InlineData("postgres://u:S3cret Pass@db/d", "percent-encoded")]
    [InlineData("postgres://u:S3cretPass@[2001:db8::5/d", "']'")]
    [InlineData("host=db password='S3cretPass", "closing quote")]
    [InlineData("host=db password=S3cretPass\\", "backslash")]
    public void Unreadable_strings_are_refused_without_quoting_them(string pgx, string reason)
    {
        var e = Assert.Throws<FormatException>(() => PostgresConnectionString.ToNpgsql(pgx));

        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("S3cret", e.Message, StringComparison.Ordinal);
    }
}
