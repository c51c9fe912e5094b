using System.Net;
using Dapr;
using Dapr.Client;
using Grpc.Core;
using LogDapr.DevSidecar.Tests.Support;

namespace LogDapr.DevSidecar.Tests.Api;

public class ApiTokenTests
{
    [Fact]
    public async Task Calls_without_the_token_are_rejected_and_health_stays_open()
    {
        using var dir = new TempDir();
        dir.Write("res/state.yaml", Yaml.StateComponent());
        await using var sidecar = await TestSidecar.StartAsync(Path.Combine(dir.Path, "res"), dir.Sub("data"), configure: o => o with { ApiToken = "s3cret" });

        // TestSidecar's client carries the token.
        await sidecar.Client.SaveStateAsync(Yaml.Store, "k", "v");

        using var anonymous = new DaprClientBuilder().UseGrpcEndpoint(sidecar.Host.GrpcEndpoint).UseHttpEndpoint(sidecar.Host.HttpEndpoint).Build();
        var ex = await Assert.ThrowsAsync<DaprException>(() => anonymous.GetStateAsync<string>(Yaml.Store, "k"));
        Assert.Equal(StatusCode.Unauthenticated, Assert.IsType<RpcException>(ex.InnerException).StatusCode);
        Assert.True(await anonymous.CheckHealthAsync());

        using var http = new HttpClient { BaseAddress = new Uri(sidecar.Host.HttpEndpoint) };
        using var refused = await http.GetAsync("/v1.0/metadata");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("invalid api token\n", await refused.Content.ReadAsStringAsync());
        Assert.Equal("Unauthorized", Assert.IsType<RpcException>(ex.InnerException).Status.Detail);
        http.DefaultRequestHeaders.Add("dapr-api-token", "s3cret");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v1.0/metadata")).StatusCode);
    }
}
