using LogDapr.Ingest.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddIngest();
var app = builder.Build();
app.MapIngest();
app.Run();

/// <summary>Entry point type, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
