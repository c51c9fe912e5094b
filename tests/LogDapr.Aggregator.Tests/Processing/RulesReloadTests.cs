using LogDapr.Aggregator.Processing.Observability;
using LogDapr.Aggregator.Processing.Rules;
using LogDapr.Configuration.Processing;
using LogDapr.Aggregator.Tests.Counting;
using LogDapr.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using LogDapr.Aggregator.Tests.Support;

namespace LogDapr.Aggregator.Tests.Processing;

/// <summary>
/// The processor's rules file is often written in place: truncated, then written. A poll between the two reads an
/// empty document, which is valid ("no rules") and, put in use, would switch redaction off for the next deliveries.
/// </summary>
public sealed class RulesReloadTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    private const string Redacting = "redaction:\n  presets: [email]\n";
    private const string RedactingMore = "redaction:\n  presets: [email, ipv4]\n";

    private readonly string directory = ScratchDirectory.NewPath("processing", "reload");
    // The clock never moves: the loop never polls, the test does.
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
    private readonly ActiveRules active = new();
    private readonly TestMeterFactory meters = new();
    private readonly RulesWatcher watcher;

    public RulesReloadTests()
    {
        Directory.CreateDirectory(directory);
        watcher = new RulesWatcher(active, Options.Create(new ProcessingOptions { RulesFile = File, ReloadInterval = Interval }),
            new ProcessingMetrics(meters), time, NullLogger<RulesWatcher>.Instance);
    }

    private string File => Path.Combine(directory, "processing.yaml");

    public void Dispose()
    {
        watcher.Dispose();
        meters.Dispose();
        ScratchDirectory.Remove(directory);
    }

    [Fact]
    public async Task A_file_caught_half_written_is_never_put_in_use_and_the_finished_one_is()
    {
        await StartWithAsync(Redacting);

        // Truncated: one poll reads the empty document. Then written: the next poll reads another change, the one
        // after it takes the finished document.
        await WriteAndPollAsync("");
        Assert.Equal(Redacting, active.Current.Text);
        await WriteAndPollAsync(RedactingMore);
        Assert.Equal(Redacting, active.Current.Text);
        await watcher.PollAsync(CancellationToken.None);

        Assert.Equal(RedactingMore, active.Current.Text);
    }

    [Fact]
    public async Task An_emptied_file_that_stays_empty_is_put_in_use_one_poll_later()
    {
        await StartWithAsync(Redacting);

        await WriteAndPollAsync("");
        Assert.Equal(Redacting, active.Current.Text);
        await watcher.PollAsync(CancellationToken.None);

        Assert.Equal("", active.Current.Text);
    }

    [Fact]
    public async Task A_change_undone_before_it_settled_is_forgotten()
    {
        await StartWithAsync(Redacting);

        await WriteAndPollAsync(RedactingMore);
        await WriteAndPollAsync(Redacting);
        await WriteAndPollAsync(RedactingMore);

        // Seen twice, but not in a row: not settled yet.
        Assert.Equal(Redacting, active.Current.Text);
        await watcher.PollAsync(CancellationToken.None);
        Assert.Equal(RedactingMore, active.Current.Text);
    }

    private async Task StartWithAsync(string rules)
    {
        await System.IO.File.WriteAllTextAsync(File, rules);
        await watcher.StartAsync(CancellationToken.None);
    }

    private async Task WriteAndPollAsync(string rules)
    {
        await System.IO.File.WriteAllTextAsync(File, rules);
        await watcher.PollAsync(CancellationToken.None);
    }
}
