namespace LogDapr.Observability.Tests.Support;

/// <summary>The test's own parsers, so a passing dashboard or metrics test means what it says.</summary>
public sealed class SupportTests
{
    [Fact]
    public void Prometheus_text_is_parsed_with_types_labels_escapes_and_special_values()
    {
        var text = PrometheusText.Parse("""
            # HELP requests_total Requests.
            # TYPE requests_total counter
            requests_total{route="/v1/logs",detail="a \"quoted\" \\ value, with {braces}"} 3 1700000000000
            requests_total{route="/other"} 4
            # TYPE lag_seconds histogram
            lag_seconds_bucket{le="1"} 2
            lag_seconds_bucket{le="+Inf"} 5
            lag_seconds_sum 12.5
            lag_seconds_count 5
            up NaN
            """);
        Assert.Equal("counter", text.Types["requests_total"]);
        Assert.Equal("histogram", text.Types["lag_seconds"]);
        Assert.Equal(7, text.Sum("requests_total"));
        Assert.Equal(3, text.Sum("requests_total", ("route", "/v1/logs")));
        Assert.Equal("a \"quoted\" \\ value, with {braces}", text.Samples[0].Label("detail"));
        Assert.Equal(5, text.Sum("lag_seconds_bucket", ("le", "+Inf")));
        Assert.True(double.IsNaN(text.Samples.Single(s => s.Name == "up").Value));
        Assert.Equal(["lag_seconds_bucket", "lag_seconds_count", "lag_seconds_sum", "requests_total", "up"], text.SeriesNames.Order());
    }

    [Theory]
    [InlineData("requests_total{route=\"/x\"} 3 4 5")]
    [InlineData("requests_total{route=/x} 3")]
    [InlineData("requests_total{route=\"/x} 3")]
    [InlineData("requests_total three")]
    public void Malformed_exposition_lines_fail_the_parse(string line)
        => Assert.Throws<FormatException>(() => PrometheusText.Parse(line));

    [Theory]
    [InlineData("sum(rate(a_total{ns=~\"$namespace\"}[$__rate_interval]))", "a_total")]
    [InlineData("histogram_quantile(0.99, sum by (le, namespace) (rate(lag_seconds_bucket[5m]))) > 120", "lag_seconds_bucket")]
    [InlineData("sum by (namespace) (rate(x_total[10m])) > 0 unless on (namespace) sum by (namespace) (rate(y_total[10m])) > 0", "x_total,y_total")]
    [InlineData("a / ignoring(code) group_left b offset 5m", "a,b")]
    [InlineData("sum(rate(http_server_request_duration_seconds_count{http_route=\"/v1/logs\",code=~\"5..\"}[5m])) / 1e3", "http_server_request_duration_seconds_count")]
    public void PromQL_metric_names_are_found_and_nothing_else(string expression, string expected)
        => Assert.Equal(expected.Split(',').Order(), PromQl.MetricNames(expression).Order());
}
