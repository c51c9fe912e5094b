using System.Text;
using LogDapr.LoadGen.Runner;

namespace LogDapr.LoadTest.Tests.Runner;

public class ResponseOutcomeTests
{
    [Theory]
    [InlineData("{\"accepted\":500,\"rejected\":[]}", 500, 0)]
    [InlineData("{\"accepted\":3,\"rejected\":[{\"index\":1,\"errors\":[{\"field\":\"severity\",\"message\":\"x\"}]},{\"index\":4,\"errors\":[]}]}", 3, 2)]
    [InlineData("{\"type\":\"about:blank\",\"status\":400,\"rejected\":[{\"index\":0,\"errors\":[]}]}", 0, 1)]
    [InlineData("{\"accepted\":7,\"rejected\":[{\"index\":0,\"errors\":[]}],\"rejected_total\":250,\"rejected_by_field\":{\"severity\":250}}", 7, 250)]
    [InlineData("{\"nested\":{\"accepted\":9},\"accepted\":1}", 1, 0)]
    [InlineData("not json", 0, 0)]
    [InlineData("", 0, 0)]
    public void Reads_the_accepted_count_and_the_rejected_list(string body, int accepted, int rejected)
        => Assert.Equal(new ResponseOutcome(accepted, rejected), ResponseOutcome.Parse(Encoding.UTF8.GetBytes(body)));
}
