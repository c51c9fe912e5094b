using LogDapr.Bench.Cli;

return await BenchCommand.Create().Parse(args).InvokeAsync().ConfigureAwait(false);
