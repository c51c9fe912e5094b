using System.Runtime.InteropServices;

namespace LogDapr.LocalRunner.Cli;

/// <summary>
/// Ctrl+C (SIGINT), SIGQUIT and SIGTERM all mean "stop everything cleanly": the default for each would end the
/// process at once and leave Postgres running. A repeated signal while stopping only says that it is still stopping.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly PosixSignalRegistration[] registrations;

    private StopSignals(PosixSignalRegistration[] registrations) => this.registrations = registrations;

    public static StopSignals Register(CancellationTokenSource stop, Action onRepeat)
    {
        void Handle(PosixSignalContext context)
        {
            context.Cancel = true;
            if (stop.IsCancellationRequested)
            {
                onRepeat();
                return;
            }

            stop.Cancel();
        }

        return new StopSignals([
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
        ]);
    }

    public void Dispose()
    {
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }
    }
}
