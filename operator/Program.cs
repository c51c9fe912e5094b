return await LogDapr.Operator.Cli.CommandLine.RunAsync(args).ConfigureAwait(false);
