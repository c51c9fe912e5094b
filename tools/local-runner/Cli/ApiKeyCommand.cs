using System.CommandLine;
using LogDapr.ServiceDefaults.Auth;

namespace LogDapr.LocalRunner.Cli;

/// <summary>
/// `logdapr-local api-key --tenant acme`: a new API key, and the line that grants it, for the tenant's file in the
/// key directory (or Secret). The key is shown once; only its hash is stored.
/// </summary>
public static class ApiKeyCommand
{
    public static Command Create()
    {
        var tenant = new Option<string>("--tenant") { Description = "Tenant the key writes and reads; '_admin' for an admin key.", Required = true };
        var roles = new Option<string?>("--roles") { Description = "Comma-separated roles (write, read; admin only for _admin). Default: write,read." };
        var id = new Option<string?>("--id") { Description = "A name for the key in logs and rate limits." };
        var command = new Command("api-key", "Generate an API key and the key-file line that grants it.") { tenant, roles, id };
        command.SetAction(parse =>
        {
            var key = ApiKeys.Generate();
            var options = string.Join(' ', new[] { parse.GetValue(roles) is { } r ? $"roles={r}" : null, parse.GetValue(id) is { } i ? $"id={i}" : null }.OfType<string>());
            var line = (ApiKeys.FileLine(key) + " " + options).TrimEnd();
            Console.Out.WriteLine($"API key (shown once, give it to the client): {key}");
            Console.Out.WriteLine($"Append this line to the file '{parse.GetValue(tenant)}' in the key directory / Secret:");
            Console.Out.WriteLine(line);
            return 0;
        });
        return command;
    }
}
