using System.CommandLine;
using LogDapr.LocalRunner.Cli;

// System.CommandLine's own Ctrl+C handling kills the process 2 s after the signal, before the pipeline has stopped
// Postgres (which runs in its own session and never sees the terminal's Ctrl+C). The runner handles the signals itself.
return await RunnerCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);
