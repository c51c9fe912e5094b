using LogDapr.LoadGen.Cli;

return await LoadGenCommand.Create().Parse(args).InvokeAsync().ConfigureAwait(false);
