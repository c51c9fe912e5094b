using LogDapr.Aggregator.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddAggregator();
var app = builder.Build();
app.MapAggregator();
app.Run();

/// <summary>Entry point type, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
