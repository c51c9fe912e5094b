using LogDapr.LocalRunner.Cli;

return await RunnerCommand.Create().Parse(args).InvokeAsync().ConfigureAwait(false);
