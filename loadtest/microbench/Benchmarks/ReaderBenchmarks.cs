using BenchmarkDotNet.Attributes;
using LogDapr.Contracts.Events;
using LogDapr.Ingest.Intake;
using LogDapr.Ingest.Publishing;
using LogDapr.ServiceDefaults.Auth;

namespace LogDapr.MicroBenchmarks.Benchmarks;

/// <summary>Ingest's hot path: parse, validate and normalize one 500-event request body, and turn it into published messages.</summary>
[MemoryDiagnoser]
public class ReaderBenchmarks
{
    // Ingest's defaults (Ingest:EventsPerMessage, Ingest:MaxPublishedMessageBytes).
    private const int EventsPerMessage = 500;
    private const int MaxMessageBytes = 900 * 1024;

    private readonly LogEventReader reader = new(LogEventLimits.Default);
    private readonly DateTimeOffset receivedAt = new(BenchmarkData.Now);
    private byte[] batch = [];

    [GlobalSetup]
    public void Setup() => batch = BenchmarkData.Batch();

    [Benchmark(Description = "LogEventReader.Read, 500 events")]
    public int ParseValidateNormalize()
    {
        var result = reader.Read(batch, PayloadFormat.Json, receivedAt);
        return Expect(result.Accepted.Count);
    }

    [Benchmark(Description = "LogEventReader.Encode, 500 events")]
    public int ParseValidateNormalizeEncoded()
    {
        using var result = reader.Encode(batch, PayloadFormat.Json, receivedAt);
        return Expect(result.Accepted.Count);
    }

    public const string IngestPathName = "Ingest path, body to published messages";

    /// <summary>What ingest does between a request's body and the sidecar call: read, tenant check, message ids, CloudEvents.</summary>
    [Benchmark(Description = IngestPathName + ", 500 events")]
    public int BodyToPublishedMessages() => Expect(BuildMessages(reader, batch, receivedAt).Sum(m => m.EventCount));

    /// <summary>The envelopes one operation of <see cref="BodyToPublishedMessages"/> publishes: how many, and their bytes as arrays (24-byte header each).</summary>
    public static (int Count, long Bytes) PublishedEnvelopes()
    {
        var messages = BuildMessages(new LogEventReader(LogEventLimits.Default), BenchmarkData.Batch(), new DateTimeOffset(BenchmarkData.Now));
        return (messages.Count, messages.Sum(m => 24L + ((m.Envelope.Length + 7) / 8 * 8)));
    }

    private static List<LogDapr.ServiceDefaults.Publishing.OutgoingCloudEvent> BuildMessages(LogEventReader reader, byte[] body, DateTimeOffset receivedAt)
    {
        using var parsed = reader.Encode(body, PayloadFormat.Json, receivedAt);
        var allowed = TenantFilter.Apply(parsed, ApiKeyPrincipal.AuthDisabled).Allowed;
        var ids = MessageIdScheme.Choose(keyed: null, allowed);
        return MessageBuilder.Build(allowed, receivedAt, EventsPerMessage, MaxMessageBytes, trace: null, ids);
    }

    private static int Expect(int accepted) => accepted == BenchmarkData.EventsPerBatch
        ? accepted
        : throw new InvalidOperationException($"expected {BenchmarkData.EventsPerBatch} accepted events, got {accepted}");
}
